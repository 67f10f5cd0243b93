"""Authorisation-matrix rows (SECURITY.md 3) for the clinical record: the expected HTTP status of every page and
API operation of attune/clinical for every member of the standing cast. The columns are those of
tests/authz_matrix.py; the builders below make each row's request (with the rows it needs, a canary in every
encrypted field).

Targets:
  -       the caller's own plan in the portal (found from the signed-in user).
  own     dana's record; for a note: a draft of alice's (writes are valid on it); for a goal: one on the plan of
          her open episode; for a practice: Northside.
  signed  dana's record; for a note: a note alice signed (the target of an addendum).
  other   eli's record and a draft (or signed note) of bob's, a goal on his plan; for a practice: Southside.

Reading the rows: the client reads her plan and goals (the care team's plan and goal pages send her to her own,
in the portal) and rates her own progress (also through the care team's rating form, where her rating is
recorded as hers); only the care team writes the plan. Only the care team (alice for dana, bob for eli) reads or
writes notes. The client herself, her partner frank, the supervisor sam and the admin ada have a relationship but
no note permission: 403, audited. Everyone else has no relationship: 404. That a signed note refuses every change
(409) and a stale draft gets 409 is proved in tests/clinical/, because a conflict is not an access decision.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from attune.care.models import Episode
from attune.clinical.models import (
    Appointment,
    ExposureHomework,
    ExposureSituation,
    Goal,
    NoteStatus,
    ProgressReview,
    ReviewExport,
    SessionNote,
    TreatmentPlan,
)
from attune.diary.models import MapStatus, RelationshipScript
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
clinical:note_since             GET    own        403 404  200  404  404   403  403 403  404  302
clinical:note_since             GET    other      404 403  404  200  404   404  403 403  404  302
clinical:note_pull              POST   own        403 404  302  404  404   403  403 403  404  302
clinical:note_pull              POST   other      404 403  404  302  404   404  403 403  404  302
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
api:note_since_last_session     GET    own        403 404  200  404  404   403  403 403  404  401
api:note_since_last_session     GET    other      404 403  404  200  404   404  403 403  404  401
api:sign_session_note           POST   own        403 404  200  404  404   403  403 403  404  401
api:sign_session_note           POST   other      404 403  404  200  404   404  403 403  404  401
api:add_note_addendum           POST   signed     403 404  201  404  404   403  403 403  404  401
api:add_note_addendum           POST   other      404 403  404  201  404   404  403 403  404  401
# --- treatment plans and goals: the care team's pages -------------------------------------------------------
clinical:plan                   GET    own        302 404  200  404  404   403  403 403  404  302
clinical:plan                   GET    other      404 302  404  200  404   404  403 403  404  302
clinical:plan                   POST   own        403 404  302  404  404   403  403 403  404  302
clinical:plan                   POST   other      404 403  404  302  404   404  403 403  404  302
clinical:plan_scripts           POST   own        403 404  302  404  404   403  403 403  404  302
clinical:plan_scripts           POST   other      404 403  404  302  404   404  403 403  404  302
clinical:goal_new               GET    own        403 404  200  404  404   403  403 403  404  302
clinical:goal_new               GET    other      404 403  404  200  404   404  403 403  404  302
clinical:goal_new               POST   own        403 404  302  404  404   403  403 403  404  302
clinical:goal_new               POST   other      404 403  404  302  404   404  403 403  404  302
clinical:goal                   GET    own        302 404  200  404  404   403  403 403  404  302
clinical:goal                   GET    other      404 302  404  200  404   404  403 403  404  302
clinical:goal                   POST   own        403 404  302  404  404   403  403 403  404  302
clinical:goal                   POST   other      404 403  404  302  404   404  403 403  404  302
clinical:goal_status            POST   own        403 404  302  404  404   403  403 403  404  302
clinical:goal_status            POST   other      404 403  404  302  404   404  403 403  404  302
clinical:goal_rate              POST   own        302 404  302  404  404   403  403 403  404  302
clinical:goal_rate              POST   other      404 302  404  302  404   404  403 403  404  302
# --- treatment plans and goals: the client's own, in the portal ---------------------------------------------
clinical:my_plan                GET    -          200 200  404  404  404   404  404 404  404  302
clinical:my_goal                GET    own        200 404  404  404  404   404  404 404  404  302
clinical:my_goal                GET    other      404 200  404  404  404   404  404 404  404  302
clinical:my_goal                POST   own        302 404  404  404  404   404  404 404  404  302
clinical:my_goal                POST   other      404 302  404  404  404   404  404 404  404  302
# --- the practice's correlation between goals (admins) ------------------------------------------------------
clinical:practice_settings      GET    own        404 404  403  403  404   404  403 200  403  302
clinical:practice_settings      GET    other      404 404  404  404  403   404  404 404  404  302
clinical:practice_settings      POST   own        404 404  403  403  404   404  403 302  403  302
clinical:practice_settings      POST   other      404 404  404  404  403   404  404 404  404  302
# --- treatment plans and goals: API ------------------------------------------------------------------------
api:get_treatment_plan          GET    own        200 404  200  404  404   403  403 403  404  401
api:get_treatment_plan          GET    other      404 200  404  200  404   404  403 403  404  401
api:save_treatment_plan         PUT    own        403 404  200  404  404   403  403 403  404  401
api:save_treatment_plan         PUT    other      404 403  404  200  404   404  403 403  404  401
api:link_plan_scripts           POST   own        403 404  200  404  404   403  403 403  404  401
api:link_plan_scripts           POST   other      404 403  404  200  404   404  403 403  404  401
api:create_goal                 POST   own        403 404  201  404  404   403  403 403  404  401
api:create_goal                 POST   other      404 403  404  201  404   404  403 403  404  401
api:get_goal                    GET    own        200 404  200  404  404   403  403 403  404  401
api:get_goal                    GET    other      404 200  404  200  404   404  403 403  404  401
api:revise_goal                 PATCH  own        403 404  200  404  404   403  403 403  404  401
api:revise_goal                 PATCH  other      404 403  404  200  404   404  403 403  404  401
api:set_goal_status             POST   own        403 404  200  404  404   403  403 403  404  401
api:set_goal_status             POST   other      404 403  404  200  404   404  403 403  404  401
api:rate_goal                   POST   own        201 404  201  404  404   403  403 403  404  401
api:rate_goal                   POST   other      404 201  404  201  404   404  403 403  404  401
# --- exposure hierarchies ------------------------------------------------------------------------------------
clinical:exposure               GET    own        302 404  200  404  404   403  403 403  404  302
clinical:exposure               GET    other      404 302  404  200  404   404  403 403  404  302
clinical:exposure               POST   own        403 404  302  404  404   403  403 403  404  302
clinical:exposure               POST   other      404 403  404  302  404   404  403 403  404  302
clinical:exposure_situation     GET    own        302 404  200  404  404   403  403 403  404  302
clinical:exposure_situation     GET    other      404 302  404  200  404   404  403 403  404  302
clinical:exposure_homework      POST   own        403 404  302  404  404   403  403 403  404  302
clinical:exposure_homework      POST   other      404 403  404  302  404   404  403 403  404  302
clinical:my_exposure            GET    -          200 200  404  404  404   404  404 404  404  302
clinical:my_practice            GET    own        200 404  404  404  404   404  404 404  404  302
clinical:my_practice            GET    other      404 200  404  404  404   404  404 404  404  302
clinical:my_practice            POST   own        302 404  404  404  404   404  404 404  404  302
clinical:my_practice            POST   other      404 302  404  404  404   404  404 404  404  302
api:list_exposure_situations    GET    own        200 404  200  404  404   403  403 403  404  401
api:list_exposure_situations    GET    other      404 200  404  200  404   404  403 403  404  401
api:create_exposure_situation   POST   own        403 404  201  404  404   403  403 403  404  401
api:create_exposure_situation   POST   other      404 403  404  201  404   404  403 403  404  401
api:set_exposure_homework       POST   own        403 404  201  404  404   403  403 403  404  401
api:set_exposure_homework       POST   other      404 403  404  201  404   404  403 403  404  401
api:log_exposure_practice       POST   own        201 404  403  404  404   403  403 403  404  401
api:log_exposure_practice       POST   other      404 201  404  403  404   404  403 403  404  401
# --- appointments --------------------------------------------------------------------------------------------
clinical:appointments           GET    own        302 404  200  404  404   403  403 403  404  302
clinical:appointments           GET    other      404 302  404  200  404   404  403 403  404  302
clinical:appointments           POST   own        403 404  302  404  404   403  403 403  404  302
clinical:appointments           POST   other      404 403  404  302  404   404  403 403  404  302
clinical:appointment_status     POST   own        403 404  302  404  404   403  403 403  404  302
clinical:appointment_status     POST   other      404 403  404  302  404   404  403 403  404  302
clinical:appointment_move       POST   own        403 404  302  404  404   403  403 403  404  302
clinical:appointment_move       POST   other      404 403  404  302  404   404  403 403  404  302
clinical:my_appointments        GET    -          200 200  404  404  404   404  404 404  404  302
clinical:my_appointment_ics     GET    own        200 404  404  404  404   404  404 404  404  302
clinical:my_appointment_ics     GET    other      404 200  404  404  404   404  404 404  404  302
api:list_appointments           GET    own        200 404  200  404  404   403  403 403  404  401
api:list_appointments           GET    other      404 200  404  200  404   404  403 403  404  401
api:book_appointment            POST   own        403 404  201  404  404   403  403 403  404  401
api:book_appointment            POST   other      404 403  404  201  404   404  403 403  404  401
api:set_appointment_status      POST   own        403 404  200  404  404   403  403 403  404  401
api:set_appointment_status      POST   other      404 403  404  200  404   404  403 403  404  401
api:move_appointment            POST   own        403 404  200  404  404   403  403 403  404  401
api:move_appointment            POST   other      404 403  404  200  404   404  403 403  404  401
# --- progress reviews ---------------------------------------------------------------------------------------
clinical:reviews                GET    own        302 404  200  404  404   403  403 403  404  302
clinical:reviews                GET    other      404 302  404  200  404   404  403 403  404  302
clinical:reviews                POST   own        403 404  302  404  404   403  403 403  404  302
clinical:reviews                POST   other      404 403  404  302  404   404  403 403  404  302
clinical:review                 GET    own        302 404  200  404  404   403  403 403  404  302
clinical:review                 GET    other      404 302  404  200  404   404  403 403  404  302
clinical:my_reviews             GET    -          200 200  404  404  404   404  404 404  404  302
clinical:my_review              GET    own        200 404  404  404  404   404  404 404  404  302
clinical:my_review              GET    other      404 200  404  404  404   404  404 404  404  302
api:list_reviews                GET    own        200 404  200  404  404   403  403 403  404  401
api:list_reviews                GET    other      404 200  404  200  404   404  403 403  404  401
api:create_review               POST   own        403 404  201  404  404   403  403 403  404  401
api:create_review               POST   other      404 403  404  201  404   404  403 403  404  401
api:get_review                  GET    own        200 404  200  404  404   403  403 403  404  401
api:get_review                  GET    other      404 200  404  200  404   404  403 403  404  401
clinical:review_export          POST   own        302 404  302  404  404   403  403 403  404  302
clinical:review_export          POST   other      404 302  404  302  404   404  403 403  404  302
clinical:review_export_status   GET    own        200 404  200  404  404   403  403 403  404  302
clinical:review_export_status   GET    other      404 200  404  200  404   404  403 403  404  302
clinical:review_export_file     GET    own        200 404  200  404  404   403  403 403  404  302
clinical:review_export_file     GET    other      404 200  404  200  404   404  403 403  404  302
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


builds("clinical:note_since", "GET")(lambda c: Req("GET", page("clinical:note_since", _owner(c).pk, _draft(c).pk)))


@builds("clinical:note_pull", "POST")
def _note_pull(c: Ctx) -> Req:
    note = _draft(c)
    return Req("POST", page("clinical:note_pull", _owner(c).pk, note.pk), form=_form(note))


builds("api:note_since_last_session", "GET")(
    lambda c: Req("GET", api_path("note_since_last_session", _owner(c).pk, _draft(c).pk))
)


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


# --- plans and goals ----------------------------------------------------------------------------------------


def _plan(c: Ctx) -> TreatmentPlan:
    client = _owner(c)
    episode = Episode.objects.get(client=client, closed__isnull=True)
    plan = TreatmentPlan.objects.filter(episode=episode).first()
    if plan is None:
        plan = TreatmentPlan(
            client=client,
            episode=episode,
            formulation_client=canary("treatmentplan", "formulation_client"),
            formulation_clinician=canary("treatmentplan", "formulation_clinician"),
        )
        plan.save()
    return plan


def _goal(c: Ctx) -> Goal:
    plan = _plan(c)
    goal = Goal(
        client=plan.client,
        plan=plan,
        weight=2,
        title=canary("goal", "title"),
        level_0=canary("goal", "level_0"),
        level_plus2=canary("goal", "level_plus2"),
    )
    goal.save()
    return goal


GOAL_FORM = {"title": "Steadier mornings", "weight": "2", "level_0": "Most mornings"}


def _practice_id(c: Ctx) -> int:
    return c.cast.practices["southside" if c.target == "other" else "northside"].pk


builds("clinical:plan", "GET")(lambda c: Req("GET", page("clinical:plan", _owner(c).pk)))


@builds("clinical:plan", "POST")
def _plan_save(c: Ctx) -> Req:
    plan = _plan(c)
    form = {"formulation_client": "In my words", "formulation_clinician": "", "version": plan.version}
    return Req("POST", page("clinical:plan", _owner(c).pk), form=form)


builds("clinical:goal_new", "GET")(lambda c: Req("GET", page("clinical:goal_new", _owner(c).pk)))


@builds("clinical:goal_new", "POST")
def _goal_new(c: Ctx) -> Req:
    _plan(c)
    return Req("POST", page("clinical:goal_new", _owner(c).pk), form=GOAL_FORM)


builds("clinical:goal", "GET")(lambda c: Req("GET", page("clinical:goal", _owner(c).pk, _goal(c).pk)))


@builds("clinical:goal", "POST")
def _goal_revise(c: Ctx) -> Req:
    goal = _goal(c)
    return Req("POST", page("clinical:goal", _owner(c).pk, goal.pk), form={**GOAL_FORM, "version": goal.version})


builds("clinical:goal_status", "POST")(
    lambda c: Req("POST", page("clinical:goal_status", _owner(c).pk, _goal(c).pk), form={"status": "set_aside"})
)
builds("clinical:goal_rate", "POST")(
    lambda c: Req("POST", page("clinical:goal_rate", _owner(c).pk, _goal(c).pk), form={"score": "1"})
)
builds("clinical:my_plan", "GET")(lambda c: Req("GET", page("clinical:my_plan")))
builds("clinical:my_goal", "GET")(lambda c: Req("GET", page("clinical:my_goal", _goal(c).pk)))
builds("clinical:my_goal", "POST")(
    lambda c: Req("POST", page("clinical:my_goal", _goal(c).pk), form={"score": "0", "note": ""})
)
builds("clinical:practice_settings", "GET")(lambda c: Req("GET", page("clinical:practice_settings", _practice_id(c))))
builds("clinical:practice_settings", "POST")(
    lambda c: Req("POST", page("clinical:practice_settings", _practice_id(c)), form={"gas_rho": "0.3"})
)


@builds("api:get_treatment_plan", "GET")
def _api_plan(c: Ctx) -> Req:
    _goal(c)
    return Req("GET", api_path("get_treatment_plan", _owner(c).pk))


def _script(c: Ctx) -> RelationshipScript:
    script = RelationshipScript(client=_owner(c), status=MapStatus.ON_MAP, name=canary("relationshipscript", "name"))
    script.save()
    return script


@builds("clinical:plan_scripts", "POST")
def _plan_scripts(c: Ctx) -> Req:
    plan, script = _plan(c), _script(c)
    form = {"scripts": [str(script.pk)], "version": plan.version}
    return Req("POST", page("clinical:plan_scripts", _owner(c).pk), form=form)


@builds("api:link_plan_scripts", "POST")
def _api_plan_scripts(c: Ctx) -> Req:
    plan, script = _plan(c), _script(c)
    body = {"script_ids": [str(script.pk)], "version": plan.version}
    return Req("POST", api_path("link_plan_scripts", _owner(c).pk), body=body)


@builds("api:save_treatment_plan", "PUT")
def _api_save_plan(c: Ctx) -> Req:
    plan = _plan(c)
    body = {"formulation_client": "In my words", "version": plan.version}
    return Req("PUT", api_path("save_treatment_plan", _owner(c).pk), body=body)


@builds("api:create_goal", "POST")
def _api_create_goal(c: Ctx) -> Req:
    _plan(c)
    return Req("POST", api_path("create_goal", _owner(c).pk), body={"title": "Steadier mornings", "weight": 2})


builds("api:get_goal", "GET")(lambda c: Req("GET", api_path("get_goal", _owner(c).pk, _goal(c).pk)))


@builds("api:revise_goal", "PATCH")
def _api_revise_goal(c: Ctx) -> Req:
    goal = _goal(c)
    body = {"title": "Steadier mornings", "weight": 3, "version": goal.version}
    return Req("PATCH", api_path("revise_goal", _owner(c).pk, goal.pk), body=body)


builds("api:set_goal_status", "POST")(
    lambda c: Req("POST", api_path("set_goal_status", _owner(c).pk, _goal(c).pk), body={"status": "set_aside"})
)
builds("api:rate_goal", "POST")(
    lambda c: Req("POST", api_path("rate_goal", _owner(c).pk, _goal(c).pk), body={"score": 1})
)


# --- exposure ----------------------------------------------------------------------------------------------------


def _situation(c: Ctx) -> ExposureSituation:
    situation = ExposureSituation(
        client=_owner(c), description=canary("exposuresituation", "description"), expected_distress=40
    )
    situation.save()
    return situation


def _homework(c: Ctx) -> ExposureHomework:
    situation = _situation(c)
    homework = ExposureHomework(
        client=situation.client, situation=situation, minutes=10, times_per_week=3,
        guidance=canary("exposurehomework", "guidance"),
    )  # fmt: skip
    homework.save()
    return homework


PRACTICE = {"distress_start": 30, "distress_peak": 60, "distress_end": 30}

builds("clinical:exposure", "GET")(lambda c: Req("GET", page("clinical:exposure", _owner(c).pk)))
builds("clinical:exposure", "POST")(
    lambda c: Req(
        "POST", page("clinical:exposure", _owner(c).pk), form={"description": "A queue", "expected_distress": "40"}
    )
)
builds("clinical:exposure_situation", "GET")(
    lambda c: Req("GET", page("clinical:exposure_situation", _owner(c).pk, _homework(c).situation_id))
)
builds("clinical:exposure_homework", "POST")(
    lambda c: Req(
        "POST",
        page("clinical:exposure_homework", _owner(c).pk, _situation(c).pk),
        form={"minutes": "10", "times_per_week": "3", "guidance": ""},
    )
)
builds("clinical:my_exposure", "GET")(lambda c: Req("GET", page("clinical:my_exposure")))
builds("clinical:my_practice", "GET")(lambda c: Req("GET", page("clinical:my_practice", _homework(c).pk)))
builds("clinical:my_practice", "POST")(
    lambda c: Req("POST", page("clinical:my_practice", _homework(c).pk), form={"key": str(uuid.uuid4()), **PRACTICE})
)
builds("api:list_exposure_situations", "GET")(
    lambda c: Req("GET", api_path("list_exposure_situations", _homework(c).client_id))
)
builds("api:create_exposure_situation", "POST")(
    lambda c: Req(
        "POST",
        api_path("create_exposure_situation", _owner(c).pk),
        body={"description": "A queue", "expected_distress": 40},
    )
)
builds("api:set_exposure_homework", "POST")(
    lambda c: Req(
        "POST",
        api_path("set_exposure_homework", _owner(c).pk, _situation(c).pk),
        body={"minutes": 10, "times_per_week": 3},
    )
)
builds("api:log_exposure_practice", "POST")(
    lambda c: Req(
        "POST",
        api_path("log_exposure_practice", _owner(c).pk, _homework(c).pk),
        body={"key": str(uuid.uuid4()), **PRACTICE},
    )
)


# --- appointments ------------------------------------------------------------------------------------------------


def _appointment(c: Ctx) -> Appointment:
    appointment = Appointment(
        client=_owner(c), starts_at=timezone.now() + datetime.timedelta(days=1), minutes=50,
        place=canary("appointment", "place"), video_link="https://video.example.org/r/x",
    )  # fmt: skip
    appointment.save()
    return appointment


def _booking(c: Ctx) -> dict[str, Any]:
    when = timezone.localtime() + datetime.timedelta(days=2)
    return {"starts_at": when.strftime("%Y-%m-%dT%H:%M"), "minutes": 50, "kind": "individual", "place": "Room 1"}


builds("clinical:appointments", "GET")(lambda c: Req("GET", page("clinical:appointments", _owner(c).pk)))
builds("clinical:appointments", "POST")(
    lambda c: Req("POST", page("clinical:appointments", _owner(c).pk), form={**_booking(c), "video_link": ""})
)
builds("clinical:appointment_status", "POST")(
    lambda c: Req(
        "POST", page("clinical:appointment_status", _owner(c).pk, _appointment(c).pk), form={"status": "cancelled"}
    )
)
builds("clinical:appointment_move", "POST")(
    lambda c: Req(
        "POST",
        page("clinical:appointment_move", _owner(c).pk, _appointment(c).pk),
        form={"starts_at": _booking(c)["starts_at"], "minutes": 60},
    )
)
builds("clinical:my_appointments", "GET")(lambda c: Req("GET", page("clinical:my_appointments")))
builds("clinical:my_appointment_ics", "GET")(
    lambda c: Req("GET", page("clinical:my_appointment_ics", _appointment(c).pk))
)
builds("api:list_appointments", "GET")(lambda c: Req("GET", api_path("list_appointments", _appointment(c).client_id)))
builds("api:book_appointment", "POST")(
    lambda c: Req(
        "POST",
        api_path("book_appointment", _owner(c).pk),
        body={**_booking(c), "starts_at": (timezone.now() + datetime.timedelta(days=2)).isoformat()},
    )
)
builds("api:set_appointment_status", "POST")(
    lambda c: Req(
        "POST", api_path("set_appointment_status", _owner(c).pk, _appointment(c).pk), body={"status": "cancelled"}
    )
)
builds("api:move_appointment", "POST")(
    lambda c: Req(
        "POST",
        api_path("move_appointment", _owner(c).pk, _appointment(c).pk),
        body={"starts_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(), "minutes": 60},
    )
)


# --- progress reviews ---------------------------------------------------------------------------------------------


def _review(c: Ctx) -> ProgressReview:
    client = _owner(c)
    review = ProgressReview(
        client=client, episode=Episode.objects.get(client=client, closed__isnull=True),
        narrative=canary("progressreview", "narrative"), client_summary=canary("progressreview", "client_summary"),
    )  # fmt: skip
    review.save()
    return review


REVIEW = {"narrative": "Steady progress", "client_summary": "Things feel steadier"}

builds("clinical:reviews", "GET")(lambda c: Req("GET", page("clinical:reviews", _owner(c).pk)))
builds("clinical:reviews", "POST")(
    lambda c: Req("POST", page("clinical:reviews", _owner(c).pk), form={"review_date": c.today, **REVIEW})
)
builds("clinical:review", "GET")(lambda c: Req("GET", page("clinical:review", _owner(c).pk, _review(c).pk)))
builds("clinical:my_reviews", "GET")(lambda c: Req("GET", page("clinical:my_reviews")))
builds("clinical:my_review", "GET")(lambda c: Req("GET", page("clinical:my_review", _review(c).pk)))
builds("api:list_reviews", "GET")(lambda c: Req("GET", api_path("list_reviews", _review(c).client_id)))
builds("api:create_review", "POST")(
    lambda c: Req("POST", api_path("create_review", _owner(c).pk), body={"review_date": c.today, **REVIEW})
)
builds("api:get_review", "GET")(lambda c: Req("GET", api_path("get_review", _owner(c).pk, _review(c).pk)))


def _export(c: Ctx) -> ReviewExport:
    """The PDF of the client's version, made (a few bytes stand in for it: the matrix is about who gets it)."""
    review = _review(c)
    export = ReviewExport(
        client=review.client, review=review, audience="client", status="done",
        html=canary("reviewexport", "html"), pdf="JVBERi0xLjcK",
    )  # fmt: skip
    export.save()
    return export


builds("clinical:review_export", "POST")(
    lambda c: Req("POST", page("clinical:review_export", _owner(c).pk, _review(c).pk), form={"audience": "client"})
)
builds("clinical:review_export_status", "GET")(
    lambda c: Req("GET", page("clinical:review_export_status", _owner(c).pk, _export(c).pk))
)
builds("clinical:review_export_file", "GET")(
    lambda c: Req("GET", page("clinical:review_export_file", _owner(c).pk, _export(c).pk))
)
