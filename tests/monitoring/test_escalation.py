"""The safety loop: a safety alert tells the primary clinician at once through the outbox (in the answer's
transaction), escalates in working time to the rest of the care team and then to the supervisor, each step
once; a skipped critical item is a gentle check-in; the alert page's answer, safe contact and timeline."""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from attune.care import hours
from attune.care.models import CareTeamMember, SafeContact
from attune.core import events
from attune.monitoring import services
from attune.monitoring.models import Alert, AlertEvent
from attune.notify.models import Notification, NotificationPreference
from tests.cast import CANARIES, Cast, canary
from tests.monitoring.helpers import browser_for, post
from tests.questionnaires import acting as questionnaires

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
WEDNESDAY_10 = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=LONDON)
FRIDAY_1650 = datetime.datetime(2026, 3, 6, 16, 50, tzinfo=LONDON)


def _critical(cast: Cast, value: float = 1) -> Alert:
    response = questionnaires.assign(cast.alice, cast.client("dana").pk, "phq9")
    questionnaires.acknowledge_notice(cast.dana, response.pk)
    questionnaires.answer(cast.dana, response.pk, "phq9-9", value=value)
    return Alert.objects.get(response=response, kind="critical")


def _with_bob(cast: Cast) -> None:
    CareTeamMember.objects.create(client=cast.client("dana"), clinician=cast.bob, role="member")


def _told(alert: Alert) -> list[tuple[str, str, int | None]]:
    rows = AlertEvent.objects.filter(alert=alert, kind="notified").select_related("recipient").order_by("at", "id")
    return [(e.recipient.email.split("@")[0], e.notification.purpose if e.notification else "", e.step) for e in rows]


def test_a_critical_answer_tells_the_primary_clinician_at_once(cast: Cast) -> None:
    with time_machine.travel(WEDNESDAY_10, tick=False):
        alert = _critical(cast)
    [row] = Notification.objects.filter(dedupe_key=f"alert:{alert.pk}:primary")
    assert (row.recipient_id, row.purpose, row.target) == (cast.alice.pk, "alert", f"/alerts/{alert.pk}/")
    assert row.next_attempt_at <= WEDNESDAY_10  # urgent: not held for quiet hours
    assert _told(alert) == [("alice", "alert", 0)]
    assert [e.kind for e in alert.events.all()] == ["raised", "notified"]


def test_a_rolled_back_answer_tells_nobody(cast: Cast) -> None:
    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        _critical(cast)
        assert Notification.objects.exists()
        raise Undo
    assert not Notification.objects.exists() and not Alert.objects.exists() and not AlertEvent.objects.exists()


def test_escalation_inside_working_hours(cast: Cast) -> None:
    _with_bob(cast)
    with time_machine.travel(WEDNESDAY_10, tick=False):
        alert = _critical(cast)
    minutes = datetime.timedelta(minutes=1)
    assert services.escalate_due(WEDNESDAY_10 + 29 * minutes) == 0
    assert services.escalate_due(WEDNESDAY_10 + 30 * minutes) == 1
    assert services.escalate_due(WEDNESDAY_10 + 31 * minutes) == 0  # each step once
    assert _told(alert) == [("alice", "alert", 0), ("bob", "escalation", 1)]
    assert services.escalate_due(WEDNESDAY_10 + 59 * minutes) == 0
    assert services.escalate_due(WEDNESDAY_10 + 60 * minutes) == 1
    assert services.escalate_due(WEDNESDAY_10 + 600 * minutes) == 0
    assert _told(alert) == [("alice", "alert", 0), ("bob", "escalation", 1), ("sam", "escalation", 2)]
    escalated = alert.events.filter(kind="escalated")
    assert [(e.step, e.at) for e in escalated] == [(1, WEDNESDAY_10 + 30 * minutes), (2, WEDNESDAY_10 + 60 * minutes)]
    # Enqueueing again (a tick run twice) writes nothing new: the dedupe keys hold.
    assert Notification.objects.count() == 3


