from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "attune.skills"
    label = "skills"
    verbose_name = "Skills library, guided exercises and practice records"

    def ready(self) -> None:
        from attune.skills import perms

        del perms  # declared on import
        from attune.core import timeline as care_timeline
        from attune.skills import timeline

        care_timeline.register("skills.practice", "Practice", timeline.since)
        from attune.core import disclosure
        from attune.skills import models

        disclosure.exports(models.SkillPractice, "Skills you practised, and your notes")
        disclosure.exports(models.SkillRecommendation, "Skills your clinician suggested")
        disclosure.exports(models.GroundingPhrase, "Your grounding phrases")
