from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from attune.care import perms as care_perms
from attune.care.models import PartnerLink
from attune.care.records import record_of
from attune.consent import perms, services
from attune.core import policy
from attune.core.models import SharingGrant
from attune.core.policy import Relation


def _own_client(request: HttpRequest) -> policy.Access:
    own = policy.visible_to(request.user, relations=[Relation.SELF]).first()
    if own is None:
        policy.deny_legacy(request.user, "Consent", "portal", perms.MANAGE_GRANTS, relation="staff")
        raise policy.PermissionDenied("Sharing settings belong to clients")
    return policy.get_client_for(request.user, own.pk, perms.MANAGE_GRANTS)


def sharing(request: HttpRequest) -> HttpResponse:
    access = _own_client(request)
    partners = [
        link.partner
        for link in PartnerLink.objects.filter(client_id=access.client_id, ended__isnull=True).select_related("partner")
    ]
    grants = list(
        SharingGrant.objects.filter(client_id=access.client_id).select_related("grantee_user").order_by("-created")
    )
    live = {(g.grantee_user_id, g.category) for g in grants if g.in_force()}
    rows: list[dict[str, Any]] = [
        {"partner": p, "category": c, "label": label, "shared": (p.pk, c) in live}
        for p in partners
        for c, label in SharingGrant.Category.choices
    ]
    return render(request, "consent/sharing.html", {"rows": rows, "history": grants, "client": record_of(access)})


@require_POST
def change(request: HttpRequest) -> HttpResponse:
    access = _own_client(request)
    partner_id, category = request.POST.get("partner", ""), request.POST.get("category", "")
    try:
        if request.POST.get("share") == "yes":
            services.share(request.user, access.client_id, partner_id, category)
            messages.success(request, "Shared. You can stop sharing at any time, and it takes effect at once.")
        else:
            services.stop_sharing(request.user, access.client_id, partner_id, category)
            messages.success(request, "You have stopped sharing this. It is hidden from them straight away.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("consent:sharing")


def shared_with_me(request: HttpRequest, client_id: str) -> HttpResponse:
    """What a client has chosen to share with this partner, and nothing else."""
    access = policy.get_client_for(request.user, client_id, perms.VIEW_SHARED)
    referral = policy.allows(access, care_perms.VIEW_CLINICAL, request.user)
    if referral:
        policy.record_access(request.user, access, "R", "Patient", str(access.client_id), care_perms.VIEW_CLINICAL)
    return render(request, "consent/shared_with_me.html", {"client": record_of(access), "referral": referral})
