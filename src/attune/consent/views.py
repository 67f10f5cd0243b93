from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from attune.accounts import sessions
from attune.care.records import record_of
from attune.consent import perms, queries, services
from attune.core import policy


def sharing(request: HttpRequest) -> HttpResponse:
    access = policy.own(request.user, perms.MANAGE_GRANTS)
    rows, history = queries.sharing_rows(access)
    return render(request, "consent/sharing.html", {"rows": rows, "history": history, "client": record_of(access)})


@require_POST
def change(request: HttpRequest) -> HttpResponse:
    access = policy.own(request.user, perms.MANAGE_GRANTS)
    partner, category = request.POST.get("partner", ""), request.POST.get("category", "")
    # Not a user id at all is no linked partner either: sharing refuses it, stopping finds nothing to stop.
    partner_id = int(partner) if partner.isdigit() and len(partner) < 19 else 0
    if request.POST.get("share") == "yes" and not sessions.stepped_up(request):
        # SECURITY 22: sharing with a partner needs the password (or code) entered a moment ago. Stopping sharing
        # never does: withdrawing must stay as easy as one press.
        messages.info(request, "Please confirm it is you before you share something. Nothing has been shared yet.")
        return redirect(reverse("accounts:confirm") + "?" + urlencode({"next": reverse("consent:sharing")}))
    try:
        if request.POST.get("share") == "yes":
            services.share(access, partner_id, category)
            messages.success(request, "Shared. You can stop sharing at any time, and it takes effect at once.")
        else:
            services.stop_sharing(access, partner_id, category)
            messages.success(request, "You have stopped sharing this. It is hidden from them straight away.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("consent:sharing")


def shared_with_me(request: HttpRequest, client_id: str) -> HttpResponse:
    """What a client has chosen to share with this partner, and nothing else."""
    access = policy.client(request.user, client_id, perms.VIEW_SHARED)
    context = {"client": record_of(access), "referral": queries.referral_shared(access)}
    return render(request, "consent/shared_with_me.html", context)
