from types import SimpleNamespace

from django.apps import AppConfig

from attune.core import events


def _intake_safety_concern(event: events.SafetyConcern) -> object:
    # Transitional (house-intake): the intake publishes SafetyConcern instead of calling monitoring; this keeps
    # raising its alert through the existing logic until monitoring's own handler for the event replaces it.
    from attune.monitoring import services

    return services.on_intake_concern(SimpleNamespace(client_id=event.client_id, created=event.since), event.item)


class MonitoringConfig(AppConfig):
    name = "attune.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from attune.monitoring import perms

        del perms  # declared on import
        events.subscribe(events.SafetyConcern, _intake_safety_concern)
