"""The safety plan in real browsers (issue 12).

Dana opens her plan with one tap from the bar beside the quick exit, changes a step, adds someone to her support
network and picks what to print (the note about the relationship part shows before it can be printed). Alice opens
Dana's plan from her overview, sees the part Dana shares and not the relationship part, and marks the plan
reviewed together. Then the train with no signal: Dana keeps a copy on her phone, the server goes away, and a
reload still shows her plan, numbers to call included; after quick exit the next load finds nothing, and no
database of the copy is left in the browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Error, Page, expect

from tests.browser import support
from tests.browser.support import check_page, sign_in

EXIT = "Exit this site quickly"


def test_dana_builds_her_plan_one_step_at_a_time(page: Page) -> None:
    sign_in(page, "dana")
    bar = page.get_by_role("navigation", name="Quick exit")
    with page.expect_navigation():
        bar.get_by_role("link", name="My plan").click()
    expect(page.get_by_role("heading", name="My safety plan", level=1)).to_be_visible()
    call = page.locator('a[href="tel:07700900461"]').first
    expect(call).to_be_visible()
    check_page(page, "safetyplan-plan")

    with page.expect_navigation():
        page.get_by_role("link", name="Change people i can ask for help").click()
    expect(page.get_by_role("heading", name="People I can ask for help", level=1)).to_be_visible()
    check_page(page, "safetyplan-step-help")
    page.get_by_label("People I can ask for help, in your own words").fill("I can say 'I'm having a hard week'.")
    page.get_by_label("Tom (brother)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Saved")
    expect(page.locator("#step-help").get_by_text("Tom (brother)", exact=True)).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Change my relationship-safety plan").click()
    expect(page.get_by_text("a partner can never see it")).to_be_visible()
    check_page(page, "safetyplan-step-relationship")

    # Warning signs from her diary, offered as suggestions: one tap puts one into her words, a second takes it out.
    page.goto("/portal/plan/steps/warning_signs/")
    chip = page.locator("[data-suggest]").first
    words = chip.get_attribute("data-suggest") or ""
    assert words
    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("My warning signs, in your own words")).to_have_value(re.compile(re.escape(words)))
    check_page(page, "safetyplan-step-warning-signs")
    chip.click()
    expect(page.get_by_label("My warning signs, in your own words")).not_to_have_value(re.compile(re.escape(words)))

    page.goto("/portal/plan/people/")
    page.get_by_label("Name or nickname").fill("Priya from choir")
    page.get_by_label("Phone number").fill("07700 900321")
    with page.expect_navigation():
        page.get_by_role("button", name="Add to my network").click()
    expect(page.get_by_role("link", name="Priya from choir").first).to_be_visible()
    check_page(page, "safetyplan-network")

    page.goto("/portal/plan/print/")
    warning = page.locator("#print-warning")
    expect(warning).to_be_hidden()
    page.get_by_role("checkbox", name="My relationship-safety plan", exact=True).check()
    expect(warning).to_be_visible()
    check_page(page, "safetyplan-print-choose")
    with page.expect_navigation():
        page.get_by_role("button", name="Show the printable page").click()
    expect(page.get_by_text("Please read the note about where a printout is kept")).to_be_visible()
    page.get_by_label(re.compile("I understand that anyone who finds this printout")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Show the printable page").click()
    expect(page.get_by_role("heading", name="My relationship-safety plan")).to_be_visible()
    check_page(page, "safetyplan-printout")

    page.goto("/portal/plan/versions/")
    expect(page.get_by_role("link", name=re.compile(r"^Version \d+$")).first).to_be_visible()
    check_page(page, "safetyplan-versions")


def test_alice_reviews_the_shared_part_together(desktop_page: Page) -> None:
    page = desktop_page
    sign_in(page, "alice")
    page.goto("/clients/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("^Dana")).first.click()
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name="Safety plan", exact=True).click()
    expect(page.get_by_role("heading", name="Safety plan", level=1)).to_be_visible()
    expect(page.get_by_text("Lighthouse")).to_have_count(0)  # the relationship part is Dana's alone
    with page.expect_navigation():
        page.get_by_role("button", name="Mark as reviewed together").click()
    expect(page.get_by_text("Marked as reviewed together.")).to_be_visible()
    check_page(page, "safetyplan-staff")


@pytest.fixture
def offline_server(server: support.Server) -> Iterator[support.Server]:
    """A second server on the same database, which the test stops to take the signal away."""
    running = support.start_sibling(server, "offline")
    try:
        yield running
    finally:
        support.stop_server(running)


@pytest.fixture(params=["phone", "desktop"])
def offline_page(request: pytest.FixtureRequest, browser: Browser, offline_server: support.Server) -> Iterator[Page]:
    context = support.new_context(browser, offline_server.url, request.param)
    try:
        yield support.watched_page(context)
    finally:
        context.close()


def only_lost_requests(page: Page) -> None:
    """With the server gone, requests that fail are the point (the quick-exit beacon, say); anything else is not."""
    problems = [p for p in support.take_problems(page) if not p.startswith("Request failed")]
    assert not problems, "\n".join(problems)


def offline_databases(page: Page, origin: str) -> list[Any]:
    state = page.context.storage_state(indexed_db=True)
    return [o.get("indexedDB") for o in state["origins"] if o["origin"] == origin and o.get("indexedDB")]


def test_the_plan_opens_without_a_signal_and_nothing_is_left_after_quick_exit(
    offline_page: Page, offline_server: support.Server, neutral_url: str
) -> None:
    page = offline_page
    sign_in(page, "dana")
    page.goto("/portal/plan/")
    page.get_by_role("button", name="Keep a copy on this phone").click()
    expect(page.locator("#offline-status")).to_contain_text("now kept on this phone")
    expect(page.get_by_role("button", name="Remove the copy from this phone")).to_be_visible()
    assert offline_databases(page, offline_server.url), "the encrypted copy should be in IndexedDB"
    # What is stored is ciphertext: no words of the plan in what the browser keeps.
    stored = str(page.context.storage_state(indexed_db=True))
    assert "Lighthouse" not in stored and "07700 900461" not in stored

    support.stop_server(offline_server)  # the train, no signal
    page.reload()
    expect(page.get_by_role("heading", name="My safety plan", level=1)).to_be_visible()
    expect(page.get_by_text("You are offline. This is the copy kept on this phone")).to_be_visible()
    expect(page.locator('a[href="tel:07700900461"]').first).to_be_visible()
    expect(page.get_by_text("Lighthouse").first).to_be_visible()
    expect(page.get_by_role("button", name="Keep a copy on this phone")).to_have_count(0)
    only_lost_requests(page)
    support.screenshot(page, "safetyplan-offline")
    support.assert_accessible(page, "safetyplan-offline")

    page.get_by_role("link", name=EXIT).click()
    expect(page).to_have_url(neutral_url)
    only_lost_requests(page)
    with pytest.raises(Error):
        page.goto(offline_server.url + "/portal/plan/")
    page.wait_for_load_state("load")
    shown = page.locator("body").inner_text()
    assert "Lighthouse" not in shown and "safety plan" not in shown.lower(), shown[:300]
    assert not offline_databases(page, offline_server.url), "quick exit should leave no copy and no key behind"
