from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "attune.privacy"
    label = "privacy"
    verbose_name = "The client's privacy centre: access log, who sees what, break-glass"

    def ready(self) -> None:
        from attune.core import policy
        from attune.privacy import perms, queries

        del perms  # declared on import
        policy.use_withheld(queries.withheld_from)
        policy.use_break_glass(queries.break_glass_in_force)
        queries.register_describers()
