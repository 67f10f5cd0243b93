"""Questionnaire operations for apps: list instruments, start, answer, pause, submit, read scores."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from attune.care import crisis
from attune.core import policy
from attune.core.apidoc import one_of
from attune.core.policy import Located
from attune.measures import library
from attune.questionnaires import engine, fhir, inputs, perms, queries, services
from attune.questionnaires.models import Response


def _administrable() -> list[str]:
    """The instruments that can be started here (the library's, with their item text loaded)."""
    return [i.code for i in library.all_instruments() if engine.administrable(i)]


router = Router(tags=["questionnaires"])


class OptionOut(Schema):
    value: float
    display: str
    code: str


class ItemOut(Schema):
    link_id: str
    text: str | None
    options: list[OptionOut]


class InstrumentOut(Schema):
    code: str
    title: str
    sensitive: bool
    notice: str
    administrable: bool
    items: list[ItemOut]


class StartIn(Schema):
    instrument: str = Field(max_length=inputs.INSTRUMENT_MAX_LENGTH, json_schema_extra=one_of(_administrable))
    id: uuid.UUID | None = Field(default=None, description="Client-generated id; a retry with it never duplicates")


class QuestionnaireAnswerIn(Schema):
    value: float | None = None
    skipped: bool = Field(default=False, description="True for “prefer not to answer”")


class QuestionnairePauseIn(Schema):
    position: str = Field(default="", max_length=inputs.LINK_ID_MAX_LENGTH)


class QuestionnaireSubmitIn(Schema):
    submission_id: uuid.UUID


class QuestionnaireAnswerOut(Schema):
    link_id: str
    value: float | None
    skipped: bool


class ScoreOut(Schema):
    total: float | None
    subscales: dict[str, float | None]
    band: str
    flags: dict[str, bool | None] = Field(
        description="null when not known: the item the flag reads was skipped (never the same as false)"
    )
    answered: int
    missing_rule: str
    scored: bool
    critical_items: list[str]
    critical_unknown: list[str] = Field(
        description="Items whose answer can be critical that were skipped: the risk is not known, not absent"
    )


class ResponseOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    instrument: str
    status: str
    mode: str
    created: datetime.datetime
    submitted: datetime.datetime | None
    next_item: str | None
    answers: list[QuestionnaireAnswerOut]
    score: ScoreOut | None = Field(description="Present for the care team once submitted")


class QuestionnaireCrisisResourceOut(Schema):
    name: str
    phone: str
    text_line: str
    web_url: str
    hours: str


class AnswerSavedOut(ResponseOut):
    safety_concern: bool = Field(description="Show the crisis resources now, before the next question")
    critical_unknown: bool = Field(
        description="A question whose answer can be critical was skipped: its answer is not known, not “no risk”"
    )
    crisis_resources: list[QuestionnaireCrisisResourceOut]


def _instrument(i: library.Instrument) -> dict[str, Any]:
    return {
        "code": i.code,
        "title": i.title,
        "sensitive": i.sensitive,
        "notice": i.notice,
        "administrable": engine.administrable(i),
        "items": [
            {
                "link_id": item["linkId"],
                "text": item["text"],
                "options": [{"value": o, "display": d, "code": c} for o, d, c in item["options"]],
            }
            for item in i.items
        ],
    }


def _response(response: Response, *, with_score: bool, with_answers: bool = True) -> dict[str, Any]:
    """One response as the API shows it. `with_answers` is False for whoever lacks measures.view_answers
    (a supervisor reads scores, never item-level answers: SECURITY 35)."""
    instrument = library.load(response.instrument)
    values, given = services.values_of(response)
    answers = (
        [{"link_id": a.link_id, "value": a.value, "skipped": a.skipped} for a in response.answers.all()]
        if with_answers
        else []
    )
    score = None
    if with_score and response.status == Response.Status.COMPLETED:
        unknown = services.unknown_critical(response, instrument, values)
        score = {
            "total": response.total,
            "subscales": response.subscales,
            "band": response.band,
            "flags": services.flags_shown(response, instrument, unknown),
            "answered": response.answered,
            "missing_rule": response.missing_rule,
            "scored": response.scored,
            "critical_items": response.critical_items,
            "critical_unknown": unknown,
        }
    return {
        "id": response.pk,
        "client_id": response.client_id,
        "instrument": response.instrument,
        "status": response.status,
        "mode": response.mode,
        "created": response.created,
        "submitted": response.submitted,
        "next_item": engine.resume_at(instrument, values, given, response.position) if response.is_open else None,
        "answers": answers,
        "score": score,
    }


def _answering(request: HttpRequest, response_id: str) -> Located[Response]:
    return policy.locate(
        request.user, Response, response_id, perms.ANSWER, entity=services.ENTITY, allowed=services.answerable
    )


@router.get("/instruments", response=list[InstrumentOut], operation_id="list_instruments")
def list_instruments(request: HttpRequest) -> list[dict[str, Any]]:
    return [_instrument(i) for i in library.all_instruments()]


@router.get("/instruments/{code}/fhir", response=dict, operation_id="instrument_fhir")
def instrument_fhir(request: HttpRequest, code: str) -> dict[str, Any]:
    if code not in library.codes():
        raise HttpError(404, "Not found.")
    return library.load(code).questionnaire


@router.post("/clients/{client_id}/responses", response={201: ResponseOut}, operation_id="start_response")
def start_response(request: HttpRequest, client_id: str, payload: StartIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(request.user, client_id, perms.ANSWER)
    response = services.start(access, payload.instrument, response_id=payload.id)
    return 201, _response(response, with_score=False)


@router.post("/clients/{client_id}/responses/assign", response={201: ResponseOut}, operation_id="assign_response")
def assign_response(request: HttpRequest, client_id: str, payload: StartIn) -> tuple[int, dict[str, Any]]:
    access = policy.client(request.user, client_id, perms.ASSIGN)
    return 201, _response(services.assign(access, payload.instrument), with_score=False)


@router.get("/responses/{response_id}", response=ResponseOut, operation_id="get_response")
def get_response(request: HttpRequest, response_id: str) -> dict[str, Any]:
    located = policy.locate(request.user, Response, response_id, perms.VIEW_ANSWERS, entity=services.ENTITY)
    return _response(located.row, with_score=located.access.can(perms.VIEW))


@router.put("/responses/{response_id}/answers/{link_id}", response=AnswerSavedOut, operation_id="answer_item")
def answer_item(request: HttpRequest, response_id: str, link_id: str, payload: QuestionnaireAnswerIn) -> dict[str, Any]:
    """Save one answer. The engine's verdict comes back with it (the same rule as the portal and the intake): a
    critical answer carries the practice's crisis resources, to show before the next question."""
    located = _answering(request, response_id)
    answered = services.answer(located, link_id, value=payload.value, skipped=payload.skipped)
    resources = crisis.resources_for(located.access.client.practice_id) if answered.critical else []
    return {
        **_response(answered.response, with_score=False),
        "safety_concern": answered.critical,
        "critical_unknown": answered.unknown,
        "crisis_resources": [
            {f: getattr(r, f) for f in ("name", "phone", "text_line", "web_url", "hours")} for r in resources
        ],
    }


@router.post("/responses/{response_id}/pause", response=ResponseOut, operation_id="pause_response")
def pause_response(request: HttpRequest, response_id: str, payload: QuestionnairePauseIn) -> dict[str, Any]:
    response = services.pause(_answering(request, response_id), payload.position)
    return _response(response, with_score=False)


@router.post("/responses/{response_id}/submit", response=ResponseOut, operation_id="submit_response")
def submit_response(request: HttpRequest, response_id: str, payload: QuestionnaireSubmitIn) -> dict[str, Any]:
    located = _answering(request, response_id)
    try:
        response = services.submit(located, payload.submission_id)
    except services.SubmissionConflict as exc:
        raise HttpError(422, str(exc)) from exc
    return _response(response, with_score=located.access.can(perms.VIEW))


@router.get("/clients/{client_id}/scores", response=list[ResponseOut], operation_id="list_scores")
def list_scores(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    """Completed responses with their scores. Item-level answers are included only for whoever holds
    measures.view_answers; for everyone else `answers` is empty."""
    access = policy.client(request.user, client_id, perms.VIEW)
    with_answers = access.can(perms.VIEW_ANSWERS)
    return [_response(r, with_score=True, with_answers=with_answers) for r in queries.completed_for(access.client_id)]


@router.get("/responses/{response_id}/fhir", response=dict, operation_id="response_fhir")
def response_fhir(request: HttpRequest, response_id: str) -> dict[str, Any]:
    """A FHIR Bundle: the QuestionnaireResponse and an Observation for its score (care team only)."""
    # Scores and answers together: only for whoever may see both (the care team).
    located = policy.locate(request.user, Response, response_id, perms.VIEW, entity=services.ENTITY)
    located.access.require(perms.VIEW_ANSWERS)
    return fhir.bundle(located.row)


@router.post("/clients/{client_id}/responses/fhir", response={201: ResponseOut}, operation_id="import_response_fhir")
def import_response_fhir(
    request: HttpRequest, client_id: str, payload: Body[dict[str, Any]]
) -> tuple[int, dict[str, Any]]:
    """Import a completed FHIR QuestionnaireResponse for one of the library's instruments."""
    access = policy.client(request.user, client_id, perms.ASSIGN)
    response = fhir.import_response(access, payload)
    return 201, _response(response, with_score=True)
