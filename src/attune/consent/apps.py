from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "attune.consent"
    label = "consent"
    verbose_name = "Consent and sharing"

    def ready(self) -> None:
        from attune.consent import perms, queries
        from attune.core import disclosure

        del perms  # declared on import
        disclosure.decides("consent.partner", queries.partner_decision)
