"""Alerts: a critical answer shows the crisis resources on the spot and raises one alert; a reliable
deterioration raises one; improvement and cut-off crossings are recorded; the inbox, acknowledging with an
encrypted note, resolving, and the audit trail."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from attune.care.models import CrisisResource
from attune.core import policy
from attune.core.models import AuditEvent
from attune.monitoring import perms, services
from attune.monitoring.models import Alert, ChangeEvent
from tests.cast import CANARIES, Cast, canary
from tests.monitoring.helpers import browser_for, pcl5, phq9, post
from tests.questionnaires import acting as questionnaires

pytestmark = pytest.mark.django_db


@pytest.fixture
def resources(cast: Cast) -> list[CrisisResource]:
    northside = cast.practices["northside"]
    return [
        CrisisResource.objects.create(practice=northside, name="Night Line", phone="0800 000 111", hours="24 hours"),
        CrisisResource.objects.create(practice=northside, name="Text Support", text_line="Text CALM to 00000"),
    ]


def start_phq9(cast: Cast) -> Any:
    response = questionnaires.assign(cast.alice, cast.client("dana").pk, "phq9")
    questionnaires.acknowledge_notice(cast.dana, response.pk)
    return response


def test_a_critical_answer_shows_support_before_the_next_question(cast: Cast, client_for: Any, resources: Any) -> None:
    response = start_phq9(cast)
    dana = browser_for(client_for, cast.dana)
    for number in range(1, 9):
        item = reverse("questionnaires:portal_item", args=[response.pk, f"phq9-{number}"])
        assert post(dana, item, {"answer": "0", "action": "next"}).status_code == 302
    item9 = reverse("questionnaires:portal_item", args=[response.pk, "phq9-9"])
    moved = post(dana, item9, {"answer": "1", "action": "next"})
    support = reverse("monitoring:support", args=[response.pk])
    assert moved["Location"] == support
    page = dana.get(support)
    body = page.content.decode()
    assert page.status_code == 200
    assert "You do not have to carry that alone" in body
    assert "Night Line" in body and "0800 000 111" in body and "Text CALM to 00000" in body
    assert "Continue when you are ready" in body
    assert reverse("questionnaires:portal_resume", args=[response.pk]) in body
    # One alert for the care team, however often the answer is saved (autosave, then Next, then a change back).
    post(dana, item9, {"answer": "1", "action": "next"})
    post(dana, item9, {"answer": "2", "action": "next"})
    alerts = Alert.objects.filter(response=response)
    assert [(a.kind, a.item, a.status) for a in alerts] == [("critical", "phq9-9", "open")]
    assert AuditEvent.objects.filter(entity_type="DetectedIssue", action="C", agent_role="system").count() == 1


def test_an_autosaved_critical_answer_raises_the_alert_too(cast: Cast, client_for: Any) -> None:
    response = start_phq9(cast)
    dana = browser_for(client_for, cast.dana)
    item9 = reverse("questionnaires:portal_item", args=[response.pk, "phq9-9"])
    token = dana.cookies["csrftoken"].value
    saved = dana.post(item9, {"answer": "3"}, HTTP_X_CSRFTOKEN=token, HTTP_X_ATTUNE_AUTOSAVE="1")
    assert saved.status_code == 204
    assert Alert.objects.filter(response=response, kind="critical").count() == 1


def test_a_non_critical_answer_goes_on_to_the_next_question(cast: Cast, client_for: Any) -> None:
    response = start_phq9(cast)
    dana = browser_for(client_for, cast.dana)
    moved = post(dana, reverse("questionnaires:portal_item", args=[response.pk, "phq9-9"]), {"answer": "0"})
    assert "support" not in moved["Location"]
    skipped = post(dana, reverse("questionnaires:portal_item", args=[response.pk, "phq9-9"]), {"answer": "skip"})
    assert "support" not in skipped["Location"]
    # Skipping it is "not known", never "no risk": no alarm, but a gentle check-in for the clinician.
    assert not Alert.objects.filter(response=response, kind="critical").exists()
    assert Alert.objects.filter(response=response, kind="check_in").count() == 1


def test_the_thank_you_page_repeats_the_resources(cast: Cast, client_for: Any, resources: Any) -> None:
    response = phq9(cast.dana, cast.client("dana"), 10, item9=1)
    page = client_for(cast.dana).get(reverse("questionnaires:portal_done", args=[response.pk]))
    assert "Night Line" in page.content.decode()
    assert Alert.objects.filter(response=response, kind="critical").count() == 1


def test_without_configured_resources_the_general_advice_is_shown(cast: Cast, client_for: Any) -> None:
    response = start_phq9(cast)
    questionnaires.answer(cast.dana, response.pk, "phq9-9", value=2)
    page = client_for(cast.dana).get(reverse("monitoring:support", args=[response.pk]))
    assert "local emergency number" in page.content.decode()


def test_the_support_page_is_the_clients_own(cast: Cast, client_for: Any) -> None:
    response = start_phq9(cast)
    for who, status in [("alice", 403), ("eli", 404), ("frank", 403), ("carol", 404)]:
        page = client_for(cast.users[who]).get(reverse("monitoring:support", args=[response.pk]))
        assert page.status_code == status, who


def test_reliable_deterioration_against_the_baseline_and_the_previous_score(cast: Cast) -> None:
    dana = cast.client("dana")
    phq9(cast.dana, dana, 4, days_ago=28)
    phq9(cast.dana, dana, 5, days_ago=14)
    worse = phq9(cast.dana, dana, 12, days_ago=0)
    alert = Alert.objects.get(response=worse)
    assert (alert.kind, alert.against, alert.score, alert.baseline_score, alert.previous_score, alert.threshold) == (
        "deterioration", "baseline,previous", 12, 4, 5, 6,
    )  # fmt: skip
    crossing = ChangeEvent.objects.get(response=worse)
    assert (crossing.kind, crossing.direction, crossing.before, crossing.after) == ("cutoff", "in", 5, 12)


def test_the_baseline_is_chosen_within_the_episode(cast: Cast) -> None:
    from attune.care import services as care

    dana = cast.client("dana")
    phq9(cast.dana, dana, 2, days_ago=60)
    from attune.care import perms as care_perms
    from attune.core import policy

    access = policy.client(cast.alice, dana.pk, care_perms.MANAGE_EPISODES)
    care.close_episode(access, closed=__import__("datetime").date.today(), reason="completed")
    care.open_episode(access)
    phq9(cast.dana, dana, 9, days_ago=10)  # the new episode's baseline
    latest = phq9(cast.dana, dana, 12)
    # Against the old episode's 2 this would be reliable deterioration; against this episode's 9 it is not.
    assert not Alert.objects.filter(response=latest).exists()


def test_improvement_and_crossing_the_cutoff_are_recorded_for_reviews(cast: Cast) -> None:
    dana = cast.client("dana")
    pcl5(cast.dana, dana, 48, days_ago=42)
    second = pcl5(cast.dana, dana, 42, days_ago=28)
    third = pcl5(cast.dana, dana, 31, days_ago=14)
    # 6 points is within the PCL-5's 15-point reliable-change threshold; 17 points, and below 33, are not.
    assert [(e.kind, e.before, e.after) for e in ChangeEvent.objects.filter(response=second)] == []
    assert [(e.kind, e.direction, e.before, e.after) for e in ChangeEvent.objects.filter(response=third)] == [
        ("improvement", "", 48, 31),
        ("cutoff", "out", 42, 31),
    ]
    assert not Alert.objects.filter(client=dana).exists()


def test_the_inbox_lists_the_care_teams_alerts_with_filters(cast: Cast, client_for: Any) -> None:
    dana, eli = cast.client("dana"), cast.client("eli")
    critical = phq9(cast.dana, dana, 9, item9=1)
    phq9(cast.eli, eli, 2, days_ago=20)
    phq9(cast.eli, eli, 15)
    alice = client_for(cast.alice)
    page = alice.get(reverse("monitoring:alerts"))
    assert page.status_code == 200
    assert [r["alert"].client_id for r in page.context["rows"]] == [dana.pk]
    bob_rows = client_for(cast.bob).get(reverse("monitoring:alerts")).context["rows"]
    assert [r["alert"].kind for r in bob_rows] == ["deterioration"]
    sam = client_for(cast.sam)
    assert {r["alert"].client_id for r in sam.get(reverse("monitoring:alerts")).context["rows"]} == {dana.pk, eli.pk}
    assert not any(r["can_act"] for r in sam.get(reverse("monitoring:alerts")).context["rows"])
    only_dana = sam.get(reverse("monitoring:alerts"), {"client": str(dana.pk)}).context["rows"]
    assert [r["alert"].pk for r in only_dana] == [Alert.objects.get(response=critical).pk]
    only_deterioration = sam.get(reverse("monitoring:alerts"), {"kind": "deterioration"}).context["rows"]
    assert [r["alert"].client_id for r in only_deterioration] == [eli.pk]
    # A client id outside the user's alerts is not a valid choice: the filter is ignored, nothing leaks.
    other = alice.get(reverse("monitoring:alerts"), {"client": str(eli.pk)}).context["rows"]
    assert [r["alert"].client_id for r in other] == [dana.pk]
    for who in ("ada", "dana", "frank", "rita"):
        assert client_for(cast.users[who]).get(reverse("monitoring:alerts")).status_code == 403, who


def test_acknowledge_with_an_encrypted_note_then_resolve(cast: Cast, client_for: Any) -> None:
    response = phq9(cast.dana, cast.client("dana"), 9, item9=1)
    alert = Alert.objects.get(response=response)
    note = canary("alert", "ack_note")
    alice = browser_for(client_for, cast.alice)
    done = post(alice, reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": note, "back": "detail"})
    assert done["Location"] == reverse("monitoring:alert", args=[alert.pk])
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.ack_note) == ("acknowledged", cast.alice, note)
    with connection.cursor() as cursor:
        cursor.execute("SELECT ack_note FROM monitoring_alert")
        assert all(note not in (row[0] or "") for row in cursor.fetchall())
    # The care team reads the note; a supervisor sees the alert but never the note.
    assert note in client_for(cast.alice).get(reverse("monitoring:alert", args=[alert.pk])).content.decode()
    supervisor = client_for(cast.sam).get(reverse("monitoring:alert", args=[alert.pk]))
    assert supervisor.status_code == 200 and note not in supervisor.content.decode()
    assert "Acknowledged" in supervisor.content.decode()
    # Acknowledging twice is refused; resolving works once.
    again = post(alice, reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": "again"})
    assert again.status_code == 302
    alert.refresh_from_db()
    assert alert.ack_note == note
    post(alice, reverse("monitoring:alert_resolve", args=[alert.pk]), {"note": "Spoke on the phone."})
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by, alert.resolve_note) == ("resolved", cast.alice, "Spoke on the phone.")
    writes = AuditEvent.objects.filter(entity_type="DetectedIssue", entity_id=str(alert.pk), action="U")
    assert writes.count() == 2 and {e.agent_id for e in writes} == {cast.alice.pk}
    assert not AuditEvent.objects.filter(reason__contains="Spoke").exists()


def test_resolving_an_open_alert_acknowledges_it_too(cast: Cast) -> None:
    alert = Alert.objects.get(response=phq9(cast.dana, cast.client("dana"), 9, item9=1))
    resolved = services.resolve(policy.locate(cast.alice, Alert, alert.pk, perms.ALERTS_ACT, entity=services.ALERT))
    assert resolved.acknowledged_by == cast.alice and resolved.status == "resolved"


def test_only_the_care_team_acts_on_alerts(cast: Cast, client_for: Any) -> None:
    alert = Alert.objects.get(response=phq9(cast.dana, cast.client("dana"), 9, item9=1))
    for who, status in [("sam", 403), ("ada", 403), ("frank", 403), ("dana", 403), ("bob", 404), ("carol", 404)]:
        browser = browser_for(client_for, cast.users[who])
        answer = post(browser, reverse("monitoring:alert_acknowledge", args=[alert.pk]), {"note": "x"})
        assert answer.status_code == status, who
        assert not [c for c in CANARIES if c in answer.content.decode()]
    alert.refresh_from_db()
    assert alert.status == "open"
    assert client_for(None).get(reverse("monitoring:alert", args=[alert.pk])).status_code == 302


def test_alerts_show_on_the_caseload_and_the_overview(cast: Cast, client_for: Any) -> None:
    phq9(cast.dana, cast.client("dana"), 9, item9=1)
    alice = client_for(cast.alice)
    caseload = alice.get(reverse("workspace:caseload")).content.decode()
    assert "1 alert, 1 new" in caseload
    overview = alice.get(reverse("workspace:client", args=[cast.client("dana").pk])).content.decode()
    assert "Critical answer to" in overview and "item 9" in overview
    admin = client_for(cast.ada).get(reverse("workspace:client", args=[cast.client("dana").pk])).content.decode()
    assert "Critical answer" not in admin and "Alerts and what is due" not in admin
    assert "1 alert" not in client_for(cast.ada).get(reverse("workspace:caseload")).content.decode()


def test_an_unknown_alert_is_404_and_audited(cast: Cast, client_for: Any) -> None:
    missing = uuid.uuid4()
    assert client_for(cast.alice).get(reverse("monitoring:alert", args=[missing])).status_code == 404
    assert AuditEvent.objects.filter(entity_id=str(missing), outcome=AuditEvent.Outcome.DENIED).exists()


def test_the_open_alert_page_gives_every_field_its_own_id(cast: Cast, client_for: Any) -> None:
    # The acknowledgement note and the contact outcome are both "note": a label must lead to its own field.
    import re

    response = phq9(cast.dana, cast.client("dana"), 9, item9=1)
    alert = Alert.objects.get(response=response, kind="critical")
    body = client_for(cast.alice).get(reverse("monitoring:alert", args=[alert.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert "contact_note" in ids and "id_note" in ids
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
