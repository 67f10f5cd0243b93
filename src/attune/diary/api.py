"""The diary, relationship-script and insights API. Every operation reaches the client (and a row) through the
policy first, keeping to the rows the caller may see (the models' `for_access`); writes go through
diary/services.py with that access."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from attune.accounts.roles import user_of
from attune.core import policy
from attune.core.apidoc import IsoDate, each_one_of, may_answer, one_of
from attune.core.policy import Access
from attune.diary import inputs, perms, queries, services
from attune.diary import insights as insight_data
from attune.diary.inputs import TEXT_LIMITS
from attune.diary.models import (
    AutomaticResponse,
    BodyArea,
    BodyCue,
    DiaryEntry,
    NewResponse,
    RelationshipScript,
    ResponsePractice,
    TriggerKind,
)
from attune.skills import library as skills_library

# The lists a field's codes come from, in the document (the services check them).
CUES = each_one_of(lambda: BodyCue.values)
AREAS = each_one_of(lambda: BodyArea.values)
KINDS_EACH = each_one_of(lambda: TriggerKind.values)
RESPONSES = each_one_of(lambda: AutomaticResponse.values)
SKILL_OR_NONE = one_of(lambda: ["", *(skill.slug for skill in skills_library.all_skills())])

router = Router(tags=["diary"])

KINDS = "^(" + "|".join(TriggerKind.values) + ")$"
STATUS = "^(on_map|set_aside)$"


class EntryFields(Schema):
    occurred_at: datetime.datetime | None = Field(default=None, description="When it happened; now if left out")
    trigger_words: str = Field(default="", max_length=TEXT_LIMITS["trigger_words"])
    body_cues: list[str] = Field(default_factory=list, max_length=inputs.MAX_CODES, json_schema_extra=CUES)
    body_areas: list[str] = Field(default_factory=list, max_length=inputs.MAX_CODES, json_schema_extra=AREAS)
    script_id: uuid.UUID | None = None
    response: str = Field(default="", pattern="^(|usual|new|other)$")
    new_response_id: uuid.UUID | None = None
    what_i_did: str = Field(default="", max_length=TEXT_LIMITS["what_i_did"])
    skill: str = Field(default="", max_length=inputs.SKILL_SLUG_LIMIT, json_schema_extra=SKILL_OR_NONE)
    distress_after: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    note: str = Field(default="", max_length=TEXT_LIMITS["note"])
    shared: bool | None = Field(default=None, description="Shared with the care team; the client's default if left out")


class EntryIn(EntryFields):
    key: uuid.UUID = Field(description="Made by the app for each new entry. The same key and entry again returns "
                           "the original (200); the same key with a different entry is refused (422).")  # fmt: skip
    trigger_kind: str = Field(pattern=KINDS)
    distress_before: int = Field(ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)


class EntryPatch(Schema):
    occurred_at: datetime.datetime | None = None
    trigger_kind: str | None = Field(default=None, pattern=KINDS)
    distress_before: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    trigger_words: str | None = Field(default=None, max_length=TEXT_LIMITS["trigger_words"])
    body_cues: list[str] | None = Field(default=None, max_length=inputs.MAX_CODES, json_schema_extra=CUES)
    body_areas: list[str] | None = Field(default=None, max_length=inputs.MAX_CODES, json_schema_extra=AREAS)
    script_id: uuid.UUID | None = None
    response: str | None = Field(default=None, pattern="^(|usual|new|other)$")
    new_response_id: uuid.UUID | None = None
    what_i_did: str | None = Field(default=None, max_length=TEXT_LIMITS["what_i_did"])
    skill: str | None = Field(default=None, max_length=inputs.SKILL_SLUG_LIMIT, json_schema_extra=SKILL_OR_NONE)
    distress_after: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    note: str | None = Field(default=None, max_length=TEXT_LIMITS["note"])
    shared: bool | None = None
    version: int | None = Field(default=None, description="The version you read; a stale one gives 409")


class EntryOut(Schema):
    id: uuid.UUID
    occurred_at: datetime.datetime
    trigger_kind: str
    trigger_words: str
    distress_before: int
    distress_after: int | None
    body_cues: list[str]
    body_areas: list[str]
    script_id: uuid.UUID | None
    response: str
    new_response_id: uuid.UUID | None
    what_i_did: str
    skill: str
    note: str
    shared: bool
    version: int
    updated: datetime.datetime


class EntryPage(Schema):
    items: list[EntryOut]
    count: int
    page: int
    pages: int


class EntryFilter(Schema):
    kind: str = Field(default="", pattern="^(|" + "|".join(TriggerKind.values) + ")$")
    script: uuid.UUID | None = None
    since: IsoDate | None = None
    until: IsoDate | None = None
    page: int = Field(default=1, ge=1)


class EntrySearch(EntryFilter):
    """A search is posted, so a client's words never enter a URL or a log line (core.search)."""

    q: str = Field(
        default="", max_length=inputs.SEARCH_LIMIT, description="Searched in the entries' words, after decryption"
    )


