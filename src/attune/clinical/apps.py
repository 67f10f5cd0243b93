from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "attune.clinical"
    label = "clinical"
    verbose_name = "The clinical record: session notes, treatment plans and goals"

    def ready(self) -> None:
        from attune.clinical import perms, services
        from attune.core import ticks

        del perms  # declared on import
        ticks.register("clinical.remind_appointments", services.remind_upcoming)
