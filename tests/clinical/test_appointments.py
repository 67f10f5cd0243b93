"""Appointments: booking, cancelled and missed sessions, the client's upcoming list and calendar file (a neutral
title and no clinical words), and reminders written to the outbox by the tick, saying nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from attune.clinical import perms, services
from attune.clinical.models import Appointment
from attune.core import policy, ticks
from attune.notify import channels
from attune.notify.models import Notification
from tests.cast import Cast, canary
from tests.diary.support import canaries_in, post, send

pytestmark = pytest.mark.django_db

CLINICAL_WORDS = ("therapy", "therapist", "session", "clinic", "counsel", "treatment", "trauma", "safety", "alert",
                  "PHQ", "GAD", "PCL", "exposure", "couples", "Attune", "Northside")  # fmt: skip


def book(cast: Cast, who: str = "dana", **extra: Any) -> Appointment:
    clinician = cast.alice if who == "dana" else cast.bob
    access = policy.client(clinician, cast.client(who).pk, perms.MANAGE_APPOINTMENTS)
    values = {"starts_at": timezone.now() + datetime.timedelta(hours=20), "minutes": 50,
              "place": canary("appointment", "place"), "video_link": "https://video.example.org/r/abc"}  # fmt: skip
    values.update(extra)
    return services.book(access, services.AppointmentInput(**values))


def test_the_client_sees_upcoming_sessions_and_a_neutral_calendar_file(cast: Cast, client_for: Any) -> None:
    appointment = book(cast, kind="couples")
    browser = client_for(cast.dana)
    page = browser.get(reverse("clinical:my_appointments")).content.decode()
    assert appointment.place in page and "Add to my calendar" in page
    response = browser.get(reverse("clinical:my_appointment_ics", args=[appointment.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="appointment.ics"'
    ics = response.content.decode()
    assert "SUMMARY:Appointment\r\n" in ics and "BEGIN:VEVENT" in ics
    assert "LOCATION:" in ics and "URL:https://video.example.org/r/abc" in ics
    names = [cast.client("dana").preferred_name, cast.alice.display_name, cast.client("dana").practice.name]
    for word in (*CLINICAL_WORDS, *names):
        assert word.lower() not in ics.lower(), word
    start = appointment.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in ics


def test_cancelled_and_missed_sessions_are_recorded(cast: Cast, client_for: Any) -> None:
    soon, past = book(cast), book(cast, starts_at=timezone.now() - datetime.timedelta(hours=3))
    browser, dana = client_for(cast.alice), cast.client("dana").pk
    with pytest.raises(ValidationError):  # a session still to come cannot have been missed
        services.set_status(policy.client(cast.alice, dana, perms.MANAGE_APPOINTMENTS), soon, "missed")
    assert (
        post(browser, reverse("clinical:appointment_status", args=[dana, soon.pk]), {"status": "cancelled"}).status_code
        == 302
    )
    assert (
        post(browser, reverse("clinical:appointment_status", args=[dana, past.pk]), {"status": "missed"}).status_code
        == 302
    )
    assert {a.status for a in Appointment.objects.filter(pk__in=[soon.pk, past.pk])} == {"cancelled", "missed"}
    page = browser.get(reverse("clinical:appointments", args=[dana])).content.decode()
    assert "Cancelled" in page and "Missed" in page
    assert soon.place not in client_for(cast.dana).get(reverse("clinical:my_appointments")).content.decode()


def test_the_tick_reminds_once_with_the_neutral_sentence(cast: Cast, django_capture_on_commit_callbacks: Any) -> None:
    appointment = book(cast)
    cancelled = book(cast)
    services.set_status(policy.client(cast.alice, cast.client("dana").pk, perms.MANAGE_APPOINTMENTS), cancelled,
                        "cancelled")  # fmt: skip
    later = book(cast, starts_at=timezone.now() + datetime.timedelta(days=3))
    assert "clinical.remind_appointments" in ticks.registered()
    with django_capture_on_commit_callbacks(execute=False):
        assert services.remind_upcoming(timezone.now()) == 1
        services.remind_upcoming(timezone.now())  # again: nothing new
    rows = Notification.objects.filter(recipient=cast.dana, dedupe_key__startswith="appointment:")
    assert rows.count() >= 1 and {r.purpose for r in rows} == {"reminder"}
    assert all(str(appointment.pk) in r.dedupe_key for r in rows)
    assert not rows.filter(dedupe_key__contains=str(cancelled.pk)).exists()
    assert not rows.filter(dedupe_key__contains=str(later.pk)).exists()
    message = channels.render(rows.first())
    text = f"{message.subject} {message.body}"
    # notify's one sentence names the sender label the client chose ("Attune" until she picks another).
    for word in (*(w for w in CLINICAL_WORDS if w != "Attune"), "Dana", cast.alice.display_name, appointment.place):
        assert word.lower() not in text.lower(), word
    assert rows.first().target == reverse("clinical:my_appointments")


def test_a_place_or_a_link_is_needed_and_links_are_https(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        book(cast, place="", video_link="")
    with pytest.raises(ValidationError):
        book(cast, video_link="http://insecure.example.org/")


@pytest.mark.parametrize("who", ["dana", "frank", "sam", "ada"])
def test_only_the_care_team_books(cast: Cast, who: str) -> None:
    with pytest.raises(PermissionDenied):
        access = policy.client(getattr(cast, who), cast.client("dana").pk, perms.MANAGE_APPOINTMENTS)
        services.book(access, services.AppointmentInput(timezone.now(), 50, place="Room 1"))


@pytest.mark.parametrize(("who", "status"), [("frank", 403), ("sam", 403), ("bob", 404), ("carol", 404)])
def test_no_one_else_sees_appointments(cast: Cast, client_for: Any, api_for: Any, who: str, status: int) -> None:
    book(cast)
    dana = cast.client("dana").pk
    for response in (
        client_for(getattr(cast, who)).get(reverse("clinical:appointments", args=[dana])),
        api_for(getattr(cast, who)).get(reverse("api:list_appointments", args=[dana])),
    ):
        assert response.status_code == status
        assert not canaries_in(response)


def test_the_api(cast: Cast, api_for: Any) -> None:
    dana, api = cast.client("dana").pk, api_for(cast.alice)
    when = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    made = send(api, "POST", reverse("api:book_appointment", args=[dana]),
                {"starts_at": when, "minutes": 50, "place": "Room 3"})  # fmt: skip
    assert made.status_code == 201
    listed = api_for(cast.dana).get(reverse("api:list_appointments", args=[dana])).json()
    assert [a["place"] for a in listed["upcoming"]] == ["Room 3"]
    cancelled = send(api, "POST", reverse("api:set_appointment_status", args=[dana, made.json()["id"]]),
                     {"status": "cancelled"})  # fmt: skip
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
