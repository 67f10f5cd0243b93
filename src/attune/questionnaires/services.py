"""Every write to questionnaire responses: assign, start, answer, pause, submit, and the system's own writes for
the capabilities above (issue a scheduled questionnaire, withdraw one never started, set one aside).

Callers reach the client or the response through the access policy first and pass the `Access` or `Located` on;
each function opens its transaction, writes, and records the audit event with the change. Other apps react to
answers and submissions through the events published here (`ResponseAnswered`, `ResponseSubmitted`), inside
the same transaction, so the engine never knows who listens.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attune.care.models import Episode
from attune.core import audit, events, policy
from attune.core.models import AuditEvent
from attune.core.policy import Access, Located
from attune.measures import library, scoring
from attune.questionnaires import engine, inputs, perms
from attune.questionnaires.models import Answer, Response

ENTITY = "QuestionnaireResponse"


class SubmissionConflict(Exception):
    """The submission id was already used for a different submission."""


@dataclass(frozen=True)
class Answered:
    """An answer saved, and the engine's verdict on it: a critical answer shows the crisis resources at once."""

    response: Response
    critical: bool
    unknown: bool = False  # a critical item skipped: its answer is not known, never "no risk"


def instrument_of(response: Response) -> library.Instrument:
    return library.load(response.instrument)


def instrument_or_error(code: str) -> library.Instrument:
    try:
        instrument = library.load(code)
    except (KeyError, FileNotFoundError, library.DefinitionError) as exc:
        raise ValidationError({"instrument": f"There is no instrument called {code!r}."}) from exc
    if not engine.administrable(instrument):
        raise ValidationError({"instrument": "This instrument's item text has not been loaded by the practice."})
    return instrument


def _mode_for(access: Access) -> str:
    return Response.Mode.PORTAL if access.is_self else Response.Mode.IN_SESSION


def answerable(access: Access, response: Response) -> bool:
    """A client answers their own portal responses; a clinician answers only responses given in session (the
    `allowed` rule of `policy.locate` for measures.answer)."""
    return response.mode == _mode_for(access)


def answering(access: Access, response: Response) -> Located[Response]:
    """A response of a client already reached with measures.answer (an instrument given inside the intake)."""
    if response.client_id != access.client_id or not answerable(access, response):
        raise policy.PermissionDenied("This questionnaire is answered by someone else")
    return Located(access, response)


def for_answerer(access: Access, response: Response) -> Located[Response]:
    """A response reached by a capability (couples work), for the one person who answers it: its respondent when
    it has one (whatever their relation to the client), else the client in the portal. Anyone else: 403."""
    if response.client_id != access.client_id:
        raise policy.PermissionDenied("This questionnaire is answered by someone else")
    if response.respondent_id is not None:
        if response.respondent_id != access.actor_id:
            raise policy.PermissionDenied("This questionnaire is answered by someone else")
        return Located(access, response)
    return answering(access, response)


def current_episode(client_id: uuid.UUID) -> Episode | None:
    return Episode.objects.filter(client_id=client_id, closed__isnull=True).first()


def assign(access: Access, code: str) -> Response:
    """The care team sends a questionnaire to the client's portal."""
    access.require(perms.ASSIGN)
    instrument_or_error(code)
    waiting = Response.objects.filter(
        client_id=access.client_id, instrument=code, mode=Response.Mode.PORTAL, status=Response.Status.ASSIGNED
    ).first()
    if waiting is not None:
        # One is already waiting, untouched: sending another would only show the client the same thing twice.
        return waiting
    with transaction.atomic():
        response = Response.objects.create(
            client_id=access.client_id,
            episode=current_episode(access.client_id),
            instrument=code,
            created_by_id=access.actor_id,
        )
        access.record(AuditEvent.Action.CREATE, ENTITY, response.pk, perms.ASSIGN)
    return response


def _for_respondent(code: str) -> library.Instrument:
    instrument = instrument_or_error(code)
    if engine.critical_thresholds(instrument.scoring):
        # A respondent's answers raise nothing in the client's record, so an instrument that can need an alert
        # (PHQ-9 item 9) is never given this way.
        raise ValidationError({"instrument": "This questionnaire can only be given to the client."})
    return instrument


