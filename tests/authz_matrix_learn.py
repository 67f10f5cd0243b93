"""Authorisation-matrix rows (SECURITY.md 3) for learning and narrative work: the expected HTTP status of every page
and API operation of attune/learn, for every member of the standing cast, and the builders that make each row's
request (with the rows it needs, a canary in every encrypted field).

Targets say whose thing the request is about:
  "-"      the caller's own work in the portal (found from the signed-in user), or the content itself.
  own      dana's record; for a row: her PRIVATE thought record, piece, rehearsal, reflection or saved passage.
  shared   dana's record; for a row: her thought record, piece or rehearsal SHARED with her care team.
  other    eli's record and his rows (shared).
Writes are sent with a valid payload, so a refusal is the policy's and not the form's.

Reading the rows: the client reads and writes their own; the care team (alice for dana, bob for eli) reads what is
shared and suggests, and never writes the client's work (403); a private row does not exist for them (404). frank
(dana's partner), sam (supervisor) and ada (admin) have a relationship without any of these permissions: 403.
Portal pages find the caller's own record: anyone without one gets 404. The content catalogue sends clients and
partners to their own pages (302).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from attune.learn.models import NarrativePiece, Rehearsal, SavedPassage, Suggestion, ThoughtRecord
from tests.authz_requests import Ctx, Req, api_path, builds, page
from tests.cast import canary

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
# --- portal pages: the client's own -----------------------------------------------------------------------
learn:home                      GET    -          200 200  404  404  404   404  404 404  404  302
learn:saved                     GET    -          200 200  404  404  404   404  404 404  404  302
learn:passage_delete            POST   own        302 404  404  404  404   404  404 404  404  302
learn:passage_delete            POST   other      404 302  404  404  404   404  404 404  404  302
learn:module                    GET    -          200 200  404  404  404   404  404 404  404  302
learn:module_read               POST   -          302 302  404  404  404   404  404 404  404  302
learn:passage_save              POST   -          302 302  404  404  404   404  404 404  404  302
learn:reflection_add            POST   -          302 302  404  404  404   404  404 404  404  302
learn:rehearsal                 GET    -          200 200  404  404  404   404  404 404  404  302
learn:rehearsal                 POST   -          302 302  404  404  404   404  404 404  404  302
learn:run                       GET    own        200 404  404  404  404   404  404 404  404  302
learn:run                       GET    other      404 200  404  404  404   404  404 404  404  302
learn:run                       POST   own        302 404  404  404  404   404  404 404  404  302
learn:run                       POST   other      404 302  404  404  404   404  404 404  404  302
learn:phrases                   GET    -          200 200  404  404  404   404  404 404  404  302
learn:phrases                   POST   -          302 302  404  404  404   404  404 404  404  302
learn:pause                     GET    -          200 200  404  404  404   404  404 404  404  302
learn:pause                     POST   -          302 302  404  404  404   404  404 404  404  302
learn:thought_records           GET    -          200 200  404  404  404   404  404 404  404  302
learn:thought_new               GET    -          200 200  404  404  404   404  404 404  404  302
learn:thought_new               POST   -          302 302  404  404  404   404  404 404  404  302
learn:thought_record            GET    own        200 404  404  404  404   404  404 404  404  302
learn:thought_record            GET    other      404 200  404  404  404   404  404 404  404  302
learn:thought_record            POST   own        302 404  404  404  404   404  404 404  404  302
learn:thought_record            POST   other      404 302  404  404  404   404  404 404  404  302
learn:pieces                    GET    -          200 200  404  404  404   404  404 404  404  302
learn:piece_new                 GET    -          200 200  404  404  404   404  404 404  404  302
learn:piece_new                 POST   -          302 302  404  404  404   404  404 404  404  302
learn:piece                     GET    own        200 404  404  404  404   404  404 404  404  302
learn:piece                     GET    other      404 200  404  404  404   404  404 404  404  302
learn:piece                     POST   own        302 404  404  404  404   404  404 404  404  302
learn:piece                     POST   other      404 302  404  404  404   404  404 404  404  302
learn:share                     POST   own        302 404  404  404  404   404  404 404  404  302
learn:share                     POST   other      404 302  404  404  404   404  404 404  404  302
learn:delete                    POST   own        302 404  404  404  404   404  404 404  404  302
learn:delete                    POST   other      404 302  404  404  404   404  404 404  404  302
# --- staff pages: the content, and the care team's view under the client record -----------------------------
learn:catalogue                 GET    -          302 302  200  200  200   302  200 200  200  302
learn:catalogue_module          GET    -          302 302  200  200  200   302  200 200  200  302
learn:client_learn              GET    own        200 404  200  404  404   403  403 403  404  302
learn:client_learn              GET    other      404 200  404  200  404   404  403 403  404  302
learn:client_learn              POST   own        403 404  302  404  404   403  403 403  404  302
learn:client_learn              POST   other      404 403  404  302  404   404  403 403  404  302
learn:client_withdraw           POST   own        403 404  302  404  404   403  403 403  404  302
learn:client_withdraw           POST   other      404 403  404  302  404   404  403 403  404  302
learn:client_thought_record     GET    own        200 404  404  404  404   403  403 403  404  302
learn:client_thought_record     GET    shared     200 404  200  404  404   403  403 403  404  302
learn:client_thought_record     GET    other      404 200  404  200  404   404  403 403  404  302
learn:client_piece              GET    own        200 404  404  404  404   403  403 403  404  302
learn:client_piece              GET    shared     200 404  200  404  404   403  403 403  404  302
learn:client_piece              GET    other      404 200  404  200  404   404  403 403  404  302
learn:client_rehearsal          GET    own        200 404  404  404  404   403  403 403  404  302
learn:client_rehearsal          GET    shared     200 404  200  404  404   403  403 403  404  302
learn:client_rehearsal          GET    other      404 200  404  200  404   404  403 403  404  302
# --- API: content ------------------------------------------------------------------------------------------
api:list_learn_modules          GET    -          200 200  200  200  200   200  200 200  200  401
api:get_learn_module            GET    -          200 200  200  200  200   200  200 200  200  401
api:list_learn_rehearsals       GET    -          200 200  200  200  200   200  200 200  200  401
# --- API: progress, suggestions, reading ---------------------------------------------------------------------
api:get_learn_progress          GET    own        200 404  200  404  404   403  403 403  404  401
api:get_learn_progress          GET    other      404 200  404  200  404   404  403 403  404  401
api:list_learn_suggestions      GET    own        200 404  200  404  404   403  403 403  404  401
api:list_learn_suggestions      GET    other      404 200  404  200  404   404  403 403  404  401
api:suggest_learn               POST   own        403 404  201  404  404   403  403 403  404  401
api:suggest_learn               POST   other      404 403  404  201  404   404  403 403  404  401
api:withdraw_learn_suggestion   DELETE own        403 404  204  404  404   403  403 403  404  401
api:withdraw_learn_suggestion   DELETE other      404 403  404  204  404   404  403 403  404  401
api:mark_module_read            POST   own        200 404  403  404  404   403  403 403  404  401
api:mark_module_read            POST   other      404 200  404  403  404   404  403 403  404  401
api:list_module_reflections     GET    own        200 404  200  404  404   403  403 403  404  401
api:list_module_reflections     GET    other      404 200  404  200  404   404  403 403  404  401
api:add_module_reflection       POST   own        201 404  403  404  404   403  403 403  404  401
api:add_module_reflection       POST   other      404 201  404  403  404   404  403 403  404  401
# --- API: rehearsals, thought records, narrative pieces -----------------------------------------------------
api:list_rehearsal_runs         GET    own        200 404  200  404  404   403  403 403  404  401
api:list_rehearsal_runs         GET    other      404 200  404  200  404   404  403 403  404  401
api:record_rehearsal_run        POST   own        201 404  403  404  404   403  403 403  404  401
api:record_rehearsal_run        POST   other      404 201  404  403  404   404  403 403  404  401
api:list_thought_records        GET    own        200 404  200  404  404   403  403 403  404  401
api:list_thought_records        GET    other      404 200  404  200  404   404  403 403  404  401
api:create_thought_record       POST   own        201 404  403  404  404   403  403 403  404  401
api:create_thought_record       POST   other      404 201  404  403  404   404  403 403  404  401
api:get_thought_record          GET    own        200 404  404  404  404   403  403 403  404  401
api:get_thought_record          GET    shared     200 404  200  404  404   403  403 403  404  401
api:get_thought_record          GET    other      404 200  404  200  404   404  403 403  404  401
api:update_thought_record       PATCH  own        200 404  403  404  404   403  403 403  404  401
api:update_thought_record       PATCH  shared     200 404  403  404  404   403  403 403  404  401
api:update_thought_record       PATCH  other      404 200  404  403  404   404  403 403  404  401
api:delete_thought_record       DELETE own        204 404  403  404  404   403  403 403  404  401
api:delete_thought_record       DELETE other      404 204  404  403  404   404  403 403  404  401
api:list_narrative_pieces       GET    own        200 404  200  404  404   403  403 403  404  401
api:list_narrative_pieces       GET    other      404 200  404  200  404   404  403 403  404  401
api:create_narrative_piece      POST   own        201 404  403  404  404   403  403 403  404  401
api:create_narrative_piece      POST   other      404 201  404  403  404   404  403 403  404  401
api:get_narrative_piece         GET    own        200 404  404  404  404   403  403 403  404  401
api:get_narrative_piece         GET    shared     200 404  200  404  404   403  403 403  404  401
api:get_narrative_piece         GET    other      404 200  404  200  404   404  403 403  404  401
api:update_narrative_piece      PATCH  own        200 404  403  404  404   403  403 403  404  401
api:update_narrative_piece      PATCH  other      404 200  404  403  404   404  403 403  404  401
api:delete_narrative_piece      DELETE own        204 404  403  404  404   403  403 403  404  401
api:delete_narrative_piece      DELETE other      404 204  404  403  404   404  403 403  404  401
"""


