"""Sharing with a partner, in two phone browsers side by side: Dana shares "What brings you here" with Frank, her
partner in couples work; Frank reads it on his portal; Dana stops sharing, and on reload Frank sees nothing.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.support import People, check_page, sign_in

DANA_REFERRAL = "Wants to feel safer and more present in her relationship"  # the demo's text, as in test_foundation
CATEGORY = "What brings you here"
NOTHING_SHARED = "Nothing is shared with you at the moment."


def sharing_row(page: Page) -> Locator:
    return page.get_by_role("listitem").filter(has_text=CATEGORY).filter(has_text="with Frank")


def press(page: Page, row: Locator, button: str) -> None:
    with page.expect_navigation():
        row.get_by_role("button", name=button, exact=True).click()


def test_dana_shares_with_frank_then_stops(people: People) -> None:
    dana = people.open("phone")
    sign_in(dana, "dana")
    with dana.expect_navigation():
        dana.get_by_role("link", name="What you share with your partner").click()
    expect(dana).to_have_url(re.compile(r"/portal/sharing/$"))
    expect(dana.get_by_role("heading", name="Sharing", level=1)).to_be_visible()
    row = sharing_row(dana)
    expect(row.get_by_text("Not shared", exact=True)).to_be_visible()
    check_page(dana, "sharing-not-shared")

    press(dana, row, "Share this")
    expect(dana.get_by_role("status")).to_contain_text("Shared.")
    expect(row.get_by_text("Shared", exact=True)).to_be_visible()
    expect(row.get_by_role("button", name="Stop sharing")).to_be_visible()
    check_page(dana, "sharing-shared")

    # Frank, her partner, on his own phone: his portal links to what Dana shares, and it is there.
    frank = people.open("phone")
    sign_in(frank, "frank")
    expect(frank).to_have_url(re.compile(r"/portal/$"))
    expect(frank.get_by_role("heading", name="Hello, Frank", level=1)).to_be_visible()
    # A partner's pages have quick exit too, first in the tab order (SECURITY.md 17).
    frank.keyboard.press("Tab")
    expect(frank.get_by_role("link", name="Exit this site quickly")).to_be_focused()
    check_page(frank, "partner-portal")
    with frank.expect_navigation():
        frank.get_by_role("link", name="What Dana shares with you").click()
    expect(frank.get_by_role("heading", name="Shared with you by Dana", level=1)).to_be_visible()
    expect(frank.get_by_text(DANA_REFERRAL)).to_be_visible()
    frank.keyboard.press("Tab")
    expect(frank.get_by_role("link", name="Exit this site quickly")).to_be_focused()
    check_page(frank, "partner-shared")

    # Dana stops sharing; it takes effect at once.
    press(dana, row, "Stop sharing")
    expect(dana.get_by_role("status")).to_contain_text("stopped sharing")
    expect(row.get_by_text("Not shared", exact=True)).to_be_visible()
    check_page(dana, "sharing-stopped")

    frank.reload()
    expect(frank.get_by_role("heading", name="Shared with you by Dana", level=1)).to_be_visible()
    expect(frank.get_by_text(NOTHING_SHARED)).to_be_visible()
    expect(frank.get_by_text(DANA_REFERRAL)).to_have_count(0)
    assert DANA_REFERRAL[:40] not in frank.content()
    check_page(frank, "partner-nothing-shared")
