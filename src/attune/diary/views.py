"""The client's diary, script map and insights in the portal. Views parse input, call a service or a query
helper and render; the client is always their own record, looked up through the policy (diary/access.py)."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.core.policy import Access
from attune.diary import access as rows
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
from attune.diary.idempotency import ReplayMismatchError
from attune.diary.models import DiaryEntry, MapStatus, NewResponse, RelationshipScript

SAVED_KEY = "diary_saved_key"
# Service field names that the forms call something else.
FORM_NAMES = {"script_id": "script", "new_response_id": "did", "response": "did"}


def add_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        field = FORM_NAMES.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


def fresh_key(request: HttpRequest) -> QueryDict:
    """The posted data with a new idempotency key: what the person sees can then be saved as a new row."""
    data = request.POST.copy()
    data["key"] = str(uuid.uuid4())
    return data


def map_choices(access: Access) -> tuple[list[RelationshipScript], list[NewResponse]]:
    """The scripts and new responses an entry can link to: those on the client's map."""
    on_map = list(queries.scripts(access).filter(status=MapStatus.ON_MAP))
    responses = list(queries.new_responses(access).filter(status=MapStatus.ON_MAP, script__status=MapStatus.ON_MAP))
    return on_map, responses


# --- diary entries ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def log(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.WRITE_DIARY)
    scripts, responses = map_choices(access)
    conflict = None
    if request.method == "POST":
        form = EntryForm(request.POST, scripts=scripts, responses=responses)
        if form.is_valid():
            key = form.cleaned_data["key"] or uuid.uuid4()
            try:
                services.log_entry(user, access.client_id, key, form.entry_input())
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
            "shared": services.share_default(record_of(access)),
        }
        form = EntryForm(initial=initial, scripts=scripts, responses=responses)
    context = {"form": form, "conflict": conflict, "has_scripts": bool(scripts)}
    return render(request, "diary/log.html", context, status=422 if conflict else 200)


def entries(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.VIEW_DIARY)
    scripts = list(queries.scripts(access).exclude(status=MapStatus.DRAFT))
    form = EntryFilterForm(request.GET or None, scripts=scripts)
    context = entry_list_context(user, access, form)
    context.update(
        share_form=ShareDefaultForm(initial={"share_by_default": services.share_default(record_of(access))}),
        saved_key=request.session.pop(SAVED_KEY, ""),
    )
    return render(request, "diary/entries.html", context)


def entry_list_context(user: Any, access: Access, form: EntryFilterForm) -> dict[str, Any]:
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
    listing: Any = queries.search(qs, data["q"]) if data.get("q") else qs
    page = Paginator(listing, 25).get_page(data.get("page") or 1)
    shown = list(page.object_list)
    rows.record_reads(user, access, "DiaryEntry", [e.pk for e in shown], perms.VIEW_DIARY)
    query = cast(QueryDict, form.data).copy() if form.is_bound else QueryDict(mutable=True)
    query.pop("page", None)
    return {
        "form": form,
        "page": page,
        "items": [(e, queries.visible_script(access, e.script)) for e in shown],
        "filtered": any(v for k, v in data.items() if k != "page"),
        "querystring": query.urlencode(),
        "owner": rows.is_owner(access),
    }


@require_http_methods(["GET", "POST"])
def entry(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.WRITE_DIARY)
    found: DiaryEntry = rows.get_row(user, access, queries.entries(access), entry_id, perms.WRITE_DIARY, "DiaryEntry")
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
            services.update_entry(
                user, access.client_id, found.pk, changes, expected_version=form.cleaned_data["version"]
            )
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("diary:entries")
    rows.record_reads(user, access, "DiaryEntry", [found.pk], perms.VIEW_DIARY)
    return render(request, "diary/entry.html", {"form": form, "entry": found, "has_scripts": bool(scripts)})


@require_POST
def entry_delete(request: HttpRequest, entry_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.WRITE_DIARY)
    services.delete_entry(user, access.client_id, entry_id)
    messages.success(request, "The entry is deleted.")
    return redirect("diary:entries")


@require_POST
def share_default(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.WRITE_DIARY)
    form = ShareDefaultForm(request.POST)
    form.is_valid()
    services.set_share_default(user, access.client_id, bool(form.cleaned_data.get("share_by_default")))
    messages.success(request, "Your choice is saved. You can still decide for each entry.")
    return redirect("diary:entries")


# --- the script map ------------------------------------------------------------------------------------------------


def script_map(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.VIEW_DIARY)
    cards = queries.script_map(access)
    rows.record_reads(user, access, "RelationshipScript", [c.script.pk for c in cards], perms.VIEW_DIARY)
    return render(request, "diary/map.html", {"groups": queries.split_map(cards), "any": bool(cards)})


