"""Every write of the privacy centre: the client's switches (who can see what) and break-glass.

Each takes an Access from the policy, runs in one transaction, audits with `access.record(...)` and, for
break-glass, tells the care team through the outbox in the same transaction (notify's neutral sentence only).
"""

from __future__ import annotations

import datetime
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attune.care.models import CareTeamMember
from attune.core import audit, crypto, events, keys, policy
from attune.core.models import AuditEvent
from attune.core.policy import Access, Relation
from attune.notify import services as notify
from attune.privacy import perms
from attune.privacy.models import BreakGlass, Category, ErasureRequest, ExportRequest, RetentionHold, Withholding

logger = logging.getLogger(__name__)

REASON_MIN, REASON_MAX = 12, 500


def set_visible(access: Access, person_id: int, category: str, visible: bool) -> bool:
    """Let one member of the client's care team see a category, or not. Returns whether anything changed.
    Effective on the next request: the policy reads the switches on every check."""
    access.require(perms.MANAGE_SHARING)
    if category not in Category.values:
        raise ValidationError({"category": "There is nothing by that name to share."})
    if not CareTeamMember.objects.filter(client_id=access.client_id, clinician_id=person_id).exists():
        raise ValidationError({"person": "This person is not in your care team."})
    with transaction.atomic():
        live = (
            Withholding.objects.in_force()
            .select_for_update()
            .filter(client_id=access.client_id, person_id=person_id, category=category)
        )
        current = live.first()
        if visible and current is not None:
            current.ended = timezone.now()
            current.save(update_fields=["ended"])
            access.record(AuditEvent.Action.UPDATE, "Withholding", current.pk, perms.MANAGE_SHARING)
            return True
        if not visible and current is None:
            row = Withholding.objects.create(client_id=access.client_id, person_id=person_id, category=category)
            access.record(AuditEvent.Action.CREATE, "Withholding", row.pk, perms.MANAGE_SHARING)
            return True
    return False


def break_glass(access: Access, reason: str) -> BreakGlass:
    """Open emergency access for a supervisor or admin: read-only, for an hour. The reason is kept (sealed with
    the client's key) and shown to the client; the care team is told (neutral sentence); the audit event is
    marked high severity (HIGH_SEVERITY in its reason, purpose BTG: the trail has no severity column)."""
    access.require(perms.BREAK_GLASS)
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": "Please say why you need to read this record (a sentence is enough)."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Please keep the reason under {REASON_MAX} characters."})
    with transaction.atomic():
        open_ = BreakGlass.objects.filter(
            client_id=access.client_id, user_id=access.actor_id, ended__isnull=True, expires__gt=timezone.now()
        ).first()
        if open_ is not None:
            return open_
        glass = BreakGlass.objects.create(client_id=access.client_id, user_id=access.actor_id, reason=reason)
        _audit_high(access, AuditEvent.Action.CREATE, glass)
        for clinician_id in CareTeamMember.objects.filter(client_id=access.client_id).values_list(
            "clinician_id", flat=True
        ):
            notify.enqueue(
                recipient_id=clinician_id,
                purpose="message",
                target=f"/clients/{access.client_id}/",
                dedupe_key=f"break-glass:{glass.pk}:{clinician_id}",
            )
    return glass


def end_break_glass(access: Access) -> int:
    """End this person's emergency access to the client now (before the hour is up)."""
    access.require(perms.BREAK_GLASS)
    with transaction.atomic():
        live = list(
            BreakGlass.objects.select_for_update().filter(
                client_id=access.client_id, user_id=access.actor_id, ended__isnull=True, expires__gt=timezone.now()
            )
        )
        for glass in live:
            glass.ended = timezone.now()
            glass.save(update_fields=["ended"])
            _audit_high(access, AuditEvent.Action.UPDATE, glass)
    return len(live)


HIGH_SEVERITY = "high:privacy.break_glass"


