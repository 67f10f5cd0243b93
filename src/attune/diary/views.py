"""The client's diary, script map and insights in the portal. Each view reaches the client's own record through
the policy first (policy.own; a row with policy.row_of), then calls one service or query helper with that access
and renders."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.core import forms as shared_forms
from attune.core import policy, search
from attune.core.forms import fresh_key
from attune.core.idempotency import ReplayMismatchError
from attune.core.policy import Access
from attune.diary import insights as insight_data
from attune.diary import perms, queries, services
from attune.diary.forms import (
    EntryFilterForm,
    EntryForm,
    InsightsForm,
    NewResponseForm,
    PracticeForm,
    ScriptForm,
    ShareDefaultForm,
    StatusForm,
    now_local,
)
from attune.diary.models import DiaryEntry, MapStatus, NewResponse, RelationshipScript

SAVED_KEY = "diary_saved_key"
# Service field names that the forms call something else.
FORM_NAMES = {"script_id": "script", "new_response_id": "did", "response": "did"}


def add_errors(form: Any, exc: ValidationError) -> None:
    shared_forms.add_errors(form, exc, FORM_NAMES)


def _own(request: HttpRequest, perm: policy.Perm) -> Access:
    """The signed-in client's own record. A page reached with a write permission shows the client's diary, so its
    read is audited too."""
    return policy.own(user_of(request), perm, shows=perms.VIEW_DIARY if perm.write else None)


def map_choices(access: Access) -> tuple[list[RelationshipScript], list[NewResponse]]:
    """The scripts and new responses an entry can link to: those on the client's map."""
    on_map = list(queries.scripts(access).filter(status=MapStatus.ON_MAP))
    responses = list(queries.new_responses(access).filter(status=MapStatus.ON_MAP, script__status=MapStatus.ON_MAP))
    return on_map, responses


# --- diary entries ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def log(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.WRITE_DIARY)
    scripts, responses = map_choices(access)
    conflict = None
    if request.method == "POST":
        form = EntryForm(request.POST, scripts=scripts, responses=responses)
        if form.is_valid():
            key = form.cleaned_data["key"] or uuid.uuid4()
            try:
                services.log_entry(access, key, form.entry_input())
            except ReplayMismatchError as exc:
                conflict = queries.entries(access).filter(key=key).first()
                form.add_error(None, exc)
                form.data = fresh_key(request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "Saved. Thank you for taking a moment to notice.")
                request.session[SAVED_KEY] = str(key)
                return redirect("diary:entries")
    else:
        initial = {
            "key": uuid.uuid4(),
            "occurred_at": now_local(),
            "distress_before": 50,
            "distress_after": 50,
            "shared": queries.share_default(access),
        }
        form = EntryForm(initial=initial, scripts=scripts, responses=responses)
    context = {"form": form, "conflict": conflict, "has_scripts": bool(scripts)}
    return render(request, "diary/log.html", context, status=422 if conflict else 200)


@require_http_methods(["GET", "POST"])
def entries(request: HttpRequest) -> HttpResponse:
    """The list; a search is posted, so the words never enter a URL (core.search)."""
    access = _own(request, perms.VIEW_DIARY)
    scripts = list(queries.scripts(access).exclude(status=MapStatus.DRAFT))
    form = EntryFilterForm(search.filter_data(request), scripts=scripts)
    context = entry_list_context(access, form)
    context.update(
        share_form=ShareDefaultForm(initial={"share_by_default": queries.share_default(access)}),
        saved_key=request.session.pop(SAVED_KEY, ""),
    )
    return render(request, "diary/entries.html", context)


def entry_list_context(access: Access, form: EntryFilterForm) -> dict[str, Any]:
    """The filtered, searched and paginated entries this caller may see, shared by the portal and staff views."""
    data = form.cleaned_data if form.is_valid() else {}
    filters = queries.EntryFilters(
        kind=data.get("kind") or "",
        script=uuid.UUID(data["script"]) if data.get("script") else None,
        visibility=data.get("visibility") or "",
        since=data.get("since"),
        until=data.get("until"),
    )
    qs = queries.filtered_entries(access, filters)
    listing: list[DiaryEntry] | QuerySet[DiaryEntry] = queries.search(qs, data["q"]) if data.get("q") else qs
    page = Paginator(listing, 25).get_page(data.get("page") or 1)
    shown = queries.shown_entries(access, page.object_list)
    querystring, hidden = search.carried(cast(QueryDict, form.data) if form.is_bound else None)
    return {
        "form": form,
        "page": page,
        "items": [(e, queries.visible_script(access, e.script)) for e in shown],
        "filtered": any(v for k, v in data.items() if k != "page"),
        "querystring": querystring,
        "hidden": hidden,
        "owner": access.is_self,
    }


@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.WRITE_DIARY)
    found = policy.row_of(access, queries.entries(access), entry_id, perms.VIEW_DIARY, entity="DiaryEntry")
    scripts, responses = map_choices(access)
    # Keep a link the entry already has, even if that script or response has since been set aside.
    if found.script is not None and found.script not in scripts:
        scripts.append(found.script)
    if found.new_response is not None and found.new_response not in responses:
        responses.append(found.new_response)
    form = EntryForm(request.POST or None, initial=EntryForm.initial_for(found), scripts=scripts, responses=responses)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in vars(form.entry_input()).items() if k != "occurred_at" or v is not None}
        try:
            services.update_entry(access, found, changes, expected_version=form.cleaned_data["version"])
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("diary:entries")
    return render(request, "diary/entry.html", {"form": form, "entry": found, "has_scripts": bool(scripts)})