# --- the rows a request is about --------------------------------------------------------------------------------


def _owner(c: Ctx) -> Any:
    return c.cast.client("eli" if c.target == "other" else "dana")


def _shared(c: Ctx) -> bool:
    return c.target != "own"


def _record(c: Ctx) -> ThoughtRecord:
    record = ThoughtRecord(
        client=_owner(c),
        situation=canary("thoughtrecord", "situation"),
        feelings=json.dumps([canary("tr", "feel")]),
        before=[60],
        after=[30],
        thought=canary("thoughtrecord", "thought"),
        supports=canary("thoughtrecord", "supports"),
        against=canary("thoughtrecord", "against"),
        balanced=canary("thoughtrecord", "balanced"),
        shared=_shared(c),
    )
    record.save()
    return record


def _piece(c: Ctx) -> NarrativePiece:
    piece = NarrativePiece(
        client=_owner(c),
        kind="letter",
        title=canary("narrativepiece", "title"),
        body=canary("narrativepiece", "body"),
        shared=_shared(c),
    )
    piece.save()
    return piece


def _run(c: Ctx) -> Rehearsal:
    run = Rehearsal(
        client=_owner(c),
        rehearsal="saying-not-now",
        at="offer",
        steps=[{"node": "offer", "choice": -1}],
        own_words=json.dumps([canary("rehearsal", "own_words")]),
        note=canary("rehearsal", "note"),
        shared=_shared(c),
    )
    run.save()
    return run