def assign_to_respondent(access: Access, code: str, respondent_id: int, perm: policy.Perm) -> Response:
    """A questionnaire about the respondent themself, waiting for them (a partner in couples work). The capability
    decides who may send one and to whom, and passes its permission (`perm`) for the audit trail; one already
    waiting, untouched, is handed back rather than sent twice."""
    access.require(perm)
    _for_respondent(code)
    waiting = Response.by_anyone.filter(
        client_id=access.client_id, instrument=code, respondent_id=respondent_id, status=Response.Status.ASSIGNED
    ).first()
    if waiting is not None:
        return waiting
    with transaction.atomic():
        response = Response.by_anyone.create(
            client_id=access.client_id,
            instrument=code,
            respondent_id=respondent_id,
            created_by_id=access.actor_id,
        )
        access.record(AuditEvent.Action.CREATE, ENTITY, response.pk, perm)
    return response


def start(access: Access, code: str, *, response_id: object = None) -> Response:
    """The client starts one in the portal, or a clinician gives one in session. Idempotent on response_id."""
    access.require(perms.ANSWER)
    instrument_or_error(code)
    mode = _mode_for(access)
    pk = policy.parse_uuid(response_id) if response_id is not None else uuid.uuid4()
    if pk is None:
        raise ValidationError({"id": "The response id must be a UUID."})
    existing = Response.objects.filter(pk=pk, client_id=access.client_id).first()
    if existing is not None:
        return _same_start(existing, access, code, mode)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                id=pk,
                client_id=access.client_id,
                episode=current_episode(access.client_id),
                instrument=code,
                mode=mode,
                status=Response.Status.IN_PROGRESS,
                started=timezone.now(),
                created_by_id=access.actor_id,
            )
            access.record(AuditEvent.Action.CREATE, ENTITY, pk, perms.ANSWER)
    except IntegrityError:
        # A retried or doubled "start" with the same id: the first one won, hand back the same response. An id
        # taken by someone else's response is simply refused, without saying whose.
        won = Response.objects.filter(pk=pk, client_id=access.client_id).first()
        if won is None:
            raise ValidationError({"id": "This id cannot be used. Please start again."}) from None
        return _same_start(won, access, code, mode)
    return response


def _same_start(existing: Response, access: Access, code: str, mode: str) -> Response:
    if existing.client_id != access.client_id or existing.instrument != code or existing.mode != mode:
        raise ValidationError({"id": "This id belongs to a different questionnaire."})
    return existing


def answers_of(response: Response) -> Iterable[Answer]:
    """The response's answers: through the relation (prefetched on lists) for the client's own, or by id for a
    respondent's (which the default manager leaves out)."""
    if response.respondent_id is None:
        return response.answers.all()
    return Answer.by_anyone.filter(response_id=response.pk)


def values_of(response: Response) -> tuple[dict[str, float | None], set[str]]:
    """Answers as linkId -> ordinal (None when skipped), and the set of items answered or skipped."""
    rows = [(a.link_id, a.value, a.skipped) for a in answers_of(response)]
    return {link: (None if skipped else value) for link, value, skipped in rows}, {link for link, _v, _s in rows}


def unknown_critical(
    response: Response, instrument: library.Instrument, values: dict[str, float | None] | None = None
) -> list[str]:
    """The items of this response whose answer can be critical and that were asked but not answered (skipped, or
    left when it was sent): "not known", which pages and the API never show as "no risk"."""
    if values is None:
        values, _given = values_of(response)
    return engine.unknown_critical(instrument.scoring, values, set(engine.sequence(instrument, values)))


def flags_shown(response: Response, instrument: library.Instrument, unknown: list[str]) -> dict[str, bool | None]:
    """The response's flags, with an item flag whose item is not known shown as None (not known), never False."""
    item_of = {
        name: flag.get("item")
        for name, flag in (instrument.scoring.get("flags") or {}).items()
        if flag.get("kind") == "item"
    }
    shown: dict[str, bool | None] = {}
    for name, on in response.flags.items():
        shown[name] = None if not on and item_of.get(name) in unknown else bool(on)
    return shown


def _checked_value(instrument: library.Instrument, link_id: str, value: float | None, skipped: bool) -> float | None:
    try:
        item = instrument.item(link_id)
    except KeyError as exc:
        raise ValidationError({"link_id": f"There is no question {link_id!r} here."}) from exc
    if skipped:
        return None
    if value is None:
        raise ValidationError({"value": "Choose an answer, or “Prefer not to answer”."})
    if float(value) not in {option[0] for option in item["options"]}:
        raise ValidationError({"value": "That is not one of the answers to this question."})
    return float(value)


