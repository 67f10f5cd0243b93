"""Intake operations for apps: the definition, send, answer, keep a section for the session, pause, send back
(submit, idempotent), the care team's summary, and marking a section discussed."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from attune.care import crisis
from attune.care.records import record_of
from attune.core import policy
from attune.core.policy import Located
from attune.intake import definition as definitions
from attune.intake import engine, inputs, perms, queries, services, summary
from attune.intake.models import Intake
from attune.measures import library
from attune.questionnaires.models import Answer

router = Router(tags=["intake"])


class StatusOut(Schema):
    id: uuid.UUID
    client_id: uuid.UUID
    status: str = Field(description="sent (waiting to start), in-progress or submitted")
    sent: datetime.datetime
    started: datetime.datetime | None
    submitted: datetime.datetime | None


class IntakeStepOut(Schema):
    kind: str = Field(description="section (its notice), question, or embedded (an item of the PC-PTSD-5)")
    link_id: str
    section: str


class IntakeAnswerOut(Schema):
    link_id: str
    codes: list[str]
    text: str
    skipped: bool


class SectionStateOut(Schema):
    link_id: str
    title: str
    in_person: bool = Field(description="The client would rather talk about this part in person")


class IntakeOut(StatusOut):
    next_step: IntakeStepOut | None = Field(description="Where to continue; null when it is time to review")
    answers: list[IntakeAnswerOut]
    sections: list[SectionStateOut]


class ResourceOut(Schema):
    name: str
    phone: str
    text_line: str
    web_url: str
    hours: str


class AnsweredOut(IntakeOut):
    safety_concern: bool = Field(description="Show the crisis resources now, before the next question")
    crisis_resources: list[ResourceOut]


class IntakeAnswerIn(Schema):
    codes: list[str] = Field(default_factory=list, max_length=inputs.MAX_CODES, description="answerOption codes")
    text: str = Field(default="", max_length=inputs.MAX_TEXT)
    skipped: bool = Field(default=False, description="True for “prefer not to answer”")


class InPersonIn(Schema):
    in_person: bool = Field(default=True, description="False to answer the section after all")


class IntakePauseIn(Schema):
    position: str = Field(default="", max_length=inputs.MAX_LINK_ID)


class IntakeSubmitIn(Schema):
    submission_id: uuid.UUID


class DiscussIn(Schema):
    discussed: bool
    note: str = Field(default="", max_length=inputs.MAX_TEXT, description="Only the care team can read it")


class SectionOut(Schema):
    link_id: str
    discussed: datetime.datetime | None
    note: str


class RowOut(Schema):
    link_id: str
    label: str
    state: str = Field(description="answered, skipped or unanswered")
    answer: str
    words: str
    concern: bool


class SummarySectionOut(Schema):
    link_id: str
    title: str
    in_person: bool
    discussed: datetime.datetime | None
    note: str
    answers: list[RowOut]


class ScreenOut(Schema):
    instrument: str
    status: str
    result: str = Field(description="positive, negative or incomplete")
    total: float | None


class NextStepOut(Schema):
    code: str
    text: str
    urgent: bool


class SummaryOut(StatusOut):
    goals: list[RowOut]
    safety_flags: list[RowOut]
    sections: list[SummarySectionOut]
    screen: ScreenOut | None
    baseline_added: bool
    next_steps: list[NextStepOut]


def _status(intake: Intake) -> dict[str, Any]:
    return {
        "id": intake.pk,
        "client_id": intake.client_id,
        "status": intake.status,
        "sent": intake.created,
        "started": intake.started,
        "submitted": intake.submitted,
    }


def _embedded_answers(intake: Intake) -> list[dict[str, Any]]:
    if intake.screen_id is None:
        return []
    rows = []
    answers = Answer.objects.filter(response_id=intake.screen_id, client_id=intake.client_id)
    for answer in answers.select_related("response"):
        options = library.load(answer.response.instrument).item(answer.link_id)["options"]
        codes = [c for o, _d, c in options if not answer.skipped and o == answer.value]
        rows.append({"link_id": answer.link_id, "codes": codes, "text": "", "skipped": answer.skipped})
    return rows


def _located(request: HttpRequest, intake_id: object, perm: policy.Perm) -> Located[Intake]:
    return policy.locate(request.user, Intake, intake_id, perm, entity=services.ENTITY)


def _intake(intake: Intake) -> dict[str, Any]:
    definition = services.definition_of(intake)
    state = services.state_of(intake)
    steps = engine.sequence(definition, state)
    target = engine.resume_at(steps, state, intake.position) if intake.is_open else None
    step = engine.find(steps, target) if target else None
    answers = [
        {"link_id": k, "codes": list(g.codes), "text": g.text, "skipped": g.skipped} for k, g in state.answers.items()
    ]
    return {
        **_status(intake),
        "next_step": {"kind": step.kind, "link_id": step.link_id, "section": step.section} if step else None,
        "answers": answers + _embedded_answers(intake),
        "sections": [
            {"link_id": s.link_id, "title": s.title, "in_person": s.link_id in state.in_person}
            for s in definition.sections
        ],
    }


def _row(row: summary.Row) -> dict[str, Any]:
    return {k: getattr(row, k) for k in ("link_id", "label", "state", "answer", "words", "concern")}


@router.get("/intake/definition", response=dict, operation_id="intake_definition")
def intake_definition(request: HttpRequest) -> dict[str, Any]:
    """The intake's FHIR R4 Questionnaire."""
    return definitions.load().questionnaire


