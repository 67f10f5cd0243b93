"""The learning and narrative-work API: modules and rehearsals (content), progress, suggestions, reflections,
rehearsal runs, thought records and narrative pieces. Every operation about a client reaches the client (and a
row) through the policy first, keeping to the rows the caller may see (the models' `for_access`); writes go through
learn/services.py with that access."""

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
from attune.learn import content, inputs, perms, queries, services
from attune.learn.models import NarrativePiece, Suggestion, ThoughtRecord

router = Router(tags=["learn"])

WINDOW = "^(|inside|above|below)$"
PIECE_KINDS = "^(externalising|letter|rewriting)$"


def _text(b: Any) -> str:
    return "".join(s.text for s in b.spans)


# --- content -------------------------------------------------------------------------------------------------------


class LearnModuleSummary(Schema):
    slug: str
    title: str
    summary: str
    minutes: int
    review_by: datetime.date


class LearnModuleDetail(LearnModuleSummary):
    sources: list[str]
    practices: list[str] = Field(description='"kind:slug": skill, rehearsal, exercise or module')
    body: list[dict[str, Any]]


class LearnRehearsalOut(Schema):
    slug: str
    title: str
    summary: str
    other: str
    start: str
    nodes: list[dict[str, str]] = Field(description="id, after (where your own words lead), line")
    choices: list[dict[str, str]] = Field(description="node, next, reply, protects, asks; in order per node")


def _module_summary(m: content.Module) -> dict[str, Any]:
    return {"slug": m.slug, "title": m.title, "summary": m.summary, "minutes": m.minutes, "review_by": m.review_by}


@router.get("/learn/modules", response=list[LearnModuleSummary], operation_id="list_learn_modules")
def list_learn_modules(request: HttpRequest) -> list[dict[str, Any]]:
    return [_module_summary(m) for m in content.modules()]


@router.get("/learn/modules/{slug}", response=LearnModuleDetail, operation_id="get_learn_module")
def get_learn_module(request: HttpRequest, slug: str) -> dict[str, Any]:
    m = content.module(slug)
    if m is None:
        raise Http404("No such module")
    return {
        **_module_summary(m),
        "sources": list(m.sources),
        "practices": [f"{k}:{t}" for k, t in m.practices],
        "body": [
            {"kind": b.kind, "text": _text(b), "items": ["".join(s.text for s in i) for i in b.items]} for b in m.blocks
        ],
    }


@router.get("/learn/rehearsals", response=list[LearnRehearsalOut], operation_id="list_learn_rehearsals")
def list_learn_rehearsals(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "slug": r.slug,
            "title": r.title,
            "summary": r.summary,
            "other": r.other,
            "start": r.start,
            "nodes": [vars(n) for n in r.nodes],
            "choices": [vars(c) for c in r.choices],
        }
        for r in content.rehearsals()
    ]


# --- progress and suggestions -----------------------------------------------------------------------------------


class LearnWeek(Schema):
    starts: datetime.date
    rehearsals: int
    modules: int
    thought_records: int
    pieces: int


class LearnProgressOut(Schema):
    rehearsals: int
    ways_tried: int
    modules_read: int = Field(description="The client's own reading marks; 0 for the care team")
    thought_records: int
    pieces: int
    weeks: list[LearnWeek]


@router.get("/clients/{client_id}/learn/progress", response=LearnProgressOut, operation_id="get_learn_progress")
def get_learn_progress(request: HttpRequest, client_id: str) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    p = queries.progress(access)
    return {
        "rehearsals": p.rehearsals,
        "ways_tried": p.ways_tried,
        "modules_read": p.modules_read,
        "thought_records": p.thought_records,
        "pieces": p.pieces,
        "weeks": [vars(w) for w in p.weeks],
    }


class SuggestionIn(Schema):
    kind: str = Field(pattern="^(module|rehearsal|exercise)$")
    target: str = Field(max_length=inputs.SLUG_LIMIT)


class SuggestionOut(Schema):
    id: uuid.UUID
    kind: str
    target: str
    suggested_by: str | None
    created: datetime.datetime


def _suggestion(s: Suggestion) -> dict[str, Any]:
    by = s.suggested_by.display_name if s.suggested_by else None
    return {"id": s.pk, "kind": s.kind, "target": s.target, "suggested_by": by, "created": s.created}


