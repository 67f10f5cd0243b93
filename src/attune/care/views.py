"""The record's own pages: editing a client's details, their care team, episodes of care and the portal
invitation. Each reaches the client through the policy first, then calls one service with that access. The
pages that gather every capability (caseload, overview, portal home) are the workspace's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import services as account_services
from attune.accounts.forms import PortalInviteForm
from attune.care import perms, queries, services
from attune.care.forms import CareTeamForm, ClientForm, CloseEpisodeForm, SafeContactForm
from attune.care.records import record_of
from attune.core import policy


@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, client_id: str) -> HttpResponse:
    # Everyone who may update the record may read its clinical text (client.update is held by the client and
    # the care team, as client.view_clinical is), so the form always shows it and the read is audited as such.
    access = policy.client(request.user, client_id, perms.UPDATE, shows=perms.VIEW_CLINICAL)
    client, clinical = record_of(access), access.can(perms.VIEW_CLINICAL)
    initial = {"preferred_name": client.preferred_name, "pronouns": client.pronouns, "version": client.version}
    if clinical:
        initial["referral_reason"] = client.referral_reason
    form = ClientForm(request.POST or None, initial=initial, clinical=clinical)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_client(access, changes, expected_version=form.cleaned_data["version"])
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("workspace:client", client_id=client.pk)
    return render(request, "care/client_edit.html", {"client": client, "form": form})


@require_POST
def episode_open(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.MANAGE_EPISODES)
    try:
        services.open_episode(access)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "A new episode of care is open.")
    return redirect("workspace:client", client_id=access.client_id)


@require_POST
def episode_close(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.MANAGE_EPISODES)
    form = CloseEpisodeForm(request.POST)
    if form.is_valid():
        try:
            services.close_episode(access, closed=form.cleaned_data["closed"], reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "The episode of care is closed.")
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("workspace:client", client_id=access.client_id)


@require_http_methods(["GET", "POST"])
def care_team(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.MANAGE_TEAM, shows=perms.VIEW_TEAM)
    client = record_of(access)
    form = CareTeamForm(request.POST or None, clinicians=queries.clinician_choices(client.practice_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_to_care_team(access, form.cleaned_data["clinician"], primary=form.cleaned_data["primary"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The care team is updated.")
            return redirect("care:care_team", client_id=access.client_id)
    context = {"client": client, "team": queries.care_team(client), "form": form}
    return render(request, "care/care_team.html", context)


@require_POST
def care_team_remove(request: HttpRequest, client_id: str, member_id: int) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.MANAGE_TEAM)
    services.remove_from_care_team(access, member_id)
    messages.success(request, "Removed from the care team.")
    return redirect("care:care_team", client_id=access.client_id)


@require_POST
def invite_to_portal(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.INVITE_CLIENT)
    form = PortalInviteForm(request.POST)
    if form.is_valid():
        try:
            account_services.invite_to_portal(access, form.cleaned_data["email"], perm=perms.INVITE_CLIENT)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Invitation sent. The link works once and expires in a week.")
    else:
        messages.error(request, "Please enter a valid email address.")
    return redirect("workspace:client", client_id=access.client_id)


@require_http_methods(["GET", "POST"])
def safe_contact(request: HttpRequest) -> HttpResponse:
    """The client's own page: which ways of reaching them are safe. Only the client changes it; their care team
    sees it (first, on a safety alert)."""
    access = policy.own(request.user, perms.MANAGE_CONTACT, shows=perms.VIEW_CONTACT)
    form = SafeContactForm(request.POST or None, initial=SafeContactForm.initial_from(queries.safe_contact(access)))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_safe_contact(access, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved. Your care team will keep to this when they get in touch.")
            return redirect("care:safe_contact")
    return render(request, "care/safe_contact.html", {"form": form})
