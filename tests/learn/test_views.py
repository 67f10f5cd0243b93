"""The portal and staff pages: every page renders for its owner; the rehearsal flow and the writing flows work as a
browser posts them; the care team sees only what is shared; suggestions come first for the client."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from attune.learn.models import NarrativePiece, Rehearsal, ThoughtRecord
from attune.skills.models import GroundingPhrase, SkillPractice
from tests.diary.support import canaries_in, post
from tests.learn.conftest import World, private_texts

pytestmark = pytest.mark.django_db


def test_every_portal_page_renders_for_the_client(world: World, client_for: object) -> None:
    browser = client_for(world.cast.dana)  # type: ignore[operator]
    urls = [
        reverse("learn:home"),
        reverse("learn:module", args=["threat-responses"]),
        reverse("learn:saved"),
        reverse("learn:rehearsal", args=["saying-not-now"]),
        reverse("learn:run", args=[world.private_run.pk]),
        reverse("learn:phrases") + "?start=Not%20now.",
        reverse("learn:pause"),
        reverse("learn:thought_records"),
        reverse("learn:thought_new"),
        reverse("learn:thought_new") + "?window=above",
        reverse("learn:thought_new") + "?window=inside",
        reverse("learn:thought_record", args=[world.private_record.pk]),
        reverse("learn:thought_record", args=[world.private_record.pk]) + "?edit=1",
        reverse("learn:pieces"),
        reverse("learn:piece_new", args=["letter"]) + "?window=below&go=1",
        reverse("learn:piece", args=[world.letter.pk]) + "?saved=1",
        reverse("learn:piece", args=[world.letter.pk]) + "?edit=1",
    ]
    for url in urls:
        response = browser.get(url)
        assert response.status_code == 200, url
    home = browser.get(reverse("learn:home")).content.decode()
    assert "Suggested by your care team" in home and "Fight, flight, freeze, fawn" in home
    record = browser.get(reverse("learn:thought_record", args=[world.private_record.pk])).content.decode()
    assert world.shield.name in record and "A tone of voice" in record


def test_the_window_check_comes_first_and_offers_grounding_outside_the_window(world: World, client_for: object) -> None:
    browser = client_for(world.cast.dana)  # type: ignore[operator]
    check = browser.get(reverse("learn:piece_new", args=["letter"])).content.decode()
    assert "where are you right now?" in check and 'name="body"' not in check
    above = browser.get(reverse("learn:piece_new", args=["letter"]) + "?window=above").content.decode()
    assert "ground first" in above and "Carry on gently" in above and 'name="body"' not in above
    inside = browser.get(reverse("learn:piece_new", args=["letter"]) + "?window=inside").content.decode()
    assert 'name="body"' in inside and 'value="inside"' in inside


def test_a_rehearsal_in_the_browser_branches_and_saves(world: World, client_for: object) -> None:
    browser = client_for(world.cast.dana)  # type: ignore[operator]
    start = post(
        browser, reverse("learn:rehearsal", args=["saying-not-now"]), {"distress_before": "40", "rate_before": "on"}
    )
    run_url = start["Location"]
    run = Rehearsal.objects.get(pk=run_url.rstrip("/").split("/")[-1])
    assert run.distress_before == 40
    for choice in ("0", "1"):
        answer = post(browser, run_url, {"action": "choose", "choice": choice})
        assert answer.status_code == 302
    page = browser.get(run_url).content.decode()
    assert "What this reply protects" in page and "Go on with this reply" in page
    post(browser, run_url, {"action": "choose", "choice": "", "own_words": "Not tonight, stay close"})
    assert post(browser, run_url, {"action": "on"}).status_code == 302
    post(browser, run_url, {"action": "choose", "choice": "0"})
    post(browser, run_url, {"action": "on"})
    assert "The end of this conversation" in browser.get(run_url).content.decode()
    done = post(browser, run_url, {"action": "finish", "distress_after": "20", "rate_after": "on", "note": "ok"})
    assert done.status_code == 302
    run.refresh_from_db()
    assert run.finished and run.distress_after == 20 and run.shared is False and len(run.steps) == 4
    assert run.own_list() == ["Not tonight, stay close"]
    # A reply that was not offered is refused with the conversation intact.
    again = post(browser, reverse("learn:rehearsal", args=["saying-not-now"]), {})
    refused = post(browser, again["Location"], {"action": "choose", "choice": "99"})
    assert refused.status_code == 422 and "Choose one of the replies shown." in refused.content.decode()


def test_phrase_builder_and_pause(world: World, client_for: object) -> None:
    browser = client_for(world.cast.dana)  # type: ignore[operator]
    saved = post(browser, reverse("learn:phrases"), {"text": "I'd like to slow down, and stay close."})
    assert saved.status_code == 302
    assert any(p.text.startswith("I'd like to slow down") for p in GroundingPhrase.objects.filter(client=world.dana))
    empty = post(browser, reverse("learn:phrases"), {"text": ""})
    assert empty.status_code == 422
    key = str(uuid.uuid4())
    assert post(browser, reverse("learn:pause"), {"key": key}).status_code == 302
    assert SkillPractice.objects.filter(client=world.dana, skill="pause-and-reflect", key=key).count() == 1


def test_writing_a_thought_record_keeps_what_was_typed_on_an_error(world: World, client_for: object) -> None:
    browser = client_for(world.cast.dana)  # type: ignore[operator]
    url = reverse("learn:thought_new") + "?window=inside"
    form = {"window": "inside", "situation": "On the bus home", "feeling_0": "worried", "before_0": "150"}
    refused = post(browser, url, form)
    assert refused.status_code == 422 and "On the bus home" in refused.content.decode()
    form.update(before_0="70", after_0="40", thought="I'll let them down", script=str(world.shield.pk))
    saved = post(browser, url, form)
    assert saved.status_code == 302 and "saved=1" in saved["Location"]
    record = ThoughtRecord.objects.filter(client=world.dana).order_by("-created").first()
    assert record is not None and record.script_id == world.shield.pk and record.shared is False
    after = browser.get(saved["Location"]).content.decode()
    assert "Before you go" in after and "Private: only you can see it." in after


def test_share_and_remove_one_piece(world: World, client_for: object) -> None:
    browser = client_for(world.cast.dana)  # type: ignore[operator]
    post(browser, reverse("learn:share", args=["writing", world.letter.pk]), {"shared": "1"})
    assert NarrativePiece.objects.get(pk=world.letter.pk).shared is True
    kept = post(browser, reverse("learn:delete", args=["writing", world.letter.pk]), {})
    assert kept.status_code == 302 and NarrativePiece.objects.filter(pk=world.letter.pk).exists()
    post(browser, reverse("learn:delete", args=["writing", world.letter.pk]), {"confirm": "yes"})
    assert not NarrativePiece.objects.filter(pk=world.letter.pk).exists()


def test_the_clinician_sees_what_is_shared_and_suggests(world: World, client_for: object) -> None:
    browser = client_for(world.cast.alice)  # type: ignore[operator]
    page = browser.get(reverse("learn:client_learn", args=[world.dana.pk]))
    assert page.status_code == 200
    assert not set(private_texts(world)) & set(canaries_in(page))
    record = browser.get(reverse("learn:client_thought_record", args=[world.dana.pk, world.shared_record.pk]))
    assert world.shared_record.thought in record.content.decode() and world.shield.name in record.content.decode()
    assert (
        browser.get(reverse("learn:client_thought_record", args=[world.dana.pk, world.private_record.pk])).status_code
        == 404
    )
    assert browser.get(reverse("learn:client_piece", args=[world.dana.pk, world.letter.pk])).status_code == 404
    run = browser.get(reverse("learn:client_rehearsal", args=[world.dana.pk, world.shared_run.pk])).content.decode()
    assert world.shared_run.own_list()[0] in run
    suggested = post(browser, reverse("learn:client_learn", args=[world.dana.pk]), {"what": "exercise:externalising"})
    assert suggested.status_code == 302
    assert "Naming the story" in browser.get(reverse("learn:client_learn", args=[world.dana.pk])).content.decode()
    shared_insights = browser.get(reverse("diary:client_insights", args=[world.dana.pk])).content.decode()
    assert "plus 3 shared rehearsals, thought records or pieces of writing" in shared_insights
    assert "Consent rehearsals" in shared_insights and "Thought records" in shared_insights
    catalogue = browser.get(reverse("learn:catalogue_module", args=["threat-responses"])).content.decode()
    assert "Kozlowska" in catalogue and "review by" in catalogue
