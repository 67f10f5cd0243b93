from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "attune.privacy"
    label = "privacy"
    verbose_name = "The client's privacy centre: access log, who sees what, break-glass"

    def ready(self) -> None:
        from attune.core import policy, ticks
        from attune.privacy import jobs, perms, queries, services

        del perms  # declared on import
        policy.use_withheld(queries.withheld_from)
        policy.use_break_glass(queries.break_glass_in_force)
        # The switches summed up in the client's words, for a progress review's "what you chose to share".
        from attune.core import disclosure as shared_choices

        shared_choices.decides("privacy.switches", queries.switches_decision)
        queries.register_describers()
        # Zips not downloaded within a day are thrown away; a request whose job was lost is built again.
        ticks.register("privacy.exports", jobs.tidy)
        # Erased clients whose retention holds have all ended: their keys are destroyed then.
        ticks.register("privacy.erasures", services.shred_when_holds_end)
        # The restore drill re-applies erasures from the tombstone files, which outlive the database.
        from attune.core import backup
        from attune.privacy import tombstones

        backup.register_tombstones("erased-clients", tombstones.collect, tombstones.apply)
        from attune.core import disclosure
        from attune.privacy import models

        disclosure.exports(models.Withholding, "Who you chose not to show parts of your record to")
        disclosure.exports(models.BreakGlass, "Emergency access to your record, with the reason given")
        disclosure.exports(models.ExportRequest, "Your requests for a copy of your data", exclude={"sealed"})
        disclosure.exports(models.ErasureRequest, "Your requests to have your record erased")
        disclosure.exports(models.RetentionHold, "What the practice must keep by law, why, and until when")
