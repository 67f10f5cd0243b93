"""What the sharing pages show: the client's partners and grants, and what a partner may read now."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from attune.care import perms as care_perms
from attune.care.models import PartnerLink
from attune.core import disclosure
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


def partner_decision(access: Access) -> disclosure.Decision | None:
    """What the client shares with a partner in couples work, in her words (core.disclosure.decides): nothing to
    say without a partner link. A progress review lists it under "what you chose to share"."""
    rows, _ = sharing_rows(access)
    if not rows:
        return None
    words = []
    for partner in dict.fromkeys(row["partner"] for row in rows):
        shared = [str(row["label"]).lower() for row in rows if row["partner"] == partner and row["shared"]]
        if shared:
            words.append(f"You share {', '.join(shared)} with {partner.display_name}.")
        else:
            words.append(f"You share nothing from your own record with {partner.display_name}.")
    return disclosure.Decision("Your partner", " ".join(words), reverse("consent:sharing"))
