"""Practice admin pages: people and invitations, and opening client records. No clinical content here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import services as account_services
from attune.accounts.forms import StaffInviteForm
from attune.accounts.models import Invitation, Membership
from attune.care import services
from attune.care.forms import NewClientForm
from attune.care.views import _clinician_choices
from attune.core import policy


@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = policy.practice_for(request.user, practice_id, Membership.Role.ADMIN)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.invite_staff(
                request.user, practice.pk, form.cleaned_data["email"], form.cleaned_data["kind"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Invitation sent. The link works once and expires in a week.")
            return redirect("practice:people", practice_id=practice.pk)
    members = (
        Membership.objects.filter(practice=practice)
        .select_related("user", "supervisor")
        .order_by("user__display_name", "role")
    )
    pending = Invitation.objects.filter(
        practice=practice, accepted__isnull=True, withdrawn__isnull=True, expires__gt=timezone.now()
    ).order_by("-created")
    context = {"practice": practice, "form": form, "members": members, "pending": pending}
    return render(request, "care/practice_people.html", context)


@require_POST
def withdraw_invitation(request: HttpRequest, practice_id: int, invitation_id: str) -> HttpResponse:
    practice = policy.practice_for(request.user, practice_id, Membership.Role.ADMIN)
    account_services.withdraw_invitation(request.user, invitation_id)
    messages.success(request, "The invitation was withdrawn; its link no longer works.")
    return redirect("practice:people", practice_id=practice.pk)


@require_http_methods(["GET", "POST"])
def new_client(request: HttpRequest, practice_id: int) -> HttpResponse:
    practice = policy.practice_for(request.user, practice_id, Membership.Role.ADMIN)
    # An admin opens the record but does not write clinical text: that belongs to the care team.
    form = NewClientForm(request.POST or None, clinicians=_clinician_choices(practice), clinical=False)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.create_client(
                request.user,
                practice.pk,
                preferred_name=form.cleaned_data["preferred_name"],
                pronouns=form.cleaned_data["pronouns"],
                primary_clinician_id=form.cleaned_data["primary_clinician"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The client record is open.")
            return redirect("care:client", client_id=client.pk)
    return render(request, "care/new_client.html", {"practice": practice, "form": form})
