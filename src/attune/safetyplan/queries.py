"""Reads of the safety plan for pages, the API and the printout, always starting from what the caller may see
(policy.scoped: the models' `for_access`, and `visible_parts` for the plan's two parts). Helpers that fetch what
is shown audit it as read (`access.shown`), so views write no read audits. A fixed number of queries per page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from attune.care.crisis import resources_for
from attune.care.models import CrisisResource
from attune.care.records import record_of
from attune.core import policy, suggestions
from attune.core.policy import Access
from attune.safetyplan import inputs, perms
from attune.safetyplan.models import PlanVersion, SafetyPlan, Sharing, SupportPerson, visible_parts
from attune.skills import library


def plan_of(access: Access) -> SafetyPlan | None:
    return policy.scoped(access, SafetyPlan.objects.all()).first()


def versions(access: Access) -> QuerySet[PlanVersion]:
    return policy.scoped(access, PlanVersion.objects.all())


def people(access: Access) -> QuerySet[SupportPerson]:
    return policy.scoped(access, SupportPerson.objects.all())


def shown_people(access: Access) -> list[SupportPerson]:
    rows = list(people(access))
    access.shown("SupportPerson", [p.pk for p in rows], perms.VIEW_PLAN)
    return rows


def tel(phone: str) -> str:
    """The `tel:` form of a number as the client wrote it: digits and a leading +."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return ("+" if phone.strip().startswith("+") else "") + digits


@dataclass
class Step:
    key: str
    title: str
    hint: str
    text: str = ""
    skills: list[tuple[str, str]] = field(default_factory=list)  # (slug, title)
    people: list[SupportPerson] = field(default_factory=list)
    services: list[dict[str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.text or self.skills or self.people or self.services)


@dataclass
class PlanPage:
    """The plan as this caller may see it."""

    plan: SafetyPlan | None
    parts: set[str]
    steps: list[Step]
    relationship: dict[str, Any]
    network: list[SupportPerson]
    crisis: list[CrisisResource]
    client_name: str

    @property
    def sharing(self) -> str:
        return self.plan.sharing if self.plan is not None else Sharing.NONE

    @property
    def shows_safety(self) -> bool:
        return inputs.SAFETY in self.parts

    @property
    def shows_relationship(self) -> bool:
        return inputs.RELATIONSHIP in self.parts

    @property
    def empty(self) -> bool:
        return all(s.empty for s in self.steps) and not any(self.relationship.values())

    @property
    def photo(self) -> str:
        return self.plan.photo if self.plan is not None and self.shows_safety else ""

    @property
    def checklist(self) -> list[tuple[str, str, bool]]:
        ticked = set(self.relationship.get("checklist") or [])
        return [(code, label, code in ticked) for code, label in inputs.CHECKLIST]


def build_steps(safety: dict[str, Any], network: dict[str, SupportPerson]) -> list[Step]:
    steps = []
    for key, title, hint in inputs.STEPS:
        data = safety.get(key) or {}
        step = Step(key, title, hint, text=data.get("text", ""), services=list(data.get("services") or []))
        step.skills = [(slug, library.title_of(slug)) for slug in data.get("skills") or [] if library.get(slug)]
        step.people = [network[pid] for pid in data.get("people") or [] if pid in network]
        steps.append(step)
    return steps


def plan_page(
    access: Access,
    *,
    safety: dict[str, Any] | None = None,
    relationship: dict[str, Any] | None = None,
    audit: bool = True,
) -> PlanPage:
    """The plan this caller may see (audited as one read of the plan and of each person shown). `safety` and
    `relationship` show a version's text instead of the current one."""
    plan = plan_of(access)
    parts = visible_parts(access, plan)
    if plan is None and not access.is_self:
        parts = {inputs.SAFETY}  # nothing exists to hide: the care team may start a plan in session
    network = list(people(access))
    by_id = {str(p.pk): p for p in network}
    if inputs.SAFETY in parts:
        steps = build_steps(safety if safety is not None else (plan.safety_data if plan else {}), by_id)
    else:
        steps = []
    rel = relationship if relationship is not None else (plan.relationship_data if plan else {})
    if audit and plan is not None and parts:
        access.shown("SafetyPlan", [plan.pk], perms.VIEW_PLAN)
        access.shown("SupportPerson", [p.pk for p in network], perms.VIEW_PLAN)
    client = record_of(access)
    return PlanPage(
        plan=plan,
        parts=parts,
        steps=steps,
        relationship=rel if inputs.RELATIONSHIP in parts else {},
        network=network,
        crisis=resources_for(client.practice_id) if inputs.SAFETY in parts else [],
        client_name=client.preferred_name,
    )


def suggested_signs(access: Access) -> list[str]:
    return suggestions.gather("warning_signs", access)


def skill_choices(access: Access) -> list[tuple[str, str]]:
    """Every skill of the library, the ones that helped this client most first."""
    helped = [slug for slug in suggestions.gather("helpful_skills", access) if library.get(slug)]
    rest = [s.slug for s in library.all_skills() if s.slug not in helped]
    return [(slug, library.title_of(slug)) for slug in [*helped, *rest]]


def helped_most(access: Access) -> set[str]:
    return set(suggestions.gather("helpful_skills", access)[:3])
