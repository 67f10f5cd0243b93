"""The client's privacy centre in the portal, and break-glass for supervisors and admins. Each view reaches the
record through the policy first, then validates, then calls one service or query."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts import sessions
from attune.accounts.models import Membership
from attune.accounts.roles import user_of
from attune.care import perms as care_perms
from attune.care.records import record_of
from attune.core import disclosure, policy
from attune.core.models import AuditEvent
from attune.privacy import perms, practice_audit, queries, services
from attune.privacy.forms import AuditFilterForm, BreakGlassForm, ErasureForm, HoldForm, LogFilterForm, SwitchForm
from attune.privacy.models import (
    COOLING_OFF_DAYS,
    EXPORT_HOURS,
    BreakGlass,
    ErasureRequest,
    ExportRequest,
    RetentionHold,
)


def home(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_LOG)
    return render(request, "privacy/home.html", {"client": record_of(access)})


def access_log(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_LOG)
    form = LogFilterForm(request.GET or None, people=queries.log_people(access))
    data = form.cleaned_data if form.is_valid() else {}
    wanted = queries.LogFilter(
        person=data.get("person"), kind=data.get("kind") or "", since=data.get("since"), until=data.get("until")
    )
    page, lines = queries.access_log(access, wanted, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "lines": lines,
        "querystring": query.urlencode(),
        "filtered": any(v not in (None, "") for v in data.values()),
    }
    return render(request, "privacy/access_log.html", context)


def sharing(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_SHARING)
    team = queries.care_team(access)
    withheld = queries.withheld(access)
    rows = [
        {
            "person": person,
            "switches": [
                {"category": code, "label": label, "visible": (person.user_id, code) not in withheld}
                for code, label in queries.CATEGORIES
            ],
        }
        for person in team
    ]
    context = {
        "rows": rows,
        "partners": queries.partners(access),
        "history": queries.history(access),
        "labels": dict(queries.CATEGORIES),
        "elsewhere": disclosure.decisions(access, leave_out=frozenset({"privacy.switches", "consent.partner"})),
    }
    return render(request, "privacy/sharing.html", context)


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.MANAGE_SHARING)
    form = SwitchForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That switch could not be changed. Please try again.")
        return redirect("privacy:sharing")
    try:
        changed = services.set_visible(
            access, form.cleaned_data["person"], form.cleaned_data["category"], form.cleaned_data["visible"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("privacy:sharing")
    if changed and form.cleaned_data["visible"]:
        messages.success(request, "Done. They can see this again from now on.")
    elif changed:
        messages.success(request, "Done. From now on they cannot see this. You can turn it back on at any time.")
    return redirect("privacy:sharing")


def _step_up(request: HttpRequest, back: str) -> HttpResponse | None:
    """SECURITY 22: the password (or a code) entered a moment ago, or a redirect to confirm it and come back."""
    if sessions.stepped_up(request):
        return None
    messages.info(request, "Please confirm it is you first. This keeps your data safe if someone else has your phone.")
    return redirect(reverse("accounts:confirm") + "?" + urlencode({"next": back}))


@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.EXPORT)
    if request.method == "POST":
        stop = _step_up(request, reverse("privacy:exports"))
        if stop is not None:
            return stop
        services.request_export(access)
        messages.success(request, "We are preparing your copy. It usually takes a minute or two.")
        return redirect("privacy:exports")
    rows = list(ExportRequest.objects.filter(client_id=access.client_id)[:10])
    context = {"rows": rows, "hours": EXPORT_HOURS, "waiting": any(r.status == "queued" for r in rows)}
    return render(request, "privacy/exports.html", context)


@require_POST
def download(request: HttpRequest, request_id: str) -> HttpResponse:
    access = policy.own(user_of(request), perms.EXPORT)
    stop = _step_up(request, reverse("privacy:exports"))
    if stop is not None:
        return stop
    taken = services.take_export(access, request_id)
    if taken is None:
        messages.error(
            request, "This copy is no longer here: each copy can be downloaded once. You can ask for a new one."
        )
        return redirect("privacy:exports")
    row, archive = taken
    response = HttpResponse(archive, content_type="application/zip")
    # No name in the file name: files get synced and shared.
    response["Content-Disposition"] = f'attachment; filename="attune-my-data-{row.requested:%Y%m%d}.zip"'
    return response


def _erasure_context(access: policy.Access) -> dict[str, Any]:
    latest = ErasureRequest.objects.filter(client_id=access.client_id).first()
    return {
        "client": record_of(access),
        "latest": latest,
        "waiting": latest if latest is not None and latest.status == ErasureRequest.Status.WAITING else None,
        "holds": [h for h in RetentionHold.objects.filter(client_id=access.client_id) if h.in_force()],
        "cooling_days": COOLING_OFF_DAYS,
    }


@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    """The client asks for erasure (after step-up and an explicit "I understand"), or withdraws the request."""
    access = policy.own(user_of(request), perms.ERASE)
    form = ErasureForm(request.POST if request.POST.get("action") == "request" else None)
    if request.method == "POST":
        stop = _step_up(request, reverse("privacy:erase"))
        if stop is not None:
            return stop
        if request.POST.get("action") == "withdraw":
            if services.withdraw_erasure(access):
                messages.success(request, "You have withdrawn your request. Nothing has been erased.")
            return redirect("privacy:erase")
        if form.is_valid():
            try:
                services.request_erasure(access)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Your request is in. You can withdraw it until the practice confirms it.")
            return redirect("privacy:erase")
    return render(request, "privacy/erase.html", {**_erasure_context(access), "form": form})


@require_http_methods(["GET", "POST"])
def practice_erasure(request: HttpRequest, client_id: str) -> HttpResponse:
    """A practice admin: retention holds, an erasure asked for on the client's behalf, and its confirmation."""
    access = policy.client(user_of(request), client_id, perms.CONFIRM_ERASURE)
    action = request.POST.get("action", "")
    hold_form = HoldForm(request.POST if action == "hold" else None)
    if request.method == "POST":
        stop = _step_up(request, reverse("privacy:practice_erasure", args=[access.client_id]))
        if stop is not None:
            return stop
        try:
            if action == "hold" and hold_form.is_valid():
                services.add_hold(access, **hold_form.cleaned_data)
                messages.success(request, "The retention hold is saved. The client can see it.")
                return redirect("privacy:practice_erasure", client_id=access.client_id)
            if action == "request":
                services.request_erasure(access)
                messages.success(
                    request, "Erasure asked for on the client's behalf. The cooling-off period has started."
                )
                return redirect("privacy:practice_erasure", client_id=access.client_id)
            if action == "withdraw" and services.withdraw_erasure(access):
                messages.success(request, "The request is withdrawn. Nothing was erased.")
                return redirect("privacy:practice_erasure", client_id=access.client_id)
            if action == "confirm":
                done = services.confirm_erasure(access)
                messages.success(
                    request,
                    "Erased, except what the retention holds require; the rest follows when they end."
                    if done.status == ErasureRequest.Status.HELD
                    else "Erased. The client's data key is destroyed; their text cannot be read by anyone.",
                )
                return redirect("privacy:practice_erasure", client_id=access.client_id)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "privacy/practice_erasure.html", {**_erasure_context(access), "hold_form": hold_form})


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.BREAK_GLASS)
    if not sessions.stepped_up(request):
        back = reverse("privacy:break_glass", args=[access.client_id])
        return redirect(reverse("accounts:confirm") + "?" + urlencode({"next": back}))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass(access, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", " ".join(exc.messages))
        else:
            messages.success(request, "Emergency access is open for one hour. Everything you read is logged.")
            return redirect("workspace:client", client_id=access.client_id)
    open_glass = BreakGlass.objects.filter(client_id=access.client_id, user_id=access.actor_id).first()
    context = {
        "client": record_of(access),
        "form": form,
        "open_glass": open_glass if open_glass is not None and open_glass.in_force() else None,
    }
    return render(request, "privacy/break_glass.html", context)


@require_POST
def end_break_glass(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.BREAK_GLASS)
    if services.end_break_glass(access):
        messages.success(request, "Emergency access has ended.")
    return redirect("workspace:client", client_id=access.client_id)


def overview_panel(access: policy.Access) -> dict[str, Any]:
    """The client overview's emergency-access card, for a supervisor or admin (workspace includes it)."""
    if not access.can(perms.BREAK_GLASS):
        return {"may": False, "erasure": False}
    glass = BreakGlass.objects.filter(client_id=access.client_id, user_id=access.actor_id).first()
    return {
        "may": True,
        "open": glass if glass is not None and glass.in_force() else None,
        "can_clinical": access.can(care_perms.VIEW_CLINICAL),
        "erasure": access.can(perms.CONFIRM_ERASURE),
    }


def _audit_filter(request: HttpRequest, access: policy.PracticeAccess) -> tuple[AuditFilterForm, Any]:
    form = AuditFilterForm(
        request.GET or None, people=practice_audit.members(access), clients=practice_audit.clients(access)
    )
    data = form.cleaned_data if form.is_valid() else {}
    wanted = practice_audit.AuditFilter(
        actor=data.get("actor"),
        client=data.get("client") or "",
        action=data.get("action") or "",
        outcome=data.get("outcome"),
        since=data.get("since"),
        until=data.get("until"),
    )
    return form, wanted


def practice_audit_page(request: HttpRequest, practice_id: int) -> HttpResponse:
    access = policy.practice(user_of(request), practice_id, Membership.Role.ADMIN)
    form, wanted = _audit_filter(request, access)
    page, rows = practice_audit.page_of(access, wanted, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    context = {
        "practice": access.practice,
        "form": form,
        "page": page,
        "rows": rows,
        "querystring": query.urlencode(),
        "filtered": bool(form.is_bound and any(v not in (None, "") for v in form.cleaned_data.values()))
        if form.is_bound and form.is_valid()
        else False,
        # Verifying recomputes the whole chain: only when asked for.
        "verified": practice_audit.verify() if request.GET.get("verify") else None,
    }
    return render(request, "privacy/practice_audit.html", context)


def practice_audit_csv(request: HttpRequest, practice_id: int) -> HttpResponse:
    access = policy.practice(user_of(request), practice_id, Membership.Role.ADMIN)
    stop = _step_up(request, request.get_full_path())
    if stop is not None:
        return stop
    _form, wanted = _audit_filter(request, access)
    access.record(AuditEvent.Action.EXECUTE, "AuditEvent", access.practice_id, "audit.export")
    response = HttpResponse(practice_audit.export_csv(access, wanted), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
