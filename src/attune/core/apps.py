from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "attune.core"
    label = "core"
    verbose_name = "Attune kernel"

    def ready(self) -> None:
        from attune.core import disclosure
        from attune.core.models import SharingGrant

        disclosure.exports(SharingGrant, "What you shared with your partner, and when you stopped")