class SettingsIO(Schema):
    share_by_default: bool


class NewResponseOut(Schema):
    id: uuid.UUID
    script_id: uuid.UUID
    status: str
    drafted_by_client: bool
    description: str
    uses_past_week: int
    uses_total: int


class ScriptFields(Schema):
    trigger_kinds: list[str] = Field(
        default_factory=list, max_length=inputs.MAX_TRIGGER_KINDS, json_schema_extra=KINDS_EACH
    )
    triggers: str = Field(default="", max_length=TEXT_LIMITS["triggers"])
    body_cues: list[str] = Field(default_factory=list, max_length=inputs.MAX_CODES, json_schema_extra=CUES)
    automatic_responses: list[str] = Field(
        default_factory=list, max_length=inputs.MAX_CODES, json_schema_extra=RESPONSES
    )
    automatic_words: str = Field(default="", max_length=TEXT_LIMITS["automatic_words"])
    protects: str = Field(default="", max_length=TEXT_LIMITS["protects"])
    costs: str = Field(default="", max_length=TEXT_LIMITS["costs"])


class ScriptIn(ScriptFields):
    name: str = Field(min_length=1, max_length=TEXT_LIMITS["name"])
    on_map: bool = Field(default=False, description="The client may put their own script straight on the map")


class ScriptPatch(Schema):
    name: str | None = Field(default=None, min_length=1, max_length=TEXT_LIMITS["name"])
    trigger_kinds: list[str] | None = Field(
        default=None, max_length=inputs.MAX_TRIGGER_KINDS, json_schema_extra=KINDS_EACH
    )
    triggers: str | None = Field(default=None, max_length=TEXT_LIMITS["triggers"])
    body_cues: list[str] | None = Field(default=None, max_length=inputs.MAX_CODES, json_schema_extra=CUES)
    automatic_responses: list[str] | None = Field(
        default=None, max_length=inputs.MAX_CODES, json_schema_extra=RESPONSES
    )
    automatic_words: str | None = Field(default=None, max_length=TEXT_LIMITS["automatic_words"])
    protects: str | None = Field(default=None, max_length=TEXT_LIMITS["protects"])
    costs: str | None = Field(default=None, max_length=TEXT_LIMITS["costs"])
    version: int | None = None


class ScriptOut(ScriptFields):
    id: uuid.UUID
    name: str
    status: str
    drafted_by_client: bool
    version: int
    appeared_past_week: int
    appeared_total: int
    new_responses: list[NewResponseOut]


class StatusIn(Schema):
    status: str = Field(pattern=STATUS)


class NewResponseIn(Schema):
    description: str = Field(min_length=1, max_length=TEXT_LIMITS["description"])
    on_map: bool = False


class NewResponsePatch(Schema):
    description: str = Field(min_length=1, max_length=TEXT_LIMITS["description"])


class ScriptPracticeIn(Schema):
    key: uuid.UUID
    occurred_at: datetime.datetime | None = None
    outcome: str = Field(default="", pattern="^(|" + "|".join(ResponsePractice.Outcome.values) + ")$")
    note: str = Field(default="", max_length=TEXT_LIMITS["note"])
    shared: bool | None = None


class ScriptPracticeOut(Schema):
    id: uuid.UUID
    occurred_at: datetime.datetime
    outcome: str
    note: str
    shared: bool
    diary_entry_id: uuid.UUID | None = None