def test_outside_working_hours_the_clock_waits(cast: Cast) -> None:
    _with_bob(cast)
    with time_machine.travel(FRIDAY_1650, tick=False):
        alert = _critical(cast)
    monday = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=LONDON)
    assert services.escalation_due(alert, cast.practices["northside"]) == monday + datetime.timedelta(minutes=20)
    for moment in (
        FRIDAY_1650 + datetime.timedelta(minutes=30),
        datetime.datetime(2026, 3, 7, 12, 0, tzinfo=LONDON),
        monday + datetime.timedelta(minutes=19),
    ):
        assert services.escalate_due(moment) == 0
    assert services.escalate_due(monday + datetime.timedelta(minutes=20)) == 1
    assert _told(alert)[-1] == ("bob", "escalation", 1)


def test_a_step_that_reaches_nobody_is_followed_at_once(cast: Cast) -> None:
    # Dana's team is alice alone: step 1 has nobody, so the supervisor is told when it falls due.
    with time_machine.travel(WEDNESDAY_10, tick=False):
        alert = _critical(cast)
    assert services.escalate_due(WEDNESDAY_10 + datetime.timedelta(minutes=30)) == 1
    assert _told(alert) == [("alice", "alert", 0), ("sam", "escalation", 2)]
    assert list(alert.events.filter(kind="escalated").values_list("step", flat=True)) == [1, 2]


def test_a_primary_clinician_with_everything_off_escalates_at_once(cast: Cast) -> None:
    _with_bob(cast)
    NotificationPreference.objects.create(user=cast.alice, paused=True)
    with time_machine.travel(WEDNESDAY_10, tick=False):
        alert = _critical(cast)
    assert _told(alert) == [("alice", "", 0), ("bob", "escalation", 1)]
    alert.refresh_from_db()
    assert alert.escalation_step == 1


