"""The caseload and the alerts inbox cost the same number of queries however many clients, schedules,
responses, sessions and alerts there are (STYLE.md 6, SECURITY.md 30)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune.care.models import CareTeamMember, Client, Episode
from attune.monitoring.models import Alert, Schedule, SessionRecord
from attune.questionnaires.models import Response
from tests.cast import Cast

pytestmark = pytest.mark.django_db


def make_monitored_clients(cast: Cast, count: int, prefix: str) -> list[Client]:
    """Clients of Alice's, each with schedules, completed responses, sessions and two alerts."""
    practice, today, now = cast.practices["northside"], timezone.localdate(), timezone.now()
    clients = Client.objects.bulk_create(
        [Client(practice=practice, preferred_name=f"{prefix} {i:02d}") for i in range(count)]
    )
    CareTeamMember.objects.bulk_create(
        [CareTeamMember(client=c, clinician=cast.alice, role=CareTeamMember.Role.PRIMARY) for c in clients]
    )
    Episode.objects.bulk_create([Episode(client=c, opened=today - datetime.timedelta(days=60)) for c in clients])
    schedules, responses, sessions, alerts = [], [], [], []
    for client in clients:
        # Overdue (never completed, due 10 days ago), due today, and not due for five days.
        for code, starts in (("gad7", -10), ("pcl5", 0), ("ders16", 5)):
            schedules.append(
                Schedule(
                    client=client,
                    instrument=code,
                    kind="weeks",
                    every=1,
                    starts=today + datetime.timedelta(days=starts),
                )
            )
        for weeks in range(4):
            when = now - datetime.timedelta(weeks=weeks + 1)
            responses.append(
                Response(
                    client=client, instrument="phq9", status="completed", submitted=when, total=10 + weeks, scored=True
                )
            )
            sessions.append(SessionRecord(client=client, date=today - datetime.timedelta(weeks=weeks)))
    Schedule.objects.bulk_create(schedules)
    Response.objects.bulk_create(responses)
    SessionRecord.objects.bulk_create(sessions)
    for response in responses[::4]:
        alerts.append(Alert(client_id=response.client_id, response=response, kind="deterioration", instrument="phq9"))
        alerts.append(
            Alert(client_id=response.client_id, response=response, kind="critical", item="phq9-9", instrument="phq9",
                  status="acknowledged", acknowledged_by=cast.alice, acknowledged=now)
        )  # fmt: skip
    Alert.objects.bulk_create(alerts)
    return clients


def count(browser: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200
    return len(queries)


def test_caseload_queries_do_not_grow_with_clients_or_responses(cast: Cast, client_for: Any) -> None:
    alice = client_for(cast.alice)
    caseload = reverse("workspace:caseload")
    alice.get(caseload)  # the first request of a session records it; later ones are steady
    make_monitored_clients(cast, 3, "Few")
    few = count(alice, caseload)
    body = alice.get(caseload).content.decode()
    assert "2 alerts, 1 new" in body and "1 overdue" in body and "1 due" in body
    make_monitored_clients(cast, 20, "Many")
    many = count(alice, caseload)
    print(f"caseload: {few} queries with 4 clients, {many} with 24")
    assert many == few


def test_alerts_inbox_queries_do_not_grow_with_alerts_or_clients(cast: Cast, client_for: Any) -> None:
    alice = client_for(cast.alice)
    inbox = reverse("monitoring:alerts")
    make_monitored_clients(cast, 2, "Few")
    alice.get(inbox)  # the first request records the session and starts the audit chain; later ones are steady
    few = count(alice, inbox)
    assert alice.get(inbox).context["page"].paginator.count == 4
    make_monitored_clients(cast, 10, "Many")
    many = count(alice, inbox)
    assert alice.get(inbox).context["page"].paginator.count == 24
    print(f"alerts inbox: {few} queries with 4 alerts, {many} with 24")
    assert many == few
    # And for a supervisor, who sees two teams.
    sam = client_for(cast.sam)
    sam.get(inbox)
    assert count(sam, inbox) == few


def test_the_alerts_api_is_steady_too(cast: Cast, api_for: Any) -> None:
    app = api_for(cast.alice)
    url = reverse("api:list_alerts")
    make_monitored_clients(cast, 2, "Few")
    app.get(url)
    few = count(app, url)
    make_monitored_clients(cast, 10, "Many")
    assert count(app, url) == few
