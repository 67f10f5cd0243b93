from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "attune.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from attune.intake import perms

        del perms  # declared on import
        from attune.core import disclosure
        from attune.intake import models

        disclosure.exports(models.Intake, "Your first questionnaire")
        disclosure.exports(models.IntakeAnswer, "Your answers to the first questionnaire")
        disclosure.exports(models.IntakeSection, "Your care team's notes on each part of it")