def _passage(c: Ctx) -> SavedPassage:
    passage = SavedPassage(client=_owner(c), module="consent", text=canary("savedpassage", "text"))
    passage.save()
    return passage


def _suggestion(c: Ctx) -> Suggestion:
    clinician = c.cast.bob if c.target == "other" else c.cast.alice
    return Suggestion.objects.create(client=_owner(c), kind="module", target="attachment", suggested_by=clinician)


def _thought_form() -> dict[str, str]:
    return {"window": "inside", "thought": "A thought", "feeling_0": "sad", "before_0": "60", "after_0": "40"}


def _piece_form() -> dict[str, str]:
    return {"window": "inside", "body": "A few words", "title": "A title"}


# --- portal pages -------------------------------------------------------------------------------------------------

for _name in ("learn:home", "learn:saved", "learn:phrases", "learn:pause", "learn:thought_records", "learn:pieces"):
    builds(_name, "GET")(lambda c, name=_name: Req("GET", page(name)))
builds("learn:thought_new", "GET")(lambda c: Req("GET", page("learn:thought_new") + "?window=inside"))
builds("learn:piece_new", "GET")(lambda c: Req("GET", page("learn:piece_new", "letter") + "?window=inside"))
builds("learn:module", "GET")(lambda c: Req("GET", page("learn:module", "threat-responses")))
builds("learn:module_read", "POST")(lambda c: Req("POST", page("learn:module_read", "consent"), form={"read": "1"}))
builds("learn:passage_save", "POST")(lambda c: Req("POST", page("learn:passage_save", "consent"), form={"block": "1"}))
builds("learn:reflection_add", "POST")(
    lambda c: Req("POST", page("learn:reflection_add", "consent"), form={"text": "It helped."})
)
builds("learn:passage_delete", "POST")(lambda c: Req("POST", page("learn:passage_delete", _passage(c).pk), form={}))
builds("learn:rehearsal", "GET")(lambda c: Req("GET", page("learn:rehearsal", "saying-not-now")))
builds("learn:rehearsal", "POST")(lambda c: Req("POST", page("learn:rehearsal", "saying-not-now"), form={}))
builds("learn:run", "GET")(lambda c: Req("GET", page("learn:run", _run(c).pk)))
builds("learn:run", "POST")(
    lambda c: Req("POST", page("learn:run", _run(c).pk), form={"action": "choose", "choice": "0"})
)
builds("learn:phrases", "POST")(lambda c: Req("POST", page("learn:phrases"), form={"text": "Can we check in?"}))
builds("learn:pause", "POST")(lambda c: Req("POST", page("learn:pause"), form={"key": str(uuid.uuid4())}))
builds("learn:thought_new", "POST")(lambda c: Req("POST", page("learn:thought_new"), form=_thought_form()))
builds("learn:thought_record", "GET")(lambda c: Req("GET", page("learn:thought_record", _record(c).pk)))
builds("learn:thought_record", "POST")(
    lambda c: Req("POST", page("learn:thought_record", _record(c).pk), form=_thought_form())
)
builds("learn:piece_new", "POST")(lambda c: Req("POST", page("learn:piece_new", "letter"), form=_piece_form()))
builds("learn:piece", "GET")(lambda c: Req("GET", page("learn:piece", _piece(c).pk)))
builds("learn:piece", "POST")(lambda c: Req("POST", page("learn:piece", _piece(c).pk), form=_piece_form()))
builds("learn:share", "POST")(lambda c: Req("POST", page("learn:share", "writing", _piece(c).pk), form={"shared": "1"}))
builds("learn:delete", "POST")(
    lambda c: Req("POST", page("learn:delete", "thought-record", _record(c).pk), form={"confirm": "yes"})
)

