from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "attune.core"
    label = "core"
    verbose_name = "Attune kernel"

    def ready(self) -> None:
        from attune.core import audit, backup, disclosure, ticks
        from attune.core.models import SharingGrant

        # Once a minute (one worker of the deployment): a signed checkpoint of every audit chain.
        ticks.register("audit.checkpoint", audit.checkpoint_tick)
        # Backups on a schedule, when ATTUNE_BACKUP_DIR is set (off by default).
        ticks.register("backup.scheduled", backup.scheduled_tick)
        disclosure.exports(SharingGrant, "What you shared with your partner, and when you stopped")
