from typing import Any

from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "attune.clinical"
    label = "clinical"
    verbose_name = "The clinical record: session notes, treatment plans and goals"

    def ready(self) -> None:
        from attune.clinical import perms, queries, services, since
        from attune.core import sessions, ticks, timeline

        del perms  # declared on import
        timeline.register("clinical.exposure", "Practice", since.exposure)
        ticks.register("clinical.remind_appointments", services.remind_upcoming)
        sessions.register(queries.sessions_of_kind)
        _exports()


def _exports() -> None:
    """The client's export (privacy centre): what the client sees of their clinical record. The clinician's own
    working words (session notes, the clinician's formulation, the review narrative) are withheld here with the
    reason, as the in-app record withholds them; a practice answers a request for them under its own rules."""
    from attune.clinical import models as m
    from attune.core import disclosure

    clinicians_words = "Your clinician's working record; the practice answers a request for a copy."
    disclosure.exports(m.TreatmentPlan, "Your treatment plan, in your words", exclude={"formulation_clinician"})
    disclosure.exports(m.PlanRevision, "Earlier versions of your treatment plan", exclude={"formulation_clinician"})
    disclosure.exports(m.Goal, "Your goals and what each level of progress means")
    disclosure.exports(m.GoalRevision, "Earlier versions of your goals")
    disclosure.exports(m.GoalRating, "Ratings of progress on your goals, yours and your clinician's")
    disclosure.exports(m.ExposureSituation, "The situations on your practice ladder")
    disclosure.exports(m.ExposureHomework, "Practice you planned")
    disclosure.exports(m.ExposurePractice, "Each practice you logged, with how it felt")
    disclosure.exports(m.Appointment, "Your sessions: when, where, and whether they took place")
    disclosure.exports(m.ProgressReview, "Your progress reviews: the summary written for you", exclude={"narrative"})
    disclosure.fhir_resources("clinical.careplan", _care_plans)
    disclosure.withholds(m.SessionNote, f"Session notes. {clinicians_words}")
    disclosure.withholds(m.NoteAddendum, f"Additions to session notes. {clinicians_words}")
    disclosure.withholds(
        m.ReviewExport, "The files made from progress reviews; your own version can be downloaded from the review."
    )


def _care_plans(access: Any) -> list[dict[str, object]]:
    """The client's treatment plans and goals as FHIR R4 CarePlan and Goal, in the client's own words (the
    clinician's formulation stays out, as in the table export)."""
    from attune.clinical import models as m

    patient = {"reference": f"urn:uuid:{access.client_id}"}
    resources: list[dict[str, object]] = []
    goals = list(m.Goal.objects.filter(client_id=access.client_id).order_by("plan_id", "position", "created"))
    for goal in goals:
        target: dict[str, object] = {"dueDate": goal.target_date.isoformat()} if goal.target_date else {}
        resources.append(
            {
                "resourceType": "Goal",
                "id": str(goal.pk),
                "lifecycleStatus": "active" if goal.status == m.GoalStatus.ACTIVE else "on-hold",
                "description": {"text": goal.title},
                "subject": patient,
                "startDate": goal.created.date().isoformat(),
                **({"target": [target]} if target else {}),
                "note": [{"text": f"{words}: {text}"} for _score, words, text in goal.levels() if text],
            }
        )
    for plan in m.TreatmentPlan.objects.filter(client_id=access.client_id).select_related("episode"):
        closed = getattr(plan.episode, "closed", None)
        resources.append(
            {
                "resourceType": "CarePlan",
                "id": str(plan.pk),
                "status": "completed" if closed else "active",
                "intent": "plan",
                "subject": patient,
                "description": plan.formulation_client,
                "goal": [{"reference": f"urn:uuid:{g.pk}"} for g in goals if g.plan_id == plan.pk],
            }
        )
    return resources
