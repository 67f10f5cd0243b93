"""Every write to the intake: send, begin, open a section, answer, keep a section for the session, pause, send
back (submit), and the clinician's record of what was discussed.

Callers reach the record through the access policy first (the client with `policy.client` to send one, the intake
with `policy.locate` for everything else) and pass the `Access` or `Located` on; each function opens its
transaction, writes, and records the audit event with the change. Instruments given inside the intake (the
PC-PTSD-5, the PCL-5 baseline) are written by the questionnaire engine's own services, which audit themselves. An
answer that suggests the client may not be safe is published as a `SafetyConcern` in the same transaction: the
intake does not know who keeps the alerts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from attune.care import services as care
from attune.care.models import Episode
from attune.care.records import record_of
from attune.core import events, policy
from attune.core.models import AuditEvent
from attune.core.policy import Access, Located
from attune.intake import definition as definitions
from attune.intake import engine, inputs, perms
from attune.intake.models import Intake, IntakeAnswer, IntakeSection
from attune.measures import library
from attune.notify import services as notify
from attune.notify.models import Notification
from attune.questionnaires import services as questionnaires
from attune.questionnaires.models import Response

ENTITY = "QuestionnaireResponse"


class SubmissionConflict(Exception):
    """The intake was already sent with another submission id, or the id was used for something else."""


@dataclass(frozen=True)
class Answered:
    intake: Intake
    concern: bool  # the answer suggests the client may not be safe: show support before anything else


def definition_of(intake: Intake) -> definitions.Definition:
    return definitions.load(intake.definition)


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
    response = Response.objects.filter(pk=intake.screen_id, client_id=intake.client_id).first()
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


def _current_episode(client_id: uuid.UUID) -> Episode | None:
    return Episode.objects.filter(client_id=client_id, closed__isnull=True).first()


def sendable(access: Access) -> bool:
    """One intake per episode of care, and never a second while one is open."""
    episode = _current_episode(access.client_id)
    taken = Q(status__in=[Intake.Status.SENT, Intake.Status.IN_PROGRESS]) | Q(episode=episode, episode__isnull=False)
    return not Intake.objects.filter(client_id=access.client_id).filter(taken).exists()


def send(access: Access) -> Intake:
    """The care team sends the intake to the client's portal: one per episode of care."""
    access.require(perms.SEND)
    if not sendable(access):
        raise ValidationError("An intake was already sent in this episode of care.")
    code = "intake"
    client = record_of(access)
    try:
        with transaction.atomic():
            intake = Intake.objects.create(
                client_id=access.client_id,
                episode=_current_episode(access.client_id),
                definition=code,
                version=definitions.load(code).version,
                sent_by_id=access.actor_id,
            )
            access.record(AuditEvent.Action.CREATE, ENTITY, intake.pk, perms.SEND)
            if client.user_id is not None:
                # Through the outbox, in this transaction: the client's channels, quiet hours and "everything
                # off" apply, and the message is notify's neutral sentence (nothing about therapy or the intake).
                notify.enqueue(
                    recipient_id=client.user_id,
                    purpose=Notification.Purpose.MESSAGE,
                    target=reverse("workspace:portal"),
                    dedupe_key=f"intake:{intake.pk}:sent",
                )
    except IntegrityError as exc:
        # Two clinicians pressed "send" at once: the first one won.
        raise ValidationError("An intake was already sent in this episode of care.") from exc
    return intake


# --- answering ----------------------------------------------------------------------------------------------


def _answering(located: Located[Intake]) -> Intake:
    """The intake, for one of the client's writes: 403 (audited, before any transaction) for anyone else."""
    located.access.require(perms.ANSWER, ENTITY, str(located.row.pk))
    return located.row


def _open_for_answers(located: Located[Intake]) -> Intake:
    intake = Intake.objects.select_for_update().get(pk=located.row.pk)
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


def _answered(located: Located[Intake], intake: Intake) -> None:
    located.access.record(AuditEvent.Action.UPDATE, ENTITY, intake.pk, perms.ANSWER)


