"""A private entry leaks nothing (SECURITY.md 4): not its text, not its id, and not its existence. Everything the
care team, the partner and other staff can reach is fetched twice, with and without the client's private rows,
and must be the same byte for byte (apart from per-request tokens)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.urls import reverse

from attune.core.models import AuditEvent
from attune.diary.models import DiaryEntry
from tests.diary import through_policy as services
from tests.diary.conftest import World, private_texts
from tests.diary.support import canaries_in

pytestmark = pytest.mark.django_db

VOLATILE = [
    re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(rb'name="csrf-token" content="[^"]*"'),
    re.compile(rb'nonce="[^"]*"'),
]


def pages(world: World) -> list[str]:
    dana = world.dana.pk
    return [
        reverse("workspace:client", args=[dana]),
        reverse("diary:client_diary", args=[dana]),
        reverse("diary:client_diary", args=[dana]) + "?kind=tone",
        reverse("diary:client_entry", args=[dana, world.private_entry.pk]),
        reverse("diary:client_map", args=[dana]),
        reverse("diary:client_script", args=[dana, world.shield.pk]),
        reverse("diary:client_script", args=[dana, world.own_draft.pk]),
        reverse("diary:client_insights", args=[dana]),
        reverse("diary:client_insights", args=[dana]) + "?weeks=52",
        reverse("skills:client_skills", args=[dana]),
        reverse("workspace:portal"),
        reverse("diary:entries"),
        reverse("diary:insights"),
        reverse("api:list_diary_entries", args=[dana]),
        reverse("api:get_diary_entry", args=[dana, world.private_entry.pk]),
        reverse("api:list_scripts", args=[dana]),
        reverse("api:get_script", args=[dana, world.shield.pk]),
        reverse("api:get_script", args=[dana, world.own_draft.pk]),
        reverse("api:list_response_practice", args=[dana, world.response.pk]),
        reverse("api:get_insights", args=[dana]),
        reverse("api:list_skill_practices", args=[dana]),
        reverse("api:list_recommendations", args=[dana]),
        reverse("api:list_phrases", args=[dana]),
        reverse("api:get_diary_settings", args=[dana]),
    ]


def snapshot(browser: Any, urls: list[str]) -> dict[str, tuple[int, bytes]]:
    out = {}
    for url in urls:
        response = browser.get(url)
        body = response.content
        for pattern in VOLATILE:
            body = pattern.sub(b"", body)
        out[url] = (response.status_code, body)
    return out


def remove_private_rows(world: World) -> None:
    for row in (world.private_entry, world.private_practice, world.private_skill, world.phrase, world.own_draft):
        type(row).objects.filter(pk=row.pk).delete()


@pytest.mark.parametrize("actor", ["alice", "frank", "bob", "carol", "sam", "ada", "rita", "eli"])
def test_nobody_else_can_tell_that_private_rows_exist(world: World, client_for, actor: str) -> None:
    browser = client_for(getattr(world.cast, actor))
    urls = pages(world)
    with_private = snapshot(browser, urls)
    secret_ids = [
        str(r.pk) for r in (world.private_entry, world.private_practice, world.private_skill, world.own_draft)
    ]
    for url, (_status, body) in with_private.items():
        text = body.decode(errors="replace")
        assert not [t for t in private_texts(world) if t in text], (actor, url)
        assert not [i for i in secret_ids if i in text], (actor, url)
    remove_private_rows(world)
    without_private = snapshot(browser, urls)
    for url in urls:
        assert with_private[url] == without_private[url], (actor, url)


def test_the_care_team_sees_the_shared_entry_and_its_words(world: World, client_for) -> None:
    browser = client_for(world.cast.alice)
    listing = browser.get(reverse("diary:client_diary", args=[world.dana.pk]))
    assert world.shared_entry.trigger_words in listing.content.decode()
    one = browser.get(reverse("diary:client_entry", args=[world.dana.pk, world.shared_entry.pk])).content.decode()
    assert world.shared_entry.note in one and world.shared_entry.what_i_did in one
    api = browser.get(reverse("api:list_diary_entries", args=[world.dana.pk])).json()
    assert [item["id"] for item in api["items"]] == [str(world.shared_entry.pk)] and api["count"] == 1


def test_a_private_entry_asked_for_by_id_is_a_404_like_one_that_never_existed(world: World, client_for) -> None:
    browser = client_for(world.cast.alice)
    dana = world.dana.pk
    private = browser.get(reverse("api:get_diary_entry", args=[dana, world.private_entry.pk]))
    missing = browser.get(reverse("api:get_diary_entry", args=[dana, uuid.uuid4()]))
    assert (private.status_code, private.content) == (missing.status_code, missing.content) == (404, missing.content)
    assert AuditEvent.objects.filter(
        agent_id=world.cast.alice.pk, entity_type="DiaryEntry", entity_id=str(world.private_entry.pk),
        outcome=AuditEvent.Outcome.DENIED,
    ).exists()  # fmt: skip


def test_unsharing_takes_effect_on_the_next_request(world: World, client_for) -> None:
    browser = client_for(world.cast.alice)
    url = reverse("diary:client_entry", args=[world.dana.pk, world.shared_entry.pk])
    assert browser.get(url).status_code == 200
    services.update_entry(world.cast.dana, world.dana.pk, world.shared_entry.pk, {"shared": False})
    response = browser.get(url)
    assert response.status_code == 404 and not canaries_in(response)
    assert browser.get(reverse("api:list_diary_entries", args=[world.dana.pk])).json()["count"] == 0


def test_the_partner_gets_nothing_of_the_diary(world: World, client_for) -> None:
    browser = client_for(world.cast.frank)
    for url in pages(world):
        response = browser.get(url)
        assert response.status_code in {403, 404} or url == reverse("workspace:portal"), url
        assert not canaries_in(response), url


def test_insights_for_the_care_team_count_shared_rows_only(world: World, client_for) -> None:
    dana = world.dana.pk
    own = client_for(world.cast.dana).get(reverse("api:get_insights", args=[dana])).json()
    team = client_for(world.cast.alice).get(reverse("api:get_insights", args=[dana])).json()
    assert own["entry_count"] == DiaryEntry.objects.filter(client=world.dana).count() == 2
    assert team["entry_count"] == 1 and team["practice_count"] == 1
    assert own["practice_count"] == 2
