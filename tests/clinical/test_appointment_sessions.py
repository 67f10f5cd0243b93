"""Appointments booked in the clinical record are session dates for monitoring's "before each session"
questionnaires: the clinical record publishes typed events (booked, moved, cancelled) and monitoring keeps its
session dates in step, without either importing the other."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.clinical import perms, services
from attune.clinical.models import Appointment
from attune.core import events, policy
from attune.monitoring import perms as monitoring_perms
from attune.monitoring import queries as monitoring_queries
from attune.monitoring import services as monitoring
from attune.monitoring.models import SessionRecord
from attune.questionnaires.models import Response
from tests.cast import Cast
from tests.diary.support import post

pytestmark = pytest.mark.django_db


def _state(cast: Cast, code: str) -> str:
    dana = cast.client("dana")
    states = monitoring_queries.due_for([dana.pk]).get(dana.pk, [])
    return next(s.due.state for s in states if s.schedule.instrument == code)


def _form_time(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_reactions_are_subscribed() -> None:
    for event_type in (events.AppointmentBooked, events.AppointmentRescheduled, events.AppointmentCancelled):
        assert any(h.__module__ == "attune.monitoring.services" for h in events.subscribers(event_type)), event_type


def test_booking_makes_the_before_session_questionnaire_due_in_its_window(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    configure = policy.client(cast.alice, dana.pk, monitoring_perms.CONFIGURE)
    monitoring.create_schedule(configure, "gad7", "session")
    assert _state(cast, "gad7") == "done"  # no session ahead: nothing to prepare for
    browser = client_for(cast.alice)

    # Booked through the page, four days ahead: inside the week before the session, so it is due.
    when = timezone.now() + datetime.timedelta(days=4)
    response = post(
        browser,
        reverse("clinical:appointments", args=[dana.pk]),
        {"starts_at": _form_time(when), "minutes": 50, "kind": "individual", "place": "Room 2"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(client=dana)
    record = SessionRecord.objects.get(appointment_id=appointment.pk)
    assert record.date == timezone.localdate(appointment.starts_at) and record.clinician_id == cast.alice.pk
    assert _state(cast, "gad7") == "due"
    # The tick puts it in the client's portal.
    monitoring.issue_all_due(timezone.localdate())
    assert Response.objects.filter(client=dana, instrument="gad7", status=Response.Status.ASSIGNED).exists()

    # Moved three weeks ahead: the session date moves with it, and the questionnaire waits for its window.
    later = timezone.now() + datetime.timedelta(days=21)
    response = post(
        browser,
        reverse("clinical:appointment_move", args=[dana.pk, appointment.pk]),
        {"starts_at": _form_time(later), "minutes": 60},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.date == timezone.localdate(later)
    assert SessionRecord.objects.filter(appointment_id=appointment.pk).count() == 1
    assert _state(cast, "gad7") == "upcoming"

    # Cancelled: the date drops out, and nothing is due before a session that will not happen.
    response = post(
        browser, reverse("clinical:appointment_status", args=[dana.pk, appointment.pk]), {"status": "cancelled"}
    )
    assert response.status_code == 302
    assert not SessionRecord.objects.filter(client=dana).exists()
    assert _state(cast, "gad7") == "done"

    # Put back on: it is a session date again.
    post(browser, reverse("clinical:appointment_status", args=[dana.pk, appointment.pk]), {"status": "scheduled"})
    assert SessionRecord.objects.get(appointment_id=appointment.pk).date == timezone.localdate(later)


def test_a_date_recorded_by_hand_and_a_booked_session_on_the_same_day_live_side_by_side(cast: Cast) -> None:
    dana = cast.client("dana")
    when = timezone.now() + datetime.timedelta(days=3)
    configure = policy.client(cast.alice, dana.pk, monitoring_perms.CONFIGURE)
    by_hand = monitoring.record_session(configure, timezone.localdate(when))
    appointment = services.book(
        policy.client(cast.alice, dana.pk, perms.MANAGE_APPOINTMENTS),
        services.AppointmentInput(starts_at=when, minutes=50, place="Room 1"),
    )
    assert SessionRecord.objects.filter(client=dana).count() == 2
    assert monitoring_queries.session_dates(dana) == [timezone.localdate(when)]
    # The booked one is removed by cancelling the appointment, not from the measures page.
    booked = SessionRecord.objects.get(appointment_id=appointment.pk)
    with pytest.raises(Exception, match="appointment book"):
        monitoring.remove_session(policy.client(cast.alice, dana.pk, monitoring_perms.CONFIGURE), booked.pk)
    monitoring.remove_session(policy.client(cast.alice, dana.pk, monitoring_perms.CONFIGURE), by_hand.pk)
    assert list(SessionRecord.objects.filter(client=dana)) == [booked]


def test_a_move_that_fails_changes_nothing(cast: Cast) -> None:
    dana = cast.client("dana")
    access = policy.client(cast.alice, dana.pk, perms.MANAGE_APPOINTMENTS)
    appointment = services.book(
        access,
        services.AppointmentInput(starts_at=timezone.now() + datetime.timedelta(days=2), minutes=50, place="Room 1"),
    )
    services.set_status(access, appointment, "cancelled")
    with pytest.raises(Exception, match="Only a booked session"):
        services.reschedule(access, appointment, timezone.now() + datetime.timedelta(days=5), 50)
    assert not SessionRecord.objects.filter(client=dana).exists()
