"""The care team's view of a client's diary, script map and insights, under the client record.

Only what the client shares reaches these pages: entries and practice logs they marked as shared, and scripts on
their map or drafted by a clinician. Clinicians draft scripts and new responses; the client approves them.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.core import policy, search
from attune.diary import perms, queries, services
from attune.diary.forms import EntryFilterForm, NewResponseForm, ScriptForm
from attune.diary.models import MapStatus
from attune.diary.views import add_errors, entry_list_context, insights_context


@require_http_methods(["GET", "POST"])
def client_diary(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    scripts = list(queries.scripts(access).exclude(status=MapStatus.DRAFT))
    form = EntryFilterForm(search.filter_data(request), scripts=scripts, owner=access.is_self)
    context = entry_list_context(access, form)
    context["client"] = record_of(access)
    return render(request, "diary/staff_diary.html", context)


def client_entry(request: HttpRequest, client_id: uuid.UUID, entry_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    found = policy.row_of(access, queries.entries(access), entry_id, perms.VIEW_DIARY, entity="DiaryEntry")
    context = {"client": record_of(access), "entry": found, "script": queries.visible_script(access, found.script)}
    return render(request, "diary/staff_entry.html", context)


def client_map(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    cards = queries.shown_map(access)
    context = {
        "client": record_of(access),
        "groups": queries.split_map(cards),
        "any": bool(cards),
        "can_draft": access.can(perms.DRAFT_SCRIPTS),
    }
    return render(request, "diary/staff_map.html", context)


@require_http_methods(["GET", "POST"])
def client_script_new(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    # The page shows the client's name, under the care team's read permission.
    access = policy.client(user_of(request), client_id, perms.DRAFT_SCRIPTS, shows=perms.VIEW_DIARY)
    form = ScriptForm(request.POST or None, audience="staff")
    if request.method == "POST" and form.is_valid():
        try:
            script = services.draft_script(access, form.values())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Saved as a draft. {record_of(access).preferred_name} can put it on their map.")
            return redirect("diary:client_script", client_id=access.client_id, script_id=script.pk)
    return render(request, "diary/staff_script.html", {"client": record_of(access), "form": form, "script": None})


@require_http_methods(["GET", "POST"])
def client_script(request: HttpRequest, client_id: uuid.UUID, script_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    found = policy.row_of(access, queries.scripts(access), script_id, perms.VIEW_DIARY, entity="RelationshipScript")
    editable = found.status == MapStatus.DRAFT and access.can(perms.DRAFT_SCRIPTS)
    form = (
        ScriptForm(request.POST or None, initial=ScriptForm.initial_for(found), audience="staff") if editable else None
    )
    if request.method == "POST":
        if form is None:
            # A POST to a script on the map: the service refuses the care team (403, audited); the client, who may
            # change it, is sent to their own page for it.
            services.update_script(access, found, {})
            return redirect("diary:script", script_id=found.pk)
        if form.is_valid():
            try:
                services.update_script(access, found, form.values(), expected_version=form.cleaned_data["version"])
            except services.StaleWriteError as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("diary:client_script", client_id=access.client_id, script_id=found.pk)
    card = queries.script_card(access, found)
    context = {
        "client": record_of(access),
        "script": found,
        "card": card,
        "form": form,
        "response_form": NewResponseForm() if access.can(perms.DRAFT_SCRIPTS) else None,
    }
    return render(request, "diary/staff_script.html", context)


@require_POST
def client_response_new(request: HttpRequest, client_id: uuid.UUID, script_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.DRAFT_SCRIPTS)
    found = policy.row_of(access, queries.scripts(access), script_id, perms.DRAFT_SCRIPTS, entity="RelationshipScript")
    form = NewResponseForm(request.POST)
    description = form.cleaned_data["description"] if form.is_valid() else ""
    try:
        # Called even when the form is invalid: the service's own check of the description gives the message.
        services.draft_new_response(access, found, description)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Suggested. It joins the map when the client approves it.")
    return redirect("diary:client_script", client_id=access.client_id, script_id=found.pk)


def client_insights(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_DIARY)
    context = insights_context(request, access)
    context["client"] = record_of(access)
    return render(request, "diary/staff_insights.html", context)
