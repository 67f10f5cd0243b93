"""Schedules: the clinician assigns with a timing, due and overdue show on the caseload and the measures page,
the client finds what is due on their portal home with a time estimate, and can set it aside."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from attune.core.models import AuditEvent
from attune.monitoring import queries, services
from attune.monitoring.models import Schedule, SessionRecord
from attune.questionnaires.models import Response
from tests.cast import Cast
from tests.monitoring.helpers import browser_for, configuring, pcl5, post

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def open_portal(client: Any) -> list[Response]:
    return list(Response.objects.filter(client=client, status__in=["assigned", "in-progress"]).order_by("created"))


def test_alice_schedules_phq9_weekly_and_pcl5_fortnightly(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    alice = browser_for(client_for, cast.alice)
    url = reverse("monitoring:schedule_create", args=[dana.pk])
    assert post(alice, url, {"instrument": "phq9", "kind": "weeks", "every": 1}).status_code == 302
    assert post(alice, url, {"instrument": "pcl5", "kind": "weeks", "every": 2}).status_code == 302
    schedules = {s.instrument: (s.kind, s.every, s.starts) for s in Schedule.objects.filter(client=dana)}
    assert schedules == {"phq9": ("weeks", 1, days(0)), "pcl5": ("weeks", 2, days(0))}
    assert AuditEvent.objects.filter(entity_type="ServiceRequest", action="C", agent_id=cast.alice.pk).count() == 2
    page = client_for(cast.alice).get(reverse("questionnaires:client_measures", args=[dana.pk]))
    body = page.content.decode()
    assert "Every week" in body and "Every fortnight" in body and "Due" in body
    # Scheduling put both in the client's portal, once (they are due today), and the page lists them as not
    # yet sent back.
    assert sorted(r.instrument for r in open_portal(dana)) == ["pcl5", "phq9"]
    assert sorted(r.instrument for r in page.context["open"]) == ["pcl5", "phq9"]
    client_for(cast.alice).get(reverse("questionnaires:client_measures", args=[dana.pk]))
    assert len(open_portal(dana)) == 2


def test_the_portal_home_shows_what_is_due_with_an_honest_estimate(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    services.create_schedule(configuring(cast.alice, dana), "phq9", "weeks", 1)
    services.create_schedule(configuring(cast.alice, dana), "pcl5", "weeks", 2)
    home = client_for(cast.dana).get(reverse("workspace:portal"))
    body = home.content.decode()
    assert "about 2 minutes" in body and "about 3 minutes" in body
    assert "Not now" in body
    assert len(open_portal(dana)) == 2
    client_for(cast.dana).get(reverse("workspace:portal"))
    assert len(open_portal(dana)) == 2, "viewing again issues nothing new"
    assert AuditEvent.objects.filter(reason="measures.schedule", agent_role="system").count() == 2


def test_postponing_hides_it_until_the_date_and_the_clinician_sees_it(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    services.create_schedule(configuring(cast.alice, dana), "phq9", "weeks", 1)
    services.issue_due(dana.pk)
    response = open_portal(dana)[0]
    browser = browser_for(client_for, cast.dana)
    moved = post(browser, reverse("monitoring:postpone", args=[response.pk]), {"days": "3"})
    assert moved["Location"] == reverse("workspace:portal")
    response.refresh_from_db()
    assert response.postponed_until == days(3)
    home = client_for(cast.dana).get(reverse("workspace:portal"))
    assert [r.pk for r in home.context["waiting"]] == []
    assert "Set aside for later" in home.content.decode()
    measures = client_for(cast.alice).get(reverse("questionnaires:client_measures", args=[dana.pk]))
    assert f"postponed to {days(3):%-d %b}" in measures.content.decode()
    # Nothing new is issued while it is set aside, and it comes back on its date.
    services.issue_due(dana.pk)
    assert len(open_portal(dana)) == 1
    Response.objects.filter(pk=response.pk).update(postponed_until=days(0))
    assert [r.pk for r in client_for(cast.dana).get(reverse("workspace:portal")).context["waiting"]] == [response.pk]


def test_postponing_is_for_the_client_and_for_open_questionnaires(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    response = services.issue_due(dana.pk) or [Response.objects.create(client=dana, instrument="phq9")]
    pk = response[0].pk
    assert (
        post(browser_for(client_for, cast.alice), reverse("monitoring:postpone", args=[pk]), {"days": "1"}).status_code
        == 403
    )
    assert (
        post(browser_for(client_for, cast.eli), reverse("monitoring:postpone", args=[pk]), {"days": "1"}).status_code
        == 404
    )
    bad = post(browser_for(client_for, cast.dana), reverse("monitoring:postpone", args=[pk]), {"days": "30"})
    assert bad.status_code == 302
    assert Response.objects.get(pk=pk).postponed_until is None


def test_due_and_overdue_on_the_caseload(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    services.create_schedule(configuring(cast.alice, dana), "phq9", "weeks", 1, days(-1))
    services.create_schedule(configuring(cast.alice, dana), "gad7", "weeks", 1, days(-5))
    services.create_schedule(configuring(cast.alice, dana), "pcl5", "weeks", 2, days(3))
    body = client_for(cast.alice).get(reverse("workspace:caseload")).content.decode()
    assert "1 overdue" in body and "1 due" in body
    # Completing the overdue one moves its next date on.
    from tests.monitoring.helpers import complete

    complete(cast.dana, dana, "gad7", [0] * 7)
    states = {s.schedule.instrument: s.due.state for s in queries.due_for([dana.pk])[dana.pk]}
    assert states == {"phq9": "due", "gad7": "upcoming", "pcl5": "upcoming"}


def test_before_each_session_uses_recorded_session_dates(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    services.create_schedule(configuring(cast.alice, dana), "gad7", "session", starts=days(-20))
    assert queries.due_for([dana.pk])[dana.pk][0].due.state == "done"
    alice = browser_for(client_for, cast.alice)
    assert (
        post(alice, reverse("monitoring:session_add", args=[dana.pk]), {"date": days(1).isoformat()}).status_code == 302
    )
    record = SessionRecord.objects.get(client=dana)
    assert (record.date, record.clinician) == (days(1), cast.alice)
    assert queries.due_for([dana.pk])[dana.pk][0].due.state == "overdue"
    post(alice, reverse("monitoring:session_remove", args=[dana.pk, record.pk]))
    assert not SessionRecord.objects.filter(client=dana).exists()


def test_a_new_schedule_replaces_the_old_and_ending_takes_back_what_was_not_started(cast: Cast) -> None:
    dana = cast.client("dana")
    first = services.create_schedule(configuring(cast.alice, dana), "phq9", "weeks", 1)
    issued = open_portal(dana)  # due today: issued when it was made
    second = services.create_schedule(configuring(cast.alice, dana), "phq9", "days", 3)
    first.refresh_from_db()
    assert first.ended is not None and second.ended is None
    assert Response.objects.get(pk=issued[0].pk).status == Response.Status.WITHDRAWN
    services.issue_due(dana.pk)
    services.end_schedule(configuring(cast.alice, dana), second.pk)
    assert not open_portal(dana)


def test_giving_it_in_session_takes_back_the_waiting_copy(cast: Cast) -> None:
    dana = cast.client("dana")
    services.create_schedule(configuring(cast.alice, dana), "pcl5", "weeks", 2)
    waiting = open_portal(dana)[0]
    pcl5(cast.alice, dana, 30)  # in session, on Alice's device
    assert Response.objects.get(pk=waiting.pk).status == Response.Status.WITHDRAWN
    assert queries.due_for([dana.pk])[dana.pk][0].due.state == "upcoming"


def test_a_started_questionnaire_is_never_taken_back(cast: Cast) -> None:
    from tests.questionnaires import acting as questionnaires

    dana = cast.client("dana")
    schedule = services.create_schedule(configuring(cast.alice, dana), "phq9", "weeks", 1)
    waiting = open_portal(dana)[0]
    questionnaires.answer(cast.dana, waiting.pk, "phq9-1", value=1)
    services.end_schedule(configuring(cast.alice, dana), schedule.pk)
    assert Response.objects.get(pk=waiting.pk).status == Response.Status.IN_PROGRESS


def test_schedule_input_is_checked(cast: Cast, client_for: Any) -> None:
    from django.core.exceptions import ValidationError

    dana = cast.client("dana")
    for kind, every, starts in [("hourly", 1, None), ("weeks", 40, None), ("days", 0, None), ("once", 1, days(400))]:
        with pytest.raises(ValidationError):
            services.create_schedule(configuring(cast.alice, dana), "phq9", kind, every, starts)
    with pytest.raises(ValidationError):
        services.create_schedule(configuring(cast.alice, dana), "nope", "weeks", 1)
    alice = browser_for(client_for, cast.alice)
    assert post(alice, reverse("monitoring:schedule_create", args=[dana.pk]), {"instrument": "phq9"}).status_code == 302
    assert not Schedule.objects.filter(client=dana).exists()


def test_only_the_care_team_schedules(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    form = {"instrument": "phq9", "kind": "weeks", "every": 1}
    for who, status in [("dana", 403), ("sam", 403), ("ada", 403), ("frank", 403), ("bob", 404), ("carol", 404)]:
        browser = browser_for(client_for, cast.users[who])
        assert post(browser, reverse("monitoring:schedule_create", args=[dana.pk]), form).status_code == status, who
    assert not Schedule.objects.exists()


def test_viewing_pages_issues_nothing_the_command_does(cast: Cast, client_for: Any) -> None:
    dana = cast.client("dana")
    # A schedule that fell due since it was made (one due on the day it is made is issued then).
    Schedule.objects.create(client=dana, instrument="phq9", kind="weeks", created_by=cast.alice)
    client_for(cast.dana).get(reverse("workspace:portal"))
    client_for(cast.alice).get(reverse("questionnaires:client_measures", args=[dana.pk]))
    assert not open_portal(dana), "GET never writes"
    call_command("schedules", stdout=StringIO())
    home = client_for(cast.dana).get(reverse("workspace:portal"))
    assert [r.instrument for r in home.context["waiting"]] == ["phq9"]


def test_the_command_issues_for_every_client(cast: Cast) -> None:
    # Schedules that fell due since they were made (one due on the day it is made is issued then).
    Schedule.objects.create(client=cast.client("dana"), instrument="phq9", kind="weeks", created_by=cast.alice)
    Schedule.objects.create(client=cast.client("eli"), instrument="gad7", kind="once", created_by=cast.bob)
    out = StringIO()
    call_command("schedules", stdout=out)
    assert "2 questionnaires" in out.getvalue()
    call_command("schedules", stdout=out)
    assert Response.objects.filter(status="assigned").count() == 2


def test_the_tick_issues_what_is_due_and_tells_the_client_neutrally(cast: Cast) -> None:
    from attune.core import ticks
    from attune.notify.models import Notification

    dana = cast.client("dana")
    Schedule.objects.create(client=dana, instrument="phq9", kind="weeks", created_by=cast.alice)
    assert {"monitoring.issue_due", "monitoring.remind"} <= set(ticks.registered())
    ticks.run(timezone.now())
    issued = open_portal(dana)
    assert [r.instrument for r in issued] == ["phq9"]
    told = Notification.objects.filter(recipient=cast.dana, purpose="reminder")
    assert told.exists() and {n.target for n in told} == {"/portal/"}
    ticks.run(timezone.now())  # again: nothing new is issued, nobody is told twice
    assert len(open_portal(dana)) == 1
    assert Notification.objects.filter(recipient=cast.dana, purpose="reminder").count() == told.count()


def test_a_questionnaire_left_waiting_gets_one_gentle_reminder(cast: Cast) -> None:
    from attune.notify.models import Notification

    dana, eli = cast.client("dana"), cast.client("eli")
    waiting = Response.objects.create(client=dana, instrument="gad7", created_by=cast.alice)
    fresh = Response.objects.create(client=eli, instrument="gad7", created_by=cast.bob)
    Response.objects.filter(pk=waiting.pk).update(created=timezone.now() - datetime.timedelta(days=4))
    assert services.remind_waiting(timezone.now()) == 1
    assert services.remind_waiting(timezone.now()) == 1  # looked at again, but the dedupe key holds it to one
    reminders = Notification.objects.filter(dedupe_key__startswith="reminder:")
    assert {n.recipient_id for n in reminders} == {cast.dana.pk}
    assert not Notification.objects.filter(dedupe_key=f"reminder:{fresh.pk}").exists()
    # Set aside by the client: no reminder until it comes back.
    Response.objects.filter(pk=waiting.pk).update(postponed_until=days(2))
    assert services.remind_waiting(timezone.now()) == 0


def test_no_reminder_while_a_safety_alert_is_unresolved(cast: Cast) -> None:
    from attune.monitoring.models import Alert
    from attune.notify.models import Notification

    dana = cast.client("dana")
    alert = Alert.objects.create(client=dana, kind="critical", instrument="phq9", item="phq9-9")
    waiting = Response.objects.create(client=dana, instrument="gad7", created_by=cast.alice)
    Response.objects.filter(pk=waiting.pk).update(created=timezone.now() - datetime.timedelta(days=4))
    services.remind_waiting(timezone.now())
    assert not Notification.objects.filter(dedupe_key=f"reminder:{waiting.pk}").exists()
    # Once the care team has resolved it, the gentle reminder comes.
    Alert.objects.filter(pk=alert.pk).update(status="resolved", resolved=timezone.now())
    services.remind_waiting(timezone.now())
    assert Notification.objects.filter(dedupe_key=f"reminder:{waiting.pk}").exists()
