from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "attune.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        from attune.questionnaires import perms

        del perms  # declared on import
        from attune.core import disclosure
        from attune.questionnaires.models import Answer, Response

        disclosure.exports(Response, "Questionnaires you answered, with their scores")
        disclosure.exports(Answer, "Your answer to each question")
