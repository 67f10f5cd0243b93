"""Practice settings: an admin sets the country, time zone, working days and hours and the escalation time; the
demo practices are set up for Great Britain with real UK crisis numbers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from attune.care import crisis
from attune.core.models import AuditEvent
from tests.cast import Cast
from tests.monitoring.helpers import browser_for, post

pytestmark = pytest.mark.django_db


def test_an_admin_sets_the_working_hours_and_escalation(cast: Cast, client_for: Any) -> None:
    practice = cast.practices["northside"]
    ada = browser_for(client_for, cast.ada)
    url = reverse("practice:settings", args=[practice.pk])
    assert "Working days" in ada.get(url).content.decode()
    saved = post(
        ada,
        url,
        {
            "country": "ie",
            "time_zone": "Europe/Dublin",
            "working_days": ["0", "1", "2", "3"],
            "day_starts": "08:30",
            "day_ends": "16:00",
            "escalation_minutes": "20",
        },
    )
    assert saved.status_code == 302
    practice.refresh_from_db()
    assert (practice.country, practice.time_zone, practice.working_days) == ("IE", "Europe/Dublin", [0, 1, 2, 3])
    assert (practice.day_starts, practice.day_ends, practice.escalation_minutes) == (
        datetime.time(8, 30),
        datetime.time(16, 0),
        20,
    )
    assert AuditEvent.objects.filter(entity_type="Organization", reason="practice.settings").exists()


def test_a_day_must_end_after_it_starts(cast: Cast, client_for: Any) -> None:
    practice = cast.practices["northside"]
    ada = browser_for(client_for, cast.ada)
    refused = post(
        ada,
        reverse("practice:settings", args=[practice.pk]),
        {
            "country": "GB",
            "time_zone": "Nowhere/Else",
            "working_days": ["0"],
            "day_starts": "17:00",
            "day_ends": "09:00",
            "escalation_minutes": "1",
        },
    )
    assert refused.status_code == 200
    practice.refresh_from_db()
    assert practice.time_zone == "Europe/London" and practice.escalation_minutes == 30


def test_the_demo_practice_is_set_up_for_great_britain(cast: Cast) -> None:
    from attune.monitoring import demo as monitoring_demo

    monitoring_demo.seed(cast.clients, cast.users)
    northside = cast.practices["northside"]
    assert (northside.country, northside.time_zone, northside.working_days) == ("GB", "Europe/London", [0, 1, 2, 3, 4])
    numbers = {r.name: (r.phone or r.text_line, r.hours) for r in crisis.resources_for(northside.pk)}
    assert numbers["Samaritans"][0] == "116 123" and "24 hours" in numbers["Samaritans"][1]
    assert numbers["Shout"][0] == "Text SHOUT to 85258"
    assert numbers["National Domestic Abuse Helpline"][0] == "0808 2000 247"
    assert numbers["Emergency services"][0] == "999"