@router.get(
    "/clients/{client_id}/learn/suggestions", response=list[SuggestionOut], operation_id="list_learn_suggestions"
)
def list_learn_suggestions(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    return [_suggestion(s) for s in queries.suggestions(access)]


@router.post("/clients/{client_id}/learn/suggestions", response={201: SuggestionOut}, operation_id="suggest_learn")
def suggest_learn(request: HttpRequest, client_id: str, payload: SuggestionIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.SUGGEST_LEARN)
    return 201, _suggestion(services.suggest(access, payload.kind, payload.target))


@router.delete(
    "/clients/{client_id}/learn/suggestions/{suggestion_id}",
    response={204: None},
    operation_id="withdraw_learn_suggestion",
)
def withdraw_learn_suggestion(request: HttpRequest, client_id: str, suggestion_id: str) -> tuple[int, None]:
    access = policy.client(user_of(request), client_id, perms.SUGGEST_LEARN)
    row = policy.row_of(
        access,
        Suggestion.objects.filter(withdrawn__isnull=True),
        suggestion_id,
        perms.SUGGEST_LEARN,
        entity="Suggestion",
    )
    services.withdraw_suggestion(access, row)
    return 204, None


# --- reading --------------------------------------------------------------------------------------------------------


class ReadOut(Schema):
    module: str
    read_at: datetime.datetime


@router.post("/clients/{client_id}/learn/modules/{slug}/read", response=ReadOut, operation_id="mark_module_read")
def mark_module_read(request: HttpRequest, client_id: str, slug: str) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    if content.module(slug) is None:
        raise Http404("No such module")  # a path that names nothing is not found (as GET /learn/modules/{slug})
    read = services.mark_read(access, slug)
    return {"module": read.module, "read_at": read.read_at}


class ReflectionIn(Schema):
    module: str = Field(
        max_length=inputs.SLUG_LIMIT, json_schema_extra=one_of(lambda: (m.slug for m in content.modules()))
    )
    text: str = Field(min_length=1, max_length=inputs.REFLECTION_LIMIT)
    shared: bool = False


class ReflectionOut(Schema):
    id: uuid.UUID
    module: str
    text: str
    shared: bool
    created: datetime.datetime


def _reflection(r: Any) -> dict[str, Any]:
    return {name: getattr(r, name) for name in ("module", "text", "shared", "created")} | {"id": r.pk}


@router.get(
    "/clients/{client_id}/learn/reflections", response=list[ReflectionOut], operation_id="list_module_reflections"
)
def list_module_reflections(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    return [_reflection(r) for r in queries.shown(access, queries.reflections(access)[:100], "Reflection")]


@router.post(
    "/clients/{client_id}/learn/reflections", response={201: ReflectionOut}, operation_id="add_module_reflection"
)
def add_module_reflection(request: HttpRequest, client_id: str, payload: ReflectionIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    return 201, _reflection(services.add_reflection(access, payload.module, payload.text, payload.shared))


# --- rehearsals -------------------------------------------------------------------------------------------------------


class ReplyIn(Schema):
    node: str = Field(max_length=inputs.SLUG_LIMIT)
    choice: int | None = Field(default=None, ge=0, description="The reply's position at its line; null for own words")
    own_words: str = Field(default="", max_length=inputs.OWN_REPLY_LIMIT)


class RehearsalRunIn(Schema):
    rehearsal: str = Field(
        max_length=inputs.SLUG_LIMIT, json_schema_extra=one_of(lambda: (r.slug for r in content.rehearsals()))
    )
    replies: list[ReplyIn] = Field(min_length=1, max_length=inputs.MAX_STEPS)
    distress_before: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    distress_after: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    note: str = Field(default="", max_length=inputs.NOTE_LIMIT)
    shared: bool = False


class TriedOut(Schema):
    node: str
    reply: str
    protects: str
    asks: str
    own: bool


class RehearsalRunOut(Schema):
    id: uuid.UUID
    rehearsal: str
    started: datetime.datetime
    finished: datetime.datetime | None
    replies: list[TriedOut]
    distress_before: int | None
    distress_after: int | None
    note: str
    shared: bool


class LearnPageQuery(Schema):
    page: int = Field(default=1, ge=1)


def _run(r: Any) -> dict[str, Any]:
    fields = ("rehearsal", "started", "finished", "distress_before", "distress_after", "note", "shared")
    return {name: getattr(r, name) for name in fields} | {"id": r.pk, "replies": [vars(t) for t in services.tried(r)]}


def _page(access: Any, rows: Any, entity: str, params: LearnPageQuery, render: Any) -> dict[str, Any]:
    paginator = Paginator(rows, inputs.PAGE_SIZE)
    page = paginator.get_page(params.page)
    items = queries.shown(access, page.object_list, entity)
    return {
        "items": [render(i) for i in items],
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
    }


class RunPage(Schema):
    items: list[RehearsalRunOut]
    count: int
    page: int
    pages: int


@router.get("/clients/{client_id}/learn/rehearsals", response=RunPage, operation_id="list_rehearsal_runs")
def list_rehearsal_runs(request: HttpRequest, client_id: str, params: Query[LearnPageQuery]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    return _page(access, queries.rehearsals(access), "Rehearsal", params, _run)


@router.post(
    "/clients/{client_id}/learn/rehearsals", response={201: RehearsalRunOut}, operation_id="record_rehearsal_run"
)
def record_rehearsal_run(request: HttpRequest, client_id: str, payload: RehearsalRunIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    data = services.RunInput(
        rehearsal=payload.rehearsal,
        replies=[(r.node, r.choice, r.own_words) for r in payload.replies],
        distress_before=payload.distress_before,
        distress_after=payload.distress_after,
        note=payload.note,
        shared=payload.shared,
    )
    return 201, _run(services.record_rehearsal(access, data))


# --- thought records ----------------------------------------------------------------------------------------------


class FeelingIn(Schema):
    name: str = Field(min_length=1, max_length=inputs.FEELING_NAME_LIMIT)
    before: int = Field(ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    after: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)


class ThoughtRecordFields(Schema):
    situation: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    feelings: list[FeelingIn] = Field(default_factory=list, max_length=inputs.FEELINGS_MAX)
    thought: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    supports: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    against: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    balanced: str = Field(default="", max_length=inputs.TEXT_LIMIT)
    window: str = Field(default="", pattern=WINDOW, description="The window-of-tolerance check before starting")
    diary_entry_id: uuid.UUID | None = None
    script_id: uuid.UUID | None = None
    shared: bool = Field(default=False, description="Private unless the client shares it")


class ThoughtRecordPatch(Schema):
    situation: str | None = Field(default=None, max_length=inputs.TEXT_LIMIT)
    feelings: list[FeelingIn] | None = Field(default=None, max_length=inputs.FEELINGS_MAX)
    thought: str | None = Field(default=None, max_length=inputs.TEXT_LIMIT)
    supports: str | None = Field(default=None, max_length=inputs.TEXT_LIMIT)
    against: str | None = Field(default=None, max_length=inputs.TEXT_LIMIT)
    balanced: str | None = Field(default=None, max_length=inputs.TEXT_LIMIT)
    diary_entry_id: uuid.UUID | None = None
    script_id: uuid.UUID | None = None
    shared: bool | None = None


class FeelingOut(Schema):
    name: str
    before: int | None
    after: int | None


class ThoughtRecordOut(Schema):
    id: uuid.UUID
    created: datetime.datetime
    window: str
    situation: str
    feelings: list[FeelingOut]
    thought: str
    supports: str
    against: str
    balanced: str
    diary_entry_id: uuid.UUID | None
    script_id: uuid.UUID | None
    shared: bool


class ThoughtRecordPage(Schema):
    items: list[ThoughtRecordOut]
    count: int
    page: int
    pages: int


def _record(r: ThoughtRecord) -> dict[str, Any]:
    fields = ("created", "window", *services.TEXTS, "diary_entry_id", "script_id", "shared")
    out = {name: getattr(r, name) for name in fields}
    out.update(id=r.pk, feelings=[{"name": n, "before": b, "after": a} for n, b, a in r.feeling_rows()])
    return out


def _thought_input(values: dict[str, Any]) -> services.ThoughtInput:
    feelings = [(f["name"], f["before"], f.get("after")) for f in values.pop("feelings", [])]
    return services.ThoughtInput(feelings=feelings, **values)


@router.get(
    "/clients/{client_id}/learn/thought-records", response=ThoughtRecordPage, operation_id="list_thought_records"
)
def list_thought_records(request: HttpRequest, client_id: str, params: Query[LearnPageQuery]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    return _page(access, queries.thought_records(access), "ThoughtRecord", params, _record)


@router.post(
    "/clients/{client_id}/learn/thought-records", response={201: ThoughtRecordOut}, operation_id="create_thought_record"
)
def create_thought_record(
    request: HttpRequest, client_id: str, payload: ThoughtRecordFields
) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    return 201, _record(services.create_thought_record(access, _thought_input(payload.dict())))


@router.get(
    "/clients/{client_id}/learn/thought-records/{record_id}",
    response=ThoughtRecordOut,
    operation_id="get_thought_record",
)
def get_thought_record(request: HttpRequest, client_id: str, record_id: str) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    return _record(
        policy.row_of(access, ThoughtRecord.objects.all(), record_id, perms.VIEW_LEARN, entity="ThoughtRecord")
    )


@router.patch(
    "/clients/{client_id}/learn/thought-records/{record_id}",
    response=ThoughtRecordOut,
    operation_id="update_thought_record",
)
def update_thought_record(
    request: HttpRequest, client_id: str, record_id: str, payload: ThoughtRecordPatch
) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    record = policy.row_of(access, ThoughtRecord.objects.all(), record_id, perms.WRITE_LEARN, entity="ThoughtRecord")
    current = _record(record)
    values = {name: current[name] for name in ThoughtRecordFields.model_fields}
    values["feelings"] = [f for f in current["feelings"] if f["before"] is not None]
    values.update(payload.dict(exclude_unset=True))
    return _record(services.update_thought_record(access, record, _thought_input(values)))


@router.delete(
    "/clients/{client_id}/learn/thought-records/{record_id}", response={204: None}, operation_id="delete_thought_record"
)
def delete_thought_record(request: HttpRequest, client_id: str, record_id: str) -> tuple[int, None]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    record = policy.row_of(access, ThoughtRecord.objects.all(), record_id, perms.WRITE_LEARN, entity="ThoughtRecord")
    services.delete_row(access, record)
    return 204, None


# --- narrative pieces ---------------------------------------------------------------------------------------------


class PieceFields(Schema):
    kind: str = Field(pattern=PIECE_KINDS)
    title: str = Field(default="", max_length=inputs.TITLE_LIMIT)
    body: str = Field(min_length=1, max_length=inputs.PIECE_LIMIT)
    window: str = Field(default="", pattern=WINDOW, description="The window-of-tolerance check before starting")
    script_id: uuid.UUID | None = None
    distress_before: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    distress_after: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    shared: bool = Field(default=False, description="Private unless the client shares this piece")


class PiecePatch(Schema):
    title: str | None = Field(default=None, max_length=inputs.TITLE_LIMIT)
    body: str | None = Field(default=None, min_length=1, max_length=inputs.PIECE_LIMIT)
    script_id: uuid.UUID | None = None
    distress_before: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    distress_after: int | None = Field(default=None, ge=inputs.DISTRESS_MIN, le=inputs.DISTRESS_MAX)
    shared: bool | None = None


class PieceOut(Schema):
    id: uuid.UUID
    kind: str
    created: datetime.datetime
    window: str
    title: str
    body: str
    script_id: uuid.UUID | None
    distress_before: int | None
    distress_after: int | None
    shared: bool


class PiecePage(Schema):
    items: list[PieceOut]
    count: int
    page: int
    pages: int


def _piece(p: NarrativePiece) -> dict[str, Any]:
    return {name: getattr(p, name) for name in PieceOut.model_fields if name != "id"} | {"id": p.pk}


@router.get("/clients/{client_id}/learn/writing", response=PiecePage, operation_id="list_narrative_pieces")
def list_narrative_pieces(request: HttpRequest, client_id: str, params: Query[LearnPageQuery]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    return _page(access, queries.pieces(access), "NarrativePiece", params, _piece)


@router.post("/clients/{client_id}/learn/writing", response={201: PieceOut}, operation_id="create_narrative_piece")
def create_narrative_piece(request: HttpRequest, client_id: str, payload: PieceFields) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    return 201, _piece(services.create_piece(access, services.PieceInput(**payload.dict())))


@router.get("/clients/{client_id}/learn/writing/{piece_id}", response=PieceOut, operation_id="get_narrative_piece")
def get_narrative_piece(request: HttpRequest, client_id: str, piece_id: str) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_LEARN)
    return _piece(
        policy.row_of(access, NarrativePiece.objects.all(), piece_id, perms.VIEW_LEARN, entity="NarrativePiece")
    )


@router.patch("/clients/{client_id}/learn/writing/{piece_id}", response=PieceOut, operation_id="update_narrative_piece")
def update_narrative_piece(request: HttpRequest, client_id: str, piece_id: str, payload: PiecePatch) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    piece = policy.row_of(access, NarrativePiece.objects.all(), piece_id, perms.WRITE_LEARN, entity="NarrativePiece")
    values = {name: getattr(piece, name) for name in PieceFields.model_fields}
    values.update(payload.dict(exclude_unset=True))
    values["suggested_id"] = piece.suggested_id
    return _piece(services.update_piece(access, piece, services.PieceInput(**values)))


@router.delete(
    "/clients/{client_id}/learn/writing/{piece_id}", response={204: None}, operation_id="delete_narrative_piece"
)
def delete_narrative_piece(request: HttpRequest, client_id: str, piece_id: str) -> tuple[int, None]:
    access = policy.client(user_of(request), client_id, perms.WRITE_LEARN)
    piece = policy.row_of(access, NarrativePiece.objects.all(), piece_id, perms.WRITE_LEARN, entity="NarrativePiece")
    services.delete_row(access, piece)
    return 204, None
