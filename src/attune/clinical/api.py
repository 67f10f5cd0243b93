"""The clinical record's API. Every operation reaches the client (and a note) through the policy first; writes go
through clinical/services.py with that access. A stale write and any change to a signed note answer 409."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from attune.accounts.roles import user_of
from attune.clinical import inputs, perms, queries, services
from attune.clinical.models import NoteAddendum, NoteTemplate, SessionNote
from attune.core import policy
from attune.core.policy import Access

router = Router(tags=["clinical"])

TEMPLATES = "^(" + "|".join(NoteTemplate.values) + ")$"


class NoteSections(Schema):
    sections: dict[str, str] = Field(
        default_factory=dict,
        description="Section name -> text, for the sections of the note's template "
        "(soap: subjective, objective, assessment, plan; dap: data, assessment, plan; "
        "birp: behaviour, intervention, response, plan; free: body)",
    )


class NoteIn(NoteSections):
    template: str = Field(pattern=TEMPLATES)
    session_date: datetime.date


class NotePatch(NoteSections):
    session_date: datetime.date | None = None
    version: int = Field(ge=1, description="The version you read; a stale one gives 409, as does a signed note")


class SignIn(Schema):
    version: int = Field(ge=1, description="The version you read and are signing; a stale one gives 409")


class AddendumIn(Schema):
    text: str = Field(min_length=1, max_length=inputs.ADDENDUM_LIMIT)


class AddendumOut(Schema):
    id: uuid.UUID
    author_id: int | None
    text: str
    signed_at: datetime.datetime


class NoteSummary(Schema):
    id: uuid.UUID
    session_date: datetime.date
    template: str
    status: str
    author_id: int | None
    signed_at: datetime.datetime | None
    version: int


class NoteOut(NoteSummary):
    sections: dict[str, str]
    signed_by_id: int | None
    updated: datetime.datetime
    addenda: list[AddendumOut]


class NotePage(Schema):
    items: list[NoteSummary]
    count: int
    page: int
    pages: int


class PageQuery(Schema):
    page: int = Field(default=1, ge=1)


def _summary(note: SessionNote) -> dict[str, Any]:
    return {name: getattr(note, name) for name in NoteSummary.model_fields}


def _addendum(a: NoteAddendum) -> dict[str, Any]:
    return {"id": a.pk, "author_id": a.author_id, "text": a.text, "signed_at": a.signed_at}


def _note_out(access: Access, note: SessionNote) -> dict[str, Any]:
    addenda = queries.addenda(access, note) if note.is_signed else []
    return {
        **_summary(note),
        "sections": {name: text for name, _, _, text in note.sections()},
        "signed_by_id": note.signed_by_id,
        "updated": note.updated,
        "addenda": [_addendum(a) for a in addenda],
    }


def _located(request: HttpRequest, client_id: str, note_id: str, perm: policy.Perm) -> tuple[Access, SessionNote]:
    # A write answers with the note, so it is a read of it too.
    access = policy.client(user_of(request), client_id, perm, shows=perms.VIEW_NOTES if perm.write else None)
    return access, policy.row_of(access, queries.notes(access), note_id, perm, entity="SessionNote")


@router.get("/clients/{client_id}/notes", response=NotePage, operation_id="list_session_notes")
def list_session_notes(request: HttpRequest, client_id: str, params: Query[PageQuery]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_NOTES)
    page = queries.note_page(access, params.page)
    return {
        "items": [_summary(n) for n in page.object_list],
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


@router.post("/clients/{client_id}/notes", response={201: NoteOut}, operation_id="create_session_note")
def create_session_note(request: HttpRequest, client_id: str, payload: NoteIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_NOTES, shows=perms.VIEW_NOTES)
    note = services.start_note(access, services.NoteInput(payload.template, payload.session_date, payload.sections))
    return 201, _note_out(access, note)


@router.get("/clients/{client_id}/notes/{note_id}", response=NoteOut, operation_id="get_session_note")
def get_session_note(request: HttpRequest, client_id: str, note_id: str) -> dict[str, Any]:
    return _note_out(*_located(request, client_id, note_id, perms.VIEW_NOTES))


@router.patch("/clients/{client_id}/notes/{note_id}", response=NoteOut, operation_id="update_session_note")
def update_session_note(request: HttpRequest, client_id: str, note_id: str, payload: NotePatch) -> dict[str, Any]:
    access, found = _located(request, client_id, note_id, perms.WRITE_NOTES)
    note = services.save_draft(
        access, found, payload.sections, expected_version=payload.version, session_date=payload.session_date
    )
    return _note_out(access, note)


@router.post("/clients/{client_id}/notes/{note_id}/sign", response=NoteOut, operation_id="sign_session_note")
def sign_session_note(request: HttpRequest, client_id: str, note_id: str, payload: SignIn) -> dict[str, Any]:
    access, found = _located(request, client_id, note_id, perms.WRITE_NOTES)
    return _note_out(access, services.sign_note(access, found, expected_version=payload.version))


@router.post(
    "/clients/{client_id}/notes/{note_id}/addenda", response={201: AddendumOut}, operation_id="add_note_addendum"
)
def add_note_addendum(
    request: HttpRequest, client_id: str, note_id: str, payload: AddendumIn
) -> tuple[int, dict[str, Any]]:
    access, found = _located(request, client_id, note_id, perms.WRITE_NOTES)
    return 201, _addendum(services.add_addendum(access, found, payload.text))