def answer(located: Located[Response], link_id: str, *, value: float | None = None, skipped: bool = False) -> Answered:
    """Save one answer. The engine decides here, once, whether it is critical; subscribers hear it in this
    transaction (monitoring raises the alert) and the caller gets the verdict (the portal shows support)."""
    response, access = located.row, located.access
    instrument = instrument_of(response)
    if not response.is_open:
        raise ValidationError("This questionnaire was already sent. Thank you.")
    given = _checked_value(instrument, link_id, value, skipped)
    with transaction.atomic():
        Answer.by_anyone.update_or_create(
            response=response,
            link_id=link_id,
            defaults={
                "client_id": response.client_id,
                "respondent_id": response.respondent_id,
                "value": given,
                "skipped": skipped,
                "answered_at": timezone.now(),
            },
        )
        values, _given = values_of(response)
        response.position = engine.neighbours(instrument, link_id, values)[1] or ""
        response.status = Response.Status.IN_PROGRESS
        response.started = response.started or timezone.now()
        response.updated = timezone.now()
        response.save(update_fields=["position", "status", "started", "updated"])
        access.record(AuditEvent.Action.UPDATE, ENTITY, response.pk, perms.ANSWER)
        if response.respondent_id is not None:
            # About the respondent, not the client: nothing in the client's record reacts (and no item can be
            # critical: respondents are given only instruments without one, see assign_to_respondent).
            return Answered(response, False)
        verdict = answered_event(response, instrument, link_id, given, skipped)
    return verdict


def answered_event(
    response: Response, instrument: library.Instrument, link_id: str, given: float | None, skipped: bool
) -> Answered:
    """The engine's verdict on one saved answer, published to the subscribers in the caller's transaction. Every
    path (a page's Next, autosave, the API, in session, the intake's screen, a FHIR import) comes through here,
    so every subscriber hears the same verdict: critical, or a critical item skipped (its answer not known)."""
    critical = engine.is_critical(instrument.scoring, link_id, given)
    critical_item = engine.can_be_critical(instrument.scoring, link_id)
    events.publish(
        events.ResponseAnswered(
            response.client_id,
            response.pk,
            response.instrument,
            link_id,
            given,
            critical,
            critical_item=critical_item,
            skipped=skipped,
        )
    )
    return Answered(response, critical, critical_item and skipped)


def acknowledge_notice(located: Located[Response]) -> Response:
    with transaction.atomic():
        Response.by_anyone.filter(pk=located.row.pk).update(notice_seen=True, updated=timezone.now())
        located.access.record(AuditEvent.Action.UPDATE, ENTITY, located.row.pk, perms.ANSWER)
    located.row.refresh_from_db()
    return located.row


def pause(located: Located[Response], position: str = "") -> Response:
    """Remember where to continue. Answers are already saved; this only records the place."""
    response = located.row
    if response.is_open and position:
        if position not in {item["linkId"] for item in instrument_of(response).items}:
            raise ValidationError({"position": "There is no such question here."})
        with transaction.atomic():
            Response.by_anyone.filter(pk=response.pk).update(position=position, updated=timezone.now())
            located.access.record(AuditEvent.Action.UPDATE, ENTITY, response.pk, perms.ANSWER)
        response.refresh_from_db()
    return response


def submit(located: Located[Response], submission_key: object) -> Response:
    """Score and complete. The same submission id again returns the original result; another id for a
    response already submitted is a conflict. Concurrent duplicates serialise on the row lock."""
    key = policy.parse_uuid(submission_key)
    if key is None:
        raise ValidationError({"submission_id": "The submission id must be a UUID."})
    with transaction.atomic():
        response = Response.by_anyone.select_for_update().get(pk=located.row.pk)
        if response.status == Response.Status.COMPLETED:
            if response.submission_key == key:
                return response
            raise SubmissionConflict("This questionnaire was already sent.")
        if not response.is_open:
            raise ValidationError("This questionnaire was withdrawn.")
        if Response.by_anyone.filter(submission_key=key).exists():
            raise SubmissionConflict("This submission id was already used for another questionnaire.")
        _score(response, instrument_of(response))
        response.status = Response.Status.COMPLETED
        response.submitted = response.updated = timezone.now()
        response.submission_key = key
        response.position = ""
        response.save()
        located.access.record(AuditEvent.Action.UPDATE, ENTITY, response.pk, perms.ANSWER)
        if response.respondent_id is None:
            published(response)  # alerts and changes for reviews, in the same transaction
    return response


