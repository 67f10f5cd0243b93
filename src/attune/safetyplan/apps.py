from typing import Any

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
    disclosure.decides("safetyplan", _sharing_decision)


def _sharing_decision(access: Any) -> Any:
    """The privacy centre's line about the plan: what the care team sees of it, and where to change that."""
    from django.urls import reverse

    from attune.core.disclosure import Decision
    from attune.safetyplan.models import SafetyPlan, Sharing

    plan = SafetyPlan.objects.filter(client_id=access.client_id).only("sharing").first()
    if plan is None:
        return None
    words: dict[str, str] = {
        Sharing.NONE: "Your care team sees that you have a plan, and nothing in it.",
        Sharing.SAFETY: "Your care team sees the steps for staying safe and your support network, not your "
        "relationship-safety part.",
        Sharing.ALL: "Your care team sees all of your plan. Your partner never sees any of it.",
    }
    return Decision("Your safety plan", words.get(plan.sharing, words[Sharing.NONE]), reverse("safetyplan:sharing"))