# --- staff pages --------------------------------------------------------------------------------------------------

builds("learn:catalogue", "GET")(lambda c: Req("GET", page("learn:catalogue")))
builds("learn:catalogue_module", "GET")(lambda c: Req("GET", page("learn:catalogue_module", "consent")))
builds("learn:client_learn", "GET")(lambda c: Req("GET", page("learn:client_learn", _owner(c).pk)))
builds("learn:client_learn", "POST")(
    lambda c: Req("POST", page("learn:client_learn", _owner(c).pk), form={"what": "rehearsal:saying-not-now"})
)
builds("learn:client_withdraw", "POST")(
    lambda c: Req("POST", page("learn:client_withdraw", _owner(c).pk, _suggestion(c).pk), form={})
)
builds("learn:client_thought_record", "GET")(
    lambda c: Req("GET", page("learn:client_thought_record", _owner(c).pk, _record(c).pk))
)
builds("learn:client_piece", "GET")(lambda c: Req("GET", page("learn:client_piece", _owner(c).pk, _piece(c).pk)))
builds("learn:client_rehearsal", "GET")(lambda c: Req("GET", page("learn:client_rehearsal", _owner(c).pk, _run(c).pk)))

# --- API ----------------------------------------------------------------------------------------------------------

builds("api:list_learn_modules", "GET")(lambda c: Req("GET", api_path("list_learn_modules")))
builds("api:get_learn_module", "GET")(lambda c: Req("GET", api_path("get_learn_module", "attachment")))
builds("api:list_learn_rehearsals", "GET")(lambda c: Req("GET", api_path("list_learn_rehearsals")))
for _op in (
    "get_learn_progress",
    "list_learn_suggestions",
    "list_module_reflections",
    "list_rehearsal_runs",
    "list_thought_records",
    "list_narrative_pieces",
):
    builds(f"api:{_op}", "GET")(lambda c, op=_op: Req("GET", api_path(op, _owner(c).pk)))
