from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "attune.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from attune.monitoring import perms

        del perms  # declared on import
