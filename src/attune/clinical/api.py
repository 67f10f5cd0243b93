"""The clinical record's API. Every operation reaches the client (and a note) through the policy first; writes go
through clinical/services.py with that access. A stale write and any change to a signed note answer 409."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.clinical import inputs, perms, queries, services, since
from attune.clinical import review as review_figures
from attune.clinical.models import (
    Appointment,
    ExposureHomework,
    ExposurePractice,
    Goal,
    GoalRating,
    GoalRevision,
    Intervention,
    NoteAddendum,
    NoteTemplate,
    ProgressReview,
    SessionNote,
)
from attune.core import policy
from attune.core.apidoc import may_answer
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


class SessionNoteIn(NoteSections):
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


class SessionNoteOut(NoteSummary):
    sections: dict[str, str]
    signed_by_id: int | None
    updated: datetime.datetime
    addenda: list[AddendumOut]


class NotePage(Schema):
    items: list[NoteSummary]
    count: int
    page: int
    pages: int


class ClinicalPageQuery(Schema):
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
def list_session_notes(request: HttpRequest, client_id: str, params: Query[ClinicalPageQuery]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_NOTES)
    page = queries.note_page(access, params.page)
    return {
        "items": [_summary(n) for n in page.object_list],
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


@router.post("/clients/{client_id}/notes", response={201: SessionNoteOut}, operation_id="create_session_note")
def create_session_note(request: HttpRequest, client_id: str, payload: SessionNoteIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_NOTES, shows=perms.VIEW_NOTES)
    note = services.start_note(access, services.NoteInput(payload.template, payload.session_date, payload.sections))
    return 201, _note_out(access, note)


@router.get("/clients/{client_id}/notes/{note_id}", response=SessionNoteOut, operation_id="get_session_note")
def get_session_note(request: HttpRequest, client_id: str, note_id: str) -> dict[str, Any]:
    return _note_out(*_located(request, client_id, note_id, perms.VIEW_NOTES))


@router.patch(
    "/clients/{client_id}/notes/{note_id}",
    response=SessionNoteOut,
    operation_id="update_session_note",
    openapi_extra=may_answer(409),
)
def update_session_note(request: HttpRequest, client_id: str, note_id: str, payload: NotePatch) -> dict[str, Any]:
    access, found = _located(request, client_id, note_id, perms.WRITE_NOTES)
    note = services.save_draft(
        access, found, payload.sections, expected_version=payload.version, session_date=payload.session_date
    )
    return _note_out(access, note)


@router.post(
    "/clients/{client_id}/notes/{note_id}/sign",
    response=SessionNoteOut,
    operation_id="sign_session_note",
    openapi_extra=may_answer(409),
)
def sign_session_note(request: HttpRequest, client_id: str, note_id: str, payload: SignIn) -> dict[str, Any]:
    access, found = _located(request, client_id, note_id, perms.WRITE_NOTES)
    return _note_out(access, services.sign_note(access, found, expected_version=payload.version))


@router.post(
    "/clients/{client_id}/notes/{note_id}/addenda",
    response={201: AddendumOut},
    operation_id="add_note_addendum",
    openapi_extra=may_answer(409),
)
def add_note_addendum(
    request: HttpRequest, client_id: str, note_id: str, payload: AddendumIn
) -> tuple[int, dict[str, Any]]:
    access, found = _located(request, client_id, note_id, perms.WRITE_NOTES)
    return 201, _addendum(services.add_addendum(access, found, payload.text))


class SinceItem(Schema):
    at: datetime.datetime
    heading: str
    text: str


class SinceOut(Schema):
    start: datetime.date = Field(description="The day of the client's last session before this note's session")
    section: str = Field(description="The section of the note's template the summary belongs in")
    text: str = Field(description="The summary as plain text, to edit into the draft")
    items: list[SinceItem]


@router.get("/clients/{client_id}/notes/{note_id}/since", response=SinceOut, operation_id="note_since_last_session")
def note_since_last_session(request: HttpRequest, client_id: str, note_id: str) -> dict[str, Any]:
    """What happened since the client's last session (shared diary entries, questionnaire results, practice, alerts),
    for a draft note: only what the caller may see, each line audited as read. A signed note answers 409."""
    access, found = _located(request, client_id, note_id, perms.WRITE_NOTES)
    if found.is_signed:
        raise services.NoteSignedError("This note is signed: add an addendum instead.")
    result = since.summary(access, found)
    return {
        "start": result.start,
        "section": result.section,
        "text": result.text,
        "items": [{"at": i.when, "heading": i.heading, "text": i.text} for i in result.items],
    }


# --- treatment plans and goals ---------------------------------------------------------------------------

SCORE = Field(ge=inputs.SCORE_MIN, le=inputs.SCORE_MAX, description="-2 a lot less than hoped .. +2 a lot more")


class PlanIn(Schema):
    formulation_client: str = Field(default="", max_length=inputs.FORMULATION_LIMIT)
    formulation_clinician: str = Field(default="", max_length=inputs.FORMULATION_LIMIT)
    version: int | None = Field(default=None, ge=1, description="The version you read; a stale one gives 409")


class GoalFields(Schema):
    level_minus2: str = Field(default="", max_length=inputs.GOAL_LEVEL_LIMIT)
    level_minus1: str = Field(default="", max_length=inputs.GOAL_LEVEL_LIMIT)
    level_0: str = Field(default="", max_length=inputs.GOAL_LEVEL_LIMIT)
    level_plus1: str = Field(default="", max_length=inputs.GOAL_LEVEL_LIMIT)
    level_plus2: str = Field(default="", max_length=inputs.GOAL_LEVEL_LIMIT)
    weight: int = Field(default=1, ge=inputs.WEIGHT_MIN, le=inputs.WEIGHT_MAX)
    target_date: datetime.date | None = None
    interventions: list[str] = Field(default_factory=list, max_length=len(Intervention.values))


class GoalIn(GoalFields):
    title: str = Field(min_length=1, max_length=inputs.GOAL_TITLE_LIMIT)


class GoalRevisionIn(GoalIn):
    version: int = Field(ge=1, description="The version you read; a stale one gives 409")


class GoalStatusIn(Schema):
    status: str = Field(pattern="^(active|set_aside)$")


class RatingIn(Schema):
    score: int = SCORE
    note: str = Field(default="", max_length=inputs.RATING_NOTE_LIMIT)


class RatingOut(Schema):
    id: uuid.UUID
    score: int
    by_client: bool
    rated_at: datetime.datetime
    note: str


class GoalOut(GoalFields):
    id: uuid.UUID
    title: str
    status: str
    version: int
    latest_team_rating: RatingOut | None
    latest_own_rating: RatingOut | None


class GoalRevisionOut(GoalFields):
    version: int
    title: str
    status: str
    saved_at: datetime.datetime


class GoalDetail(GoalOut):
    ratings: list[RatingOut]
    history: list[GoalRevisionOut]


class AttainmentOut(Schema):
    t_score: float | None = Field(description="GAS T-score of the active goals the care team rated; 50 = as expected")
    rated: int
    active: int
    rho: float


class ScriptRef(Schema):
    id: uuid.UUID
    name: str


class PlanOut(Schema):
    id: uuid.UUID
    episode_id: uuid.UUID
    formulation_client: str
    formulation_clinician: str
    version: int
    updated: datetime.datetime
    goals: list[GoalOut]
    attainment: AttainmentOut | None = Field(description="The care team's: absent for the client")
    scripts: list[ScriptRef] = Field(description="Scripts on the client's map linked to the formulation")


class PlanScriptsIn(Schema):
    script_ids: list[uuid.UUID] = Field(max_length=50)
    version: int | None = Field(default=None, ge=1, description="The version you read; a stale one gives 409")


def _rating(r: GoalRating | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"id": r.pk, "score": r.score, "by_client": r.by_client, "rated_at": r.rated_at, "note": r.note}


def _goal_fields(goal: Goal | GoalRevision) -> dict[str, Any]:
    return {name: getattr(goal, name) for name in (*GoalFields.model_fields, "title", "status", "version")}


def _goal(card: queries.GoalCard) -> dict[str, Any]:
    return {
        **_goal_fields(card.goal),
        "id": card.goal.pk,
        "latest_team_rating": _rating(card.team),
        "latest_own_rating": _rating(card.own),
    }


def _plan_out(access: Access) -> dict[str, Any]:
    plan = queries.current_plan(access)
    if plan is None:
        raise Http404("No plan yet")
    cards = queries.goal_cards(access, plan)
    if not access.can(perms.WRITE_PLAN):
        # The client sees the plan in their own words and their active goals; the clinician's formulation and
        # the score are the care team's.
        cards = [c for c in cards if c.goal.is_active]
    team = access.can(perms.WRITE_PLAN)
    score = queries.attainment(cards, queries.gas_rho(record_of(access).practice_id))
    return {
        "id": plan.pk,
        "episode_id": plan.episode_id,
        "formulation_client": plan.formulation_client,
        "formulation_clinician": plan.formulation_clinician if team else "",
        "version": plan.version,
        "updated": plan.updated,
        "goals": [_goal(c) for c in cards],
        "scripts": [{"id": ref.id, "name": ref.label} for ref in queries.linked_scripts(access, plan)],
        "attainment": {"t_score": score.t_score, "rated": score.rated, "active": score.active, "rho": score.rho}
        if team
        else None,
    }


@router.get("/clients/{client_id}/plan", response=PlanOut, operation_id="get_treatment_plan")
def get_treatment_plan(request: HttpRequest, client_id: str) -> dict[str, Any]:
    return _plan_out(policy.client(user_of(request), client_id, perms.VIEW_PLAN))


@router.put(
    "/clients/{client_id}/plan", response=PlanOut, operation_id="save_treatment_plan", openapi_extra=may_answer(409)
)
def save_treatment_plan(request: HttpRequest, client_id: str, payload: PlanIn) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.WRITE_PLAN, shows=perms.VIEW_PLAN)
    data = services.PlanInput(payload.formulation_client, payload.formulation_clinician)
    services.save_plan(access, data, expected_version=payload.version)
    return _plan_out(access)


@router.post("/clients/{client_id}/plan/scripts", response=PlanOut, operation_id="link_plan_scripts")
def link_plan_scripts(request: HttpRequest, client_id: str, payload: PlanScriptsIn) -> dict[str, Any]:
    """Link scripts on the client's map to the plan's formulation (the list replaces the links)."""
    access = policy.client(user_of(request), client_id, perms.WRITE_PLAN, shows=perms.VIEW_PLAN)
    services.link_scripts(access, payload.script_ids, expected_version=payload.version)
    return _plan_out(access)


def _goal_input(payload: GoalIn) -> services.GoalInput:
    return services.GoalInput(**payload.dict(include={"title", *GoalFields.model_fields}))


def _located_goal(request: HttpRequest, client_id: str, goal_id: str, perm: policy.Perm) -> tuple[Access, Goal]:
    access = policy.client(user_of(request), client_id, perm, shows=perms.VIEW_PLAN if perm.write else None)
    return access, policy.row_of(access, queries.goals(access), goal_id, perm, entity="Goal")


def _goal_detail(access: Access, goal: Goal) -> dict[str, Any]:
    card = next(c for c in queries.goal_cards(access, goal.plan) if c.goal.pk == goal.pk)
    history = queries.goal_history(access, goal)
    return {
        **_goal(card),
        "ratings": [_rating(r) for r in queries.goal_ratings(access, goal)],
        "history": [{**_goal_fields(r), "saved_at": r.saved_at} for r in history],
    }


@router.post("/clients/{client_id}/goals", response={201: GoalDetail}, operation_id="create_goal")
def create_goal(request: HttpRequest, client_id: str, payload: GoalIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_PLAN, shows=perms.VIEW_PLAN)
    plan = queries.current_plan(access)
    if plan is None:
        raise HttpError(422, "Save the plan first: goals belong to the plan of an episode.")
    goal = services.add_goal(access, plan, _goal_input(payload))
    return 201, _goal_detail(access, goal)


@router.get("/clients/{client_id}/goals/{goal_id}", response=GoalDetail, operation_id="get_goal")
def get_goal(request: HttpRequest, client_id: str, goal_id: str) -> dict[str, Any]:
    return _goal_detail(*_located_goal(request, client_id, goal_id, perms.VIEW_PLAN))


@router.patch(
    "/clients/{client_id}/goals/{goal_id}",
    response=GoalDetail,
    operation_id="revise_goal",
    openapi_extra=may_answer(409),
)
def revise_goal(request: HttpRequest, client_id: str, goal_id: str, payload: GoalRevisionIn) -> dict[str, Any]:
    access, found = _located_goal(request, client_id, goal_id, perms.WRITE_PLAN)
    goal = services.revise_goal(access, found, _goal_input(payload), expected_version=payload.version)
    return _goal_detail(access, goal)


@router.post(
    "/clients/{client_id}/goals/{goal_id}/status",
    response=GoalDetail,
    operation_id="set_goal_status",
    openapi_extra=may_answer(409),
)
def set_goal_status(request: HttpRequest, client_id: str, goal_id: str, payload: GoalStatusIn) -> dict[str, Any]:
    access, found = _located_goal(request, client_id, goal_id, perms.WRITE_PLAN)
    return _goal_detail(access, services.set_goal_status(access, found, payload.status))


@router.post("/clients/{client_id}/goals/{goal_id}/ratings", response={201: RatingOut}, operation_id="rate_goal")
def rate_goal(request: HttpRequest, client_id: str, goal_id: str, payload: RatingIn) -> tuple[int, dict[str, Any]]:
    access, found = _located_goal(request, client_id, goal_id, perms.RATE_GOALS)
    return 201, _rating(services.rate_goal(access, found, payload.score, payload.note)) or {}


# --- exposure hierarchies -------------------------------------------------------------------------------------


class SituationIn(Schema):
    description: str = Field(min_length=1, max_length=inputs.SITUATION_LIMIT)
    expected_distress: int = Field(ge=0, le=100)


class HomeworkIn(Schema):
    minutes: int = Field(ge=inputs.MINUTES_MIN, le=inputs.MINUTES_MAX)
    times_per_week: int = Field(ge=inputs.TIMES_MIN, le=inputs.TIMES_MAX)
    guidance: str = Field(default="", max_length=inputs.GUIDANCE_LIMIT)


class HomeworkOut(Schema):
    id: uuid.UUID
    minutes: int
    times_per_week: int
    guidance: str
    created: datetime.datetime


class ExposurePracticeIn(Schema):
    key: uuid.UUID = Field(description="Made by the app for each practice; the same key again returns the original")
    distress_start: int = Field(ge=0, le=100)
    distress_peak: int = Field(ge=0, le=100)
    distress_end: int | None = Field(default=None, ge=0, le=100, description="May be left out when stopped early")
    stopped_early: bool = False
    minutes: int | None = Field(default=None, ge=0, le=inputs.MINUTES_MAX)
    note: str = Field(default="", max_length=inputs.PRACTICE_NOTE_LIMIT)
    practised_at: datetime.datetime | None = None


class ExposurePracticeOut(Schema):
    id: uuid.UUID
    homework_id: uuid.UUID
    practised_at: datetime.datetime
    distress_start: int
    distress_peak: int
    distress_end: int | None
    stopped_early: bool
    minutes: int | None
    note: str


class SituationOut(Schema):
    id: uuid.UUID
    description: str
    expected_distress: int
    homework: HomeworkOut | None
    practices_this_week: int
    practices: list[ExposurePracticeOut]


def _homework(h: ExposureHomework | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {"id": h.pk, "minutes": h.minutes, "times_per_week": h.times_per_week, "guidance": h.guidance,
            "created": h.created}  # fmt: skip


def _practice(p: ExposurePractice) -> dict[str, Any]:
    return {name: getattr(p, name) for name in ExposurePracticeOut.model_fields}


def _step(step: queries.Ladder) -> dict[str, Any]:
    s = step.situation
    return {
        "id": s.pk,
        "description": s.description,
        "expected_distress": s.expected_distress,
        "homework": _homework(step.homework),
        "practices_this_week": step.this_week,
        "practices": [_practice(p) for p in step.practices],
    }


@router.get("/clients/{client_id}/exposure", response=list[SituationOut], operation_id="list_exposure_situations")
def list_exposure_situations(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.VIEW_EXPOSURE)
    return [_step(s) for s in queries.ladder(access)]


@router.post("/clients/{client_id}/exposure", response={201: SituationOut}, operation_id="create_exposure_situation")
def create_exposure_situation(request: HttpRequest, client_id: str, payload: SituationIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.PLAN_EXPOSURE, shows=perms.VIEW_EXPOSURE)
    situation = services.add_situation(access, payload.description, payload.expected_distress)
    return 201, _step(queries.ladder(access, only=situation)[0])


@router.post(
    "/clients/{client_id}/exposure/{situation_id}/homework",
    response={201: HomeworkOut},
    operation_id="set_exposure_homework",
)
def set_exposure_homework(
    request: HttpRequest, client_id: str, situation_id: str, payload: HomeworkIn
) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.PLAN_EXPOSURE, shows=perms.VIEW_EXPOSURE)
    found = policy.row_of(access, queries.situations(access), situation_id, perms.PLAN_EXPOSURE,
                          entity="ExposureSituation")  # fmt: skip
    homework = services.set_homework(access, found, payload.minutes, payload.times_per_week, payload.guidance)
    return 201, _homework(homework) or {}


@router.post(
    "/clients/{client_id}/exposure-homework/{homework_id}/practices",
    response={200: ExposurePracticeOut, 201: ExposurePracticeOut},
    operation_id="log_exposure_practice",
)
def log_exposure_practice(
    request: HttpRequest, client_id: str, homework_id: str, payload: ExposurePracticeIn
) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.LOG_EXPOSURE, shows=perms.VIEW_EXPOSURE)
    homework = policy.row_of(access, queries.homework_rows(access), homework_id, perms.LOG_EXPOSURE,
                             entity="ExposureHomework")  # fmt: skip
    data = services.PracticeInput(**payload.dict(exclude={"key"}))
    practice, created = services.log_practice(access, homework, payload.key, data)
    return (201 if created else 200), _practice(practice)


# --- appointments ---------------------------------------------------------------------------------------------


class AppointmentIn(Schema):
    starts_at: datetime.datetime
    minutes: int = Field(ge=inputs.APPOINTMENT_MINUTES_MIN, le=inputs.APPOINTMENT_MINUTES_MAX)
    kind: str = Field(default="individual", pattern="^(individual|couples)$")
    place: str = Field(default="", max_length=inputs.PLACE_LIMIT)
    video_link: str = Field(default="", max_length=inputs.LINK_LIMIT)


class AppointmentStatusIn(Schema):
    status: str = Field(pattern="^(scheduled|attended|cancelled|missed)$")


class AppointmentMoveIn(Schema):
    starts_at: datetime.datetime
    minutes: int = Field(ge=inputs.APPOINTMENT_MINUTES_MIN, le=inputs.APPOINTMENT_MINUTES_MAX)


class AppointmentOut(Schema):
    id: uuid.UUID
    starts_at: datetime.datetime
    minutes: int
    kind: str
    place: str
    video_link: str
    status: str


class AppointmentList(Schema):
    upcoming: list[AppointmentOut]
    past: list[AppointmentOut]
    page: int
    pages: int


def _appointment(a: Appointment) -> dict[str, Any]:
    return {name: getattr(a, name) for name in AppointmentOut.model_fields}


@router.get("/clients/{client_id}/appointments", response=AppointmentList, operation_id="list_appointments")
def list_appointments(request: HttpRequest, client_id: str, params: Query[ClinicalPageQuery]) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_APPOINTMENTS)
    past = queries.past_page(access, params.page)
    return {
        "upcoming": [_appointment(a) for a in queries.upcoming(access)],
        "past": [_appointment(a) for a in past.object_list],
        "page": past.number,
        "pages": past.paginator.num_pages,
    }


@router.post("/clients/{client_id}/appointments", response={201: AppointmentOut}, operation_id="book_appointment")
def book_appointment(request: HttpRequest, client_id: str, payload: AppointmentIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.MANAGE_APPOINTMENTS, shows=perms.VIEW_APPOINTMENTS)
    return 201, _appointment(services.book(access, services.AppointmentInput(**payload.dict())))


@router.post(
    "/clients/{client_id}/appointments/{appointment_id}/status",
    response=AppointmentOut,
    operation_id="set_appointment_status",
)
def set_appointment_status(
    request: HttpRequest, client_id: str, appointment_id: str, payload: AppointmentStatusIn
) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.MANAGE_APPOINTMENTS, shows=perms.VIEW_APPOINTMENTS)
    found = policy.row_of(access, queries.appointments(access), appointment_id, perms.MANAGE_APPOINTMENTS,
                          entity="Appointment")  # fmt: skip
    return _appointment(services.set_status(access, found, payload.status))


@router.post(
    "/clients/{client_id}/appointments/{appointment_id}/time",
    response=AppointmentOut,
    operation_id="move_appointment",
)
def move_appointment(
    request: HttpRequest, client_id: str, appointment_id: str, payload: AppointmentMoveIn
) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.MANAGE_APPOINTMENTS, shows=perms.VIEW_APPOINTMENTS)
    found = policy.row_of(access, queries.appointments(access), appointment_id, perms.MANAGE_APPOINTMENTS,
                          entity="Appointment")  # fmt: skip
    return _appointment(services.reschedule(access, found, payload.starts_at, payload.minutes))


# --- progress reviews ----------------------------------------------------------------------------------------


class ReviewIn(Schema):
    review_date: datetime.date
    narrative: str = Field(default="", max_length=inputs.NARRATIVE_LIMIT)
    client_summary: str = Field(default="", max_length=inputs.NARRATIVE_LIMIT)


class MeasureOut(Schema):
    instrument: str
    first: float
    latest: float
    administrations: int
    change: str | None = Field(description="Reliable and clinically significant change, first to latest")


class ReviewOut(Schema):
    id: uuid.UUID
    review_date: datetime.date
    episode_id: uuid.UUID
    client_summary: str
    narrative: str | None = Field(description="The clinical version's narrative: absent for the client")
    gas_t_score: float | None = Field(description="The care team's: absent for the client")
    measures: list[MeasureOut] | None = Field(description="The care team's: absent for the client")
    sessions_attended: int


def _review_out(access: Access, found: ProgressReview) -> dict[str, Any]:
    clinical = access.can(perms.WRITE_REVIEWS)
    figures = review_figures.figures(access, found, clinical=clinical, with_measures=clinical)
    return {
        "id": found.pk,
        "review_date": found.review_date,
        "episode_id": found.episode_id,
        "client_summary": found.client_summary,
        "narrative": found.narrative if clinical else None,
        "gas_t_score": figures.attainment.t_score if clinical else None,
        "measures": [
            {
                "instrument": m.code,
                "first": m.first,
                "latest": m.latest,
                "administrations": len(m.points),
                "change": m.change.category if m.change else None,
            }
            for m in figures.measures
        ]
        if clinical
        else None,
        "sessions_attended": figures.sessions.get("attended", 0),
    }


def _review_rows(access: Access) -> Any:
    return policy.scoped(access, ProgressReview.objects.all()).select_related("episode")


@router.get("/clients/{client_id}/reviews", response=list[ReviewOut], operation_id="list_reviews")
def list_reviews(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.VIEW_REVIEWS)
    rows = list(_review_rows(access)[:20])
    access.shown("ProgressReview", [r.pk for r in rows], perms.VIEW_REVIEWS)
    return [_review_out(access, r) for r in rows]


@router.post("/clients/{client_id}/reviews", response={201: ReviewOut}, operation_id="create_review")
def create_review(request: HttpRequest, client_id: str, payload: ReviewIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(user_of(request), client_id, perms.WRITE_REVIEWS, shows=perms.VIEW_REVIEWS)
    written = services.write_review(access, payload.review_date, payload.narrative, payload.client_summary)
    return 201, _review_out(access, written)


@router.get("/clients/{client_id}/reviews/{review_id}", response=ReviewOut, operation_id="get_review")
def get_review(request: HttpRequest, client_id: str, review_id: str) -> dict[str, Any]:
    access = policy.client(user_of(request), client_id, perms.VIEW_REVIEWS)
    found = policy.row_of(access, _review_rows(access), review_id, perms.VIEW_REVIEWS, entity="ProgressReview")
    return _review_out(access, found)
