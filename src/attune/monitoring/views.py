"""Monitoring pages for the care team: the alerts inbox, a client's schedules, sessions and what the client may
see, progress charts and item-level changes, and the CSV export; and the panels other apps' pages include
(portal home, client overview, measures page). The portal's pages are in portal_views, the practice admins' in
practice_views."""

from __future__ import annotations

import csv
import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from attune.accounts import sessions
from attune.accounts.roles import user_of
from attune.care import crisis
from attune.care.models import Client
from attune.care.records import record_of
from attune.core import policy
from attune.core.policy import Access, Located
from attune.measures import library
from attune.monitoring import forms, inputs, perms, progress, queries, rules, services
from attune.monitoring.models import Alert
from attune.questionnaires import pages
from attune.questionnaires import perms as questionnaire_perms
from attune.questionnaires import queries as questionnaire_queries
from attune.questionnaires.models import Response


def _titles() -> dict[str, str]:
    return {i.code: i.title for i in library.all_instruments()}


def safe_svg(markup: str) -> SafeString:
    # charts.svg escapes every text it writes and takes no free text from anyone: safe to insert as it is.
    return mark_safe(markup)  # noqa: S308


def _instrument(code: str) -> library.Instrument:
    if code not in library.codes():
        raise Http404("No such questionnaire")
    return library.load(code)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- used by other apps' pages ----------------------------------------------------------------------------


def estimates(codes: Any) -> dict[str, int]:
    """Minutes each questionnaire takes, roughly, by instrument code."""
    return {code: rules.minutes_for(len(library.load(code).items)) for code in set(codes) if code in library.codes()}


def portal_panel(client: Client) -> dict[str, Any]:
    """What the portal home needs: the questionnaires waiting and those set aside. Viewing issues nothing: due
    scheduled questionnaires are put in the portal by the `attune schedules` command."""
    waiting = list(questionnaire_queries.portal_open(client))
    postponed = list(questionnaire_queries.portal_postponed(client))
    return {
        "waiting": waiting,
        "postponed": postponed,
        "minutes": estimates(r.instrument for r in waiting + postponed),
        "postpone_form": forms.PostponeForm(),
        "has_results": bool(queries.visible_instruments(client)),
    }


def measures_panel(access: Access) -> pages.Panel:
    """The monitoring part of a client's measures page (questionnaires:client_measures), registered with the
    engine's page in MonitoringConfig.ready()."""
    client = record_of(access)
    can_configure = access.can(perms.CONFIGURE)
    states = queries.due_for([client.pk]).get(client.pk, [])
    used = queries.instruments_used(client)
    visible = queries.visible_instruments(client)
    context = {
        "schedules": states,
        "sessions": queries.sessions(client)[:12],
        "instruments_used": [
            {"code": code, "count": count, "last": last, "visible": code in visible} for code, count, last in used
        ],
        "can_configure": can_configure,
        "can_export": access.can(perms.EXPORT),
        "schedule_form": forms.ScheduleForm() if can_configure else None,
        "session_form": forms.SessionForm(initial={"date": timezone.localdate()}) if can_configure else None,
        "alerts": queries.unresolved_alerts(client) if access.can(perms.ALERTS_VIEW) else [],
        "today": timezone.localdate(),
    }
    return pages.Panel(context, top="monitoring/_measures_panel.html", bottom="monitoring/_progress_panel.html")


def overview_panel(request: HttpRequest, access: Access) -> dict[str, Any]:
    """Alerts and what is due, for the client overview (workspace.views.client_overview)."""
    client = record_of(access)
    can_measures = access.can(questionnaire_perms.VIEW)
    states = queries.due_for([client.pk]).get(client.pk, []) if can_measures else []
    return {
        "shown": can_measures or access.can(perms.ALERTS_VIEW),
        "alerts": queries.unresolved_alerts(client) if access.can(perms.ALERTS_VIEW) else [],
        "due": [s for s in states if s.due.state != "done"],
        "titles": _titles(),
    }


