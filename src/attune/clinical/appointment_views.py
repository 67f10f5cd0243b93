"""Appointments: the care team's page under the client record (book, cancel, record missed or attended) and the
client's upcoming sessions in the portal, each with a calendar file. Each view reaches the record through the
policy first."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.clinical import calendar, perms, queries, services
from attune.clinical.forms import AppointmentForm, AppointmentStatusForm, RescheduleForm
from attune.clinical.models import AppointmentStatus
from attune.core import forms as shared_forms
from attune.core import policy
from attune.core.policy import Access

DONE = {
    AppointmentStatus.CANCELLED: "The session is cancelled.",
    AppointmentStatus.MISSED: "Recorded as missed.",
    AppointmentStatus.ATTENDED: "Recorded as attended.",
    AppointmentStatus.SCHEDULED: "The session is back on.",
}


def _context(request: HttpRequest, access: Access, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "client": record_of(access),
        "upcoming": queries.upcoming(access),
        "past": queries.past_page(access, request.GET.get("page")),
        "can_manage": access.can(perms.MANAGE_APPOINTMENTS),
        "form": AppointmentForm(),
        "now": timezone.now(),
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
def appointments(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_APPOINTMENTS)
    if request.method == "GET" and access.is_self:
        return redirect("clinical:my_appointments")
    if request.method == "GET":
        return render(request, "clinical/appointments.html", _context(request, access))
    access.require(perms.MANAGE_APPOINTMENTS)
    form = AppointmentForm(request.POST)
    if form.is_valid():
        try:
            services.book(access, form.appointment_input())
        except ValidationError as exc:
            shared_forms.add_errors(form, exc)
        else:
            messages.success(request, "Booked. The client sees it in their portal and is reminded the day before.")
            return redirect("clinical:appointments", client_id=access.client_id)
    return render(request, "clinical/appointments.html", _context(request, access, form=form), status=422)


@require_POST
def appointment_status(request: HttpRequest, client_id: uuid.UUID, appointment_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.MANAGE_APPOINTMENTS, shows=perms.VIEW_APPOINTMENTS)
    found = policy.row_of(access, queries.appointments(access), appointment_id, perms.MANAGE_APPOINTMENTS,
                          entity="Appointment")  # fmt: skip
    form = AppointmentStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose what became of the session.")
        changed = services.set_status(access, found, form.cleaned_data["status"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "clinical/appointments.html", _context(request, access), status=422)
    messages.success(request, DONE[AppointmentStatus(changed.status)])
    return redirect("clinical:appointments", client_id=access.client_id)


@require_POST
def appointment_move(request: HttpRequest, client_id: uuid.UUID, appointment_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.MANAGE_APPOINTMENTS, shows=perms.VIEW_APPOINTMENTS)
    found = policy.row_of(access, queries.appointments(access), appointment_id, perms.MANAGE_APPOINTMENTS,
                          entity="Appointment")  # fmt: skip
    form = RescheduleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose the new date, time and length.")
        moved = services.reschedule(access, found, form.cleaned_data["starts_at"], form.cleaned_data["minutes"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "clinical/appointments.html", _context(request, access), status=422)
    when = timezone.localtime(moved.starts_at).strftime("%A %-d %B, %H:%M")
    messages.success(request, f"Moved to {when}. The client sees the new time, and is reminded the day before.")
    return redirect("clinical:appointments", client_id=access.client_id)


# --- the client's sessions, in the portal ---------------------------------------------------------------------


def my_appointments(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_APPOINTMENTS)
    return render(request, "clinical/my_appointments.html", {"upcoming": queries.upcoming(access)})


def my_appointment_ics(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_APPOINTMENTS)
    found = policy.row_of(access, queries.appointments(access), appointment_id, perms.VIEW_APPOINTMENTS,
                          entity="Appointment")  # fmt: skip
    body = calendar.ics(found, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # A neutral file name too: it shows in the downloads list.
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response
