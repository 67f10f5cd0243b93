"""Search words stay out of the address bar (SECURITY.md 14): dana searches her diary, alice her caseload, in a
real browser; the words are in no URL, the results show, and a wrong question is answered without losing it.
Also: a form sent back with an error puts focus on the message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import check_page, sign_in

pytestmark = pytest.mark.browser
WORDS = "words-nobody-wrote-here"


def test_dana_searches_her_diary_and_the_words_stay_out_of_the_url(page: Page) -> None:
    sign_in(page, "dana")
    page.goto("/portal/diary/")
    page.get_by_text("Search and filter").click()
    page.get_by_label("Search your words").fill(WORDS)
    with page.expect_navigation():
        page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_text("Nothing matches.")).to_be_visible()
    assert WORDS not in page.url and re.search(r"/portal/diary/$", page.url)
    expect(page.get_by_label("Search your words")).to_have_value(WORDS)  # what she typed is kept
    check_page(page, "diary-search-by-post")


def test_an_error_takes_focus_to_its_message(page: Page) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Email").fill("dana@demo.attune.test")
    page.get_by_label("Password").fill("not the password at all")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    focused = page.evaluate("document.activeElement.getAttribute('data-focus-error') !== null")
    assert focused, "focus should be on the error message"
    expect(page.locator(":focus")).to_contain_text("did not match")
    check_page(page, "sign-in-error-focus")
