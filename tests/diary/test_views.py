"""The diary pages: the client's in the portal and the care team's under the client record, for the owner, an
insider without the right, an outsider, the partner and anonymous visitors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.core.models import AuditEvent
from attune.diary.models import (
    DiaryEntry,
    DiaryPreferences,
    MapStatus,
    NewResponse,
    RelationshipScript,
    ResponsePractice,
)
from tests.diary.conftest import World
from tests.diary.support import canaries_in, post

pytestmark = pytest.mark.django_db

OTHERS_WITHOUT_A_DIARY = ["alice", "bob", "carol", "frank", "sam", "ada", "rita"]


def portal_pages(world: World) -> list[str]:
    return [
        reverse("diary:entries"),
        reverse("diary:log"),
        reverse("diary:entry", args=[world.private_entry.pk]),
        reverse("diary:map"),
        reverse("diary:script_new"),
        reverse("diary:script", args=[world.shield.pk]),
        reverse("diary:response_practice", args=[world.response.pk]),
        reverse("diary:insights"),
    ]


def staff_pages(world: World) -> list[str]:
    dana = world.dana.pk
    return [
        reverse("diary:client_diary", args=[dana]),
        reverse("diary:client_entry", args=[dana, world.shared_entry.pk]),
        reverse("diary:client_map", args=[dana]),
        reverse("diary:client_script", args=[dana, world.shield.pk]),
        reverse("diary:client_script_new", args=[dana]),
        reverse("diary:client_insights", args=[dana]),
    ]


def test_the_owner_sees_every_portal_page(world: World, client_for) -> None:
    browser = client_for(world.cast.dana)
    for url in portal_pages(world):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("actor", OTHERS_WITHOUT_A_DIARY)
def test_people_without_a_diary_of_their_own_get_404_in_the_portal(world: World, client_for, actor: str) -> None:
    browser = client_for(getattr(world.cast, actor))
    for url in portal_pages(world):
        response = browser.get(url)
        assert response.status_code == 404, (actor, url)
        assert not canaries_in(response)


def test_another_client_cannot_reach_danas_rows_from_their_own_portal(world: World, client_for) -> None:
    browser = client_for(world.cast.eli)
    for url in [
        reverse("diary:entry", args=[world.shared_entry.pk]),
        reverse("diary:script", args=[world.shield.pk]),
        reverse("diary:response_practice", args=[world.response.pk]),
    ]:
        response = browser.get(url)
        assert response.status_code == 404, url
        assert not canaries_in(response)
    assert AuditEvent.objects.filter(agent_id=world.cast.eli.pk, outcome=AuditEvent.Outcome.DENIED).count() >= 3


def test_anonymous_visitors_are_sent_to_sign_in(world: World, client) -> None:
    for url in portal_pages(world) + staff_pages(world):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("alice", 200),
        ("dana", 200),
        ("bob", 404),
        ("carol", 404),
        ("rita", 404),
        ("frank", 403),
        ("sam", 403),
        ("ada", 403),
    ],
)
def test_staff_pages_follow_the_policy(world: World, client_for, actor: str, status: int) -> None:
    browser = client_for(getattr(world.cast, actor))
    for url in staff_pages(world):
        response = browser.get(url)
        assert response.status_code == status, (actor, url)
        if status != 200:
            assert not canaries_in(response)


# --- the quick log ---------------------------------------------------------------------------------------------


def quick_log(key: uuid.UUID, **extra: Any) -> dict[str, Any]:
    return {"key": str(key), "trigger_kind": "sense", "distress_before": "65", **extra}


def test_the_quick_log_saves_and_goes_back_to_the_diary(cast, client_for) -> None:
    browser = client_for(cast.dana)
    page = browser.get(reverse("diary:log"))
    assert b'name="key"' in page.content and b'data-draft="diary-new"' in page.content
    key = uuid.uuid4()
    response = post(browser, reverse("diary:log"), quick_log(key))
    assert response.status_code == 302 and response.headers["Location"] == reverse("diary:entries")
    entry = DiaryEntry.objects.get(client=cast.client("dana"), key=key)
    assert (entry.trigger_kind, entry.distress_before, entry.shared) == ("sense", 65, False)
    # The diary page tells the page's script which draft it can forget.
    listing = browser.get(reverse("diary:entries"))
    assert f'data-key="{key}"'.encode() in listing.content


def test_sending_the_quick_log_twice_saves_it_once(cast, client_for) -> None:
    browser, key = client_for(cast.dana), uuid.uuid4()
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    for _ in range(2):
        assert post(browser, reverse("diary:log"), quick_log(key, occurred_at=when)).status_code == 302
    assert DiaryEntry.objects.filter(client=cast.client("dana"), key=key).count() == 1


def test_a_changed_resubmission_is_refused_with_a_way_forward(cast, client_for) -> None:
    browser, key = client_for(cast.dana), uuid.uuid4()
    post(browser, reverse("diary:log"), quick_log(key))
    response = post(browser, reverse("diary:log"), quick_log(key, distress_before="20"))
    assert response.status_code == 422
    saved = DiaryEntry.objects.get(client=cast.client("dana"), key=key)
    assert reverse("diary:entry", args=[saved.pk]).encode() in response.content
    assert str(key).encode() not in response.content  # a fresh key, so "save as new" makes a new entry


def test_the_quick_log_explains_what_is_missing(cast, client_for) -> None:
    response = post(client_for(cast.dana), reverse("diary:log"), {"key": str(uuid.uuid4())})
    assert response.status_code == 200
    assert "Choose the kind that fits best" in response.content.decode()


def test_everything_else_can_be_added_and_shared(world: World, client_for) -> None:
    browser, key = client_for(world.cast.dana), uuid.uuid4()
    data = quick_log(
        key,
        trigger_words="a door slammed",
        body_cues=["tension", "racing_heart"],
        body_areas=["chest"],
        script=str(world.shield.pk),
        did=f"new:{world.response.pk}",
        skill="paced-breathing",
        rate_after="on",
        distress_after="25",
        note="better after",
        shared="on",
    )
    assert post(browser, reverse("diary:log"), data).status_code == 302
    entry = DiaryEntry.objects.get(key=key)
    assert entry.new_response_id == world.response.pk and entry.distress_after == 25 and entry.shared
    assert entry.body_cues == ["racing_heart", "tension"] and entry.body_areas == ["chest"]


def test_editing_an_entry(world: World, client_for) -> None:
    browser, entry = client_for(world.cast.dana), world.private_entry
    page = browser.get(reverse("diary:entry", args=[entry.pk]))
    assert entry.note.encode() in page.content
    data = {
        "version": entry.version,
        "occurred_at": timezone.localtime(entry.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "trigger_kind": "memory",
        "distress_before": "45",
        "note": "rewritten",
        "shared": "on",
    }
    response = post(browser, reverse("diary:entry", args=[entry.pk]), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.trigger_kind, entry.note, entry.shared, entry.version) == ("memory", "rewritten", True, 2)
    stale = post(browser, reverse("diary:entry", args=[entry.pk]), {**data, "version": 1, "note": "older"})
    assert stale.status_code == 200 and "changed since you opened it" in stale.content.decode()


def test_deleting_an_entry(world: World, client_for) -> None:
    browser = client_for(world.cast.dana)
    assert post(browser, reverse("diary:entry_delete", args=[world.private_entry.pk])).status_code == 302
    assert not DiaryEntry.objects.filter(pk=world.private_entry.pk).exists()
    # Nobody else can delete it, and the answer reveals nothing.
    other = client_for(world.cast.alice)
    assert post(other, reverse("diary:entry_delete", args=[world.shared_entry.pk])).status_code == 404


def test_the_sharing_default(cast, client_for) -> None:
    browser = client_for(cast.dana)
    assert post(browser, reverse("diary:share_default"), {"share_by_default": "on"}).status_code == 302
    assert DiaryPreferences.objects.get(client=cast.client("dana")).share_by_default
    assert b'name="shared" checked' in browser.get(reverse("diary:log")).content.replace(b' id="id_shared"', b"")


def test_searching_finds_words_in_encrypted_text(world: World, client_for) -> None:
    browser = client_for(world.cast.dana)
    needle = world.private_entry.note[-12:]
    found = post(browser, reverse("diary:entries"), {"q": needle})
    assert reverse("diary:entry", args=[world.private_entry.pk]).encode() in found.content
    assert reverse("diary:entry", args=[world.shared_entry.pk]).encode() not in found.content
    private_only = browser.get(reverse("diary:entries"), {"visibility": "private"})
    assert reverse("diary:entry", args=[world.shared_entry.pk]).encode() not in private_only.content


# --- the map ------------------------------------------------------------------------------------------------------


def test_the_map_shows_how_often_a_script_appears_and_the_new_response_is_used(world: World, client_for) -> None:
    text = client_for(world.cast.dana).get(reverse("diary:map")).content.decode()
    assert world.shield.name in text and world.own_draft.name in text and world.suggested.name in text
    assert "Showed up 2 times in the past 7 days" in text  # one private and one shared entry
    # The private entry that used it, and both tries in its practice log (one private, one shared).
    assert "New response used 3 times" in text


def test_the_client_adds_a_script_and_a_new_response(cast, client_for) -> None:
    browser = client_for(cast.dana)
    response = post(browser, reverse("diary:script_new"), {"name": "the Fog", "protects": "overwhelm", "then": "map"})
    assert response.status_code == 302
    script = RelationshipScript.objects.get(pk=response.headers["Location"].rstrip("/").split("/")[-1])
    assert script.status == MapStatus.ON_MAP and script.name == "the Fog" and script.drafted_by_client
    post(browser, reverse("diary:response_new", args=[script.pk]), {"description": "Step outside for air"})
    assert NewResponse.objects.get(script=script).status == MapStatus.ON_MAP


def test_the_client_approves_a_suggestion(world: World, client_for) -> None:
    browser = client_for(world.cast.dana)
    response = post(browser, reverse("diary:script_status", args=[world.suggested.pk]), {"status": "on_map"})
    assert response.status_code == 302
    world.suggested.refresh_from_db()
    assert world.suggested.status == MapStatus.ON_MAP


def test_the_practice_log(world: World, client_for) -> None:
    browser, key = client_for(world.cast.dana), uuid.uuid4()
    url = reverse("diary:response_practice", args=[world.response.pk])
    page = browser.get(url).content.decode()
    assert world.private_practice.note in page and world.private_entry.what_i_did in page
    assert post(browser, url, {"key": str(key), "outcome": "helped", "note": "it worked"}).status_code == 302
    assert ResponsePractice.objects.get(key=key).outcome == "helped"


def test_the_clinician_drafts_a_script_and_suggests_a_new_response(world: World, client_for) -> None:
    browser, dana = client_for(world.cast.alice), world.dana
    response = post(browser, reverse("diary:client_script_new", args=[dana.pk]), {"name": "the Mask"})
    assert response.status_code == 302
    draft = RelationshipScript.objects.filter(client=dana, drafted_by=world.cast.alice).latest("created")
    assert draft.status == MapStatus.DRAFT and not draft.drafted_by_client
    post(
        browser,
        reverse("diary:client_response_new", args=[dana.pk, world.shield.pk]),
        {"description": "Ask for a pause"},
    )
    suggestion = NewResponse.objects.filter(script=world.shield, drafted_by=world.cast.alice).get()
    assert suggestion.status == MapStatus.DRAFT
    # On the map, a script changes only with the client.
    refused = post(browser, reverse("diary:client_script", args=[dana.pk, world.shield.pk]), {"name": "renamed"})
    assert refused.status_code == 403


def test_supervisors_and_admins_cannot_draft(world: World, client_for) -> None:
    for actor in ("sam", "ada"):
        browser = client_for(getattr(world.cast, actor))
        assert post(browser, reverse("diary:client_script_new", args=[world.dana.pk]), {"name": "x"}).status_code == 403


def test_the_overview_links_to_the_diary_only_for_those_who_may_read_it(world: World, client_for) -> None:
    url = reverse("workspace:client", args=[world.dana.pk])
    diary = reverse("diary:client_diary", args=[world.dana.pk]).encode()
    assert diary in client_for(world.cast.alice).get(url).content
    assert diary not in client_for(world.cast.sam).get(url).content
    assert diary not in client_for(world.cast.ada).get(url).content


def test_the_portal_home_offers_the_tools_to_clients_only(cast, client_for) -> None:
    assert reverse("diary:log").encode() in client_for(cast.dana).get(reverse("workspace:portal")).content
    assert reverse("diary:log").encode() not in client_for(cast.frank).get(reverse("workspace:portal")).content


def test_insights_page_for_the_client_and_the_care_team(world: World, client_for) -> None:
    text = client_for(world.cast.dana).get(reverse("diary:insights")).content.decode()
    assert "What has helped" in text and "Not enough entries yet" in text
    staff = client_for(world.cast.alice).get(reverse("diary:client_insights", args=[world.dana.pk]))
    assert staff.status_code == 200 and "<svg" in staff.content.decode()
    assert client_for(world.cast.dana).get(reverse("diary:insights"), {"weeks": "99"}).status_code == 200
