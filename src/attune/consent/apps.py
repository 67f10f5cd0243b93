from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "attune.consent"
    label = "consent"
    verbose_name = "Consent and sharing"

    def ready(self) -> None:
        from attune.consent import perms

        del perms  # declared on import