class SkillEffectOut(Schema):
    skill: str
    title: str
    uses: int
    enough: bool = Field(description="False below 3 uses: not enough entries yet")
    mean_drop: float | None
    low: float | None
    high: float | None


class CountsOut(Schema):
    label: str
    counts: list[int]


class PeriodOut(Schema):
    period: str
    count: int


class InsightsOut(Schema):
    weeks: list[datetime.date]
    entry_count: int
    practice_count: int
    skills: list[SkillEffectOut]
    triggers: list[CountsOut]
    time_of_day: list[PeriodOut]
    scripts: list[CountsOut]
    new_response_uses: list[int]


class InsightsQuery(Schema):
    weeks: int = Field(default=insight_data.DEFAULT_WEEKS, ge=1, le=104)


def _entry(entry: DiaryEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in EntryOut.model_fields}


@router.get("/clients/{client_id}/diary/entries", response=EntryPage, operation_id="list_diary_entries")
def list_diary_entries(request: HttpRequest, client_id: str, filters: Query[EntryFilter]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    return _entry_page(access, filters, "")


@router.post("/clients/{client_id}/diary/entries/search", response=EntryPage, operation_id="search_diary_entries")
def search_diary_entries(request: HttpRequest, client_id: str, payload: EntrySearch) -> dict[str, Any]:
    """The list with a search in the entries' words: a POST, so the words stay out of URLs and logs."""
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    return _entry_page(access, payload, payload.q)


def _entry_page(access: Access, filters: EntryFilter, words: str) -> dict[str, Any]:
    wanted = queries.EntryFilters(kind=filters.kind, script=filters.script, since=filters.since, until=filters.until)
    qs = queries.filtered_entries(access, wanted)
    paginator = Paginator(queries.search(qs, words) if words else qs, 25)
    page = paginator.get_page(filters.page)
    items = queries.shown_entries(access, page.object_list)
    return {
        "items": [_entry(e) for e in items],
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
    }


@router.post(
    "/clients/{client_id}/diary/entries", response={200: EntryOut, 201: EntryOut}, operation_id="create_diary_entry"
)
def create_diary_entry(request: HttpRequest, client_id: str, payload: EntryIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_DIARY)
    data = services.EntryInput(**payload.dict(exclude={"key"}))
    entry, created = services.log_entry(access, payload.key, data)
    return (201 if created else 200), _entry(entry)


def _one_entry(request: HttpRequest, client_id: str, entry_id: str, perm: policy.Perm) -> tuple[Access, DiaryEntry]:
    access = policy.client(user_of(request), client_id, perm)
    return access, policy.row_of(access, queries.entries(access), entry_id, perm, entity="DiaryEntry")


@router.get("/clients/{client_id}/diary/entries/{entry_id}", response=EntryOut, operation_id="get_diary_entry")
def get_diary_entry(request: HttpRequest, client_id: str, entry_id: str) -> dict[str, Any]:
    _access, entry = _one_entry(request, client_id, entry_id, perms.VIEW_DIARY)
    return _entry(entry)


@router.patch(
    "/clients/{client_id}/diary/entries/{entry_id}",
    response=EntryOut,
    operation_id="update_diary_entry",
    openapi_extra=may_answer(409),
)
def update_diary_entry(request: HttpRequest, client_id: str, entry_id: str, payload: EntryPatch) -> dict[str, Any]:
    access, found = _one_entry(request, client_id, entry_id, perms.WRITE_DIARY)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    return _entry(services.update_entry(access, found, changes, expected_version=payload.version))


@router.delete("/clients/{client_id}/diary/entries/{entry_id}", response={204: None}, operation_id="delete_diary_entry")
def delete_diary_entry(request: HttpRequest, client_id: str, entry_id: str) -> tuple[int, None]:
    services.delete_entry(*_one_entry(request, client_id, entry_id, perms.WRITE_DIARY))
    return 204, None


@router.get("/clients/{client_id}/diary/settings", response=SettingsIO, operation_id="get_diary_settings")
def get_diary_settings(request: HttpRequest, client_id: str) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.WRITE_DIARY)
    return {"share_by_default": queries.shown_share_default(access)}