def _audit_high(access: Access, action: str, glass: BreakGlass) -> None:
    audit.record(
        audit.Entry(
            action=action,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=access.actor_id,
            agent_role=access.relation,
            entity_type="BreakGlass",
            entity_id=str(glass.pk),
            client_id=access.client_id,
            purpose="BTG",
            reason=HIGH_SEVERITY,
        )
    )


def may_break_glass(access: Access) -> bool:
    return access.relation in (Relation.SUPERVISOR, Relation.ADMIN)


# --- take it with you -------------------------------------------------------------------------------------


def request_export(access: Access) -> ExportRequest:
    """Ask for a copy of everything; the job starts when the transaction commits. A request still being
    prepared is returned rather than a second one made."""
    access.require(perms.EXPORT)
    with transaction.atomic():
        waiting = ExportRequest.objects.filter(client_id=access.client_id, status=ExportRequest.Status.QUEUED).first()
        if waiting is not None:
            return waiting
        row = ExportRequest.objects.create(client_id=access.client_id, requested_by_id=access.actor_id)
        access.record(AuditEvent.Action.CREATE, "Bundle", row.pk, perms.EXPORT)
        transaction.on_commit(lambda: _schedule(row.pk))
    return row


def _schedule(request_id: uuid.UUID) -> None:
    """Queue the job. If queuing fails, the tick (jobs.recover) queues it again: nothing is lost."""
    from attune.privacy.tasks import build_export

    try:
        build_export.enqueue(str(request_id))
    except Exception as exc:
        logger.warning("export %s not queued (%s); the tick will retry", request_id, type(exc).__name__)


def seal_export(access: Access, row: ExportRequest, archive: bytes) -> None:
    """Keep the built zip sealed with the client's data key until it is downloaded (called by the job)."""
    with transaction.atomic():
        row.sealed = crypto.seal(keys.data_key(access.client_id), archive, _export_context(row))
        row.size = len(archive)
        row.status = ExportRequest.Status.READY
        row.ready = timezone.now()
        row.save(update_fields=["sealed", "size", "status", "ready"])
        access.record(AuditEvent.Action.EXECUTE, "Bundle", row.pk, perms.EXPORT)


def take_export(access: Access, request_id: object) -> tuple[ExportRequest, bytes] | None:
    """The zip, once: opened, then thrown away in the same transaction. None when it is not (or no longer)
    there to take."""
    access.require(perms.EXPORT)
    wanted = policy.parse_uuid(request_id)
    if wanted is None:
        return None
    with transaction.atomic():
        row = (
            ExportRequest.objects.select_for_update()
            .filter(client_id=access.client_id, pk=wanted, status=ExportRequest.Status.READY)
            .first()
        )
        if row is None or row.sealed is None:
            return None
        archive = crypto.open_sealed(keys.data_key(access.client_id), bytes(row.sealed), _export_context(row))
        row.sealed = None
        row.status = ExportRequest.Status.DOWNLOADED
        row.downloaded = timezone.now()
        row.save(update_fields=["sealed", "status", "downloaded"])
        access.record(AuditEvent.Action.READ, "Bundle", row.pk, perms.EXPORT)
    return row, archive


def _export_context(row: ExportRequest) -> bytes:
    return "\x1f".join(("attune-export-v1", str(row.client_id), str(row.pk))).encode()


# --- erasure ----------------------------------------------------------------------------------------------


def request_erasure(access: Access) -> ErasureRequest:
    """The client (or the practice on their request) asks for erasure. Nothing is erased yet: the cooling-off
    period starts, during which it can be withdrawn; then the practice confirms it."""
    access.require(perms.ERASE)
    with transaction.atomic():
        waiting = ErasureRequest.objects.filter(client_id=access.client_id, status=ErasureRequest.Status.WAITING)
        if waiting.exists():
            raise ValidationError("Erasure has already been asked for.")
        if ErasureRequest.objects.filter(client_id=access.client_id, confirmed__isnull=False).exists():
            raise ValidationError("This record has already been erased.")
        row = ErasureRequest.objects.create(client_id=access.client_id, requested_by_id=access.actor_id)
        access.record(AuditEvent.Action.CREATE, "ErasureRequest", row.pk, perms.ERASE)
    return row


