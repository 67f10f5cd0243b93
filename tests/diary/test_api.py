"""The diary API: entries (idempotent), settings, scripts, new responses, practice logs and insights, for the
owner, the care team, an insider without the right, an outsider, the partner and anonymous callers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.diary.models import DiaryEntry, MapStatus
from tests.diary.conftest import World
from tests.diary.support import canaries_in, send

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


def entry_body(key: uuid.UUID | None = None, **extra: Any) -> dict[str, Any]:
    return {"key": str(key or uuid.uuid4()), "trigger_kind": "touch", "distress_before": 55, **extra}


def test_create_replay_and_conflict(cast, client_for) -> None:
    browser, dana, key = client_for(cast.dana), cast.client("dana"), uuid.uuid4()
    body = entry_body(key, occurred_at=timezone.now().isoformat(), note="n", body_cues=["heat"])
    first = send(browser, "POST", url("create_diary_entry", dana.pk), body)
    assert first.status_code == 201, first.content
    again = send(browser, "POST", url("create_diary_entry", dana.pk), body)
    assert again.status_code == 200 and again.json() == first.json()
    conflict = send(browser, "POST", url("create_diary_entry", dana.pk), {**body, "distress_before": 56})
    assert conflict.status_code == 422 and "already saved" in conflict.json()["detail"]
    assert DiaryEntry.objects.filter(client=dana, key=key).count() == 1


def test_invalid_entries_get_422(cast, client_for) -> None:
    browser, dana = client_for(cast.dana), cast.client("dana")
    for bad in (
        {"trigger_kind": "weather"},
        {"distress_before": 101},
        {"body_cues": ["glowing"]},
        {"skill": "nope"},
    ):
        response = send(browser, "POST", url("create_diary_entry", dana.pk), entry_body(**bad))
        assert response.status_code == 422, bad


def test_read_update_delete(world: World, client_for) -> None:
    browser, dana, entry = client_for(world.cast.dana), world.dana, world.private_entry
    got = browser.get(url("get_diary_entry", dana.pk, entry.pk)).json()
    assert got["note"] == entry.note and got["shared"] is False
    patched = send(browser, "PATCH", url("update_diary_entry", dana.pk, entry.pk), {"shared": True, "version": 1})
    assert patched.status_code == 200 and patched.json()["shared"] is True and patched.json()["version"] == 2
    stale = send(browser, "PATCH", url("update_diary_entry", dana.pk, entry.pk), {"note": "x", "version": 1})
    assert stale.status_code == 409
    assert send(browser, "DELETE", url("delete_diary_entry", dana.pk, entry.pk)).status_code == 204
    assert browser.get(url("get_diary_entry", dana.pk, entry.pk)).status_code == 404


def test_listing_filters_and_searches(world: World, client_for) -> None:
    browser, dana = client_for(world.cast.dana), world.dana
    everything = browser.get(url("list_diary_entries", dana.pk)).json()
    assert everything["count"] == 2
    needle = world.shared_entry.trigger_words[-10:]
    found = send(browser, "POST", url("search_diary_entries", dana.pk), {"q": needle}).json()
    assert [i["id"] for i in found["items"]] == [str(world.shared_entry.pk)]
    # Words in a URL are not a search: the list ignores them (they would sit in logs).
    assert browser.get(url("list_diary_entries", dana.pk), {"q": needle}).json()["count"] == 2
    assert browser.get(url("list_diary_entries", dana.pk), {"kind": "memory"}).json()["count"] == 0
    assert browser.get(url("list_diary_entries", dana.pk), {"kind": "nonsense"}).status_code == 422


def test_settings(cast, client_for) -> None:
    browser, dana = client_for(cast.dana), cast.client("dana")
    assert browser.get(url("get_diary_settings", dana.pk)).json() == {"share_by_default": False}
    assert send(browser, "PUT", url("update_diary_settings", dana.pk), {"share_by_default": True}).status_code == 200
    created = send(browser, "POST", url("create_diary_entry", dana.pk), entry_body())
    assert created.json()["shared"] is True
    assert client_for(cast.alice).get(url("get_diary_settings", dana.pk)).status_code == 403


@pytest.mark.parametrize(
    ("actor", "read", "write"),
    [("alice", 200, 403), ("bob", 404, 404), ("carol", 404, 404), ("frank", 403, 403), ("sam", 403, 403),
     ("ada", 403, 403), ("rita", 404, 404), ("eli", 404, 404)],
)  # fmt: skip
def test_who_may_read_and_write_danas_diary(world: World, client_for, actor: str, read: int, write: int) -> None:
    browser, dana = client_for(getattr(world.cast, actor)), world.dana
    for path in (url("list_diary_entries", dana.pk), url("get_insights", dana.pk), url("list_scripts", dana.pk)):
        response = browser.get(path)
        assert response.status_code == read, path
        if read != 200:
            assert not canaries_in(response)
    response = send(browser, "POST", url("create_diary_entry", dana.pk), entry_body())
    assert response.status_code == write
    assert (
        send(browser, "PATCH", url("update_diary_entry", dana.pk, world.shared_entry.pk), {"note": "x"}).status_code
        == write
    )


def test_anonymous_callers_get_401(world: World, client) -> None:
    dana = world.dana.pk
    for method, path in [
        ("GET", url("list_diary_entries", dana)),
        ("POST", url("create_diary_entry", dana)),
        ("GET", url("get_insights", dana)),
        ("GET", url("list_scripts", dana)),
        ("POST", url("create_script", dana)),
    ]:
        response = client.generic(method, path, "{}", content_type="application/json")
        assert response.status_code == 401, path


def test_scripts_through_the_api(world: World, client_for) -> None:
    dana = world.dana.pk
    alice, client = client_for(world.cast.alice), client_for(world.cast.dana)
    drafted = send(alice, "POST", url("create_script", dana), {"name": "the Wall", "body_cues": ["numbness"]})
    assert drafted.status_code == 201 and drafted.json()["status"] == MapStatus.DRAFT
    script_id = drafted.json()["id"]
    # Alice cannot approve; Dana can.
    assert send(alice, "POST", url("set_script_status", dana, script_id), {"status": "on_map"}).status_code == 403
    approved = send(client, "POST", url("set_script_status", dana, script_id), {"status": "on_map"})
    assert approved.status_code == 200 and approved.json()["status"] == MapStatus.ON_MAP
    assert send(alice, "PATCH", url("update_script", dana, script_id), {"name": "x"}).status_code == 403
    assert send(client, "PATCH", url("update_script", dana, script_id), {"name": "the Wall, mine"}).status_code == 200
    suggestion = send(alice, "POST", url("create_new_response", dana, script_id), {"description": "Say what I feel"})
    assert suggestion.status_code == 201 and suggestion.json()["status"] == MapStatus.DRAFT
    response_id = suggestion.json()["id"]
    assert (
        send(alice, "PATCH", url("update_new_response", dana, response_id), {"description": "edit"}).status_code == 200
    )
    on_map = send(client, "POST", url("set_new_response_status", dana, response_id), {"status": "on_map"})
    assert on_map.json()["status"] == MapStatus.ON_MAP
    logged = send(
        client, "POST", url("log_response_practice", dana, response_id), {"key": str(uuid.uuid4()), "shared": True}
    )
    assert logged.status_code == 201
    log = alice.get(url("list_response_practice", dana, response_id)).json()
    assert len(log) == 1
    listing = alice.get(url("list_scripts", dana)).json()
    wall = next(s for s in listing if s["id"] == script_id)
    assert wall["new_responses"][0]["uses_total"] == 1


def test_a_clients_own_draft_is_not_listed_for_the_care_team(world: World, client_for) -> None:
    dana = world.dana.pk
    team = {s["id"] for s in client_for(world.cast.alice).get(url("list_scripts", dana)).json()}
    own = {s["id"] for s in client_for(world.cast.dana).get(url("list_scripts", dana)).json()}
    assert str(world.own_draft.pk) in own and str(world.own_draft.pk) not in team
    assert str(world.suggested.pk) in team and str(world.shield.pk) in team
    assert client_for(world.cast.alice).get(url("get_script", dana, world.own_draft.pk)).status_code == 404


def test_insights_report_the_small_sample_rule(world: World, client_for) -> None:
    data = client_for(world.cast.dana).get(url("get_insights", world.dana.pk)).json()
    by_skill = {s["skill"]: s for s in data["skills"]}
    assert by_skill["body-scan"]["uses"] == 2 and not by_skill["body-scan"]["enough"]
    assert by_skill["body-scan"]["mean_drop"] is None
    assert len(data["weeks"]) == 12 and len(data["new_response_uses"]) == 12
    assert sum(sum(t["counts"]) for t in data["triggers"]) == data["entry_count"] == 2
    assert client_for(world.cast.dana).get(url("get_insights", world.dana.pk), {"weeks": 0}).status_code == 422
