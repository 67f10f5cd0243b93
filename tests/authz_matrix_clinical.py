"""Authorisation-matrix rows (SECURITY.md 3) for the clinical record: the expected HTTP status of every page and
API operation of attune/clinical for every member of the standing cast. The columns are those of
tests/authz_matrix.py; the builders below make each row's request (with the rows it needs, a canary in every
encrypted field).

Targets:
  own     dana's record; for a note: a draft of alice's (writes are valid on it).
  signed  dana's record; for a note: a note alice signed (the target of an addendum).
  other   eli's record and a draft (or signed note) of bob's.

Reading the rows: only the care team (alice for dana, bob for eli) reads or writes notes. The client herself, her
partner frank, the supervisor sam and the admin ada have a relationship but no note permission: 403, audited.
Everyone else has no relationship: 404. That a signed note refuses every change (409) and a stale draft gets 409
is proved in tests/clinical/, because a conflict is not an access decision.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from attune.clinical.models import NoteStatus, SessionNote
from tests.authz_requests import Ctx, Req, api_path, builds, page
from tests.cast import canary

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
# --- session notes: pages under the client record ---------------------------------------------------------
clinical:notes                  GET    own        403 404  200  404  404   403  403 403  404  302
clinical:notes                  GET    other      404 403  404  200  404   404  403 403  404  302
clinical:note_new               POST   own        403 404  302  404  404   403  403 403  404  302
clinical:note_new               POST   other      404 403  404  302  404   404  403 403  404  302
clinical:note                   GET    own        403 404  200  404  404   403  403 403  404  302
clinical:note                   GET    signed     403 404  200  404  404   403  403 403  404  302
clinical:note                   GET    other      404 403  404  200  404   404  403 403  404  302
clinical:note                   POST   own        403 404  302  404  404   403  403 403  404  302
clinical:note                   POST   other      404 403  404  302  404   404  403 403  404  302
clinical:note_autosave          POST   own        403 404  200  404  404   403  403 403  404  302
clinical:note_autosave          POST   other      404 403  404  200  404   404  403 403  404  302
clinical:note_sign              POST   own        403 404  302  404  404   403  403 403  404  302
clinical:note_sign              POST   other      404 403  404  302  404   404  403 403  404  302
clinical:note_addendum          POST   signed     403 404  302  404  404   403  403 403  404  302
clinical:note_addendum          POST   other      404 403  404  302  404   404  403 403  404  302
# --- session notes: API -----------------------------------------------------------------------------------
api:list_session_notes          GET    own        403 404  200  404  404   403  403 403  404  401
api:list_session_notes          GET    other      404 403  404  200  404   404  403 403  404  401
api:create_session_note         POST   own        403 404  201  404  404   403  403 403  404  401
api:create_session_note         POST   other      404 403  404  201  404   404  403 403  404  401
api:get_session_note            GET    own        403 404  200  404  404   403  403 403  404  401
api:get_session_note            GET    signed     403 404  200  404  404   403  403 403  404  401
api:get_session_note            GET    other      404 403  404  200  404   404  403 403  404  401
api:update_session_note         PATCH  own        403 404  200  404  404   403  403 403  404  401
api:update_session_note         PATCH  other      404 403  404  200  404   404  403 403  404  401
api:sign_session_note           POST   own        403 404  200  404  404   403  403 403  404  401
api:sign_session_note           POST   other      404 403  404  200  404   404  403 403  404  401
api:add_note_addendum           POST   signed     403 404  201  404  404   403  403 403  404  401
api:add_note_addendum           POST   other      404 403  404  201  404   404  403 403  404  401
"""


def _owner(c: Ctx) -> Any:
    return c.cast.client("eli" if c.target == "other" else "dana")


def _note(c: Ctx, *, signed: bool) -> SessionNote:
    note = SessionNote(
        client=_owner(c),
        author=c.cast.bob if c.target == "other" else c.cast.alice,
        template="dap",
        session_date=timezone.localdate(),
        data=canary("sessionnote", "data"),
        assessment=canary("sessionnote", "assessment"),
        plan=canary("sessionnote", "plan"),
    )
    if signed:
        note.status, note.signed_at = NoteStatus.SIGNED, timezone.now()
    note.save()
    return note


def _draft(c: Ctx) -> SessionNote:
    return _note(c, signed=False)


def _signed(c: Ctx) -> SessionNote:
    return _note(c, signed=True)


def _any(c: Ctx) -> SessionNote:
    return _note(c, signed=c.target == "signed")


def _form(note: SessionNote) -> dict[str, Any]:
    day = datetime.date.today().isoformat()
    return {"session_date": day, "version": note.version, "data": "Revised", "assessment": "", "plan": ""}


builds("clinical:notes", "GET")(lambda c: Req("GET", page("clinical:notes", _owner(c).pk)))
builds("clinical:note_new", "POST")(
    lambda c: Req("POST", page("clinical:note_new", _owner(c).pk), form={"template": "soap", "session_date": c.today})
)
builds("clinical:note", "GET")(lambda c: Req("GET", page("clinical:note", _owner(c).pk, _any(c).pk)))


@builds("clinical:note", "POST")
def _note_save(c: Ctx) -> Req:
    note = _draft(c)
    return Req("POST", page("clinical:note", _owner(c).pk, note.pk), form=_form(note))


@builds("clinical:note_autosave", "POST")
def _note_autosave(c: Ctx) -> Req:
    note = _draft(c)
    return Req("POST", page("clinical:note_autosave", _owner(c).pk, note.pk), form=_form(note))


@builds("clinical:note_sign", "POST")
def _note_sign(c: Ctx) -> Req:
    note = _draft(c)
    return Req("POST", page("clinical:note_sign", _owner(c).pk, note.pk), form={"version": note.version})


builds("clinical:note_addendum", "POST")(
    lambda c: Req("POST", page("clinical:note_addendum", _owner(c).pk, _signed(c).pk), form={"text": "Later"})
)
builds("api:list_session_notes", "GET")(lambda c: Req("GET", api_path("list_session_notes", _owner(c).pk)))
builds("api:create_session_note", "POST")(
    lambda c: Req(
        "POST",
        api_path("create_session_note", _owner(c).pk),
        body={"template": "free", "session_date": c.today, "sections": {"body": "Session"}},
    )
)
builds("api:get_session_note", "GET")(lambda c: Req("GET", api_path("get_session_note", _owner(c).pk, _any(c).pk)))


@builds("api:update_session_note", "PATCH")
def _api_update(c: Ctx) -> Req:
    note = _draft(c)
    body = {"sections": {"data": "Revised"}, "version": note.version}
    return Req("PATCH", api_path("update_session_note", _owner(c).pk, note.pk), body=body)


@builds("api:sign_session_note", "POST")
def _api_sign(c: Ctx) -> Req:
    note = _draft(c)
    return Req("POST", api_path("sign_session_note", _owner(c).pk, note.pk), body={"version": note.version})


builds("api:add_note_addendum", "POST")(
    lambda c: Req("POST", api_path("add_note_addendum", _owner(c).pk, _signed(c).pk), body={"text": "Later"})
)
