"""Practice admin pages: people and invitations, opening client records and the crisis resources clients are
shown. No clinical content here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import services as account_services
from attune.accounts.forms import StaffInviteForm
from attune.accounts.models import Invitation, Membership
from attune.care import crisis, queries, services
from attune.care.forms import CrisisResourceForm, DeactivateForm, NewClientForm, PracticeSettingsForm, StaffRolesForm
from attune.care.models import CareTeamMember
from attune.core import policy


@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, practice_id: int) -> HttpResponse:
    access = policy.practice(request.user, practice_id, Membership.Role.ADMIN)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_services.invite_staff(access, form.cleaned_data["email"], form.cleaned_data["kind"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Invitation sent. The link works once and expires in a week.")
            return redirect("practice:people", practice_id=access.practice_id)
    members = (
        Membership.objects.filter(practice_id=access.practice_id)
        .select_related("user", "supervisor")
        .order_by("user__display_name", "role")
    )
    pending = Invitation.objects.filter(
        practice_id=access.practice_id, accepted__isnull=True, withdrawn__isnull=True, expires__gt=timezone.now()
    ).order_by("-created")
    context = {"practice": access.practice, "form": form, "members": members, "pending": pending}
    return render(request, "care/practice_people.html", context)


@require_POST
def withdraw_invitation(request: HttpRequest, practice_id: int, invitation_id: str) -> HttpResponse:
    access = policy.practice(request.user, practice_id, Membership.Role.ADMIN)
    account_services.withdraw_invitation(access, invitation_id)
    messages.success(request, "The invitation was withdrawn; its link no longer works.")
    return redirect("practice:people", practice_id=access.practice_id)


@require_http_methods(["GET", "POST"])
def new_client(request: HttpRequest, practice_id: int) -> HttpResponse:
    access = policy.practice(request.user, practice_id, Membership.Role.ADMIN)
    # An admin opens the record but does not write clinical text: that belongs to the care team.
    form = NewClientForm(request.POST or None, clinicians=queries.clinician_choices(access.practice_id), clinical=False)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.create_client(
                access,
                preferred_name=form.cleaned_data["preferred_name"],
                pronouns=form.cleaned_data["pronouns"],
                primary_clinician_id=form.cleaned_data["primary_clinician"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The client record is open.")
            return redirect("workspace:client", client_id=client.pk)
    return render(request, "care/new_client.html", {"practice": access.practice, "form": form})


@require_http_methods(["GET", "POST"])
def crisis_resources(request: HttpRequest, practice_id: int) -> HttpResponse:
    access = policy.practice(request.user, practice_id, Membership.Role.ADMIN)
    form = CrisisResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        crisis.add(access, **form.cleaned_data)
        messages.success(request, "Added. Clients see it at once after an answer that needs support.")
        return redirect("practice:crisis_resources", practice_id=access.practice_id)
    context = {"practice": access.practice, "form": form, "resources": crisis.resources_for(access.practice_id)}
    return render(request, "care/crisis_resources.html", context)


@require_http_methods(["GET", "POST"])
def crisis_resource_edit(request: HttpRequest, practice_id: int, resource_id: int) -> HttpResponse:
    access = policy.practice(request.user, practice_id, Membership.Role.ADMIN)
    resource = crisis.resource_in(access, resource_id)
    initial = {name: getattr(resource, name) for name in crisis.FIELDS}
    form = CrisisResourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        crisis.update(access, resource.pk, **form.cleaned_data)
        messages.success(request, "Saved.")
        return redirect("practice:crisis_resources", practice_id=access.practice_id)
    context = {"practice": access.practice, "form": form, "resource": resource}
    return render(request, "care/crisis_resource_edit.html", context)


@require_POST
def crisis_resource_remove(request: HttpRequest, practice_id: int, resource_id: int) -> HttpResponse:
    access = policy.practice(request.user, practice_id, Membership.Role.ADMIN)
    crisis.remove(access, resource_id)
    messages.success(request, "Removed.")
    return redirect("practice:crisis_resources", practice_id=access.practice_id)


@require_http_methods(["GET", "POST"])
def practice_settings(request: HttpRequest, practice_id: int) -> HttpResponse:
    access = policy.practice(request.user, practice_id, Membership.Role.ADMIN)
    practice = access.practice
    initial = {name: getattr(practice, name) for name in services.PRACTICE_SETTINGS}
    form = PracticeSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_practice_settings(access, **form.cleaned_data)
        messages.success(request, "Saved. Escalation and what clients are told follow these hours from now on.")
        return redirect("practice:settings", practice_id=access.practice_id)
    return render(request, "care/practice_settings.html", {"practice": practice, "form": form})


@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, practice_id: int, user_id: int) -> HttpResponse:
    """One member of staff: their roles and supervisor; deactivation (their clients reassigned first) or
    reactivation."""
    access = policy.practice(request.user, practice_id, Membership.Role.ADMIN)
    memberships = list(
        Membership.objects.filter(practice_id=access.practice_id, user_id=user_id).select_related("user", "supervisor")
    )
    if not memberships:
        raise Http404("No such person in this practice")
    who = memberships[0].user
    active = any(m.active for m in memberships)
    primaries = list(
        CareTeamMember.objects.filter(
            clinician_id=who.pk, client__practice_id=access.practice_id, role=CareTeamMember.Role.PRIMARY
        ).select_related("client")
    )
    others = [(pk, name) for pk, name in queries.clinician_choices(access.practice_id) if pk != who.pk]
    supervisors = queries.supervisor_choices(access.practice_id)
    current_roles = {m.role for m in memberships if m.active}
    supervisor = next((m.supervisor_id for m in memberships if m.role == Membership.Role.CLINICIAN), None)
    roles_form = StaffRolesForm(
        request.POST if request.POST.get("action") == "roles" else None,
        supervisors=supervisors,
        initial={"roles": sorted(current_roles), "supervisor": supervisor or ""},
    )
    leave_form = DeactivateForm(
        request.POST if request.POST.get("action") == "deactivate" else None,
        clients=[(str(r.client_id), r.client.preferred_name) for r in primaries],
        clinicians=others,
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "roles" and roles_form.is_valid():
                account_services.set_roles(
                    access, who.pk, set(roles_form.cleaned_data["roles"]), roles_form.cleaned_data["supervisor"]
                )
                messages.success(request, "Saved. Their access changes from their next request.")
                return redirect("practice:person", practice_id=access.practice_id, user_id=who.pk)
            if action == "deactivate" and leave_form.is_valid():
                left = services.deactivate_staff(access, who.pk, leave_form.reassignments())
                messages.success(
                    request,
                    f"{who.display_name} is deactivated and signed out everywhere; they left {left} care team(s).",
                )
                return redirect("practice:person", practice_id=access.practice_id, user_id=who.pk)
            if action == "reactivate":
                account_services.set_membership_active(access, who.pk, True)
                messages.success(request, f"{who.display_name} can sign in again. Add them to care teams as needed.")
                return redirect("practice:person", practice_id=access.practice_id, user_id=who.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    context = {
        "practice": access.practice,
        "who": who,
        "memberships": memberships,
        "active": active,
        "roles_form": roles_form,
        "leave_form": leave_form,
        "primaries": primaries,
        "is_self": who.pk == access.actor_id,
    }
    return render(request, "care/practice_person.html", context)
