from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "attune.notify"
    label = "notify"
    verbose_name = "Notifications (the outbox)"

    def ready(self) -> None:
        from attune.core import events, ticks
        from attune.notify import delivery, perms, services  # noqa: F401  (perms: declares them)

        ticks.register("notify.recover", delivery.recover)
        events.subscribe(events.SignInLinkRequested, services.send_sign_in_link)
