"""Every write to the intake: send, begin, open a section, answer, keep a section for the session, pause, send
back (submit), and the clinician's record of what was discussed.

Each one fetches through the access policy first (so a refusal is audited even though nothing is written), then
opens its transaction, writes, and records the audit event with the change. Instruments given inside the intake
(the PC-PTSD-5, the PCL-5 baseline) are answered through the questionnaire engine's own services, which apply the
policy and audit themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from attune.care.models import Episode
from attune.care.records import record_of
from attune.core import policy
from attune.core.models import AuditEvent
from attune.intake import definition as definitions
from attune.intake import engine, perms
from attune.intake.models import Intake, IntakeAnswer, IntakeSection
from attune.measures import library
from attune.monitoring import services as monitoring
from attune.questionnaires import services as questionnaires
from attune.questionnaires.models import Response

ENTITY = "QuestionnaireResponse"


class SubmissionConflict(Exception):
    """The intake was already sent with another submission id, or the id was used for something else."""


@dataclass(frozen=True)
class Located:
    access: policy.Access
    intake: Intake

    @property
    def definition(self) -> definitions.Definition:
        return definitions.load(self.intake.definition)


@dataclass(frozen=True)
class Answered:
    intake: Intake
    concern: bool  # the answer suggests the client may not be safe: show support before anything else


def _parse(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def locate(user: Any, intake_id: Any, perm: policy.Perm) -> Located:
    """An intake through the policy: 404 unless its client is visible to the user, 403 without the permission."""
    pk = _parse(intake_id)
    row = (
        Intake.objects.filter(pk=pk, client__in=policy.visible_to(user)).only("id", "client_id").first() if pk else None
    )
    if row is None:
        policy.deny_legacy(user, ENTITY, str(intake_id)[:64], perm)
        raise Http404("No such intake")
    access = policy.get_client_for(user, row.client_id, perm)
    return Located(access, Intake.objects.select_related("sent_by").get(pk=row.pk))


def latest_for(user: Any, client_id: Any, perm: policy.Perm) -> tuple[policy.Access, Intake | None]:
    """The client's most recent intake, for whoever holds `perm` on the client."""
    access = policy.get_client_for(user, client_id, perm)
    return access, Intake.objects.filter(client_id=access.client_id).select_related("sent_by").first()


def _audit(actor: Any, located: Located | policy.Access, action: str, perm: policy.Perm, entity_id: Any) -> None:
    access = located.access if isinstance(located, Located) else located
    policy.record_access(actor, access, action, ENTITY, str(entity_id), perm)


# --- the state of an intake ----------------------------------------------------------------------------------


def answers_of(intake: Intake) -> dict[str, engine.Given]:
    return {
        row.link_id: engine.Given(tuple(row.codes), row.text, row.skipped)
        for row in IntakeAnswer.objects.filter(intake=intake)
    }


def sections_of(intake: Intake) -> dict[str, IntakeSection]:
    return {row.link_id: row for row in IntakeSection.objects.filter(intake=intake).select_related("discussed_by")}


def screen_values(intake: Intake) -> dict[str, dict[str, float | None]]:
    """Answers to the instrument given inside the intake, as the questionnaire engine reads them."""
    if intake.screen_id is None:
        return {}
    response = Response.objects.filter(pk=intake.screen_id).first()
    if response is None:
        return {}
    values, _given = questionnaires.values_of(response)
    return {response.instrument: values}


def state_of(
    intake: Intake,
    answers: dict[str, engine.Given] | None = None,
    sections: dict[str, IntakeSection] | None = None,
) -> engine.State:
    answers = answers_of(intake) if answers is None else answers
    sections = sections_of(intake) if sections is None else sections
    return engine.State(
        answers=answers,
        in_person=frozenset(k for k, s in sections.items() if s.in_person),
        opened=frozenset(k for k, s in sections.items() if s.opened or s.in_person),
        embedded=screen_values(intake),
    )


# --- sending ------------------------------------------------------------------------------------------------


def _current_episode(client: Any) -> Episode | None:
    return Episode.objects.filter(client=client, closed__isnull=True).first()


