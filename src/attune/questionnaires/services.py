"""Every write to questionnaire responses: assign, start, answer, pause, submit.

Each one fetches through the access policy first (so a denial is audited even though nothing is written), then
opens its transaction, writes, and records the audit event with the change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from attune.care.models import Episode
from attune.care.records import record_of
from attune.core import policy
from attune.core.models import AuditEvent
from attune.core.policy import Relation
from attune.measures import library, scoring
from attune.monitoring import services as monitoring
from attune.questionnaires import engine, perms
from attune.questionnaires.models import Answer, Response

ENTITY = "QuestionnaireResponse"


class SubmissionConflict(Exception):
    """The submission id was already used for a different submission."""


@dataclass(frozen=True)
class Located:
    access: policy.Access
    response: Response

    @property
    def instrument(self) -> library.Instrument:
        return library.load(self.response.instrument)


def instrument_or_error(code: str) -> library.Instrument:
    try:
        instrument = library.load(code)
    except (KeyError, FileNotFoundError, library.DefinitionError) as exc:
        raise ValidationError({"instrument": f"There is no instrument called {code!r}."}) from exc
    if not engine.administrable(instrument):
        raise ValidationError({"instrument": "This instrument's item text has not been loaded by the practice."})
    return instrument


def _parse(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def locate(user: Any, response_id: Any, perm: policy.Perm) -> Located:
    """A response through the policy: 404 unless its client is visible to the user; 403 without the permission.
    A client answers their own portal responses; a clinician answers only responses given in session."""
    pk = _parse(response_id)
    row = (
        Response.objects.filter(pk=pk, client__in=policy.visible_to(user)).only("id", "client_id").first()
        if pk
        else None
    )
    if row is None:
        policy.deny_legacy(user, ENTITY, str(response_id)[:64], perm)
        raise Http404("No such questionnaire")
    access = policy.get_client_for(user, row.client_id, perm)
    response = Response.objects.get(pk=row.pk)
    if perm is perms.ANSWER:
        expected = Response.Mode.PORTAL if access.relation is Relation.SELF else Response.Mode.IN_SESSION
        if response.mode != expected:
            policy.deny_legacy(
                user, ENTITY, str(response.pk), perm, client_id=response.client_id, relation=access.relation
            )
            raise PermissionDenied("This questionnaire is answered by someone else")
    return Located(access, response)


def _current_episode(client: Any) -> Episode | None:
    return Episode.objects.filter(client=client, closed__isnull=True).first()


def assign(actor: Any, client_id: Any, code: str) -> Response:
    """The care team sends a questionnaire to the client's portal."""
    access = policy.get_client_for(actor, client_id, perms.ASSIGN)
    instrument_or_error(code)
    waiting = Response.objects.filter(
        client_id=access.client_id, instrument=code, mode=Response.Mode.PORTAL, status=Response.Status.ASSIGNED
    ).first()
    if waiting is not None:
        # One is already waiting, untouched: sending another would only show the client the same thing twice.
        return waiting
    with transaction.atomic():
        response = Response.objects.create(
            client_id=access.client_id, episode=_current_episode(record_of(access)), instrument=code, created_by=actor
        )
        policy.record_access(actor, access, AuditEvent.Action.CREATE, ENTITY, str(response.pk), perms.ASSIGN)
    return response


def start(actor: Any, client_id: Any, code: str, *, response_id: Any = None) -> Response:
    """The client starts one in the portal, or a clinician gives one in session. Idempotent on response_id."""
    access = policy.get_client_for(actor, client_id, perms.ANSWER)
    instrument_or_error(code)
    mode = Response.Mode.PORTAL if access.relation is Relation.SELF else Response.Mode.IN_SESSION
    pk = _parse(response_id) if response_id is not None else uuid.uuid4()
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
                episode=_current_episode(record_of(access)),
                instrument=code,
                mode=mode,
                status=Response.Status.IN_PROGRESS,
                started=timezone.now(),
                created_by=actor,
            )
            policy.record_access(actor, access, AuditEvent.Action.CREATE, ENTITY, str(pk), perms.ANSWER)
    except IntegrityError:
        # A retried or doubled "start" with the same id: the first one won, hand back the same response. An id
        # taken by someone else's response is simply refused, without saying whose.
        won = Response.objects.filter(pk=pk, client_id=access.client_id).first()
        if won is None:
            raise ValidationError({"id": "This id cannot be used. Please start again."}) from None
        return _same_start(won, access, code, mode)
    return response


def _same_start(existing: Response, access: policy.Access, code: str, mode: str) -> Response:
    if existing.client_id != access.client_id or existing.instrument != code or existing.mode != mode:
        raise ValidationError({"id": "This id belongs to a different questionnaire."})
    return existing


