"""The intake for the care team: send it, read the summary, mark sections discussed in session with a note; and
the intake card on the client overview (a supervisor sees only that an intake exists and its status)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from attune.care.records import record_of
from attune.core import policy
from attune.core.models import AuditEvent
from attune.intake import perms, services, summary
from attune.intake.forms import DiscussForm
from attune.intake.models import Intake


@require_GET
def intake_summary(request: HttpRequest, client_id: str) -> HttpResponse:
    access, intake = services.latest_for(request.user, client_id, perms.VIEW)
    built = summary.for_care_team(intake, record_of(access)) if intake is not None else None
    if intake is not None:
        policy.record_access(request.user, access, AuditEvent.Action.READ, services.ENTITY, str(intake.pk), perms.VIEW)
    context = {
        "client": record_of(access),
        "intake": intake,
        "summary": built,
        "can_send": policy.allows(access, perms.SEND, request.user) and services.sendable(record_of(access)),
        "can_discuss": policy.allows(access, perms.DISCUSS, request.user),
        "forms": {
            s.link_id: DiscussForm(initial={"discussed": s.discussed, "note": s.record.note if s.record else ""})
            for s in (built.sections if built else [])
        },
    }
    return render(request, "intake/summary.html", context)


@require_POST
def send(request: HttpRequest, client_id: str) -> HttpResponse:
    try:
        services.send(request.user, client_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Sent. The intake is waiting on the client's portal home.")
    return redirect("workspace:client", client_id=client_id)


@require_POST
def discuss(request: HttpRequest, client_id: str, intake_id: str, section_id: str) -> HttpResponse:
    located = services.locate(request.user, intake_id, perms.DISCUSS)
    if str(located.intake.client_id) != str(client_id):
        policy.deny_legacy(request.user, services.ENTITY, str(intake_id)[:64], perms.DISCUSS)
        raise Http404("No such intake")
    form = DiscussForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.record_discussion(
                request.user,
                intake_id,
                section_id,
                discussed=form.cleaned_data["discussed"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Saved.")
    return redirect(f"{reverse('intake:summary', args=[client_id])}#section-{section_id}")


# --- used by other apps' pages ----------------------------------------------------------------------------


def overview_panel(request: HttpRequest, access: policy.Access) -> dict[str, Any]:
    """The intake card of the client overview (workspace.views.client_overview): the summary's headline for the care
    team, the status alone for a supervisor, nothing for anyone else."""
    user = request.user
    if not policy.allows(access, perms.STATUS, user):
        return {"shown": False}
    intake = Intake.objects.filter(client_id=access.client_id).first()
    can_view = policy.allows(access, perms.VIEW, user)
    panel: dict[str, Any] = {
        "shown": True,
        "intake": intake,
        "status": summary.status_line(intake),
        "can_view": can_view,
        "can_send": policy.allows(access, perms.SEND, user) and services.sendable(record_of(access)),
    }
    if intake is not None and can_view:
        panel["summary"] = summary.for_care_team(intake, record_of(access))
        policy.record_access(user, access, AuditEvent.Action.READ, services.ENTITY, str(intake.pk), perms.VIEW)
    return panel
