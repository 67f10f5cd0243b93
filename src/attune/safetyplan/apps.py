from django.apps import AppConfig


class SafetyPlanConfig(AppConfig):
    name = "attune.safetyplan"
    label = "safetyplan"
    verbose_name = "Safety plan and support network"

    def ready(self) -> None:
        from attune.core import events
        from attune.safetyplan import perms, services

        del perms  # declared on import
        # After a safety concern, the care team's view of the plan suggests going through it together.
        events.subscribe(events.ResponseAnswered, services.on_answered)
        events.subscribe(events.SafetyConcern, services.on_safety_concern)
        _exports()


def _exports() -> None:
    from attune.core import disclosure
    from attune.safetyplan import models as m

    disclosure.exports(m.SafetyPlan, "Your safety plan, both parts, and whom you share it with")
    disclosure.exports(m.PlanVersion, "Every saved version of your safety plan")
    disclosure.exports(m.SupportPerson, "The people in your support network")