@router.post("/clients/{client_id}/intakes", response={201: StatusOut}, operation_id="send_intake")
def send_intake(request: HttpRequest, client_id: str) -> tuple[int, dict[str, Any]]:
    return 201, _status(services.send(policy.client(request.user, client_id, perms.SEND)))


@router.get("/clients/{client_id}/intakes", response=list[StatusOut], operation_id="list_intakes")
def list_intakes(request: HttpRequest, client_id: str) -> list[dict[str, Any]]:
    """That the client has intakes, their status and dates: for the client, the care team and supervisors."""
    access = policy.client(request.user, client_id, perms.STATUS)
    return [_status(i) for i in queries.statuses(access)]


@router.get("/intakes/{intake_id}", response=IntakeOut, operation_id="get_intake")
def get_intake(request: HttpRequest, intake_id: str) -> dict[str, Any]:
    return _intake(queries.shown_to_client(_located(request, intake_id, perms.ANSWER)))


@router.put("/intakes/{intake_id}/answers/{link_id}", response=AnsweredOut, operation_id="answer_intake_item")
def answer_intake_item(request: HttpRequest, intake_id: str, link_id: str, payload: IntakeAnswerIn) -> dict[str, Any]:
    located = _located(request, intake_id, perms.ANSWER)
    answered = services.answer(located, link_id, codes=payload.codes, text=payload.text, skipped=payload.skipped)
    resources = crisis.resources_for(located.access.client.practice_id) if answered.concern else []
    return {
        **_intake(answered.intake),
        "safety_concern": answered.concern,
        "crisis_resources": [
            {f: getattr(r, f) for f in ("name", "phone", "text_line", "web_url", "hours")} for r in resources
        ],
    }


@router.post(
    "/intakes/{intake_id}/sections/{section_id}/in-person", response=IntakeOut, operation_id="keep_intake_section"
)
def keep_intake_section(request: HttpRequest, intake_id: str, section_id: str, payload: InPersonIn) -> dict[str, Any]:
    """“I'd rather talk about this in person”: the section is left for the session (in_person=false undoes it)."""
    located = _located(request, intake_id, perms.ANSWER)
    return _intake(services.keep_for_session(located, section_id, payload.in_person))


@router.post("/intakes/{intake_id}/pause", response=IntakeOut, operation_id="pause_intake")
def pause_intake(request: HttpRequest, intake_id: str, payload: IntakePauseIn) -> dict[str, Any]:
    return _intake(services.pause(_located(request, intake_id, perms.ANSWER), payload.position))


@router.post("/intakes/{intake_id}/submit", response=IntakeOut, operation_id="submit_intake")
def submit_intake(request: HttpRequest, intake_id: str, payload: IntakeSubmitIn) -> dict[str, Any]:
    """Send to the care team. The same submission id again returns the original; another id once sent is 422."""
    located = _located(request, intake_id, perms.ANSWER)
    try:
        intake = services.submit(located, payload.submission_id)
    except services.SubmissionConflict as exc:
        raise HttpError(422, str(exc)) from exc
    return _intake(intake)


@router.get("/clients/{client_id}/intake/summary", response=SummaryOut, operation_id="intake_summary")
def intake_summary(request: HttpRequest, client_id: str) -> dict[str, Any]:
    """The care team's summary of the latest intake. Before the client sends it, only safety flags show."""
    access = policy.client(request.user, client_id, perms.VIEW)
    intake = queries.latest_for_care_team(access)
    if intake is None:
        raise HttpError(404, "Not found.")
    built = summary.for_care_team(intake, record_of(access).preferred_name)
    return {
        **_status(intake),
        "goals": [_row(r) for r in built.goals],
        "safety_flags": [_row(r) for r in built.safety_flags],
        "sections": [
            {
                "link_id": s.link_id,
                "title": s.title,
                "in_person": s.in_person,
                "discussed": s.record.discussed if s.record else None,
                "note": s.record.note if s.record else "",
                "answers": [_row(r) for r in s.rows],
            }
            for s in built.sections
        ],
        "screen": {
            "instrument": built.screen.response.instrument,
            "status": built.screen.response.status,
            "result": built.screen.result,
            "total": built.screen.response.total,
        }
        if built.screen and built.submitted
        else None,
        "baseline_added": built.baseline is not None,
        "next_steps": [{"code": s.code, "text": s.text, "urgent": s.urgent} for s in built.steps],
    }


@router.post(
    "/intakes/{intake_id}/sections/{section_id}/discussion", response=SectionOut, operation_id="discuss_intake_section"
)
def discuss_intake_section(request: HttpRequest, intake_id: str, section_id: str, payload: DiscussIn) -> dict[str, Any]:
    located = _located(request, intake_id, perms.DISCUSS)
    row = services.record_discussion(located, section_id, discussed=payload.discussed, note=payload.note)
    return {"link_id": row.link_id, "discussed": row.discussed, "note": row.note}
