from django.apps import AppConfig


class LearnConfig(AppConfig):
    name = "attune.learn"
    label = "learn"
    verbose_name = "Consent rehearsals, psychoeducation, thought records and narrative work"

    def ready(self) -> None:
        from attune.learn import content, insights, perms
        from attune.skills import journal

        del perms  # declared on import
        content.content()  # a broken content file stops start-up with a message naming it
        # The diary's insights include distress before and after these practices: the diary cannot import this
        # app, so it reads them through the skills engine's journal hook.
        journal.add_practice_source(insights.practice_uses)
        # Shared learning work, for the care team's "since the last session" (core/timeline.py).
        from attune.core import timeline as care_timeline
        from attune.learn import timeline

        care_timeline.register("learn.work", "Practice", timeline.since)
        _exports()


def _exports() -> None:
    from attune.core import disclosure
    from attune.learn import models as m

    disclosure.exports(m.ModuleRead, "The reading you marked as read")
    disclosure.exports(m.SavedPassage, "Passages you saved from your reading")
    disclosure.exports(m.Reflection, "Reflections you wrote on your reading")
    disclosure.exports(m.Rehearsal, "Consent conversations you rehearsed, with your own words")
    disclosure.exports(m.ThoughtRecord, "Your thought records")
    disclosure.exports(m.NarrativePiece, "Your writing: naming the story, letters, rewriting")
    disclosure.exports(m.Suggestion, "Exercises your clinician suggested")