def test_an_acknowledged_alert_escalates_no_further(cast: Cast, client_for: Any) -> None:
    _with_bob(cast)
    with time_machine.travel(WEDNESDAY_10, tick=False):
        alert = _critical(cast)
    alice = browser_for(client_for, cast.alice)
    assert post(alice, reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": ""}).status_code == 302
    assert services.escalate_due(WEDNESDAY_10 + datetime.timedelta(hours=5)) == 0
    assert _told(alert) == [("alice", "alert", 0)]


def test_the_tick_is_registered() -> None:
    from attune.core import ticks

    assert "monitoring.escalate" in ticks.registered()


def test_deterioration_is_not_a_safety_alert(cast: Cast) -> None:
    alert = Alert.objects.create(client=cast.client("dana"), kind="deterioration", instrument="pcl5", score=60)
    assert services.escalate_due(WEDNESDAY_10 + datetime.timedelta(days=3)) == 0
    assert not Notification.objects.exists() and not alert.events.exists()


def test_an_intake_safety_concern_tells_the_primary_clinician(cast: Cast) -> None:
    dana = cast.client("dana")
    with transaction.atomic():
        events.publish(
            events.SafetyConcern(
                client_id=dana.pk, source="intake", source_id=uuid.uuid4(), item="harm", since=WEDNESDAY_10
            )
        )
    alert = Alert.objects.get(kind="intake_safety")
    assert _told(alert) == [("alice", "alert", 0)]


def test_a_skipped_critical_item_is_a_gentle_check_in(cast: Cast, client_for: Any) -> None:
    response = questionnaires.assign(cast.alice, cast.client("dana").pk, "phq9")
    events.publish(
        events.ResponseAnswered(
            client_id=cast.client("dana").pk,
            response_id=response.pk,
            instrument="phq9",
            link_id="phq9-9",
            value=None,
            critical=False,
            critical_item=True,
            skipped=True,
        )
    )
    alert = Alert.objects.get(response=response)
    assert alert.kind == "check_in" and not Notification.objects.exists()
    assert services.escalate_due(WEDNESDAY_10 + datetime.timedelta(days=3)) == 0
    inbox = client_for(cast.alice).get(reverse("monitoring:alerts")).content.decode()
    assert "Check in" in inbox and "was not answered" in inbox


def test_the_alert_page_shows_the_answer_safe_contact_and_timeline(cast: Cast, client_for: Any) -> None:
    with time_machine.travel(WEDNESDAY_10, tick=False):
        alert = _critical(cast)
    contact = SafeContact(client=cast.client("dana"), phone_ok=True, email_ok=None, may_leave_message=False)
    contact.phone = "07700 900123"
    contact.times_to_avoid = "Prefers no calls after 6 pm"
    contact.save()
    alice = browser_for(client_for, cast.alice)
    note = canary("alert_event", "note")
    logged = post(alice, reverse("monitoring:alert_contact", args=[alert.pk]), {"outcome": "reached", "note": note})
    assert logged.status_code == 302
    post(alice, reverse("monitoring:alert_resolve", args=[alert.pk]), {"note": ""})
    page = alice.get(reverse("monitoring:alert", args=[alert.pk])).content.decode()
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in page
    assert "Several days" in page
    assert "Prefers no calls after 6 pm" in page and "07700 900123" in page and "Not said" in page
    assert page.index("Several days") < page.index("Prefers no calls") < page.index("Timeline")
    for words in ("Raised", "Alice Moreno was sent email", "Acknowledged by Alice Moreno", "reached", "Resolved by"):
        assert words in page
    assert note in page
    assert [e.kind for e in alert.events.all()] == [
        "raised", "notified", "acknowledged", "contact", "resolved"
    ]  # fmt: skip
    # A supervisor sees the timeline, never the notes.
    supervisor = client_for(cast.sam).get(reverse("monitoring:alert", args=[alert.pk])).content.decode()
    assert "reached" in supervisor and note not in supervisor
    # Stored encrypted.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM monitoring_alertevent WHERE kind = 'contact'")
        assert note not in str(cursor.fetchall())


def test_notifications_say_nothing_about_the_alert(cast: Cast) -> None:
    _critical(cast)
    for row in Notification.objects.all():
        assert row.purpose in {"alert", "escalation"}
    from attune.notify import channels

    assert channels  # the message itself is notify's one neutral sentence (tests/notify checks its text)
    assert not any(c in str(list(Notification.objects.values())) for c in CANARIES)


def test_when_the_team_next_sees_it(cast: Cast) -> None:
    practice = cast.practices["northside"]
    assert hours.when_seen(practice, WEDNESDAY_10) == ""
    assert hours.when_seen(practice, FRIDAY_1650 + datetime.timedelta(hours=2)) == "on Monday morning"
    assert hours.when_seen(practice, datetime.datetime(2026, 3, 4, 20, 0, tzinfo=LONDON)) == "tomorrow morning"
    assert hours.when_seen(practice, datetime.datetime(2026, 3, 4, 7, 0, tzinfo=LONDON)) == "later this morning"
    # Summer time: 09:00 in London is 08:00 UTC; the hours are wall-clock hours there.
    summer = datetime.datetime(2026, 7, 1, 8, 30, tzinfo=datetime.UTC)
    assert hours.at_work(practice, summer) and not hours.at_work(practice, summer - datetime.timedelta(hours=1))


def test_a_skipped_critical_item_shows_as_unknown_in_pages_csv_and_api(cast: Cast, client_for: Any) -> None:
    from tests.monitoring.helpers import complete

    complete(cast.alice, cast.client("dana"), "phq9", [1] * 8 + [None])
    alice = client_for(cast.alice)
    dana_pk = cast.client("dana").pk
    page = alice.get(reverse("monitoring:progress", args=[dana_pk, "phq9"])).content.decode()
    assert "not answered: not known" in page
    csv_text = alice.get(reverse("monitoring:export_csv", args=[dana_pk])).content.decode()
    assert "critical_unknown" in csv_text
    from tests.authz_requests import api_path

    results = alice.get(api_path("list_results", dana_pk)).json()
    [phq9] = [r for r in results if r["instrument"] == "phq9"]
    assert [p["critical"] for p in phq9["points"]] == ["unknown"]
    assert Alert.objects.filter(kind="check_in").count() == 1  # on submit too (an import takes that path)
