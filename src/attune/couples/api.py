"""The couples API: links, agreements, consents and withdrawals, versions, notes, check-ins and what each partner
shows, rehearsals and the clinician's couple-level notes. Every operation reaches the couple (or a row of it)
through the policy first, keeping to the rows the caller may see (the models' `for_access`); writes go through
couples/services.py with that access."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from attune.accounts.roles import user_of
from attune.care.models import PartnerLink
from attune.core import policy
from attune.core.policy import Located, Relation
from attune.couples import inputs, perms, queries, services
from attune.couples.inputs import TEXT_LIMITS
from attune.couples.models import (
    Agreement,
    AgreementNote,
    CheckInAnswer,
    Kind,
    PartnerInvite,
    Question,
    RelationshipQuestions,
    Went,
)
from attune.questionnaires import services as questionnaires

router = Router(tags=["couples"])


class CoupleOut(Schema):
    id: int
    client_id: uuid.UUID
    partner_name: str
    client_name: str
    you_are: str
    created: datetime.datetime
    ended: datetime.datetime | None


class InviteIn(Schema):
    email: str = Field(max_length=TEXT_LIMITS["email"])


class InviteOut(Schema):
    id: uuid.UUID
    proposed_as: str
    created: datetime.datetime
    confirmed: datetime.datetime | None
    declined: datetime.datetime | None
    sent: bool


class DecisionIn(Schema):
    send: bool


class EndIn(Schema):
    with_client: bool = Field(default=False, description="A clinician confirms the client is with them and asks")


class ConsentOut(Schema):
    person_id: int
    given: datetime.datetime
    withdrawn: datetime.datetime | None


class VersionOut(Schema):
    id: uuid.UUID
    number: int
    title: str
    text: str
    drafted_as: str
    created: datetime.datetime
    consents: list[ConsentOut]


class AgreementOut(Schema):
    id: uuid.UUID
    kind: str
    state: str = Field(description="in_force, waiting, draft, withdrawn or ended: worked out on every request")
    in_force_version: int | None
    latest_version: int
    versions: list[VersionOut]
    notice: str = "Agreeing here is not consent to any act, and either partner can withdraw at any time."


class AgreementIn(Schema):
    kind: str = Field(pattern="^(" + "|".join(Kind.values) + ")$")
    title: str = Field(min_length=1, max_length=TEXT_LIMITS["title"])
    text: str = Field(min_length=1, max_length=TEXT_LIMITS["text"])


class VersionIn(Schema):
    title: str = Field(min_length=1, max_length=TEXT_LIMITS["title"])
    text: str = Field(min_length=1, max_length=TEXT_LIMITS["text"])


class ConsentIn(Schema):
    version_id: uuid.UUID = Field(description="The version you read: a newer one gives 422")


class WithdrawOut(Schema):
    withdrawn: int


class AgreementNoteIn(Schema):
    text: str = Field(min_length=1, max_length=TEXT_LIMITS["note"])
    show_clinician: bool = False


class AgreementNoteOut(Schema):
    id: uuid.UUID
    text: str
    shown_to_clinician: bool
    created: datetime.datetime


class CheckInAnswerIn(Schema):
    question: str = Field(pattern="^(" + "|".join(Question.values) + ")$")
    value: int | None = Field(default=None, ge=inputs.SCALE_MIN, le=inputs.SCALE_MAX)
    text: str = Field(default="", max_length=TEXT_LIMITS["answer"])
    show_partner: bool = False
    show_clinician: bool = False


class CheckInIn(Schema):
    answers: list[CheckInAnswerIn] = Field(min_length=1, max_length=len(Question.values))


class CheckInAnswerOut(Schema):
    id: uuid.UUID
    mine: bool
    question: str
    value: int | None
    text: str
    answered: datetime.datetime
    shown_to_partner: bool | None = Field(description="Only on your own answers")
    shown_to_clinician: bool | None = Field(description="Only on your own answers")


class ShowIn(Schema):
    to: str = Field(pattern="^(partner|clinician)$")
    shown: bool


class RhythmIn(Schema):
    every_days: int = Field(description="7, 14 or 28")


class RhythmOut(Schema):
    every_days: int
    updated: datetime.datetime


class RehearsalIn(Schema):
    went: str = Field(pattern="^(" + "|".join(Went.values) + ")$")
    note: str = Field(default="", max_length=TEXT_LIMITS["note"])


class RehearsalOut(Schema):
    id: uuid.UUID
    went: str
    note: str
    created: datetime.datetime


class CoupleNoteIn(Schema):
    text: str = Field(min_length=1, max_length=TEXT_LIMITS["text"])


class CoupleNoteOut(Schema):
    id: uuid.UUID
    text: str
    created: datetime.datetime


def _link(request: HttpRequest, link_id: str, perm: policy.Perm) -> Located[PartnerLink]:
    return policy.locate(
        user_of(request), PartnerLink.objects.select_related("partner"), link_id, perm, entity="PartnerLink"
    )


def _agreement(request: HttpRequest, agreement_id: str, perm: policy.Perm) -> Located[Agreement]:
    rows = Agreement.objects.select_related("link", "link__partner")
    return policy.locate(user_of(request), rows, agreement_id, perm, entity="Agreement")


def _agreement_out(view: queries.AgreementView) -> dict[str, Any]:
    state = view.state
    return {
        "id": view.agreement.pk,
        "kind": view.agreement.kind,
        "state": state.key,
        "in_force_version": state.in_force.number if state.in_force else None,
        "latest_version": state.latest.number,
        "versions": [
            {
                "id": v.pk,
                "number": v.number,
                "title": v.title,
                "text": v.text,
                "drafted_as": v.drafted_as,
                "created": v.created,
                "consents": [
                    {"person_id": c.person_id, "given": c.given, "withdrawn": c.withdrawn} for c in v.consents.all()
                ],
            }
            for v in view.versions
        ],
    }


def _answer_out(answer: CheckInAnswer, me: int) -> dict[str, Any]:
    mine = answer.author_id == me
    return {
        "id": answer.pk,
        "mine": mine,
        "question": answer.question,
        "value": answer.value,
        "text": answer.text,
        "answered": answer.answered,
        "shown_to_partner": answer.shown_to_partner is not None if mine else None,
        "shown_to_clinician": answer.shown_to_clinician is not None if mine else None,
    }


# --- links --------------------------------------------------------------------------------------------------------


@router.get("/couples", response=list[CoupleOut], operation_id="list_couples")
def list_couples(request: HttpRequest) -> list[dict[str, Any]]:
    """The couples links the caller is part of, as the client or as the partner."""
    user = user_of(request)
    ids = policy.visible_to(user, relations=[Relation.SELF, Relation.PARTNER]).values_list("pk", flat=True)
    out = []
    for client_id in list(ids):
        access = policy.client(user, client_id, perms.VIEW)
        for link in queries.links(access):
            couple = queries.couple(access, link)
            out.append(
                {
                    "id": link.pk,
                    "client_id": access.client_id,
                    "partner_name": link.partner.display_name,
                    "client_name": couple.client_user.display_name if couple.client_user else "",
                    "you_are": queries.reached_as(access),
                    "created": link.created,
                    "ended": link.ended,
                }
            )
    return out


@router.post(
    "/clients/{client_id}/couples/invitations", response={201: InviteOut}, operation_id="invite_couples_partner"
)
def invite_couples_partner(request: HttpRequest, client_id: str, payload: InviteIn) -> tuple[int, dict[str, Any]]:
    """The client invites a partner (sent at once); a clinician proposes one (sent when the client says yes)."""
    access = policy.client(user_of(request), client_id, perms.INVITE)
    invite = services.invite_partner(access, payload.email)
    return 201, _invite_out(invite)


def _invite_out(invite: PartnerInvite) -> dict[str, Any]:
    return {
        "id": invite.pk,
        "proposed_as": invite.proposed_as,
        "created": invite.created,
        "confirmed": invite.confirmed,
        "declined": invite.declined,
        "sent": invite.invitation_id is not None,
    }


@router.post("/couples/invitations/{invite_id}/decision", response=InviteOut, operation_id="decide_couples_invitation")
def decide_couples_invitation(request: HttpRequest, invite_id: str, payload: DecisionIn) -> dict[str, Any]:
    located = policy.locate(user_of(request), PartnerInvite, invite_id, perms.CONFIRM_INVITE, entity="PartnerInvite")
    return _invite_out(services.decide_invite(located.access, located.row, send=payload.send))


@router.post("/couples/{link_id}/end", response=CoupleOut, operation_id="end_couples_link")
def end_couples_link(request: HttpRequest, link_id: str, payload: EndIn) -> dict[str, Any]:
    """End the link at once: either partner, or the clinician with the client."""
    located = _link(request, link_id, perms.END_LINK)
    access = located.access
    couple = queries.couple(access, located.row)
    link = services.end_link(access, located.row, with_client=payload.with_client)
    return {
        "id": link.pk,
        "client_id": access.client_id,
        "partner_name": located.row.partner.display_name,
        "client_name": couple.client_user.display_name if couple.client_user else "",
        "you_are": queries.reached_as(access),
        "created": link.created,
        "ended": link.ended,
    }


# --- agreements -------------------------------------------------------------------------------------------------------


@router.get("/couples/{link_id}/agreements", response=list[AgreementOut], operation_id="list_couple_agreements")
def list_couple_agreements(request: HttpRequest, link_id: str) -> list[dict[str, Any]]:
    located = _link(request, link_id, perms.VIEW)
    people = queries.couple(located.access, located.row).people
    return [_agreement_out(v) for v in queries.agreements(located.access, located.row, people)]


@router.post("/couples/{link_id}/agreements", response={201: AgreementOut}, operation_id="create_couple_agreement")
def create_couple_agreement(request: HttpRequest, link_id: str, payload: AgreementIn) -> tuple[int, dict[str, Any]]:
    located = _link(request, link_id, perms.DRAFT)
    agreement = services.draft(located.access, located.row, kind=payload.kind, title=payload.title, text=payload.text)
    people = queries.couple(located.access, located.row).people
    return 201, _agreement_out(queries.agreement(located.access, agreement, people))


def _agreement_view(located: Located[Agreement]) -> queries.AgreementView:
    return queries.agreement(located.access, located.row, queries.couple(located.access, located.row.link).people)


@router.get("/couples/agreements/{agreement_id}", response=AgreementOut, operation_id="get_couple_agreement")
def get_couple_agreement(request: HttpRequest, agreement_id: str) -> dict[str, Any]:
    return _agreement_out(_agreement_view(_agreement(request, agreement_id, perms.VIEW)))


@router.post(
    "/couples/agreements/{agreement_id}/versions", response={201: AgreementOut}, operation_id="create_agreement_version"
)
def create_agreement_version(request: HttpRequest, agreement_id: str, payload: VersionIn) -> tuple[int, dict[str, Any]]:
    located = _agreement(request, agreement_id, perms.DRAFT)
    services.new_version(located.access, located.row, title=payload.title, text=payload.text)
    return 201, _agreement_out(_agreement_view(located))


@router.post("/couples/agreements/{agreement_id}/consent", response=AgreementOut, operation_id="consent_to_agreement")
def consent_to_agreement(request: HttpRequest, agreement_id: str, payload: ConsentIn) -> dict[str, Any]:
    located = _agreement(request, agreement_id, perms.TAKE_PART)
    services.consent(located.access, located.row, payload.version_id)
    return _agreement_out(_agreement_view(located))


@router.post(
    "/couples/agreements/{agreement_id}/withdraw", response=WithdrawOut, operation_id="withdraw_from_agreement"
)
def withdraw_from_agreement(request: HttpRequest, agreement_id: str) -> dict[str, Any]:
    """Withdraw your consent at once; no reason is asked. The other partner is told only that something changed."""
    located = _agreement(request, agreement_id, perms.TAKE_PART)
    return {"withdrawn": services.withdraw(located.access, located.row)}


@router.get(
    "/couples/agreements/{agreement_id}/notes", response=list[AgreementNoteOut], operation_id="list_agreement_notes"
)
def list_agreement_notes(request: HttpRequest, agreement_id: str) -> list[dict[str, Any]]:
    located = _agreement(request, agreement_id, perms.VIEW)
    return [_note_out(n) for n in queries.notes(located.access, located.row)]


def _note_out(note: AgreementNote) -> dict[str, Any]:
    return {"id": note.pk, "text": note.text, "shown_to_clinician": note.shown_to_clinician is not None,
            "created": note.created}  # fmt: skip


@router.post(
    "/couples/agreements/{agreement_id}/notes", response={201: AgreementNoteOut}, operation_id="create_agreement_note"
)
def create_agreement_note(
    request: HttpRequest, agreement_id: str, payload: AgreementNoteIn
) -> tuple[int, dict[str, Any]]:
    located = _agreement(request, agreement_id, perms.TAKE_PART)
    note = services.add_note(located.access, located.row, text=payload.text, show_clinician=payload.show_clinician)
    return 201, _note_out(note)


# --- check-ins, rehearsals, the clinician's notes ---------------------------------------------------------------------


@router.get("/couples/{link_id}/check-ins", response=list[CheckInAnswerOut], operation_id="list_check_in_answers")
def list_check_in_answers(request: HttpRequest, link_id: str, page: int = 1) -> list[dict[str, Any]]:
    """Your own answers, and the answers the others chose to show you, newest first, 60 a page (`page` from 1).
    Nothing else: no count, no date."""
    located = _link(request, link_id, perms.VIEW)
    size, page = inputs.PAGE_SIZE * 3, max(1, min(page, 10_000))
    rows = list(queries.answers(located.access, located.row)[(page - 1) * size : page * size])
    located.access.shown("CheckInAnswer", [a.pk for a in rows], perms.VIEW)
    return [_answer_out(a, located.access.actor_id) for a in rows]


@router.post("/couples/{link_id}/check-ins", response={201: list[CheckInAnswerOut]}, operation_id="create_check_in")
def create_check_in(request: HttpRequest, link_id: str, payload: CheckInIn) -> tuple[int, list[dict[str, Any]]]:
    located = _link(request, link_id, perms.TAKE_PART)
    given = [services.AnswerInput(**a.dict()) for a in payload.answers]
    rows = services.check_in(located.access, located.row, given)
    return 201, [_answer_out(a, located.access.actor_id) for a in rows]


@router.post(
    "/couples/check-in-answers/{answer_id}/show", response=CheckInAnswerOut, operation_id="show_check_in_answer"
)
def show_check_in_answer(request: HttpRequest, answer_id: str, payload: ShowIn) -> dict[str, Any]:
    located = policy.locate(user_of(request), CheckInAnswer, answer_id, perms.TAKE_PART, entity="CheckInAnswer")
    answer = services.show_answer(located.access, located.row, to=payload.to, shown=payload.shown)
    return _answer_out(answer, located.access.actor_id)


@router.put("/couples/{link_id}/rhythm", response=RhythmOut, operation_id="set_check_in_rhythm")
def set_check_in_rhythm(request: HttpRequest, link_id: str, payload: RhythmIn) -> dict[str, Any]:
    located = _link(request, link_id, perms.TAKE_PART)
    rhythm = services.set_rhythm(located.access, located.row, payload.every_days)
    return {"every_days": rhythm.every_days, "updated": rhythm.updated}


@router.get("/couples/{link_id}/rehearsals", response=list[RehearsalOut], operation_id="list_rehearsals")
def list_rehearsals(request: HttpRequest, link_id: str) -> list[dict[str, Any]]:
    located = _link(request, link_id, perms.VIEW)
    return [
        {"id": r.pk, "went": r.went, "note": r.note, "created": r.created}
        for r in queries.rehearsals(located.access, located.row)
    ]


@router.post("/couples/{link_id}/rehearsals", response={201: RehearsalOut}, operation_id="log_rehearsal")
def log_rehearsal(request: HttpRequest, link_id: str, payload: RehearsalIn) -> tuple[int, dict[str, Any]]:
    located = _link(request, link_id, perms.TAKE_PART)
    r = services.log_rehearsal(located.access, located.row, went=payload.went, note=payload.note)
    return 201, {"id": r.pk, "went": r.went, "note": r.note, "created": r.created}


@router.get("/couples/{link_id}/notes", response=list[CoupleNoteOut], operation_id="list_couple_notes")
def list_couple_notes(request: HttpRequest, link_id: str) -> list[dict[str, Any]]:
    located = _link(request, link_id, perms.VIEW_NOTES)
    return [
        {"id": n.pk, "text": n.text, "created": n.created} for n in queries.couple_notes(located.access, located.row)
    ]


@router.post("/couples/{link_id}/notes", response={201: CoupleNoteOut}, operation_id="create_couple_note")
def create_couple_note(request: HttpRequest, link_id: str, payload: CoupleNoteIn) -> tuple[int, dict[str, Any]]:
    located = _link(request, link_id, perms.WRITE_NOTES)
    note = services.add_couple_note(located.access, located.row, payload.text)
    return 201, {"id": note.pk, "text": note.text, "created": note.created}


# --- how things are between you: the relationship questions ---------------------------------------------------


class TurnOut(Schema):
    id: uuid.UUID
    person_id: int
    yours: bool
    status: str = Field(description="waiting, started or sent")
    sent: datetime.datetime | None
    total: float | None = Field(description="The total once sent (None when too many questions were skipped)")
    shown_to_partner: bool | None = Field(description="Yours only: whether your partner sees this total")


class TurnOptionOut(Schema):
    value: str
    label: str


class TurnQuestionOut(Schema):
    link_id: str
    text: str
    options: list[TurnOptionOut]


class TurnDetailOut(TurnOut):
    questions: list[TurnQuestionOut]
    answers: dict[str, str | None] = Field(description="Your saved answers: a value, 'skip', or None")


class TurnAnswersIn(Schema):
    answers: dict[str, str] = Field(
        max_length=40, description="question link_id -> one of its option values, or 'skip' (prefer not to answer)"
    )
    send: bool = False
    submission_id: uuid.UUID | None = None


class TotalShowIn(Schema):
    shown: bool


def _turn_out(row: RelationshipQuestions, me: int) -> dict[str, Any]:
    response, yours = row.response, row.person_id == me
    sent = response.status == "completed"
    return {
        "id": row.pk,
        "person_id": row.person_id,
        "yours": yours,
        "status": "sent" if sent else ("started" if response.status == "in-progress" else "waiting"),
        "sent": response.submitted if sent else None,
        "total": response.total if sent else None,
        "shown_to_partner": (row.shown_to_partner is not None) if yours else None,
    }


def _turn_detail(row: RelationshipQuestions, me: int) -> dict[str, Any]:
    instrument = questionnaires.instrument_of(row.response)
    saved = {a.link_id: ("skip" if a.skipped else f"{a.value:g}") for a in questionnaires.answers_of(row.response)}
    return {
        **_turn_out(row, me),
        "questions": [
            {
                "link_id": item["linkId"],
                "text": item["text"] or "",
                "options": [{"value": f"{o:g}", "label": d} for o, d, _c in item["options"]],
            }
            for item in instrument.items
        ],
        "answers": {item["linkId"]: saved.get(item["linkId"]) for item in instrument.items},
    }


def _turn(request: HttpRequest, row_id: str, perm: policy.Perm) -> Located[RelationshipQuestions]:
    rows = RelationshipQuestions.objects.select_related("response", "link")
    return policy.locate(user_of(request), rows, row_id, perm, entity="RelationshipQuestions")


@router.get(
    "/couples/{link_id}/relationship-questions", response=list[TurnOut], operation_id="list_relationship_questions"
)
def list_relationship_questions(request: HttpRequest, link_id: str) -> list[dict[str, Any]]:
    """Your own turns, and the totals your partner chose to show you (a clinician: every turn of both, totals
    only). Answers are never listed here."""
    located = _link(request, link_id, perms.VIEW)
    return [_turn_out(r, located.access.actor_id) for r in queries.turns(located.access, located.row)]


@router.post(
    "/couples/{link_id}/relationship-questions",
    response={201: TurnDetailOut},
    operation_id="start_relationship_questions",
)
def start_relationship_questions(request: HttpRequest, link_id: str) -> tuple[int, dict[str, Any]]:
    """Your own turn: the one waiting for you, or a new one; with the questions and your saved answers."""
    located = _link(request, link_id, perms.TAKE_PART)
    row = services.start_relationship_questions(located.access, located.row)
    return 201, _turn_detail(row, located.access.actor_id)


@router.post(
    "/couples/{link_id}/relationship-questions/send",
    response=list[TurnOut],
    operation_id="send_relationship_questions",
)
def send_relationship_questions(request: HttpRequest, link_id: str) -> list[dict[str, Any]]:
    """The clinician sends each partner their turn (one already waiting is kept)."""
    located = _link(request, link_id, perms.SEND_QUESTIONS)
    rows = services.send_relationship_questions(located.access, located.row)
    return [_turn_out(r, located.access.actor_id) for r in rows]


@router.post(
    "/couples/relationship-questions/{row_id}/answers",
    response=TurnDetailOut,
    operation_id="answer_relationship_questions",
)
def answer_relationship_questions(request: HttpRequest, row_id: str, payload: TurnAnswersIn) -> dict[str, Any]:
    """Save your answers (each at once), and send them when `send` is true (the same `submission_id` again gives
    the same result)."""
    located = _turn(request, row_id, perms.TAKE_PART)
    located.row.response = services.answer_relationship_questions(
        located.access, located.row, payload.answers, send=payload.send, submission_id=payload.submission_id
    )
    return _turn_detail(located.row, located.access.actor_id)


@router.post("/couples/relationship-questions/{row_id}/show", response=TurnOut, operation_id="show_relationship_total")
def show_relationship_total(request: HttpRequest, row_id: str, payload: TotalShowIn) -> dict[str, Any]:
    """Show your partner your total (never your answers), or stop showing it."""
    located = _turn(request, row_id, perms.TAKE_PART)
    row = services.show_total(located.access, located.row, shown=payload.shown)
    return _turn_out(row, located.access.actor_id)
