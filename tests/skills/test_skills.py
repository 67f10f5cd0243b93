"""Skills: practice records (idempotent, optional ratings), recommendations and grounding phrases, through the
services, the pages and the API, for the owner, the care team, insiders without the right, outsiders, the partner
and anonymous visitors."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from attune.core.idempotency import ReplayMismatchError
from attune.core.models import AuditEvent
from attune.skills import library
from attune.skills.models import GroundingPhrase, SkillPractice, SkillRecommendation
from tests.diary import through_policy as diary_calls
from tests.diary.conftest import World
from tests.diary.support import canaries_in, post, send
from tests.skills import through_policy as services

pytestmark = pytest.mark.django_db


def api(name: str, *args: Any) -> str:
    return reverse(f"api:{name}", args=args)


# --- services -------------------------------------------------------------------------------------------------------


def test_a_practice_is_recorded_once_per_key(cast) -> None:
    dana, key = cast.client("dana"), uuid.uuid4()
    data = services.PracticeInput(distress_before=60, distress_after=35, variant="box")
    first, created = services.record_practice(cast.dana, dana.pk, "paced-breathing", key, data)
    again, created_again = services.record_practice(cast.dana, dana.pk, "paced-breathing", key, data)
    assert created and not created_again and first.pk == again.pk and first.change == 25
    with pytest.raises(ReplayMismatchError):
        services.record_practice(cast.dana, dana.pk, "paced-breathing", key, services.PracticeInput(distress_after=10))
    assert AuditEvent.objects.filter(entity_type="SkillPractice", entity_id=str(first.pk), action="C").count() == 1


def test_a_practice_follows_the_diarys_sharing_default(cast) -> None:
    # The diary hands its sharing default to the skills engine (DiaryConfig.ready): skills never imports the diary.
    dana = cast.client("dana")
    private, _ = services.record_practice(cast.dana, dana.pk, "body-scan", uuid.uuid4(), services.PracticeInput())
    diary_calls.set_share_default(cast.dana, dana.pk, True)
    shared, _ = services.record_practice(cast.dana, dana.pk, "body-scan", uuid.uuid4(), services.PracticeInput())
    assert (private.shared, shared.shared) == (False, True)


def test_ratings_are_optional_and_checked(cast) -> None:
    dana = cast.client("dana")
    bare, _ = services.record_practice(cast.dana, dana.pk, "body-scan", uuid.uuid4(), services.PracticeInput())
    assert bare.distress_before is None and bare.change is None
    for bad in ({"distress_before": 101}, {"variant": "box"}, {"note": "x" * 2001}):
        with pytest.raises(ValidationError):
            services.record_practice(cast.dana, dana.pk, "body-scan", uuid.uuid4(), services.PracticeInput(**bad))
    with pytest.raises(ValidationError):
        services.record_practice(cast.dana, dana.pk, "no-such-skill", uuid.uuid4(), services.PracticeInput())


def test_ratings_can_be_added_afterwards(cast) -> None:
    dana = cast.client("dana")
    practice, _ = services.record_practice(
        cast.dana, dana.pk, "body-scan", uuid.uuid4(), services.PracticeInput(distress_before=50)
    )
    updated = services.update_practice(cast.dana, dana.pk, practice.pk, {"distress_after": 30, "shared": True})
    assert updated.change == 20 and updated.shared
    with pytest.raises(PermissionDenied):
        services.update_practice(cast.alice, dana.pk, practice.pk, {"distress_after": 10})


def test_recommending_and_withdrawing(cast) -> None:
    dana = cast.client("dana")
    first = services.recommend(cast.alice, dana.pk, "body-scan")
    assert services.recommend(cast.alice, dana.pk, "body-scan").pk == first.pk
    services.withdraw(cast.alice, dana.pk, "body-scan")
    assert not SkillRecommendation.objects.filter(client=dana, withdrawn__isnull=True).exists()
    for actor in ("dana", "sam", "ada", "frank"):
        with pytest.raises(PermissionDenied):
            services.recommend(getattr(cast, actor), dana.pk, "body-scan")
    with pytest.raises(ValidationError):
        services.recommend(cast.alice, dana.pk, "made-up")


def test_phrases_belong_to_the_client_alone(cast) -> None:
    dana = cast.client("dana")
    phrase = services.add_phrase(cast.dana, dana.pk, "  It is today.  ")
    assert phrase.text == "It is today."
    with pytest.raises(PermissionDenied):
        services.add_phrase(cast.alice, dana.pk, "from alice")
    with pytest.raises(ValidationError):
        services.add_phrase(cast.dana, dana.pk, "   ")
    services.delete_phrase(cast.dana, dana.pk, phrase.pk)
    assert not GroundingPhrase.objects.filter(pk=phrase.pk).exists()


# --- pages ----------------------------------------------------------------------------------------------------------


def skill_pages() -> list[str]:
    return [reverse("skills:library")] + [reverse("skills:skill", args=[s.slug]) for s in library.all_skills()]


def test_the_client_sees_the_library_with_recommended_skills_first(world: World, client_for) -> None:
    browser = client_for(world.cast.dana)
    text = browser.get(reverse("skills:library")).content.decode()
    first_link = text.index('href="/portal/skills/')
    assert text[first_link:].startswith('href="/portal/skills/paced-breathing/"')
    assert "Recommended by your care team" in text
    for url in skill_pages():
        assert browser.get(url).status_code == 200, url
    phrases = browser.get(reverse("skills:skill", args=["grounding-phrases"])).content.decode()
    assert world.phrase.text in phrases


def test_exercise_pages_carry_their_script_and_work_without_it(cast, client_for) -> None:
    browser = client_for(cast.dana)
    pacer = browser.get(reverse("skills:skill", args=["paced-breathing"])).content.decode()
    assert "skills.js" in pacer and 'data-phases="4,4,4,4"' in pacer
    assert "breathe in for 4, hold for 7, breathe out for 8" in pacer  # readable without the script
    senses = browser.get(reverse("skills:skill", args=["grounding-54321"])).content.decode()
    assert "things you can see" in senses and 'data-count="5"' in senses
    assert "Try another skill: Paced breathing" in senses
    assert browser.get(reverse("skills:skill", args=["no-such-skill"])).status_code == 404


def test_recording_a_practice_from_the_page(cast, client_for) -> None:
    browser, key = client_for(cast.dana), uuid.uuid4()
    url = reverse("skills:skill", args=["paced-breathing"])
    data = {"key": str(key), "variant": "478", "rate_before": "on", "distress_before": "70", "distress_after": "40"}
    assert post(browser, url, data).status_code == 302
    practice = SkillPractice.objects.get(key=key)
    assert (practice.variant, practice.distress_before, practice.distress_after) == ("478", 70, None)
    assert post(browser, url, data).status_code == 302  # sent twice, saved once
    assert SkillPractice.objects.filter(key=key).count() == 1


def test_phrases_from_the_page(cast, client_for) -> None:
    browser = client_for(cast.dana)
    assert post(browser, reverse("skills:phrase_add"), {"text": "Breathe out slowly."}).status_code == 302
    phrase = GroundingPhrase.objects.get(client=cast.client("dana"))
    assert post(browser, reverse("skills:phrase_delete", args=[phrase.pk])).status_code == 302
    assert not GroundingPhrase.objects.exists()
    assert post(client_for(cast.eli), reverse("skills:phrase_delete", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("actor", ["alice", "bob", "carol", "frank", "sam", "ada", "rita"])
def test_the_portal_skill_pages_are_for_clients(world: World, client_for, actor: str) -> None:
    browser = client_for(getattr(world.cast, actor))
    for url in skill_pages():
        response = browser.get(url)
        assert response.status_code == 404, (actor, url)
        assert not canaries_in(response)


def test_anonymous_visitors_sign_in_first(client) -> None:
    for url in [*skill_pages(), reverse("skills:catalogue")]:
        assert client.get(url).status_code == 302


def test_staff_read_the_catalogue_and_clients_are_sent_to_their_own(cast, client_for) -> None:
    assert client_for(cast.alice).get(reverse("skills:catalogue")).status_code == 200
    detail = client_for(cast.sam).get(reverse("skills:catalogue_skill", args=["consent-check-in"]))
    assert detail.status_code == 200 and "Respect the answer" in detail.content.decode()
    moved = client_for(cast.dana).get(reverse("skills:catalogue"))
    assert moved.status_code == 302 and moved.headers["Location"] == reverse("skills:library")


@pytest.mark.parametrize(
    ("actor", "read", "write"),
    [("alice", 200, 302), ("dana", 200, 403), ("bob", 404, 404), ("carol", 404, 404), ("frank", 403, 403),
     ("sam", 403, 403), ("ada", 403, 403), ("rita", 404, 404)],
)  # fmt: skip
def test_the_clinicians_skills_page(world: World, client_for, actor: str, read: int, write: int) -> None:
    browser, dana = client_for(getattr(world.cast, actor)), world.dana.pk
    response = browser.get(reverse("skills:client_skills", args=[dana]))
    assert response.status_code == read
    if read == 200 and actor == "alice":
        # The shared body-scan practice is listed; the private one is not.
        assert response.content.decode().count("<td>A gentle body scan</td>") == 1
    assert post(browser, reverse("skills:client_skills", args=[dana]), {"skill": "body-scan"}).status_code == write
    withdraw = post(browser, reverse("skills:client_withdraw", args=[dana, "paced-breathing"]))
    assert withdraw.status_code == write


# --- API ------------------------------------------------------------------------------------------------------------


def test_the_library_over_the_api(cast, client_for) -> None:
    browser = client_for(cast.alice)
    listing = browser.get(api("list_skills")).json()
    assert [s["slug"] for s in listing][:2] == ["grounding-54321", "paced-breathing"]
    detail = browser.get(api("get_skill", "paced-breathing")).json()
    assert detail["patterns"][1] == {"slug": "box", "label": "Box breathing (4-4-4-4)", "phases": [4, 4, 4, 4]}
    assert browser.get(api("get_skill", "nope")).status_code == 404


def test_practices_over_the_api(world: World, client_for) -> None:
    dana, key = world.dana.pk, str(uuid.uuid4())
    browser = client_for(world.cast.dana)
    body = {"key": key, "skill": "grounding-54321", "distress_before": 40, "distress_after": 20}
    assert send(browser, "POST", api("record_skill_practice", dana), body).status_code == 201
    assert send(browser, "POST", api("record_skill_practice", dana), body).status_code == 200
    assert send(browser, "POST", api("record_skill_practice", dana), {**body, "distress_after": 25}).status_code == 422
    practice = SkillPractice.objects.get(key=key)
    patched = send(browser, "PATCH", api("update_skill_practice", dana, practice.pk), {"note": "calmer"})
    assert patched.status_code == 200 and patched.json()["note"] == "calmer"
    team = client_for(world.cast.alice).get(api("list_skill_practices", dana)).json()
    assert [p["id"] for p in team["items"]] == [str(world.shared_skill.pk)]
    assert client_for(world.cast.dana).get(api("list_skill_practices", dana)).json()["count"] == 3


def test_recommendations_over_the_api(world: World, client_for) -> None:
    dana = world.dana.pk
    alice = client_for(world.cast.alice)
    assert send(alice, "POST", api("recommend_skill", dana), {"skill": "body-scan"}).status_code == 201
    listed = client_for(world.cast.dana).get(api("list_recommendations", dana)).json()
    assert {r["skill"] for r in listed} == {"paced-breathing", "body-scan"}
    assert listed[0]["recommended_by"] == "Alice Moreno"
    assert send(alice, "DELETE", api("withdraw_recommendation", dana, "body-scan")).status_code == 204
    assert (
        send(client_for(world.cast.dana), "POST", api("recommend_skill", dana), {"skill": "body-scan"}).status_code
        == 403
    )
    assert (
        send(client_for(world.cast.bob), "POST", api("recommend_skill", dana), {"skill": "body-scan"}).status_code
        == 404
    )


def test_phrases_over_the_api(world: World, client_for) -> None:
    dana = world.dana.pk
    browser = client_for(world.cast.dana)
    assert [p["text"] for p in browser.get(api("list_phrases", dana)).json()] == [world.phrase.text]
    created = send(browser, "POST", api("add_phrase", dana), {"text": "Feet on the floor."})
    assert created.status_code == 201
    assert send(browser, "DELETE", api("delete_phrase", dana, created.json()["id"])).status_code == 204
    for actor, status in (("alice", 403), ("frank", 403), ("bob", 404), ("sam", 403)):
        response = client_for(getattr(world.cast, actor)).get(api("list_phrases", dana))
        assert response.status_code == status, actor
        assert not canaries_in(response)


def test_anonymous_api_callers_get_401(world: World, client) -> None:
    for path in (api("list_skills"), api("list_skill_practices", world.dana.pk), api("list_phrases", world.dana.pk)):
        assert client.get(path).status_code == 401
