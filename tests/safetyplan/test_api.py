"""The safety plan API as an app uses it: the plan with its two parts, a step saved with optimistic concurrency,
versions and restore, the sharing choice, reviewed together, and the support network."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.diary.support import send
from tests.safetyplan.conftest import World

pytestmark = pytest.mark.django_db


def test_the_client_reads_and_changes_their_plan(world: World, client_for: Any) -> None:
    dana = client_for(world.cast.dana)
    pk = world.dana.pk
    plan = dana.get(reverse("api:get_safety_plan", args=[pk])).json()
    assert plan["exists"] and plan["version"] == 8 and plan["sharing"] == "safety" and plan["has_photo"]
    assert plan["relationship"]["checklist"] == ["id", "phone"]
    url = reverse("api:save_safety_plan_step", args=[pk])
    saved = send(dana, "PUT", url, {"step": "reasons", "values": {"text": "The sea"}, "version": 8})
    assert saved.status_code == 200 and saved.json()["version"] == 9
    assert saved.json()["steps"]["reasons"] == {"text": "The sea"}
    stale = send(dana, "PUT", url, {"step": "reasons", "values": {"text": "Lost"}, "version": 8})
    assert stale.status_code == 409
    unknown = send(dana, "PUT", url, {"step": "reasons", "values": {"text": "x", "colour": "red"}})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "colour"
    bad_phone = send(dana, "PUT", url, {"step": "professionals", "values": {"services": [{"phone": "abc"}]}})
    assert bad_phone.status_code == 422


def test_versions_restore_and_sharing(world: World, client_for: Any) -> None:
    dana = client_for(world.cast.dana)
    pk = world.dana.pk
    listed = dana.get(reverse("api:list_safety_plan_versions", args=[pk])).json()
    assert listed["count"] == 8 and listed["items"][0]["number"] == 8
    first = listed["items"][-1]
    restored = send(dana, "POST", reverse("api:restore_safety_plan_version", args=[pk, first["id"]]), {"version": 8})
    assert restored.status_code == 200 and restored.json()["version"] == 9
    assert send(dana, "PUT", reverse("api:update_safety_plan_sharing", args=[pk]), {"sharing": "all"}).json() == {
        "sharing": "all"
    }
    alice = client_for(world.cast.alice).get(reverse("api:get_safety_plan", args=[pk])).json()
    assert alice["relationship"] == {} and alice["steps"]["warning_signs"]["text"].startswith("CANARY-")


def test_reviewed_together_and_the_network(world: World, client_for: Any) -> None:
    pk = world.dana.pk
    alice = client_for(world.cast.alice)
    today = timezone.localdate().isoformat()
    marked = send(alice, "POST", reverse("api:mark_safety_plan_reviewed", args=[pk]), {"reviewed_on": today})
    assert marked.status_code == 200 and marked.json()["reviewed_on"] == today
    dana = client_for(world.cast.dana)
    added = send(dana, "POST", reverse("api:add_support_person", args=[pk]), {"name": "Priya", "phone": "+44 1632"})
    assert added.status_code == 201 and added.json()["name"] == "Priya"
    person = added.json()["id"]
    changed = send(dana, "PATCH", reverse("api:update_support_person", args=[pk, person]), {"safe_to_contact": "no"})
    assert changed.json()["safe_to_contact"] == "no" and changed.json()["name"] == "Priya"
    assert send(dana, "DELETE", reverse("api:delete_support_person", args=[pk, person])).status_code == 204
    assert len(dana.get(reverse("api:list_support_people", args=[pk])).json()) == 2