def begin(located: Located[Intake]) -> Intake:
    """The client has read what will happen and chosen to start."""
    _answering(located)
    with transaction.atomic():
        intake = _open_for_answers(located)
        intake.welcome_seen = True
        _touch(intake)
        _answered(located, intake)
    return intake


def _section_row(intake: Intake, section_id: str) -> IntakeSection:
    row, _ = IntakeSection.objects.get_or_create(
        intake=intake, link_id=section_id, defaults={"client_id": intake.client_id}
    )
    return row


def _section_or_error(intake: Intake, section_id: str) -> definitions.Section:
    try:
        return definition_of(intake).section(section_id)
    except KeyError as exc:
        raise ValidationError({"section": "There is no such part of the intake."}) from exc


def open_section(located: Located[Intake], section_id: str) -> Intake:
    """The client read a section's notice and chose to go on: on to its first question."""
    _section_or_error(_answering(located), section_id)
    with transaction.atomic():
        intake = _open_for_answers(located)
        row = _section_row(intake, section_id)
        if row.opened is None:
            row.opened = timezone.now()
            row.save(update_fields=["opened"])
        steps = engine.sequence(definition_of(intake), state_of(intake))
        _touch(intake, engine.neighbours(steps, section_id)[1] or "")
        _answered(located, intake)
    return intake


def keep_for_session(located: Located[Intake], section_id: str, in_person: bool = True) -> Intake:
    """ "I'd rather talk about this in person": the rest of the section is left for the session. Undone with
    in_person=False, when the client would like to answer after all."""
    _section_or_error(_answering(located), section_id)
    with transaction.atomic():
        intake = _open_for_answers(located)
        row = _section_row(intake, section_id)
        row.in_person = in_person
        row.in_person_at = timezone.now() if in_person else None
        row.save(update_fields=["in_person", "in_person_at"])
        state = state_of(intake)
        position = engine.after_section(definition_of(intake), section_id, state) if in_person else section_id
        _touch(intake, position or "")
        _answered(located, intake)
    return intake


def question_for(intake: Intake, link_id: str) -> definitions.Question:
    """The intake's own question, or the embedding question of an instrument item (the PC-PTSD-5's)."""
    definition = definition_of(intake)
    try:
        return definition.question(link_id)
    except KeyError:
        pass
    for question in definition.questions:
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


def _asked(question: definitions.Question, intake: Intake) -> None:
    if not engine.enabled(question, answers_of(intake)):
        raise ValidationError({"link_id": "This question is not asked, given the answers before it."})


def answer(
    located: Located[Intake], link_id: str, *, codes: Iterable[str] = (), text: str = "", skipped: bool = False
) -> Answered:
    """Save one answer the moment it is given. An answer with nothing chosen or written clears the question
    (the client unticked everything); an explicit skip is "prefer not to answer"."""
    question = question_for(_answering(located), link_id)
    if question.kind == "embedded":
        return _answer_embedded(located, question, link_id, list(codes), skipped)
    chosen, written = ([], "") if skipped else _checked(question, codes, text)
    with transaction.atomic():
        intake = _open_for_answers(located)
        _asked(question, intake)
        _save_answer(intake, link_id, chosen, written, skipped)
        steps = engine.sequence(definition_of(intake), state_of(intake))
        _touch(intake, engine.neighbours(steps, link_id)[1] or "")
        _answered(located, intake)
        concern = engine.concern(question, chosen)
        if concern:
            _publish_concern(intake, link_id)
        _follow_up(located.access, intake, question, chosen)
    return Answered(intake, concern)


def _save_answer(intake: Intake, link_id: str, chosen: list[str], written: str, skipped: bool) -> None:
    if not (skipped or chosen or written):
        IntakeAnswer.objects.filter(intake=intake, link_id=link_id).delete()
        return
    row = IntakeAnswer.objects.filter(intake=intake, link_id=link_id).first() or IntakeAnswer(
        intake=intake, client_id=intake.client_id, link_id=link_id
    )
    row.codes, row.text, row.skipped, row.answered_at = chosen, written, skipped, timezone.now()
    row.save()


