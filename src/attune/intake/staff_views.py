"""The intake for the care team: send it, read the summary, mark sections discussed in session with a note; and
the intake card on the client overview (a supervisor sees only that an intake exists and its status)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from attune.care.records import record_of
from attune.core import policy
from attune.intake import inputs, perms, queries, services, summary
from attune.intake.forms import DiscussForm
from attune.intake.models import Intake


@require_GET
def intake_summary(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.VIEW)
    intake = queries.latest_for_care_team(access)
    built = summary.for_care_team(intake, record_of(access).preferred_name) if intake is not None else None
    context = {
        "client": record_of(access),
        "intake": intake,
        "summary": built,
        "can_send": access.can(perms.SEND) and services.sendable(access),
        "can_discuss": access.can(perms.DISCUSS),
        "note_max": inputs.MAX_TEXT,
        "forms": {
            s.link_id: DiscussForm(initial={"discussed": s.discussed, "note": s.record.note if s.record else ""})
            for s in (built.sections if built else [])
        },
    }
    return render(request, "intake/summary.html", context)


@require_POST
def send(request: HttpRequest, client_id: str) -> HttpResponse:
    access = policy.client(request.user, client_id, perms.SEND)
    try:
        services.send(access)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Sent. The intake is waiting on the client's portal home.")
    return redirect("workspace:client", client_id=client_id)


@require_POST
def discuss(request: HttpRequest, client_id: str, intake_id: str, section_id: str) -> HttpResponse:
    # Only an intake of the client named in the path: another client's intake is "not found", as for an outsider.
    rows = Intake.objects.filter(client_id=client_id)
    located = policy.locate(request.user, rows, intake_id, perms.DISCUSS, entity=services.ENTITY)
    form = DiscussForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        try:
            services.record_discussion(
                located, section_id, discussed=form.cleaned_data["discussed"], note=form.cleaned_data["note"]
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
    if not access.can(perms.STATUS):
        return {"shown": False}
    can_view = access.can(perms.VIEW)
    intake = queries.latest_for_care_team(access) if can_view else queries.latest_status(access)
    panel: dict[str, Any] = {
        "shown": True,
        "intake": intake,
        "status": summary.status_line(intake),
        "can_view": can_view,
        "can_send": access.can(perms.SEND) and services.sendable(access),
    }
    if intake is not None and can_view:
        panel["summary"] = summary.for_care_team(intake, record_of(access).preferred_name)
    return panel