def values_of(response: Response) -> tuple[dict[str, float | None], set[str]]:
    """Answers as linkId -> ordinal (None when skipped), and the set of items answered or skipped."""
    rows = [(a.link_id, a.value, a.skipped) for a in response.answers.all()]
    return {link: (None if skipped else value) for link, value, skipped in rows}, {link for link, _v, _s in rows}


def answer(
    actor: Any, response_id: Any, link_id: str, *, value: float | None = None, skipped: bool = False
) -> Response:
    located = locate(actor, response_id, perms.ANSWER)
    response, instrument = located.response, located.instrument
    if not response.is_open:
        raise ValidationError("This questionnaire was already sent. Thank you.")
    try:
        item = instrument.item(link_id)
    except KeyError as exc:
        raise ValidationError({"link_id": f"There is no question {link_id!r} here."}) from exc
    if not skipped:
        if value is None:
            raise ValidationError({"value": "Choose an answer, or “Prefer not to answer”."})
        if float(value) not in {option[0] for option in item["options"]}:
            raise ValidationError({"value": "That is not one of the answers to this question."})
    with transaction.atomic():
        Answer.objects.update_or_create(
            response=response,
            link_id=link_id,
            defaults={
                "client_id": response.client_id,
                "value": None if skipped else float(value),  # type: ignore[arg-type]
                "skipped": skipped,
                "answered_at": timezone.now(),
            },
        )
        values, _given = values_of(response)
        following = engine.neighbours(instrument, link_id, values)[1]
        response.position = following or ""
        response.status = Response.Status.IN_PROGRESS
        response.started = response.started or timezone.now()
        response.updated = timezone.now()
        response.save(update_fields=["position", "status", "started", "updated"])
        policy.record_access(actor, located.access, AuditEvent.Action.UPDATE, ENTITY, str(response.pk), perms.ANSWER)
        monitoring.on_answer(response, link_id, None if skipped else float(value))  # type: ignore[arg-type]
    return response


def acknowledge_notice(actor: Any, response_id: Any) -> Response:
    located = locate(actor, response_id, perms.ANSWER)
    with transaction.atomic():
        Response.objects.filter(pk=located.response.pk).update(notice_seen=True, updated=timezone.now())
        policy.record_access(
            actor, located.access, AuditEvent.Action.UPDATE, ENTITY, str(located.response.pk), perms.ANSWER
        )
    located.response.refresh_from_db()
    return located.response


def pause(actor: Any, response_id: Any, position: str = "") -> Response:
    """Remember where to continue. Answers are already saved; this only records the place."""
    located = locate(actor, response_id, perms.ANSWER)
    response = located.response
    if response.is_open and position:
        instrument = located.instrument
        if position not in {item["linkId"] for item in instrument.items}:
            raise ValidationError({"position": "There is no such question here."})
        with transaction.atomic():
            Response.objects.filter(pk=response.pk).update(position=position, updated=timezone.now())
            policy.record_access(
                actor, located.access, AuditEvent.Action.UPDATE, ENTITY, str(response.pk), perms.ANSWER
            )
        response.refresh_from_db()
    return response


def submit(actor: Any, response_id: Any, submission_key: Any) -> Response:
    """Score and complete. The same submission id again returns the original result; another id for a
    response already submitted is a conflict. Concurrent duplicates serialise on the row lock."""
    key = _parse(submission_key)
    if key is None:
        raise ValidationError({"submission_id": "The submission id must be a UUID."})
    located = locate(actor, response_id, perms.ANSWER)
    with transaction.atomic():
        response = Response.objects.select_for_update().get(pk=located.response.pk)
        if response.status == Response.Status.COMPLETED:
            if response.submission_key == key:
                return response
            raise SubmissionConflict("This questionnaire was already sent.")
        if not response.is_open:
            raise ValidationError("This questionnaire was withdrawn.")
        if Response.objects.filter(submission_key=key).exists():
            raise SubmissionConflict("This submission id was already used for another questionnaire.")
        instrument = located.instrument
        values, _given = values_of(response)
        asked = set(engine.sequence(instrument, values))
        result = scoring.score(instrument, {k: v for k, v in values.items() if k in asked})
        response.status = Response.Status.COMPLETED
        response.submitted = response.updated = timezone.now()
        response.submission_key = key
        response.total = result.total
        response.subscales = result.subscales
        response.band = result.band or ""
        response.flags = result.flags
        response.answered = result.answered
        response.missing_rule = result.missing_rule
        response.scored = result.scored
        response.critical_items = result.critical_items
        response.position = ""
        response.save()
        policy.record_access(actor, located.access, AuditEvent.Action.UPDATE, ENTITY, str(response.pk), perms.ANSWER)
        monitoring.on_submit(response)  # alerts and changes for reviews, in the same transaction
    return response


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