@require_http_methods(["GET", "POST"])
def script_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.APPROVE_SCRIPTS)
    form = ScriptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        on_map = request.POST.get("then") == "map"
        try:
            script = services.draft_script(user, access.client_id, form.values(), on_map=on_map)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "It is on your map." if on_map else "Saved as a draft. Only you can see it.")
            return redirect("diary:script", script_id=script.pk)
    return render(request, "diary/script_form.html", {"form": form, "script": None})


@require_http_methods(["GET", "POST"])
def script(request: HttpRequest, script_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.APPROVE_SCRIPTS)
    found: RelationshipScript = rows.get_row(
        user, access, queries.scripts(access), script_id, perms.VIEW_DIARY, "RelationshipScript"
    )
    form = ScriptForm(request.POST or None, initial=ScriptForm.initial_for(found))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_script(
                user, access.client_id, found.pk, form.values(), expected_version=form.cleaned_data["version"]
            )
        except services.StaleWriteError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved.")
            return redirect("diary:script", script_id=found.pk)
    card = next(c for c in queries.script_map(access) if c.script.pk == found.pk)
    rows.record_reads(user, access, "RelationshipScript", [found.pk], perms.VIEW_DIARY)
    context = {"form": form, "script": found, "card": card, "response_form": NewResponseForm()}
    return render(request, "diary/script_form.html", context)


@require_POST
def script_status(request: HttpRequest, script_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.APPROVE_SCRIPTS)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_script_status(user, access.client_id, script_id, form.cleaned_data["status"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            on_map = form.cleaned_data["status"] == MapStatus.ON_MAP
            messages.success(request, "It is on your map." if on_map else "Set aside. You can bring it back any time.")
    return redirect("diary:script", script_id=script_id)


@require_POST
def response_new(request: HttpRequest, script_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.APPROVE_SCRIPTS)
    form = NewResponseForm(request.POST)
    if form.is_valid():
        try:
            services.draft_new_response(
                user, access.client_id, script_id, form.cleaned_data["description"], on_map=True
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Your new response is on the map.")
    else:
        messages.error(request, "Describe the new response in a few words.")
    return redirect("diary:script", script_id=script_id)


@require_POST
def response_status(request: HttpRequest, response_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.APPROVE_SCRIPTS)
    form = StatusForm(request.POST)
    response = None
    if form.is_valid():
        try:
            response = services.set_new_response_status(
                user, access.client_id, response_id, form.cleaned_data["status"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Saved.")
    if response is None:
        return redirect("diary:map")
    return redirect("diary:script", script_id=response.script_id)


@require_http_methods(["GET", "POST"])
def response_practice(request: HttpRequest, response_id: uuid.UUID) -> HttpResponse:
    user = user_of(request)
    access = rows.own_client(user, perms.WRITE_DIARY)
    response: NewResponse = rows.get_row(
        user,
        access,
        queries.new_responses(access).select_related("script"),
        response_id,
        perms.VIEW_DIARY,
        "NewResponse",
    )
    initial = {"key": uuid.uuid4(), "occurred_at": now_local(), "shared": services.share_default(record_of(access))}
    form = PracticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_response_practice(
                user, access.client_id, response.pk, form.cleaned_data["key"], form.practice_input()
            )
        except ReplayMismatchError as exc:
            form.add_error(None, exc)
            form.data = fresh_key(request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Noted in your practice log. Every try counts.")
            return redirect("diary:response_practice", response_id=response.pk)
    log_items = queries.practice_log(access, response)
    rows.record_reads(user, access, "NewResponse", [response.pk], perms.VIEW_DIARY)
    return render(request, "diary/practice.html", {"response": response, "form": form, "log": log_items})


# --- insights ------------------------------------------------------------------------------------------------------


def insights_context(request: HttpRequest, access: Access) -> dict[str, Any]:
    form = InsightsForm(request.GET or None, initial={"weeks": insight_data.DEFAULT_WEEKS})
    weeks = insight_data.DEFAULT_WEEKS
    if form.is_valid() and form.cleaned_data.get("weeks"):
        weeks = form.cleaned_data["weeks"]
    data = insight_data.build(access, weeks=weeks)
    rows.record_reads(user_of(request), access, "Insights", [access.client_id], perms.VIEW_DIARY)
    return {"form": form, "insights": data, "weeks": weeks, "owner": rows.is_owner(access)}


def insights(request: HttpRequest) -> HttpResponse:
    access = rows.own_client(user_of(request), perms.VIEW_DIARY)
    return render(request, "diary/insights.html", insights_context(request, access))