@require_POST
def entry_delete(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.WRITE_DIARY)
    found = policy.row_of(access, queries.entries(access), entry_id, perms.WRITE_DIARY, entity="DiaryEntry")
    services.delete_entry(access, found)
    messages.success(request, "The entry is deleted.")
    return redirect("diary:entries")


@require_POST
def share_default(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.WRITE_DIARY)
    form = ShareDefaultForm(request.POST)
    form.is_valid()
    services.set_share_default(access, bool(form.cleaned_data.get("share_by_default")))
    messages.success(request, "Your choice is saved. You can still decide for each entry.")
    return redirect("diary:entries")


# --- the script map ------------------------------------------------------------------------------------------------


def script_map(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.VIEW_DIARY)
    cards = queries.shown_map(access)
    return render(request, "diary/map.html", {"groups": queries.split_map(cards), "any": bool(cards)})


@require_http_methods(["GET", "POST"])
def script_new(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.APPROVE_SCRIPTS)
    form = ScriptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        on_map = request.POST.get("then") == "map"
        try:
            script = services.draft_script(access, form.values(), on_map=on_map)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "It is on your map." if on_map else "Saved as a draft. Only you can see it.")
            return redirect("diary:script", script_id=script.pk)
    return render(request, "diary/script_form.html", {"form": form, "script": None})


@require_http_methods(["GET", "POST"])
def script(request: HttpRequest, script_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.APPROVE_SCRIPTS)
    found = policy.row_of(access, queries.scripts(access), script_id, perms.VIEW_DIARY, entity="RelationshipScript")
    form = ScriptForm(request.POST or None, initial=ScriptForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_script(access, found, form.values(), expected_version=form.cleaned_data["version"])
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("diary:script", script_id=found.pk)
    card = queries.script_card(access, found)
    context = {"form": form, "script": found, "card": card, "response_form": NewResponseForm()}
    return render(request, "diary/script_form.html", context)


@require_POST
def script_status(request: HttpRequest, script_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.APPROVE_SCRIPTS)
    found = policy.row_of(
        access, queries.scripts(access), script_id, perms.APPROVE_SCRIPTS, entity="RelationshipScript"
    )
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_script_status(access, found, form.cleaned_data["status"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            on_map = form.cleaned_data["status"] == MapStatus.ON_MAP
            messages.success(request, "It is on your map." if on_map else "Set aside. You can bring it back any time.")
    return redirect("diary:script", script_id=script_id)


@require_POST
def response_new(request: HttpRequest, script_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.APPROVE_SCRIPTS)
    found = policy.row_of(
        access, queries.scripts(access), script_id, perms.APPROVE_SCRIPTS, entity="RelationshipScript"
    )
    form = NewResponseForm(request.POST)
    if form.is_valid():
        try:
            services.draft_new_response(access, found, form.cleaned_data["description"], on_map=True)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your new response is on the map.")
    else:
        messages.error(request, "Describe the new response in a few words.")
    return redirect("diary:script", script_id=script_id)


@require_POST
def response_status(request: HttpRequest, response_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.APPROVE_SCRIPTS)
    found = policy.row_of(
        access, queries.new_responses(access), response_id, perms.APPROVE_SCRIPTS, entity="NewResponse"
    )
    form = StatusForm(request.POST)
    response = None
    if form.is_valid():
        try:
            response = services.set_new_response_status(access, found, form.cleaned_data["status"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Saved.")
    if response is None:
        return redirect("diary:map")
    return redirect("diary:script", script_id=response.script_id)


@require_http_methods(["GET", "POST"])
def response_practice(request: HttpRequest, response_id: uuid.UUID) -> HttpResponse:
    access = _own(request, perms.WRITE_DIARY)
    visible = queries.new_responses(access).select_related("script")
    response = policy.row_of(access, visible, response_id, perms.VIEW_DIARY, entity="NewResponse")
    initial = {"key": uuid.uuid4(), "occurred_at": now_local(), "shared": queries.share_default(access)}
    form = PracticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_response_practice(access, response, form.cleaned_data["key"], form.practice_input())
        except ReplayMismatchError as exc:
            form.add_error(None, exc)
            form.data = fresh_key(request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Noted in your practice log. Every try counts.")
            return redirect("diary:response_practice", response_id=response.pk)
    log_items = queries.practice_log(access, response)
    return render(request, "diary/practice.html", {"response": response, "form": form, "log": log_items})


# --- insights ------------------------------------------------------------------------------------------------------


def insights_context(request: HttpRequest, access: Access) -> dict[str, Any]:
    form = InsightsForm(request.GET or None, initial={"weeks": insight_data.DEFAULT_WEEKS})
    weeks = insight_data.DEFAULT_WEEKS
    if form.is_valid() and form.cleaned_data.get("weeks"):
        weeks = form.cleaned_data["weeks"]
    data = insight_data.build(access, weeks=weeks)
    return {"form": form, "insights": data, "weeks": weeks, "owner": access.is_self}


def insights(request: HttpRequest) -> HttpResponse:
    access = _own(request, perms.VIEW_DIARY)
    return render(request, "diary/insights.html", insights_context(request, access))