builds("api:suggest_learn", "POST")(
    lambda c: Req("POST", api_path("suggest_learn", _owner(c).pk), body={"kind": "exercise", "target": "letter"})
)
builds("api:withdraw_learn_suggestion", "DELETE")(
    lambda c: Req("DELETE", api_path("withdraw_learn_suggestion", _owner(c).pk, _suggestion(c).pk))
)
builds("api:mark_module_read", "POST")(
    lambda c: Req("POST", api_path("mark_module_read", _owner(c).pk, "consent"), body={})
)
builds("api:add_module_reflection", "POST")(
    lambda c: Req("POST", api_path("add_module_reflection", _owner(c).pk), body={"module": "consent", "text": "Hm."})
)
builds("api:record_rehearsal_run", "POST")(
    lambda c: Req(
        "POST",
        api_path("record_rehearsal_run", _owner(c).pk),
        body={"rehearsal": "saying-not-now", "replies": [{"node": "offer", "choice": 0}]},
    )
)
builds("api:create_thought_record", "POST")(
    lambda c: Req(
        "POST",
        api_path("create_thought_record", _owner(c).pk),
        body={"thought": "A thought", "feelings": [{"name": "sad", "before": 60}]},
    )
)
builds("api:get_thought_record", "GET")(
    lambda c: Req("GET", api_path("get_thought_record", _owner(c).pk, _record(c).pk))
)
builds("api:update_thought_record", "PATCH")(
    lambda c: Req("PATCH", api_path("update_thought_record", _owner(c).pk, _record(c).pk), body={"balanced": "Kind"})
)
builds("api:delete_thought_record", "DELETE")(
    lambda c: Req("DELETE", api_path("delete_thought_record", _owner(c).pk, _record(c).pk))
)
builds("api:create_narrative_piece", "POST")(
    lambda c: Req("POST", api_path("create_narrative_piece", _owner(c).pk), body={"kind": "letter", "body": "Words"})
)
builds("api:get_narrative_piece", "GET")(
    lambda c: Req("GET", api_path("get_narrative_piece", _owner(c).pk, _piece(c).pk))
)
builds("api:update_narrative_piece", "PATCH")(
    lambda c: Req("PATCH", api_path("update_narrative_piece", _owner(c).pk, _piece(c).pk), body={"title": "New"})
)
builds("api:delete_narrative_piece", "DELETE")(
    lambda c: Req("DELETE", api_path("delete_narrative_piece", _owner(c).pk, _piece(c).pk))
)