def _publish_concern(intake: Intake, link_id: str) -> None:
    """Whoever keeps the alerts hears it inside this transaction, while the intake's row is locked: one concern per
    intake and question, however often the answer is saved."""
    events.publish(
        events.SafetyConcern(
            client_id=intake.client_id, source="intake", source_id=intake.pk, item=link_id, since=intake.created
        )
    )


def _derived_id(intake: Intake, what: str) -> uuid.UUID:
    # The same id on every retry, so that an instrument is started once per intake however often it is asked.
    return uuid.uuid5(intake.pk, what)


def _follow_up(access: Access, intake: Intake, question: definitions.Question, chosen: list[str]) -> None:
    """Offers accepted: start the instrument the client chose to answer now, or add the one chosen for later."""
    if question.offers and definitions.ACCEPT in chosen and intake.baseline_id is None:
        baseline = _start(access, intake, question.offers)
        Intake.objects.filter(pk=intake.pk).update(baseline=baseline)
        intake.baseline = baseline
    for embedded in definition_of(intake).section(question.section).questions:
        if embedded.kind == "embedded" and intake.screen_id is None and engine.enabled(embedded, answers_of(intake)):
            _start_screen(access, intake, embedded.instrument)


# The questionnaire engine writes its own responses; these four calls are the intake's only way to them.


def _start(access: Access, intake: Intake, code: str) -> Response:
    return questionnaires.start(access, code, response_id=_derived_id(intake, code))


def _start_screen(access: Access, intake: Intake, code: str) -> Response:
    response = _start(access, intake, code)
    # The intake has already said what the questions are about.
    questionnaires.acknowledge_notice(questionnaires.answering(access, response))
    Intake.objects.filter(pk=intake.pk).update(screen=response)
    intake.screen = response
    return response


def _answer_screen(access: Access, screen: Response, link_id: str, value: float | None, skipped: bool) -> None:
    questionnaires.answer(questionnaires.answering(access, screen), link_id, value=value, skipped=skipped)


def _send_screen(located: Located[Intake], screen: Response, key: uuid.UUID) -> None:
    if screen.answers.exists():
        # The screening questions go with the intake, scored by the questionnaire engine.
        questionnaires.submit(questionnaires.answering(located.access, screen), uuid.uuid5(key, "screen"))
        return
    # Started from the intake and then left: take it back rather than leave an empty questionnaire waiting.
    questionnaires.withdraw_unanswered(located.access, screen.pk, perms.ANSWER)


def _embedded_value(question: definitions.Question, link_id: str, codes: list[str], skipped: bool) -> float | None:
    if skipped:
        return None
    options = {code: ordinal for ordinal, _display, code in library.load(question.instrument).item(link_id)["options"]}
    if len(codes) != 1 or codes[0] not in options:
        raise ValidationError({"codes": "Choose one of the answers, or “Prefer not to answer”."})
    return float(options[codes[0]])


def _answer_embedded(
    located: Located[Intake], question: definitions.Question, link_id: str, codes: list[str], skipped: bool
) -> Answered:
    value = _embedded_value(question, link_id, codes, skipped)
    with transaction.atomic():
        intake = _open_for_answers(located)
        _asked(question, intake)
        screen = (
            intake.screen if intake.screen is not None else _start_screen(located.access, intake, question.instrument)
        )
        _answer_screen(located.access, screen, link_id, value, skipped)
        steps = engine.sequence(definition_of(intake), state_of(intake))
        _touch(intake, engine.neighbours(steps, link_id)[1] or "")
        _answered(located, intake)
    return Answered(intake, False)