def withdraw_erasure(access: Access) -> bool:
    access.require(perms.ERASE)
    with transaction.atomic():
        row = (
            ErasureRequest.objects.select_for_update()
            .filter(client_id=access.client_id, status=ErasureRequest.Status.WAITING)
            .first()
        )
        if row is None:
            return False
        row.status, row.withdrawn = ErasureRequest.Status.WITHDRAWN, timezone.now()
        row.save(update_fields=["status", "withdrawn"])
        access.record(AuditEvent.Action.UPDATE, "ErasureRequest", row.pk, perms.ERASE)
    return True


def holds_in_force(client_id: uuid.UUID) -> list[RetentionHold]:
    return [h for h in RetentionHold.objects.filter(client_id=client_id) if h.in_force()]


def confirm_erasure(access: Access) -> ErasureRequest:
    """The practice confirms an erasure whose cooling-off has ended: identifying fields cleared and the portal
    account closed (the record layer, on ClientErased), copies waiting for download thrown away, and the data
    key destroyed now, or, while a legal retention hold is in force, the day the last one ends (the tick)."""
    access.require(perms.CONFIRM_ERASURE)
    with transaction.atomic():
        row = (
            ErasureRequest.objects.select_for_update()
            .filter(client_id=access.client_id, status=ErasureRequest.Status.WAITING)
            .first()
        )
        if row is None:
            raise ValidationError("There is no erasure waiting to be confirmed.")
        if not row.cooling_off_over:
            raise ValidationError(
                f"The cooling-off period ends on {timezone.localtime(row.cooling_off_until):%-d %B %Y}."
            )
        held = bool(holds_in_force(access.client_id))
        row.status = ErasureRequest.Status.HELD if held else ErasureRequest.Status.ERASED
        row.confirmed, row.confirmed_by_id = timezone.now(), access.actor_id
        row.save(update_fields=["status", "confirmed", "confirmed_by"])
        ExportRequest.objects.filter(client_id=access.client_id).exclude(sealed=None).update(
            sealed=None, status=ExportRequest.Status.EXPIRED
        )
        access.record(AuditEvent.Action.DELETE, "Patient", access.client_id, perms.CONFIRM_ERASURE)
        events.publish(events.ClientErased(client_id=access.client_id, confirmed_by=access.actor_id))
        if not held:
            _shred(row)
    return row


def _shred(row: ErasureRequest) -> None:
    """Destroy the client's data key, and keep its tombstone outside the database once this commits."""
    from attune.privacy import tombstones

    keys.shred(row.client_id)
    ErasureRequest.objects.filter(pk=row.pk).update(shredded=timezone.now(), status=ErasureRequest.Status.ERASED)
    audit.record(
        audit.Entry(
            action=AuditEvent.Action.DELETE,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=None,
            agent_role="system",
            entity_type="DataKey",
            entity_id=str(row.client_id),
            client_id=row.client_id,
            reason="privacy.erase.shred",
        )
    )
    client_id = row.client_id
    transaction.on_commit(lambda: tombstones.write(client_id))


def shred_when_holds_end(now: object = None) -> int:
    """The tick: destroy the keys of erased clients whose last retention hold has ended. Safe to run again."""
    done = 0
    for row in ErasureRequest.objects.filter(status=ErasureRequest.Status.HELD, shredded__isnull=True):
        if not holds_in_force(row.client_id):
            with transaction.atomic():
                _shred(row)
            done += 1
    return done


def add_hold(access: Access, what: str, why: str, until: datetime.date) -> RetentionHold:
    access.require(perms.CONFIRM_ERASURE)
    with transaction.atomic():
        hold = RetentionHold.objects.create(
            client_id=access.client_id, what=what, why=why, until=until, created_by_id=access.actor_id
        )
        access.record(AuditEvent.Action.CREATE, "RetentionHold", hold.pk, perms.CONFIRM_ERASURE)
    return hold
