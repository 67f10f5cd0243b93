from django.apps import AppConfig


class SafetyPlanConfig(AppConfig):
    name = "attune.safetyplan"
    label = "safetyplan"
    verbose_name = "Safety plan and support network"

    def ready(self) -> None:
        from attune.safetyplan import perms

        del perms  # declared on import
