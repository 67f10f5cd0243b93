from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "attune.clinical"
    label = "clinical"
    verbose_name = "The clinical record: session notes, treatment plans and goals"

    def ready(self) -> None:
        from attune.clinical import perms

        del perms  # declared on import
