"""Demo safety plan for Dana, seeded idempotently (fixed ids): a plan she built with Alice in session, a support
network of two, a few versions, the suicide-safety part shared with her care team and reviewed together last week,
and a short relationship-safety part that only she sees. Everything is invented and general, never graphic; the
phone numbers are from the ranges set aside for drama and examples, so none of them rings anyone.
"""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.utils import timezone

from attune.safetyplan.models import PlanVersion, SafetyPlan, Sharing, SupportPerson

NAMESPACE = uuid.UUID("3b0c1f0e-8a7d-4d7e-9a0b-5c2f9e1d7a44")


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


PEOPLE = [
    {
        "key": "maya",
        "name": "Maya",
        "how_they_help": "Old friend. Happy to talk about anything or nothing.",
        "phone": "07700 900461",
        "reach": "Text first; she calls back within the hour.",
        "knows_about_therapy": "yes",
        "safe_to_contact": "yes",
    },
    {
        "key": "tom",
        "name": "Tom (brother)",
        "how_they_help": "Good for a walk and a change of scene.",
        "phone": "07700 900782",
        "reach": "",
        "knows_about_therapy": "no",
        "safe_to_contact": "yes",
    },
]


def _safety(people: dict[str, SupportPerson]) -> dict[str, Any]:
    return {
        "warning_signs": {
            "text": "Not sleeping for a few nights in a row. Cancelling plans with everyone. "
            "A tight chest and racing thoughts in the evening. Thinking 'nothing will change'.",
        },
        "coping": {
            "text": "Slow breathing with a longer out-breath. A shower. Music from my running playlist.",
            "skills": ["paced-breathing", "grounding-54321"],
        },
        "distractions": {
            "text": "The library café on the high street. The park by the river.",
            "people": [str(people["tom"].pk)],
        },
        "help": {"text": "I can say 'I'm having a hard week' and that is enough.", "people": [str(people["maya"].pk)]},
        "professionals": {
            "text": "Alice, in working hours, through the practice.",
            "services": [{"name": "My GP surgery", "phone": "01632 960123"}],
        },
        "surroundings": {"text": "Ask Maya to keep my spare medication for now. Keep evenings busy when I can."},
        "reasons": {"text": "My niece. Finishing my course. The sea in summer. My cat, who needs breakfast."},
    }


RELATIONSHIP = {
    "signs": "When an argument starts to feel frightening, or I am told I cannot go out.",
    "safe_place": "Maya's flat.",
    "getting_there": "Bus 12 from the corner, or a taxi; the fare is in my coat pocket.",
    "checklist": ["id", "money", "phone", "medication"],
    "checklist_other": "",
    "code_word": "Lighthouse",
    "code_person": "Maya",
    "contact_ways": "Text only, to my work phone.",
    "services": [{"name": "Local domestic abuse helpline (24 hours)", "phone": "0808 157 0000"}],
}


def seed(clients: dict[str, Any], users: dict[str, Any]) -> None:
    dana, alice = clients.get("dana"), users.get("alice")
    if dana is None or SafetyPlan.objects.filter(client=dana).exists():
        return
    now = timezone.now()
    people = {}
    for item in PEOPLE:
        values = {k: v for k, v in item.items() if k != "key"}
        person = SupportPerson(id=demo_id(f"person-{item['key']}"), client=dana, created=now, updated=now, **values)
        person.save()
        people[item["key"]] = person
    safety = _safety(people)
    plan = SafetyPlan(
        id=demo_id("plan"),
        client=dana,
        sharing=Sharing.SAFETY,
        reviewed_on=timezone.localdate() - datetime.timedelta(days=6),
        reviewed_by=alice,
        created=now - datetime.timedelta(days=20),
    )
    # The versions as they were saved: built with Alice in session, a step at a time, then Dana's own part.
    steps = list(safety)
    plan.safety = json.dumps(safety)
    plan.relationship = json.dumps(RELATIONSHIP)
    plan.version = len(steps) + 1
    plan.updated = now - datetime.timedelta(days=3)
    plan.save()
    for number, step in enumerate(steps, start=1):
        PlanVersion(
            id=demo_id(f"version-{number}"),
            client=dana,
            plan=plan,
            number=number,
            step=step,
            touches_safety=True,
            by_client=False,
            author=alice,
            safety=json.dumps({k: safety[k] for k in steps[:number]}),
            relationship="{}",
            created=now - datetime.timedelta(days=20, minutes=-5 * number),
        ).save()
    PlanVersion(
        id=demo_id("version-relationship"),
        client=dana,
        plan=plan,
        number=len(steps) + 1,
        step="relationship",
        touches_relationship=True,
        by_client=True,
        author=users.get("dana"),
        safety=plan.safety,
        relationship=plan.relationship,
        created=plan.updated,
    ).save()
