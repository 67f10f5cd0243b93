"""Safety-plan data for the standing cast, built through the policy, with a canary in every encrypted field.

dana: a plan with every step written (her warning signs, skills, people, her own contacts, reasons), a
relationship-safety part (signs, a safe place, a checklist, a code word, services), two people in her support
network, several versions, and a photo field holding a canary. She shares the suicide-safety part only with her
care team (alice). frank, her partner, is granted every sharing category there is.
eli: a plan of his own with one step, shared with his care team in full (bob).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from attune.core import policy
from attune.core.models import SharingGrant
from attune.safetyplan import perms, services
from attune.safetyplan.models import SafetyPlan, SupportPerson
from tests.cast import Cast, canary


@dataclass
class World:
    cast: Cast
    plan: SafetyPlan
    friend: SupportPerson
    sister: SupportPerson
    eli_plan: SafetyPlan
    eli_person: SupportPerson

    @property
    def dana(self) -> Any:
        return self.cast.client("dana")

    @property
    def eli(self) -> Any:
        return self.cast.client("eli")


def access_for(user: Any, client: Any, perm: policy.Perm = perms.EDIT_PLAN) -> policy.Access:
    return policy.client(user, client.pk, perm)


def person_values(model: str = "supportperson") -> dict[str, str]:
    return {
        "name": canary(model, "name"),
        "how_they_help": canary(model, "how_they_help"),
        "phone": "+44 7700 900123",
        "reach": canary(model, "reach"),
        "knows_about_therapy": "yes",
        "safe_to_contact": "yes",
    }


def build_plan(cast: Cast, who: str, *, everything: bool = True) -> tuple[SafetyPlan, list[SupportPerson]]:
    client = cast.client(who)
    user = cast.users[who]
    network = access_for(user, client, perms.EDIT_NETWORK)
    people = [services.add_person(network, person_values()) for _ in range(2 if everything else 1)]
    # A phone field refuses letters; the second person's holds a canary, set directly, to show it is sealed too.
    if everything:
        people[1].phone = canary("supportperson", "phone")
        people[1].save(update_fields=["phone"])
    edit = access_for(user, client)
    steps: dict[str, dict[str, Any]] = {
        "warning_signs": {"text": canary("safetyplan", "safety")},
        "coping": {"text": canary("safetyplan", "safety"), "skills": ["paced-breathing"]},
        "distractions": {"text": canary("safetyplan", "safety"), "people": [str(people[0].pk)]},
        "help": {"text": canary("safetyplan", "safety"), "people": [str(p.pk) for p in people]},
        "professionals": {
            "text": canary("safetyplan", "safety"),
            "services": [{"name": canary("safetyplan", "safety"), "phone": "0800 123 4567"}],
        },
        "surroundings": {"text": canary("safetyplan", "safety")},
        "reasons": {"text": canary("safetyplan", "safety")},
    }
    if not everything:
        steps = {"help": steps["help"]}
    plan = None
    for step, values in steps.items():
        plan = services.save_step(edit, step, values)
    if everything:
        plan = services.save_step(
            edit,
            "relationship",
            {
                "signs": canary("safetyplan", "relationship"),
                "safe_place": canary("safetyplan", "relationship"),
                "getting_there": canary("safetyplan", "relationship"),
                "checklist": ["id", "phone"],
                "checklist_other": canary("safetyplan", "relationship"),
                "code_word": canary("safetyplan", "relationship"),
                "code_person": canary("safetyplan", "relationship"),
                "contact_ways": canary("safetyplan", "relationship"),
                "services": [{"name": canary("safetyplan", "relationship"), "phone": "0808 2000 247"}],
            },
        )
    assert plan is not None
    return plan, people


def every_category() -> set[str]:
    """Every sharing category there is: the grant model's and any a permission names for partners."""
    named = {p.partner_category for p in policy.declared().values() if p.partner_category}
    return {c for c, _label in SharingGrant.Category.choices} | named


@pytest.fixture
def world(cast: Cast) -> World:
    plan, (friend, sister) = build_plan(cast, "dana")
    # The photo is a re-encoded JPEG in real use; a canary shows that whatever is stored there is sealed.
    plan.photo = canary("safetyplan", "photo")
    plan.save(update_fields=["photo"])
    services.set_sharing(access_for(cast.dana, cast.client("dana"), perms.SHARE_PLAN), "safety")
    eli_plan, (eli_person,) = build_plan(cast, "eli", everything=False)
    services.set_sharing(access_for(cast.eli, cast.client("eli"), perms.SHARE_PLAN), "all")
    for category in every_category():
        SharingGrant.objects.create(client=cast.client("dana"), grantee_role="partner", category=category)
    return World(
        cast=cast,
        plan=SafetyPlan.objects.get(pk=plan.pk),
        friend=friend,
        sister=sister,
        eli_plan=SafetyPlan.objects.get(pk=eli_plan.pk),
        eli_person=eli_person,
    )