@router.put("/clients/{client_id}/diary/settings", response=SettingsIO, operation_id="update_diary_settings")
def update_diary_settings(request: HttpRequest, client_id: str, payload: SettingsIO) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.WRITE_DIARY)
    prefs = services.set_share_default(access, payload.share_by_default)
    return {"share_by_default": prefs.share_by_default}


# --- scripts and new responses ---------------------------------------------------------------------------------


def _response(card: queries.ResponseCard) -> dict[str, Any]:
    r = card.response
    return {
        "id": r.pk,
        "script_id": r.script_id,
        "status": r.status,
        "drafted_by_client": r.drafted_by_client,
        "description": r.description,
        "uses_past_week": card.week_uses,
        "uses_total": card.total_uses,
    }


def _script(card: queries.ScriptCard) -> dict[str, Any]:
    s = card.script
    fields = {name: getattr(s, name) for name in ScriptFields.model_fields}
    return {
        **fields,
        "id": s.pk,
        "name": s.name,
        "status": s.status,
        "drafted_by_client": s.drafted_by_client,
        "version": s.version,
        "appeared_past_week": card.week_count,
        "appeared_total": card.total_count,
        "new_responses": [_response(r) for r in card.responses],
    }


def _located_script(
    request: HttpRequest, client_id: str, script_id: str, perm: policy.Perm
) -> tuple[Access, RelationshipScript]:
    """The client and one script on their map; a write answers with the script's card, so it shows the map too."""
    access = policy.client(user_of(request), client_id, perm, shows=perms.VIEW_DIARY if perm.write else None)
    return access, policy.row_of(access, queries.scripts(access), script_id, perm, entity="RelationshipScript")


def _script_out(access: Access, script: RelationshipScript) -> dict[str, Any]:
    return _script(queries.script_card(access, script))