def _notify(email: str) -> None:
    # Neutral words only (SECURITY.md 14): nothing about therapy, the intake or the practice.
    context = {"link": settings.ATTUNE_SITE_URL}
    send_mail(
        subject="You have something new in Attune",
        message=render_to_string("intake/email/new.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )


def sendable(client: Any) -> bool:
    """One intake per episode of care, and never a second while one is open."""
    episode = _current_episode(client)
    taken = Q(status__in=[Intake.Status.SENT, Intake.Status.IN_PROGRESS]) | Q(episode=episode, episode__isnull=False)
    return not Intake.objects.filter(client=client).filter(taken).exists()


def send(actor: Any, client_id: Any) -> Intake:
    """The care team sends the intake to the client's portal: one per episode of care."""
    access = policy.get_client_for(actor, client_id, perms.SEND)
    client, code = record_of(access), "intake"
    if not sendable(client):
        raise ValidationError("An intake was already sent in this episode of care.")
    episode = _current_episode(client)
    try:
        with transaction.atomic():
            intake = Intake.objects.create(
                client=client, episode=episode, definition=code, version=definitions.load(code).version, sent_by=actor
            )
            _audit(actor, access, AuditEvent.Action.CREATE, perms.SEND, intake.pk)
            email = client.user.email if client.user is not None else ""
            if email:
                transaction.on_commit(lambda: _notify(email))
    except IntegrityError as exc:
        # Two clinicians pressed "send" at once: the first one won.
        raise ValidationError("An intake was already sent in this episode of care.") from exc
    return intake


# --- answering ----------------------------------------------------------------------------------------------


def _open_for_answers(located: Located) -> Intake:
    intake = Intake.objects.select_for_update().get(pk=located.intake.pk)
    if not intake.is_open:
        raise ValidationError("This intake was already sent. Thank you.")
    return intake


def _touch(intake: Intake, position: str | None = None) -> None:
    now = timezone.now()
    if intake.status == Intake.Status.SENT:
        intake.status, intake.started = Intake.Status.IN_PROGRESS, now
    if position is not None:
        intake.position = position
    intake.updated = now
    intake.save(update_fields=["status", "started", "updated", "position", "welcome_seen"])


def begin(actor: Any, intake_id: Any) -> Intake:
    """The client has read what will happen and chosen to start."""
    located = locate(actor, intake_id, perms.ANSWER)
    with transaction.atomic():
        intake = _open_for_answers(located)
        intake.welcome_seen = True
        _touch(intake)
        _audit(actor, located, AuditEvent.Action.UPDATE, perms.ANSWER, intake.pk)
    return intake


def _section_row(intake: Intake, section_id: str) -> IntakeSection:
    row, _ = IntakeSection.objects.get_or_create(
        intake=intake, link_id=section_id, defaults={"client_id": intake.client_id}
    )
    return row


def _section_or_error(located: Located, section_id: str) -> definitions.Section:
    try:
        return located.definition.section(section_id)
    except KeyError as exc:
        raise ValidationError({"section": "There is no such part of the intake."}) from exc


def open_section(actor: Any, intake_id: Any, section_id: str) -> Intake:
    """The client read a section's notice and chose to go on: on to its first question."""
    located = locate(actor, intake_id, perms.ANSWER)
    _section_or_error(located, section_id)
    with transaction.atomic():
        intake = _open_for_answers(located)
        row = _section_row(intake, section_id)
        if row.opened is None:
            row.opened = timezone.now()
            row.save(update_fields=["opened"])
        state = state_of(intake)
        following = engine.neighbours(engine.sequence(located.definition, state), section_id)[1]
        _touch(intake, following or "")
        _audit(actor, located, AuditEvent.Action.UPDATE, perms.ANSWER, intake.pk)
    return intake


def keep_for_session(actor: Any, intake_id: Any, section_id: str, in_person: bool = True) -> Intake:
    """ "I'd rather talk about this in person": the rest of the section is left for the session. Undone with
    in_person=False, when the client would like to answer after all."""
    located = locate(actor, intake_id, perms.ANSWER)
    _section_or_error(located, section_id)
    with transaction.atomic():
        intake = _open_for_answers(located)
        row = _section_row(intake, section_id)
        row.in_person = in_person
        row.in_person_at = timezone.now() if in_person else None
        row.save(update_fields=["in_person", "in_person_at"])
        state = state_of(intake)
        position = engine.after_section(located.definition, section_id, state) if in_person else section_id
        _touch(intake, position or "")
        _audit(actor, located, AuditEvent.Action.UPDATE, perms.ANSWER, intake.pk)
    return intake


def question_for(located: Located, link_id: str) -> definitions.Question:
    """The intake's own question, or the embedding question of an instrument item (the PC-PTSD-5's)."""
    try:
        return located.definition.question(link_id)
    except KeyError:
        pass
    for question in located.definition.questions:
        if question.kind == "embedded" and link_id in {i["linkId"] for i in library.load(question.instrument).items}:
            return question
    raise ValidationError({"link_id": f"There is no question {link_id!r} here."})


def _checked(question: definitions.Question, codes: Iterable[str], text: str) -> tuple[list[str], str]:
    codes = [str(c) for c in codes]
    text = (text or "").strip()
    if question.kind == "text":
        if len(text) > question.max_length:
            raise ValidationError({"text": f"Please keep this to {question.max_length} characters."})
        return [], text
    if any(question.option(c) is None for c in codes) or len(set(codes)) != len(codes):
        raise ValidationError({"codes": "That is not one of the answers to this question."})
    if question.kind == "single" and len(codes) > 1:
        raise ValidationError({"codes": "Choose one answer."})
    return [o.code for o in question.options if o.code in codes], ""


def answer(
    actor: Any, intake_id: Any, link_id: str, *, codes: Iterable[str] = (), text: str = "", skipped: bool = False
) -> Answered:
    """Save one answer the moment it is given. An answer with nothing chosen or written clears the question
    (the client unticked everything); an explicit skip is "prefer not to answer"."""
    located = locate(actor, intake_id, perms.ANSWER)
    question = question_for(located, link_id)
    if question.kind == "embedded":
        return _answer_embedded(actor, located, question, link_id, list(codes), skipped)
    chosen, written = ([], "") if skipped else _checked(question, codes, text)
    with transaction.atomic():
        intake = _open_for_answers(located)
        if not engine.enabled(question, answers_of(intake)):
            raise ValidationError({"link_id": "This question is not asked, given the answers before it."})
        if skipped or chosen or written:
            row = IntakeAnswer.objects.filter(intake=intake, link_id=link_id).first() or IntakeAnswer(
                intake=intake, client_id=intake.client_id, link_id=link_id
            )
            row.codes, row.text, row.skipped, row.answered_at = chosen, written, skipped, timezone.now()
            row.save()
        else:
            IntakeAnswer.objects.filter(intake=intake, link_id=link_id).delete()
        state = state_of(intake)
        _touch(intake, engine.neighbours(engine.sequence(located.definition, state), link_id)[1] or "")
        _audit(actor, located, AuditEvent.Action.UPDATE, perms.ANSWER, intake.pk)
        concern = engine.concern(question, chosen)
        if concern:
            monitoring.on_intake_concern(intake, link_id)
        _follow_up(actor, located, intake, question, chosen)
    return Answered(intake, concern)


def _derived_id(intake: Intake, what: str) -> uuid.UUID:
    # The same id on every retry, so that an instrument is started once per intake however often it is asked.
    return uuid.uuid5(intake.pk, what)


def _follow_up(actor: Any, located: Located, intake: Intake, question: definitions.Question, chosen: list[str]) -> None:
    """Offers accepted: start the instrument the client chose to answer now, or add the one chosen for later."""
    if question.offers and definitions.ACCEPT in chosen and intake.baseline_id is None:
        baseline = questionnaires.start(
            located.access, question.offers, response_id=_derived_id(intake, question.offers)
        )
        Intake.objects.filter(pk=intake.pk).update(baseline=baseline)
        intake.baseline = baseline
    for embedded in located.definition.section(question.section).questions:
        if embedded.kind == "embedded" and intake.screen_id is None and engine.enabled(embedded, answers_of(intake)):
            _start_screen(located.access, intake, embedded.instrument)


def _start_screen(access: policy.Access, intake: Intake, code: str) -> Response:
    response = questionnaires.start(access, code, response_id=_derived_id(intake, code))
    # The intake has already said what the questions are about.
    questionnaires.acknowledge_notice(questionnaires.answering(access, response))
    Intake.objects.filter(pk=intake.pk).update(screen=response)
    intake.screen = response
    return response


def _answer_embedded(
    actor: Any, located: Located, question: definitions.Question, link_id: str, codes: list[str], skipped: bool
) -> Answered:
    instrument = library.load(question.instrument)
    value = None
    if not skipped:
        options = {code: ordinal for ordinal, _display, code in instrument.item(link_id)["options"]}
        if len(codes) != 1 or codes[0] not in options:
            raise ValidationError({"codes": "Choose one of the answers, or “Prefer not to answer”."})
        value = options[codes[0]]
    with transaction.atomic():
        intake = _open_for_answers(located)
        if not engine.enabled(question, answers_of(intake)):
            raise ValidationError({"link_id": "This question is not asked, given the answers before it."})
        screen = intake.screen if intake.screen_id else _start_screen(located.access, intake, question.instrument)
        questionnaires.answer(questionnaires.answering(located.access, screen), link_id, value=value, skipped=skipped)  # type: ignore[arg-type]
        state = state_of(intake)
        _touch(intake, engine.neighbours(engine.sequence(located.definition, state), link_id)[1] or "")
        _audit(actor, located, AuditEvent.Action.UPDATE, perms.ANSWER, intake.pk)
    return Answered(intake, False)


def _known_position(located: Located, position: str) -> bool:
    defn = located.definition
    known = {s.link_id for s in defn.sections} | {q.link_id for q in defn.questions}
    for question in defn.questions:
        if question.kind == "embedded":
            known |= {i["linkId"] for i in library.load(question.instrument).items}
    return position in known


def pause(actor: Any, intake_id: Any, position: str = "") -> Intake:
    """Remember where to continue. Answers are already saved; this only records the place."""
    located = locate(actor, intake_id, perms.ANSWER)
    if position and not _known_position(located, position):
        raise ValidationError({"position": "There is no such place in the intake."})
    with transaction.atomic():
        intake = _open_for_answers(located)
        _touch(intake, position or intake.position)
        _audit(actor, located, AuditEvent.Action.UPDATE, perms.ANSWER, intake.pk)
    return intake


def submit(actor: Any, intake_id: Any, submission_key: Any) -> Intake:
    """Send the intake to the care team, unanswered questions and sections kept for the session included.
    The same submission id again returns the original; another id once sent is a conflict. Concurrent
    duplicates serialise on the row lock."""
    key = _parse(submission_key)
    if key is None:
        raise ValidationError({"submission_id": "The submission id must be a UUID."})
    located = locate(actor, intake_id, perms.ANSWER)
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=located.intake.pk)
        if intake.status == Intake.Status.SUBMITTED:
            if intake.submission_key == key:
                return intake
            raise SubmissionConflict("This intake was already sent.")
        if Intake.objects.filter(submission_key=key).exists():
            raise SubmissionConflict("This submission id was already used.")
        screen = Response.objects.filter(pk=intake.screen_id).first() if intake.screen_id else None
        if screen is not None and screen.is_open:
            _send_screen(actor, located, screen, key)
        intake.status, intake.submission_key, intake.position = Intake.Status.SUBMITTED, key, ""
        intake.submitted = intake.updated = timezone.now()
        intake.save(update_fields=["status", "submission_key", "position", "submitted", "updated"])
        _audit(actor, located, AuditEvent.Action.UPDATE, perms.ANSWER, intake.pk)
    return intake


def _send_screen(actor: Any, located: Located, screen: Response, key: uuid.UUID) -> None:
    if screen.answers.exists():
        # The screening questions go with the intake, scored by the questionnaire engine.
        questionnaires.submit(questionnaires.answering(located.access, screen), uuid.uuid5(key, "screen"))
        return
    # Started from the intake and then left: take it back rather than leave an empty questionnaire waiting.
    Response.objects.filter(pk=screen.pk).update(status=Response.Status.WITHDRAWN, updated=timezone.now())
    policy.record_access(actor, located.access, AuditEvent.Action.UPDATE, ENTITY, str(screen.pk), perms.ANSWER)


# --- the clinician ------------------------------------------------------------------------------------------


def record_discussion(actor: Any, intake_id: Any, section_id: str, *, discussed: bool, note: str) -> IntakeSection:
    """Mark a section discussed in session (or not), and keep the clinician's own note on it, encrypted."""
    located = locate(actor, intake_id, perms.DISCUSS)
    _section_or_error(located, section_id)
    note = (note or "").strip()
    if len(note) > definitions.MAX_TEXT:
        raise ValidationError({"note": f"Please keep the note to {definitions.MAX_TEXT} characters."})
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=located.intake.pk)
        row = _section_row(intake, section_id)
        now = timezone.now()
        if discussed and row.discussed is None:
            row.discussed, row.discussed_by = now, actor
        elif not discussed:
            row.discussed, row.discussed_by = None, None
        if note != row.note:
            row.note, row.note_by, row.note_updated = note, actor, now
        row.save()
        _audit(actor, located, AuditEvent.Action.UPDATE, perms.DISCUSS, row.pk)
    return row
