"""The monitoring API: schedules, alerts and a client's results, for the owner, an insider without the right,
an outsider, a partner and anonymous callers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from attune.monitoring import services
from attune.monitoring.models import Alert, Schedule
from tests.cast import CANARIES, Cast
from tests.monitoring.helpers import configuring, pcl5, phq9

pytestmark = pytest.mark.django_db


def call(app: Any, method: str, url: str, body: Any = None) -> Any:
    if body is None:
        return app.generic(method, url)
    return app.generic(method, url, json.dumps(body), content_type="application/json")


def test_schedules_list_create_and_end(cast: Cast, api_for: Any) -> None:
    dana = cast.client("dana")
    alice = api_for(cast.alice)
    url = reverse("api:create_schedule", args=[dana.pk])
    made = call(alice, "POST", url, {"instrument": "phq9", "kind": "weeks", "every": 1})
    assert made.status_code == 201
    data = made.json()
    assert (data["instrument"], data["kind"], data["every"], data["due"]["state"]) == ("phq9", "weeks", 1, "due")
    fortnightly = call(alice, "POST", url, {"instrument": "pcl5", "kind": "weeks", "every": 2, "starts": "2999-01-01"})
    assert fortnightly.status_code == 422
    listed = call(alice, "GET", reverse("api:list_schedules", args=[dana.pk])).json()
    assert [s["instrument"] for s in listed] == ["phq9"]
    assert call(api_for(cast.sam), "GET", reverse("api:list_schedules", args=[dana.pk])).status_code == 200
    ended = call(alice, "DELETE", reverse("api:end_schedule", args=[dana.pk, data["id"]]))
    assert ended.status_code == 204
    assert Schedule.objects.get(pk=data["id"]).ended is not None
    assert call(alice, "DELETE", reverse("api:end_schedule", args=[dana.pk, data["id"]])).status_code == 404


def test_schedule_operations_refuse_others(cast: Cast, api_for: Any) -> None:
    dana = cast.client("dana")
    body = {"instrument": "phq9", "kind": "weeks"}
    for who, status in [("dana", 403), ("sam", 403), ("frank", 403), ("bob", 404), ("carol", 404)]:
        answer = call(api_for(cast.users[who]), "POST", reverse("api:create_schedule", args=[dana.pk]), body)
        assert answer.status_code == status, who
    assert call(api_for(cast.dana), "GET", reverse("api:list_schedules", args=[dana.pk])).status_code == 403
    from django.test import Client as Anonymous

    assert Anonymous().get(reverse("api:list_schedules", args=[dana.pk])).status_code == 401
    assert not Schedule.objects.exists()


def test_alerts_list_acknowledge_and_resolve(cast: Cast, api_for: Any) -> None:
    dana = cast.client("dana")
    phq9(cast.dana, dana, 11, item9=2)
    alice = api_for(cast.alice)
    listed = call(alice, "GET", reverse("api:list_alerts")).json()
    assert [(a["kind"], a["item"], a["status"]) for a in listed] == [("critical", "phq9-9", "open")]
    assert "ack_note" not in listed[0]
    alert_id = listed[0]["id"]
    acknowledged = call(alice, "POST", reverse("api:acknowledge_alert", args=[alert_id]), {"note": "Called her."})
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    assert Alert.objects.get(pk=alert_id).ack_note == "Called her."
    assert call(alice, "POST", reverse("api:acknowledge_alert", args=[alert_id]), {}).status_code == 422
    assert call(alice, "GET", reverse("api:list_alerts") + "?status=open").json() == []
    assert len(call(alice, "GET", reverse("api:list_alerts") + "?status=acknowledged&kind=critical").json()) == 1
    resolved = call(alice, "POST", reverse("api:resolve_alert", args=[alert_id]), {})
    assert resolved.json()["status"] == "resolved"
    assert call(alice, "POST", reverse("api:resolve_alert", args=[alert_id]), {}).status_code == 422
    assert call(api_for(cast.bob), "GET", reverse("api:list_alerts") + "?status=all").json() == []
    assert call(api_for(cast.sam), "GET", reverse("api:list_alerts") + "?status=all").json()[0]["id"] == alert_id
    assert call(api_for(cast.sam), "POST", reverse("api:resolve_alert", args=[alert_id]), {}).status_code == 403
    for who in ("dana", "frank", "ada", "rita"):
        assert call(api_for(cast.users[who]), "GET", reverse("api:list_alerts")).status_code == 403, who


def test_results_for_the_client_only_where_allowed(cast: Cast, api_for: Any) -> None:
    dana = cast.client("dana")
    pcl5(cast.dana, dana, 48, days_ago=28)
    pcl5(cast.dana, dana, 33, days_ago=14)
    phq9(cast.dana, dana, 12)
    url = reverse("api:list_results", args=[dana.pk])
    assert call(api_for(cast.dana), "GET", url).json() == []
    services.set_visibility(configuring(cast.alice, dana), "pcl5", True)
    mine = call(api_for(cast.dana), "GET", url).json()
    assert [r["instrument"] for r in mine] == ["pcl5"]
    assert (mine[0]["baseline"], mine[0]["latest"], mine[0]["change"], mine[0]["reliable"]) == (48, 33, "better", True)
    assert [p["total"] for p in mine[0]["points"]] == [48, 33]
    assert "band" not in json.dumps(mine)
    clinician = call(api_for(cast.alice), "GET", url).json()
    assert sorted(r["instrument"] for r in clinician) == ["pcl5", "phq9"]
    for who, status in [("frank", 403), ("ada", 403), ("eli", 404), ("carol", 404)]:
        answer = call(api_for(cast.users[who]), "GET", url)
        assert answer.status_code == status, who
        assert not [c for c in CANARIES if c in answer.content.decode()]