def _known_position(intake: Intake, position: str) -> bool:
    defn = definition_of(intake)
    known = {s.link_id for s in defn.sections} | {q.link_id for q in defn.questions}
    for question in defn.questions:
        if question.kind == "embedded":
            known |= {i["linkId"] for i in library.load(question.instrument).items}
    return position in known


def pause(located: Located[Intake], position: str = "") -> Intake:
    """Remember where to continue. Answers are already saved; this only records the place."""
    if position and not _known_position(_answering(located), position):
        raise ValidationError({"position": "There is no such place in the intake."})
    with transaction.atomic():
        intake = _open_for_answers(located)
        _touch(intake, position or intake.position)
        _answered(located, intake)
    return intake


def submit(located: Located[Intake], submission_key: object) -> Intake:
    """Send the intake to the care team, unanswered questions and sections kept for the session included.
    The same submission id again returns the original; another id once sent is a conflict. Concurrent
    duplicates serialise on the row lock."""
    _answering(located)
    key = policy.parse_uuid(submission_key)
    if key is None:
        raise ValidationError({"submission_id": "The submission id must be a UUID."})
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=located.row.pk)
        if intake.status == Intake.Status.SUBMITTED:
            if intake.submission_key == key:
                return intake
            raise SubmissionConflict("This intake was already sent.")
        if Intake.objects.filter(submission_key=key).exists():
            raise SubmissionConflict("This submission id was already used.")
        screen = intake.screen
        if screen is not None and screen.is_open:
            _send_screen(located, screen, key)
        intake.status, intake.submission_key, intake.position = Intake.Status.SUBMITTED, key, ""
        intake.submitted = intake.updated = timezone.now()
        intake.save(update_fields=["status", "submission_key", "position", "submitted", "updated"])
        _answered(located, intake)
        _record_safe_contact(located.access, intake)
    return intake


def safe_contact_said(intake: Intake) -> dict[str, bool | str]:
    """What the client's answers say about safe ways of contact: only the questions they answered (a skip, an
    empty text or a question not asked says nothing, and leaves what the record holds as it is)."""
    definition = definition_of(intake)
    answers = answers_of(intake)
    said: dict[str, bool | str] = {}
    for question in definition.questions:
        given = answers.get(question.link_id)
        if not question.safe_contact or given is None or given.skipped or not engine.enabled(question, answers):
            continue
        if question.safe_contact in definitions.SAFE_CONTACT_TEXT:
            if given.text.strip():
                said[question.safe_contact] = given.text.strip()
        elif given.codes in (("yes",), ("no",)):
            said[question.safe_contact] = given.codes == ("yes",)
    return said


def _record_safe_contact(access: Access, intake: Intake) -> None:
    """Sent: the record learns the client's safe ways of contact, in this transaction, through its own service."""
    said = safe_contact_said(intake)
    if said:
        care.record_safe_contact(access, said)


# --- the clinician ------------------------------------------------------------------------------------------


def record_discussion(located: Located[Intake], section_id: str, *, discussed: bool, note: str) -> IntakeSection:
    """Mark a section discussed in session (or not), and keep the clinician's own note on it, encrypted."""
    located.access.require(perms.DISCUSS, ENTITY, str(located.row.pk))
    _section_or_error(located.row, section_id)
    note = (note or "").strip()
    if len(note) > inputs.MAX_TEXT:
        raise ValidationError({"note": f"Please keep the note to {inputs.MAX_TEXT} characters."})
    actor_id = located.access.actor_id
    with transaction.atomic():
        intake = Intake.objects.select_for_update().get(pk=located.row.pk)
        row = _section_row(intake, section_id)
        now = timezone.now()
        if discussed and row.discussed is None:
            row.discussed, row.discussed_by_id = now, actor_id
        elif not discussed:
            row.discussed, row.discussed_by_id = None, None
        if note != row.note:
            row.note, row.note_by_id, row.note_updated = note, actor_id, now
        row.save()
        located.access.record(AuditEvent.Action.UPDATE, ENTITY, row.pk, perms.DISCUSS)
    return row
