from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "attune.intake"
    label = "intake"
    verbose_name = "Intake"
