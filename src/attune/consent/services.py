"""Sharing with a partner: the client gives and withdraws consent, per category, effective at once.

Withdrawing is as easy as giving (one press) and keeps the history: a grant is never deleted, only revoked.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attune.care.models import PartnerLink
from attune.care.records import record_of
from attune.consent import perms
from attune.core import policy
from attune.core.models import AuditEvent, SharingGrant


def _partner(client: Any, partner_id: Any) -> Any:
    link = PartnerLink.objects.filter(client=client, partner_id=partner_id, ended__isnull=True).select_related(
        "partner"
    )
    found = link.first()
    if found is None:
        raise ValidationError({"partner": "This person is not linked with you for couples work."})
    return found.partner


def share(actor: Any, client_id: Any, partner_id: Any, category: str) -> SharingGrant:
    access = policy.get_client_for(actor, client_id, perms.MANAGE_GRANTS)
    if category not in SharingGrant.Category.values:
        raise ValidationError({"category": "There is nothing by that name to share."})
    partner = _partner(record_of(access), partner_id)
    with transaction.atomic():
        grant = SharingGrant.objects.filter(
            client_id=access.client_id, grantee_user=partner, category=category, revoked__isnull=True
        ).first()
        if grant is None:
            grant = SharingGrant.objects.create(
                client_id=access.client_id,
                grantee_user=partner,
                category=category,
                purpose=SharingGrant.Purpose.COUPLES,
            )
            policy.record_access(actor, access, AuditEvent.Action.CREATE, "Consent", str(grant.pk), perms.MANAGE_GRANTS)
    return grant


def stop_sharing(actor: Any, client_id: Any, partner_id: Any, category: str) -> int:
    access = policy.get_client_for(actor, client_id, perms.MANAGE_GRANTS)
    with transaction.atomic():
        live = SharingGrant.objects.filter(
            client_id=access.client_id, grantee_user_id=partner_id, category=category, revoked__isnull=True
        )
        ids = list(live.values_list("pk", flat=True))
        live.update(revoked=timezone.now())
        for grant_id in ids:
            policy.record_access(actor, access, AuditEvent.Action.UPDATE, "Consent", str(grant_id), perms.MANAGE_GRANTS)
    return len(ids)
