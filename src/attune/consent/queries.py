"""What the sharing pages show: the client's partners and grants, and what a partner may read now."""

from __future__ import annotations

from typing import Any

from attune.care import perms as care_perms
from attune.care.models import PartnerLink
from attune.core.models import SharingGrant
from attune.core.policy import Access


def sharing_rows(access: Access) -> tuple[list[dict[str, Any]], list[SharingGrant]]:
    """One row per linked partner and category (shared or not), and the grants' history, newest first."""
    links = PartnerLink.objects.filter(client_id=access.client_id, ended__isnull=True).select_related("partner")
    partners = [link.partner for link in links]
    grants = list(
        SharingGrant.objects.filter(client_id=access.client_id).select_related("grantee_user").order_by("-created")
    )
    live = {(g.grantee_user_id, g.category) for g in grants if g.in_force()}
    rows: list[dict[str, Any]] = [
        {"partner": p, "category": c, "label": label, "shared": (p.pk, c) in live}
        for p in partners
        for c, label in SharingGrant.Category.choices
    ]
    return rows, grants


def referral_shared(access: Access) -> bool:
    """Whether the client shares their referral with this partner right now; when they do, the page shows it,
    and that read is audited here."""
    if not access.can(care_perms.VIEW_CLINICAL):
        return False
    access.shown("Patient", [access.client_id], care_perms.VIEW_CLINICAL)
    return True
