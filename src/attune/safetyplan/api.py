"""The safety plan API: the plan (its two parts as the caller may see them), its versions, the client's sharing
choice, "reviewed together", and the support network. Every operation reaches the client through the policy first;
a part the client does not share is absent from the answer (null), never described; writes go through
safetyplan/services.py with that access. A partner holds no permission here: every operation answers them 403,
the same whether a plan exists or not."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field
from pydantic import ValidationError as SchemaError

from attune.accounts.roles import user_of
from attune.core import policy
from attune.core.apidoc import may_answer
from attune.core.policy import Access
from attune.safetyplan import inputs, perms, queries, services
from attune.safetyplan.models import PlanVersion, SafetyPlan, SupportPerson, visible_parts

# A phone number as services.clean_phone takes it: empty, or at least three digits with spaces, ( ) - . and a
# leading +.
PHONE = r"^(|\s*\+?[ ()\-.]*[0-9][ ()\-.]*[0-9][ ()\-.]*[0-9][0-9 ()\-.]*)$"

router = Router(tags=["safetyplan"])

STEP = "^(" + "|".join(inputs.ALL_STEPS) + ")$"
YES_NO = "^(" + "|".join(inputs.YES_NO_CODES) + ")$"


class SafetyPlanContact(Schema):
    name: str = Field(default="", max_length=inputs.SHORT_LIMIT)
    phone: str = Field(default="", max_length=inputs.PHONE_LIMIT, pattern=PHONE)


class SafetyPlanStep(Schema):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    skills: list[str] | None = Field(default=None, max_length=inputs.MAX_SKILLS, description="coping only")
    people: list[uuid.UUID] | None = Field(
        default=None, max_length=inputs.MAX_PEOPLE, description="distractions and help only: support-network ids"
    )
    services: list[SafetyPlanContact] | None = Field(
        default=None, max_length=inputs.MAX_SERVICES, description="professionals only"
    )


class SafetyPlanRelationship(Schema):
    model_config = ConfigDict(extra="forbid")

    signs: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    safe_place: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    getting_there: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    checklist: list[str] = Field(default_factory=list, max_length=len(inputs.CHECKLIST_CODES))
    checklist_other: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    code_word: str = Field(default="", max_length=inputs.SHORT_LIMIT)
    code_person: str = Field(default="", max_length=inputs.SHORT_LIMIT)
    contact_ways: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    services: list[SafetyPlanContact] = Field(default_factory=list, max_length=inputs.MAX_SERVICES)


class SafetyPlanOut(Schema):
    exists: bool
    version: int
    sharing: str | None = Field(description="The client's choice; only the client is told it")
    reviewed_on: datetime.date | None
    review_suggested: bool = Field(description="A safety concern was raised since the last review together")
    steps: dict[str, dict[str, Any]] | None = Field(description="The suicide-safety part, by step; null if not shared")
    relationship: dict[str, Any] | None = Field(description="The relationship-safety part; null if not shared")
    has_photo: bool


class SafetyPlanStepIn(Schema):
    step: str = Field(pattern=STEP, description="A step of the plan, or 'relationship' for that part")
    values: dict[str, Any] = Field(description="SafetyPlanStep for a step, SafetyPlanRelationship for 'relationship'")
    version: int | None = Field(default=None, description="The version you read; a stale one gives 409")


class SafetyPlanVersionOut(Schema):
    id: uuid.UUID
    number: int
    change: str
    step: str
    by_client: bool
    created: datetime.datetime
    steps: dict[str, dict[str, Any]] | None
    relationship: dict[str, Any] | None


class SafetyPlanVersionPage(Schema):
    items: list[SafetyPlanVersionOut]
    count: int
    page: int
    pages: int


class SafetyPlanPageQuery(Schema):
    page: int = Field(default=1, ge=1)


class SafetyPlanRestoreIn(Schema):
    version: int | None = Field(default=None, description="The plan's current version, as you read it")


class SafetyPlanSharingIO(Schema):
    sharing: str = Field(pattern="^(" + "|".join(inputs.SHARING_CODES) + ")$")


class SafetyPlanReviewIn(Schema):
    reviewed_on: datetime.date


class SupportPersonIn(Schema):
    name: str = Field(min_length=1, max_length=inputs.PERSON_TEXT["name"])
    how_they_help: str = Field(default="", max_length=inputs.PERSON_TEXT["how_they_help"])
    phone: str = Field(default="", max_length=inputs.PHONE_LIMIT, pattern=PHONE)
    reach: str = Field(default="", max_length=inputs.PERSON_TEXT["reach"])
    knows_about_therapy: str = Field(default="", pattern=YES_NO)
    safe_to_contact: str = Field(default="", pattern=YES_NO)


class SupportPersonPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=inputs.PERSON_TEXT["name"])
    how_they_help: str | None = Field(default=None, max_length=inputs.PERSON_TEXT["how_they_help"])
    phone: str | None = Field(default=None, max_length=inputs.PHONE_LIMIT, pattern=PHONE)
    reach: str | None = Field(default=None, max_length=inputs.PERSON_TEXT["reach"])
    knows_about_therapy: str | None = Field(default=None, pattern=YES_NO)
    safe_to_contact: str | None = Field(default=None, pattern=YES_NO)


class SupportPersonOut(Schema):
    id: uuid.UUID
    name: str
    how_they_help: str
    phone: str
    reach: str
    knows_about_therapy: str
    safe_to_contact: str


def _parts(
    access: Access, plan: SafetyPlan | None, safety: dict[str, Any], relationship: dict[str, Any]
) -> dict[str, Any]:
    parts = visible_parts(access, plan)
    return {
        "steps": {k: safety.get(k) or {} for k in inputs.STEP_KEYS} if inputs.SAFETY in parts else None,
        "relationship": relationship if inputs.RELATIONSHIP in parts else None,
    }


def _plan_out(access: Access, plan: SafetyPlan | None) -> dict[str, Any]:
    parts = visible_parts(access, plan)
    if plan is not None and parts:
        access.shown("SafetyPlan", [plan.pk], perms.VIEW_PLAN)
    return {
        "exists": plan is not None,
        "version": plan.version if plan is not None else 0,
        "sharing": (plan.sharing if plan is not None else "none") if access.is_self else None,
        "reviewed_on": plan.reviewed_on if plan is not None and parts else None,
        "review_suggested": bool(plan is not None and parts and plan.review_suggested),
        "has_photo": bool(plan is not None and plan.photo and inputs.SAFETY in parts),
        **_parts(access, plan, plan.safety_data if plan else {}, plan.relationship_data if plan else {}),
    }


def _version_out(access: Access, plan: SafetyPlan | None, v: PlanVersion) -> dict[str, Any]:
    return {
        "id": v.pk,
        "number": v.number,
        "change": v.change,
        "step": v.step
        if v.step != inputs.RELATIONSHIP_STEP or inputs.RELATIONSHIP in visible_parts(access, plan)
        else "",
        "by_client": v.by_client,
        "created": v.created,
        **_parts(access, plan, v.safety_data, v.relationship_data),
    }


def _person_out(p: SupportPerson) -> dict[str, Any]:
    return {name: getattr(p, name) for name in SupportPersonOut.model_fields}


@router.get("/clients/{client_id}/safety-plan", response=SafetyPlanOut, operation_id="get_safety_plan")
def get_safety_plan(request: HttpRequest, client_id: str) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_PLAN)
    return _plan_out(access, queries.plan_of(access))


@router.put(
    "/clients/{client_id}/safety-plan/steps",
    response=SafetyPlanOut,
    operation_id="save_safety_plan_step",
    openapi_extra=may_answer(409),
)
def save_safety_plan_step(request: HttpRequest, client_id: str, payload: SafetyPlanStepIn) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.EDIT_PLAN, shows=perms.VIEW_PLAN)
    schema = SafetyPlanRelationship if payload.step == inputs.RELATIONSHIP_STEP else SafetyPlanStep
    try:
        values = schema.model_validate(payload.values).model_dump(exclude_none=True)
    except SchemaError as exc:
        raise ValidationError(
            {".".join(str(p) for p in e["loc"]) or "values": e["msg"] for e in exc.errors(include_url=False)}
        ) from exc
    if "people" in values:
        values["people"] = [str(p) for p in values["people"]]
    plan = services.save_step(access, payload.step, values, expected_version=payload.version)
    return _plan_out(access, plan)


@router.get(
    "/clients/{client_id}/safety-plan/versions",
    response=SafetyPlanVersionPage,
    operation_id="list_safety_plan_versions",
)
def list_safety_plan_versions(
    request: HttpRequest, client_id: str, params: Query[SafetyPlanPageQuery]
) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_PLAN)
    plan = queries.plan_of(access)
    page = Paginator(queries.versions(access), 20).get_page(params.page)
    access.shown("PlanVersion", [v.pk for v in page.object_list], perms.VIEW_PLAN)
    return {
        "items": [_version_out(access, plan, v) for v in page.object_list],
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


@router.post(
    "/clients/{client_id}/safety-plan/versions/{version_id}/restore",
    response=SafetyPlanOut,
    operation_id="restore_safety_plan_version",
)
def restore_safety_plan_version(
    request: HttpRequest, client_id: str, version_id: str, payload: SafetyPlanRestoreIn
) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.RESTORE_PLAN, shows=perms.VIEW_PLAN)
    found = policy.row_of(access, queries.versions(access), version_id, perms.RESTORE_PLAN, entity="PlanVersion")
    return _plan_out(access, services.restore(access, found, expected_version=payload.version))


@router.get(
    "/clients/{client_id}/safety-plan/sharing", response=SafetyPlanSharingIO, operation_id="get_safety_plan_sharing"
)
def get_safety_plan_sharing(request: HttpRequest, client_id: str) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.SHARE_PLAN)
    plan = queries.plan_of(access)
    return {"sharing": plan.sharing if plan is not None else "none"}


@router.put(
    "/clients/{client_id}/safety-plan/sharing", response=SafetyPlanSharingIO, operation_id="update_safety_plan_sharing"
)
def update_safety_plan_sharing(request: HttpRequest, client_id: str, payload: SafetyPlanSharingIO) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.SHARE_PLAN)
    return {"sharing": services.set_sharing(access, payload.sharing).sharing}


@router.post(
    "/clients/{client_id}/safety-plan/reviewed", response=SafetyPlanOut, operation_id="mark_safety_plan_reviewed"
)
def mark_safety_plan_reviewed(request: HttpRequest, client_id: str, payload: SafetyPlanReviewIn) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.REVIEW_PLAN, shows=perms.VIEW_PLAN)
    return _plan_out(access, services.mark_reviewed(access, payload.reviewed_on))


@router.get("/clients/{client_id}/support-network", response=list[SupportPersonOut], operation_id="list_support_people")
def list_support_people(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.VIEW_PLAN)
    return [_person_out(p) for p in queries.shown_people(access)]


@router.post(
    "/clients/{client_id}/support-network", response={201: SupportPersonOut}, operation_id="add_support_person"
)
def add_support_person(request: HttpRequest, client_id: str, payload: SupportPersonIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.EDIT_NETWORK)
    return 201, _person_out(services.add_person(access, payload.model_dump()))


def _person(request: HttpRequest, client_id: str, person_id: str, perm: policy.Perm) -> tuple[Access, SupportPerson]:
    access = policy.client(user_of(request), client_id, perm, shows=perms.VIEW_PLAN if perm.write else None)
    return access, policy.row_of(access, queries.people(access), person_id, perm, entity="SupportPerson")


@router.patch(
    "/clients/{client_id}/support-network/{person_id}", response=SupportPersonOut, operation_id="update_support_person"
)
def update_support_person(
    request: HttpRequest, client_id: str, person_id: str, payload: SupportPersonPatch
) -> dict[str, Any]:
    access, found = _person(request, client_id, person_id, perms.EDIT_NETWORK)
    return _person_out(services.update_person(access, found, payload.model_dump(exclude_none=True)))


@router.delete(
    "/clients/{client_id}/support-network/{person_id}", response={204: None}, operation_id="delete_support_person"
)
def delete_support_person(request: HttpRequest, client_id: str, person_id: str) -> tuple[int, None]:
    access, found = _person(request, client_id, person_id, perms.EDIT_NETWORK)
    services.remove_person(access, found)
    return 204, None