# --- alerts -----------------------------------------------------------------------------------------------


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    services.check_alert_reader(user_of(request))
    clients = list(queries.alert_clients(request.user).order_by("preferred_name").values_list("pk", "preferred_name"))
    form = forms.AlertFilterForm(request.GET or None, clients=[(str(pk), name) for pk, name in clients])
    filters = form.cleaned_data if form.is_valid() else {}
    alerts = queries.alerts_for(
        request.user,
        kind=filters.get("kind") or "",
        client_id=filters.get("client") or None,
        status=filters.get("status") or "unresolved",
    )
    page = Paginator(alerts, 25).get_page(filters.get("page") or 1)
    acting = queries.acting_on(request.user)
    services.record_alert_list(user_of(request), list(page.object_list), acting)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [{"alert": a, "can_act": a.client_id in acting} for a in page.object_list],
        "titles": _titles(),
        "querystring": query.urlencode(),
        "ack_form": forms.AcknowledgeForm(),
    }
    return render(request, "monitoring/alerts.html", context)


@require_GET
def alert_detail(request: HttpRequest, alert_id: str) -> HttpResponse:
    located = _alert(request, alert_id, perms.ALERTS_VIEW)
    access, alert = located.access, located.row
    can_act = access.can(perms.ALERTS_ACT)
    context = {
        "alert": alert,
        "client": record_of(access),
        "can_act": can_act,
        # Acknowledgement notes are clinical text: the care team's, never a supervisor's.
        "show_notes": can_act,
        "titles": _titles(),
        "ack_form": forms.AcknowledgeForm(),
        "resources": crisis.resources_for(access.client.practice_id) if alert.is_safety else [],
        "answer": queries.answer_given(alert),
        "safe_contact": queries.safe_contact(access.client_id),
        "timeline": queries.timeline(alert),
        "contact_form": forms.ContactForm(auto_id="contact_%s"),  # two note fields on one page: distinct ids
    }
    return render(request, "monitoring/alert_detail.html", context)


def _alert(request: HttpRequest, alert_id: str, perm: policy.Perm) -> Located[Alert]:
    alerts = Alert.objects.select_related("acknowledged_by", "resolved_by")
    return policy.locate(request.user, alerts, alert_id, perm, entity=services.ALERT)


def _back(request: HttpRequest, alert: Alert) -> HttpResponse:
    if request.POST.get("back") == "detail":
        return redirect("monitoring:alert", alert_id=alert.pk)
    return redirect("monitoring:alerts")


