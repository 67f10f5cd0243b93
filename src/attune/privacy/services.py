"""Every write of the privacy centre: the client's switches (who can see what) and break-glass.

Each takes an Access from the policy, runs in one transaction, audits with `access.record(...)` and, for
break-glass, tells the care team through the outbox in the same transaction (notify's neutral sentence only).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attune.care.models import CareTeamMember
from attune.core import audit
from attune.core.models import AuditEvent
from attune.core.policy import Access, Relation
from attune.notify import services as notify
from attune.privacy import perms
from attune.privacy.models import BreakGlass, Category, Withholding

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
