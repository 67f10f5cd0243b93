from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "attune.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from attune.intake import perms

        del perms  # declared on import