@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: str) -> HttpResponse:
    located = _alert(request, alert_id, perms.ALERTS_ACT)
    form = forms.AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note is too long.")
        return redirect("monitoring:alert", alert_id=alert_id)
    try:
        alert = services.acknowledge(located, form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("monitoring:alert", alert_id=alert_id)
    messages.success(request, "Acknowledged.")
    return _back(request, alert)


@require_POST
def alert_resolve(request: HttpRequest, alert_id: str) -> HttpResponse:
    located = _alert(request, alert_id, perms.ALERTS_ACT)
    form = forms.AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The note is too long.")
        return redirect("monitoring:alert", alert_id=alert_id)
    try:
        alert = services.resolve(located, form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("monitoring:alert", alert_id=alert_id)
    messages.success(request, "Resolved.")
    return _back(request, alert)


@require_POST
def alert_contact(request: HttpRequest, alert_id: str) -> HttpResponse:
    located = _alert(request, alert_id, perms.ALERTS_ACT)
    form = forms.ContactForm(request.POST, auto_id="contact_%s")
    if not form.is_valid():
        messages.error(
            request, f"Choose what happened; the outcome note can be up to {inputs.NOTE_MAX_LENGTH:,} characters."
        )
        return redirect("monitoring:alert", alert_id=alert_id)
    try:
        services.log_contact(located, form.cleaned_data["outcome"], form.cleaned_data["note"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Contact logged.")
    return redirect("monitoring:alert", alert_id=alert_id)


# --- a client's schedules, sessions and what they may see ------------------------------------------------


def _to_measures(access: Access) -> HttpResponse:
    return redirect("questionnaires:client_measures", client_id=access.client_id)


@require_POST
def schedule_create(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.CONFIGURE)
    form = forms.ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a questionnaire and how often.")
        return _to_measures(access)
    data = form.cleaned_data
    try:
        services.create_schedule(access, data["instrument"], data["kind"], data.get("every") or 1, data.get("starts"))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Scheduled. When it is due, it will wait on the client's portal home.")
    return _to_measures(access)


@require_POST
def schedule_end(request: HttpRequest, client_id: str, schedule_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.CONFIGURE)
    services.end_schedule(access, schedule_id)
    messages.success(request, "The schedule has ended.")
    return _to_measures(access)


@require_POST
def session_add(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.CONFIGURE)
    form = forms.SessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the session date.")
        return _to_measures(access)
    try:
        services.record_session(access, form.cleaned_data["date"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Session date saved.")
    return _to_measures(access)


@require_POST
def session_remove(request: HttpRequest, client_id: str, session_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.CONFIGURE)
    try:
        services.remove_session(access, session_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Session date removed.")
    return _to_measures(access)


@require_POST
def visibility(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.CONFIGURE)
    form = forms.VisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to show the results.")
        return _to_measures(access)
    try:
        services.set_visibility(access, form.cleaned_data["instrument"], form.cleaned_data["visible"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        shown = form.cleaned_data["visible"]
        messages.success(request, "The client can now see these results." if shown else "Hidden from the client.")
    return _to_measures(access)


# --- progress ---------------------------------------------------------------------------------------------


@require_GET
def progress_page(request: HttpRequest, client_id: str, code: str) -> HttpResponse:
    access = policy.client(request.user, client_id, questionnaire_perms.VIEW)
    instrument = _instrument(code)
    responses = queries.episode_series(record_of(access), code)
    built = progress.build(
        instrument,
        responses,
        queries.session_dates(record_of(access)),
        ident=f"chart-{code}",
        unknown=queries.critical_unknown(responses),
    )
    context = {
        "client": record_of(access),
        "instrument": instrument,
        "progress": built,
        "chart": safe_svg(built.chart),
        "events": queries.change_events(record_of(access), code),
        "can_answers": access.can(questionnaire_perms.VIEW_ANSWERS),
    }
    return render(request, "monitoring/progress.html", context)


@require_GET
def compare(request: HttpRequest, client_id: str, code: str) -> HttpResponse:
    # A clinician's page: scores (measures.view) and item-level answers (measures.view_answers) both.
    access = policy.client(request.user, client_id, questionnaire_perms.VIEW)
    access.require(questionnaire_perms.VIEW_ANSWERS)
    instrument = _instrument(code)
    responses = list(queries.completed(record_of(access), code).prefetch_related("answers"))
    if len(responses) < 2:
        messages.info(request, "Item-level changes need two completed administrations.")
        return redirect("monitoring:progress", client_id=access.client_id, code=code)
    form = forms.CompareForm(request.GET)
    chosen = form.cleaned_data if form.is_valid() else {}
    by_id: dict[Any, Response] = {r.pk: r for r in responses}
    before = by_id.get(chosen.get("a")) or responses[-2]
    after = by_id.get(chosen.get("b")) or responses[-1]
    if before.submitted > after.submitted:  # type: ignore[operator]
        before, after = after, before
    rows = progress.compare_items(instrument, before, after)
    context = {
        "client": record_of(access),
        "instrument": instrument,
        "responses": responses,
        "before": before,
        "after": after,
        "rows": rows,
        "moved": sum(1 for r in rows if r.moved),
        "moved_two": sum(1 for r in rows if r.large),
        "lower_is_better": rules.change_rule(instrument.scoring).lower_is_better,
    }
    return render(request, "monitoring/compare.html", context)


CSV_COLUMNS = ["date", "instrument", "total", "subscales", "band", "missing_rule", "flags", "mode"]


@require_GET
def export_csv(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, questionnaire_perms.VIEW)
    access.require(perms.EXPORT)
    if not sessions.stepped_up(request):
        # SECURITY 22: a file that leaves the app needs the password (or code) entered a moment ago.
        return redirect(reverse("accounts:confirm") + "?" + urlencode({"next": request.get_full_path()}))
    scores = list(queries.exported_scores(access))
    unknown = queries.critical_unknown(scores)
    # The client's name stays out of the file name: files get mailed and synced.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="scores-{timezone.localdate():%Y%m%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for r in scores:
        writer.writerow(
            [
                timezone.localtime(r.submitted).isoformat(timespec="minutes") if r.submitted else "",
                r.instrument,
                "" if r.total is None else f"{r.total:g}",
                json.dumps(r.subscales, sort_keys=True),
                r.band,
                r.missing_rule,
                # A skipped critical item is not known, never "no risk": the file says so.
                ";".join(
                    sorted([n for n, on in r.flags.items() if on] + (["critical_unknown"] if r.pk in unknown else []))
                ),
                r.mode,
            ]
        )
    return response