def _score(response: Response, instrument: library.Instrument) -> None:
    values, _given = values_of(response)
    asked = set(engine.sequence(instrument, values))
    score_into(response, scoring.score(instrument, {k: v for k, v in values.items() if k in asked}))


def score_into(response: Response, result: scoring.ScoreResult) -> None:
    """Copy a score onto the response (computed once, at submission, with the rules in force then)."""
    response.total = result.total
    response.subscales = result.subscales
    response.band = result.band or ""
    response.flags = result.flags
    response.answered = result.answered
    response.missing_rule = result.missing_rule
    response.scored = result.scored
    response.critical_items = result.critical_items


def published(response: Response) -> None:
    """Tell the subscribers a response was completed and scored (here, or by a FHIR import). A critical item
    asked but left without any answer is heard first as skipped: sent without it, its answer is not known."""
    instrument = instrument_of(response)
    values, given = values_of(response)
    for link_id in unknown_critical(response, instrument, values):
        if link_id not in given:
            answered_event(response, instrument, link_id, None, True)
    events.publish(
        events.ResponseSubmitted(
            response.client_id, response.pk, response.instrument, response.total, tuple(response.critical_items)
        )
    )


# --- the system's writes, for the capabilities above --------------------------------------------------------


def _system_audit(response: Response, reason: str) -> None:
    audit.record(
        audit.Entry(
            action=AuditEvent.Action.CREATE,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=None,
            agent_role="system",
            entity_type=ENTITY,
            entity_id=str(response.pk),
            client_id=response.client_id,
            purpose="TREAT",
            reason=reason,
        )
    )


def issue(
    client_id: uuid.UUID, code: str, created_by_id: int | None, reason: str, *, respondent_id: int | None = None
) -> Response:
    """Put a questionnaire in the client's portal on the system's behalf (a schedule that fell due), or waiting
    for a respondent (couples work's rhythm). The caller holds whatever lock keeps it from issuing twice;
    `reason` names why, in the audit trail."""
    if respondent_id is not None:
        _for_respondent(code)
    with transaction.atomic():
        response = Response.by_anyone.create(
            client_id=client_id,
            episode=current_episode(client_id) if respondent_id is None else None,
            instrument=code,
            created_by_id=created_by_id,
            respondent_id=respondent_id,
        )
        _system_audit(response, reason)
    return response


def withdraw_untouched(response_ids: Iterable[uuid.UUID]) -> int:
    """Take back questionnaires waiting in the portal that nobody started (a schedule ended, or the client
    completed the instrument another way). A started one is never taken back."""
    return Response.objects.filter(
        pk__in=list(response_ids), status=Response.Status.ASSIGNED, answers__isnull=True
    ).update(status=Response.Status.WITHDRAWN, updated=timezone.now())


def postpone(located: Located[Response], days: int) -> Response:
    """The client sets a waiting questionnaire aside: the portal shows it again after `days` days."""
    if days not in inputs.POSTPONE_DAYS:
        raise ValidationError({"days": "Choose when to be reminded."})
    if not located.row.is_open:
        raise ValidationError("This questionnaire was already sent. Thank you.")
    until = timezone.localdate() + datetime.timedelta(days=days)
    with transaction.atomic():
        Response.by_anyone.filter(pk=located.row.pk).update(postponed_until=until, updated=timezone.now())
        located.access.record(AuditEvent.Action.UPDATE, ENTITY, located.row.pk, perms.ANSWER)
    located.row.refresh_from_db()
    return located.row


def withdraw_unanswered(access: policy.Access, response_id: uuid.UUID, perm: policy.Perm) -> bool:
    """Take back an open response of this client that has no answer (the screen of an intake sent without it),
    rather than leave an empty questionnaire waiting. `perm` is the caller's, for the audit trail."""
    open_statuses = [Response.Status.ASSIGNED, Response.Status.IN_PROGRESS]
    with transaction.atomic():
        taken = Response.objects.filter(
            pk=response_id, client_id=access.client_id, status__in=open_statuses, answers__isnull=True
        ).update(status=Response.Status.WITHDRAWN, updated=timezone.now())
        if taken:
            access.record(AuditEvent.Action.UPDATE, ENTITY, response_id, perm)
    return bool(taken)