@router.get("/clients/{client_id}/scripts", response=list[ScriptOut], operation_id="list_scripts")
def list_scripts(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    return [_script(c) for c in queries.shown_map(access)]


@router.post("/clients/{client_id}/scripts", response={201: ScriptOut}, operation_id="create_script")
def create_script(request: HttpRequest, client_id: str, payload: ScriptIn) -> tuple[int, dict[str, Any]]:
    perm = perms.APPROVE_SCRIPTS if payload.on_map else perms.DRAFT_SCRIPTS
    access = policy.client(user_of(request), client_id, perm, shows=perms.VIEW_DIARY)
    script = services.draft_script(access, payload.dict(exclude={"on_map"}), on_map=payload.on_map)
    return 201, _script_out(access, script)


@router.get("/clients/{client_id}/scripts/{script_id}", response=ScriptOut, operation_id="get_script")
def get_script(request: HttpRequest, client_id: str, script_id: str) -> dict[str, Any]:
    return _script_out(*_located_script(request, client_id, script_id, perms.VIEW_DIARY))


@router.patch("/clients/{client_id}/scripts/{script_id}", response=ScriptOut, operation_id="update_script")
def update_script(request: HttpRequest, client_id: str, script_id: str, payload: ScriptPatch) -> dict[str, Any]:
    access, found = _located_script(request, client_id, script_id, perms.DRAFT_SCRIPTS)
    changes = payload.dict(exclude_unset=True, exclude={"version"})
    return _script_out(access, services.update_script(access, found, changes, expected_version=payload.version))


@router.post("/clients/{client_id}/scripts/{script_id}/status", response=ScriptOut, operation_id="set_script_status")
def set_script_status(request: HttpRequest, client_id: str, script_id: str, payload: StatusIn) -> dict[str, Any]:
    access, found = _located_script(request, client_id, script_id, perms.APPROVE_SCRIPTS)
    return _script_out(access, services.set_script_status(access, found, payload.status))


def _located_response(
    request: HttpRequest, client_id: str, response_id: str, perm: policy.Perm, *, shows: policy.Perm | None = None
) -> tuple[Access, NewResponse]:
    access = policy.client(user_of(request), client_id, perm, shows=shows)
    return access, policy.row_of(access, queries.new_responses(access), response_id, perm, entity="NewResponse")


def _response_out(access: Access, response: NewResponse) -> dict[str, Any]:
    card = next(c for c in queries.script_map(access) if c.script.pk == response.script_id)
    return _response(next(r for r in card.responses if r.response.pk == response.pk))


@router.post(
    "/clients/{client_id}/scripts/{script_id}/new-responses",
    response={201: NewResponseOut},
    operation_id="create_new_response",
)
def create_new_response(
    request: HttpRequest, client_id: str, script_id: str, payload: NewResponseIn
) -> tuple[int, dict[str, Any]]:
    perm = perms.APPROVE_SCRIPTS if payload.on_map else perms.DRAFT_SCRIPTS
    access, script = _located_script(request, client_id, script_id, perm)
    response = services.draft_new_response(access, script, payload.description, on_map=payload.on_map)
    return 201, _response_out(access, response)


@router.patch(
    "/clients/{client_id}/new-responses/{response_id}", response=NewResponseOut, operation_id="update_new_response"
)
def update_new_response(
    request: HttpRequest, client_id: str, response_id: str, payload: NewResponsePatch
) -> dict[str, Any]:
    access, found = _located_response(request, client_id, response_id, perms.DRAFT_SCRIPTS, shows=perms.VIEW_DIARY)
    return _response_out(access, services.update_new_response(access, found, payload.description))


@router.post(
    "/clients/{client_id}/new-responses/{response_id}/status",
    response=NewResponseOut,
    operation_id="set_new_response_status",
)
def set_new_response_status(
    request: HttpRequest, client_id: str, response_id: str, payload: StatusIn
) -> dict[str, Any]:
    access, found = _located_response(request, client_id, response_id, perms.APPROVE_SCRIPTS, shows=perms.VIEW_DIARY)
    return _response_out(access, services.set_new_response_status(access, found, payload.status))


@router.get(
    "/clients/{client_id}/new-responses/{response_id}/practice",
    response=list[ScriptPracticeOut],
    operation_id="list_response_practice",
)
def list_response_practice(request: HttpRequest, client_id: str, response_id: str) -> list[dict[str, Any]]:
    access, response = _located_response(request, client_id, response_id, perms.VIEW_DIARY)
    return [
        {
            "id": (item.practice or item.entry).pk,  # type: ignore[union-attr]
            "occurred_at": item.occurred_at,
            "outcome": item.practice.outcome if item.practice else "",
            "note": item.note,
            "shared": item.shared,
            "diary_entry_id": item.entry.pk if item.entry else None,
        }
        for item in queries.practice_log(access, response)
    ]


@router.post(
    "/clients/{client_id}/new-responses/{response_id}/practice",
    response={200: ScriptPracticeOut, 201: ScriptPracticeOut},
    operation_id="log_response_practice",
)
def log_response_practice(
    request: HttpRequest, client_id: str, response_id: str, payload: ScriptPracticeIn
) -> tuple[int, dict[str, Any]]:
    access, response = _located_response(request, client_id, response_id, perms.WRITE_DIARY)
    data = services.PracticeInput(**payload.dict(exclude={"key"}))
    practice, created = services.log_response_practice(access, response, payload.key, data)
    out = {name: getattr(practice, name) for name in ("id", "occurred_at", "outcome", "note", "shared")}
    return (201 if created else 200), out


# --- insights ----------------------------------------------------------------------------------------------------


@router.get("/clients/{client_id}/insights", response=InsightsOut, operation_id="get_insights")
def get_insights(request: HttpRequest, client_id: str, params: Query[InsightsQuery]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    data = insight_data.build(access, weeks=params.weeks)
    return {
        "weeks": data.weeks,
        "entry_count": data.entry_count,
        "practice_count": data.practice_count,
        "skills": [
            {
                "skill": e.skill,
                "title": title,
                "uses": e.uses,
                "enough": e.enough,
                "mean_drop": round(e.interval.mean, 2) if e.interval else None,
                "low": round(e.interval.low, 2) if e.interval else None,
                "high": round(e.interval.high, 2) if e.interval else None,
            }
            for title, e in data.effects
        ],
        "triggers": [{"label": label, "counts": counts} for label, counts in data.triggers],
        "time_of_day": [{"period": code, "count": count} for code, _label, count in data.times],
        "scripts": [{"label": name, "counts": counts} for name, counts in data.scripts],
        "new_response_uses": data.new_uses,
    }
