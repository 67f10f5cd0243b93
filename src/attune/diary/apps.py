from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "attune.diary"
    label = "diary"
    verbose_name = "Trigger and skills diary, relationship scripts and insights"

    def ready(self) -> None:
        from attune.core import disclosure
        from attune.core import suggestions as offered
        from attune.diary import models, perms, queries, suggestions
        from attune.skills import journal
        from attune.skills import services as skills

        del perms  # declared on import
        # The sharing default is the diary's table, but a practice logged in the skills engine (below the diary)
        # follows it too: the engine cannot import the diary, so the diary hands it the reader.
        skills.use_share_default(queries.share_default)
        # Learning work links to scripts and entries; it cannot import the diary, so the diary hands it readers.
        journal.use_journal(queries.script_refs, queries.entry_refs)
        # What the client logged, offered to the safety plan (and any capability) as suggestions.
        offered.register("warning_signs", suggestions.warning_signs)
        offered.register("helpful_skills", suggestions.helpful_skills)
        # The entries the client shared, for the care team's "since the last session" (core/timeline.py).
        from attune.core import timeline as care_timeline
        from attune.diary import timeline

        care_timeline.register("diary.entries", "Diary", timeline.since)
        # The client's default for new entries, for a progress review's "what you chose to share".
        disclosure.decides("diary.default", queries.sharing_decision)
        # The client's access log names an entry by its date (core.disclosure; the privacy centre reads it).
        disclosure.describes("DiaryEntry", queries.described)
        disclosure.exports(models.DiaryPreferences, "Whether new diary entries are shared with your care team")
        disclosure.exports(models.RelationshipScript, "Your relationship map: the patterns you named")
        disclosure.exports(models.NewResponse, "New responses you are practising")
        disclosure.exports(models.DiaryEntry, "Your diary entries")
        disclosure.exports(models.ResponsePractice, "Each time you practised a new response")
