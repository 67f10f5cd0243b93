from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "attune.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from attune.questionnaires import perms

        del perms  # declared on import
