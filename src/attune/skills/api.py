"""The skills API: the library (content, for any signed-in user), and a client's recommendations, practice
records and grounding phrases, each reached through the policy first (rows: as the models' `for_access` lets the
caller see them)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from attune.accounts.roles import user_of
from attune.core import policy
from attune.core.apidoc import one_of
from attune.skills import inputs, library, perms, queries, services
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation

SKILLS = one_of(lambda: (skill.slug for skill in library.all_skills()))

router = Router(tags=["skills"])


class SkillSummary(Schema):
    slug: str
    title: str
    summary: str
    exercise: str
    minutes: int
    next: str


class SkillStepOut(Schema):
    label: str
    hint: str
    count: int
    seconds: int


class PatternOut(Schema):
    slug: str
    label: str
    phases: list[int] = Field(description="Seconds to breathe in, hold, breathe out, hold")


class BlockOut(Schema):
    kind: str
    text: str
    items: list[str]


class SkillDetail(SkillSummary):
    intro: str
    steps: list[SkillStepOut]
    patterns: list[PatternOut]
    body: list[BlockOut]


class RecommendationOut(Schema):
    skill: str
    title: str
    recommended_by: str | None
    created: datetime.datetime


class RecommendIn(Schema):
    skill: str = Field(max_length=inputs.SKILL_SLUG_LIMIT, json_schema_extra=SKILLS)


class SkillPracticeIn(Schema):
    key: uuid.UUID = Field(description="Made by the app; the same key and practice again returns the original")
    skill: str = Field(max_length=inputs.SKILL_SLUG_LIMIT, json_schema_extra=SKILLS)
    occurred_at: datetime.datetime | None = None
    distress_before: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    distress_after: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    variant: str = Field(default="", max_length=inputs.VARIANT_LIMIT)
    note: str = Field(default="", max_length=inputs.NOTE_LIMIT)
    shared: bool | None = None


class PracticePatch(Schema):
    distress_before: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    distress_after: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    note: str | None = Field(default=None, max_length=inputs.NOTE_LIMIT)
    shared: bool | None = None


class SkillPracticeOut(Schema):
    id: uuid.UUID
    skill: str
    occurred_at: datetime.datetime
    distress_before: int | None
    distress_after: int | None
    variant: str
    note: str
    shared: bool


class PracticePage(Schema):
    items: list[SkillPracticeOut]
    count: int
    page: int
    pages: int


class SkillPageQuery(Schema):
    page: int = Field(default=1, ge=1)


class PhraseIn(Schema):
    text: str = Field(min_length=1, max_length=inputs.PHRASE_LIMIT)


class PhraseOut(Schema):
    id: uuid.UUID
    text: str


def _text(spans: tuple[library.Span, ...]) -> str:
    return "".join(s.text for s in spans)


def _summary(skill: library.Skill) -> dict[str, Any]:
    return {name: getattr(skill, name) for name in SkillSummary.model_fields}


@router.get("/skills", response=list[SkillSummary], operation_id="list_skills")
def list_skills(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(s) for s in library.all_skills()]


@router.get("/skills/{slug}", response=SkillDetail, operation_id="get_skill")
def get_skill(request: HttpRequest, slug: str) -> dict[str, Any]:
    skill = library.get(slug)
    if skill is None:
        raise Http404("No such skill")
    return {
        **_summary(skill),
        "intro": skill.intro,
        "steps": [vars(step) for step in skill.steps],
        "patterns": [{"slug": p.slug, "label": p.label, "phases": list(p.phases)} for p in skill.patterns],
        "body": [{"kind": b.kind, "text": _text(b.spans), "items": [_text(i) for i in b.items]} for b in skill.blocks],
    }


def _recommendation(r: SkillRecommendation) -> dict[str, Any]:
    by = r.recommended_by.display_name if r.recommended_by else None
    return {"skill": r.skill, "title": library.title_of(r.skill), "recommended_by": by, "created": r.created}


@router.get(
    "/clients/{client_id}/skills/recommendations",
    response=list[RecommendationOut],
    operation_id="list_recommendations",
)
def list_recommendations(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    return [_recommendation(r) for r in queries.recommendations(access)]


@router.post(
    "/clients/{client_id}/skills/recommendations",
    response={201: RecommendationOut},
    operation_id="recommend_skill",
)
def recommend_skill(request: HttpRequest, client_id: str, payload: RecommendIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.RECOMMEND_SKILLS)
    return 201, _recommendation(services.recommend(access, payload.skill))


@router.delete(
    "/clients/{client_id}/skills/recommendations/{slug}", response={204: None}, operation_id="withdraw_recommendation"
)
def withdraw_recommendation(request: HttpRequest, client_id: str, slug: str) -> tuple[int, None]:
    services.withdraw(policy.client(user_of(request), client_id, perms.RECOMMEND_SKILLS), slug)
    return 204, None


def _practice(p: SkillPractice) -> dict[str, Any]:
    return {name: getattr(p, name) for name in SkillPracticeOut.model_fields}


@router.get("/clients/{client_id}/skills/practices", response=PracticePage, operation_id="list_skill_practices")
def list_skill_practices(request: HttpRequest, client_id: str, params: Query[SkillPageQuery]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    paginator = Paginator(queries.practices(access), 25)
    page = paginator.get_page(params.page)
    items = queries.shown_practices(access, page.object_list)
    return {
        "items": [_practice(p) for p in items],
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
    }


@router.post(
    "/clients/{client_id}/skills/practices",
    response={200: SkillPracticeOut, 201: SkillPracticeOut},
    operation_id="record_skill_practice",
)
def record_skill_practice(request: HttpRequest, client_id: str, payload: SkillPracticeIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_DIARY)
    data = services.PracticeInput(**payload.dict(exclude={"key", "skill"}))
    practice, created = services.record_practice(access, payload.skill, payload.key, data)
    return (201 if created else 200), _practice(practice)


@router.patch(
    "/clients/{client_id}/skills/practices/{practice_id}",
    response=SkillPracticeOut,
    operation_id="update_skill_practice",
)
def update_skill_practice(
    request: HttpRequest, client_id: str, practice_id: str, payload: PracticePatch
) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.WRITE_DIARY)
    practice = policy.row_of(
        access, SkillPractice.objects.all(), practice_id, perms.WRITE_DIARY, entity="SkillPractice"
    )
    return _practice(services.update_practice(access, practice, payload.dict(exclude_unset=True)))


@router.get("/clients/{client_id}/skills/phrases", response=list[PhraseOut], operation_id="list_phrases")
def list_phrases(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    # Phrases are the client's alone: asking with the client's own write permission keeps the care team out.
    access = policy.client(user_of(request), client_id, perms.WRITE_DIARY)
    return [{"id": p.pk, "text": p.text} for p in queries.shown_phrases(access)]


@router.post("/clients/{client_id}/skills/phrases", response={201: PhraseOut}, operation_id="add_phrase")
def add_phrase(request: HttpRequest, client_id: str, payload: PhraseIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_DIARY)
    phrase = services.add_phrase(access, payload.text)
    return 201, {"id": phrase.pk, "text": phrase.text}


@router.delete("/clients/{client_id}/skills/phrases/{phrase_id}", response={204: None}, operation_id="delete_phrase")
def delete_phrase(request: HttpRequest, client_id: str, phrase_id: str) -> tuple[int, None]:
    access = policy.client(user_of(request), client_id, perms.WRITE_DIARY)
    phrase = policy.row_of(
        access, GroundingPhrase.objects.all(), phrase_id, perms.WRITE_DIARY, entity="GroundingPhrase"
    )
    services.delete_phrase(access, phrase)
    return 204, None
