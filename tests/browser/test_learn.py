"""Learning and narrative work in real browsers (issue 16).

Dana rehearses saying "not now" and staying close: she reads her partner's line, tries three replies (each with a
gentle reflection on what it protects and asks for, never a score), writes one in her own words, goes on to the
next line and to the end, saves the practice, and keeps the phrase she liked with her own phrases. She reads the
module on freeze and fawn responses on her phone, saves a passage and marks it read. She writes a thought record
after the window-of-tolerance check, links it to the Shield and shares it; Alice sees it on Dana's Learn page, and
not the letter Dana keeps private.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.support import People, check_page, sign_in

NOT_NOW = 'Saying "not now" and staying close'
OWN_WORDS = "Not tonight, love. Come and sit with me instead?"
THOUGHT = "If I say no, the evening is ruined and it's my doing."


def go_to_learn(page: Page) -> None:
    sign_in(page, "dana")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name="Learn and practise").click()
    expect(page.get_by_role("heading", name="Learn and practise", level=1)).to_be_visible()


def box(page: Page, label: str) -> Locator:
    return page.get_by_role("textbox", name=re.compile("^" + re.escape(label) + r" \(optional\)$"))


def choose(page: Page, reply: str | re.Pattern[str]) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=reply).click()


def test_a_consent_rehearsal_with_branches(page: Page) -> None:
    go_to_learn(page)
    check_page(page, "learn-home")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^" + re.escape(NOT_NOW))).first.click()
    check_page(page, "learn-rehearsal-start")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the conversation").click()
    expect(page.locator(".them")).to_contain_text("Shall we go to bed early tonight?")
    expect(page.locator(".scene")).to_contain_text("It's late.")
    expect(page.locator("[data-speak]")).to_have_count(1)  # "Hear it read aloud", where the browser can speak
    check_page(page, "learn-rehearsal-line")

    # Three ways of saying it, each with its reflection and no verdict.
    choose(page, re.compile("Not tonight, but I'd love to stay close"))
    reflection = page.locator("#reflection")
    expect(reflection).to_contain_text("What this reply protects")
    expect(reflection).to_contain_text("Closeness without sex, said plainly.")
    check_page(page, "learn-rehearsal-reflection")
    choose(page, re.compile("Sure, if you want to"))
    expect(reflection).to_contain_text("old script")
    page.get_by_label("Or write your own reply").fill(OWN_WORDS)
    choose(page, "Try my own words")
    expect(reflection).to_contain_text(OWN_WORDS)
    expect(reflection).to_contain_text("Your own voice")
    body = page.locator("main").inner_text().lower()
    assert "wrong" not in body and "score" not in body and "correct" not in body
    check_page(page, "learn-rehearsal-own-words")

    # On with her own words, to the partner's next line, and to the end.
    with page.expect_navigation():
        page.get_by_role("button", name="Go on with this reply").click()
    expect(page.locator(".line-card .them")).to_contain_text("Is everything alright?")
    choose(page, re.compile("I'm okay. Thank you for asking"))
    with page.expect_navigation():
        page.get_by_role("button", name="Go on with this reply").click()
    expect(page.get_by_role("heading", name="The end of this conversation")).to_be_visible()
    expect(page.locator(".turns li")).to_have_count(4)
    check_page(page, "learn-rehearsal-end")
    page.get_by_label("Anything you noticed").fill("Saying it with a hug felt possible.")
    expect(page.get_by_label("Share this practice with my care team")).not_to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save this practice").click()
    expect(page.get_by_role("status")).to_contain_text("Thank you for practising")

    # Keep the phrase she liked: back to the run, pick it, and save it with her phrases.
    page.go_back()
    page.go_back()
    page.reload()
    with page.expect_navigation():
        page.locator(".phrase-picks").get_by_role("link", name=OWN_WORDS).click()
    expect(page.get_by_label("Your phrase")).to_have_value(OWN_WORDS)
    check_page(page, "learn-phrase-builder")
    with page.expect_navigation():
        page.get_by_role("button", name="Save to my phrases").click()
    expect(page.get_by_role("status")).to_contain_text("Saved to your own phrases")
    expect(page.get_by_role("main").get_by_text(OWN_WORDS).first).to_be_visible()


def test_reading_a_module_on_a_phone(phone_page: Page) -> None:
    page = phone_page
    go_to_learn(page)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Fight, flight, freeze, fawn")).first.click()
    summary = page.get_by_role("region", name="In short")
    expect(summary).to_contain_text("not choices you made")
    check_page(page, "learn-module-phone")
    with page.expect_navigation():
        page.locator("#block-1").get_by_role("button", name="Save this passage").click()
    expect(page.get_by_role("status")).to_contain_text("Saved to your passages")
    expect(page.locator("#block-1 .saved-mark")).to_be_visible()
    expect(
        page.get_by_role("link", name="5-4-3-2-1 grounding").or_(page.get_by_role("link", name=re.compile("5-4-3")))
    ).to_be_visible()
    form = page.locator("form").filter(has=page.get_by_role("button", name=re.compile("Mark as")))
    form.get_by_role("button").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("Marked as"))
    check_page(page, "learn-module-read-phone", full_page=False)


def test_a_thought_record_linked_to_the_shield_and_shared(people: People) -> None:
    dana = people.open("phone")
    go_to_learn(dana)
    with dana.expect_navigation():
        dana.get_by_role("link", name=re.compile("^Thought record")).first.click()
    check_page(dana, "learn-window-check")
    dana.get_by_label("Keyed up: racing, flooded or on edge").check()
    with dana.expect_navigation():
        dana.get_by_role("button", name="Continue").click()
    expect(dana.get_by_role("heading", name="Thank you for checking in")).to_be_visible()
    check_page(dana, "learn-window-outside")
    with dana.expect_navigation():
        dana.get_by_role("link", name="Carry on gently").click()

    box(dana, "The situation").fill("Frank asked if I wanted to go upstairs and I froze.")
    dana.get_by_label("Feeling 1", exact=True).fill("Guilty")
    dana.get_by_label("Strength of feeling 1, 0-100").fill("75")
    box(dana, "The thought").fill(THOUGHT)
    box(dana, "What supports the thought").fill("He looked disappointed.")
    box(dana, "What doesn't quite fit it").fill("He said it was fine and we watched a film together.")
    box(dana, "A kinder, more balanced thought").fill("Saying no kept me safe, and we still had a nice evening.")
    dana.get_by_label("Feeling 1 now, 0-100").fill("40")
    dana.get_by_text("Link it to your diary or your map").click()
    dana.get_by_label("A script on your map").select_option(label="the Shield")
    dana.get_by_label("Share this thought record with my care team").check()
    check_page(dana, "learn-thought-record-form")
    with dana.expect_navigation():
        dana.get_by_role("button", name="Save", exact=True).click()
    expect(dana.get_by_role("heading", name="Before you go")).to_be_visible()
    expect(dana.locator(".record-fields")).to_contain_text("the Shield")
    expect(dana.locator(".record-fields")).to_contain_text("Guilty: 75 → 40")
    check_page(dana, "learn-thought-record-saved")

    alice = people.open("desktop")
    sign_in(alice, "alice")
    with alice.expect_navigation():
        alice.get_by_role("link", name="Dana", exact=False).first.click()
    with alice.expect_navigation():
        alice.get_by_role("link", name="Learn and practise").click()
    expect(alice.get_by_role("heading", name="Shared writing")).to_be_visible()
    assert "To the Shield" not in alice.locator("main").inner_text()  # Dana's letter stays private
    check_page(alice, "learn-clinician-view")
    with alice.expect_navigation():
        alice.locator("section").filter(has_text="Shared thought records").get_by_role("link").first.click()
    expect(alice.locator(".record-fields")).to_contain_text(THOUGHT)
    expect(alice.locator(".record-fields")).to_contain_text("the Shield")
    check_page(alice, "learn-clinician-thought-record")
