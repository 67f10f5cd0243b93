from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "attune.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"
