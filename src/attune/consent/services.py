"""Sharing with a partner: the client gives and withdraws consent, per category, effective at once.

Withdrawing is as easy as giving (one press) and keeps the history: a grant is never deleted, only revoked.
Both take the client's own access (`policy.own` with grant.manage).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.care.models import PartnerLink
from attune.consent import perms
from attune.core.models import AuditEvent, SharingGrant
from attune.core.policy import Access


def _partner(access: Access, partner_id: int) -> User:
    link = PartnerLink.objects.filter(
        client_id=access.client_id, partner_id=partner_id, ended__isnull=True
    ).select_related("partner")
    found = link.first()
    if found is None:
        raise ValidationError({"partner": "This person is not linked with you for couples work."})
    return found.partner


def share(access: Access, partner_id: int, category: str) -> SharingGrant:
    """Share a category with a linked partner (a no-op while it is already shared)."""
    if category not in SharingGrant.Category.values:
        raise ValidationError({"category": "There is nothing by that name to share."})
    partner = _partner(access, partner_id)
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
            access.record(AuditEvent.Action.CREATE, "Consent", grant.pk, perms.MANAGE_GRANTS)
    return grant


def stop_sharing(access: Access, partner_id: int, category: str) -> int:
    """Revoke every live grant of this category to this person; returns how many were revoked."""
    with transaction.atomic():
        live = SharingGrant.objects.filter(
            client_id=access.client_id, grantee_user_id=partner_id, category=category, revoked__isnull=True
        )
        ids = list(live.values_list("pk", flat=True))
        live.update(revoked=timezone.now())
        for grant_id in ids:
            access.record(AuditEvent.Action.UPDATE, "Consent", grant_id, perms.MANAGE_GRANTS)
    return len(ids)
