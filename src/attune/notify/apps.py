from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "attune.notify"
    label = "notify"
    verbose_name = "Notifications (the outbox)"

    def ready(self) -> None:
        from attune.core import ticks
        from attune.notify import delivery, perms  # noqa: F401  (perms: declares them)

        ticks.register("notify.recover", delivery.recover)
