"""The foundation's journeys in a real browser, at phone and desktop width: signing in, the caseload and its
search, a client's overview, the client portal, a practice admin's pages, and a mistyped password.

Every page visited is checked for CSP violations, script errors and serious accessibility problems, and its
screenshot is saved under test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.support import SIGN_IN_FAILED, check_page, email_for, sign_in

DANA_REFERRAL = "Wants to feel safer and more present in her relationship"


def test_sign_in_page(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_label("Email")).to_be_focused()
    check_page(page, "sign-in")


def test_clinician_caseload_search_and_client_overview(page: Page) -> None:
    sign_in(page, "alice", check_steps=True)  # staff give a two-step code after the password
    expect(page).to_have_url(re.compile(r"/clients/$"))
    expect(page.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Dana", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Eli", exact=True)).to_have_count(0)  # Bob's client, not Alice's
    check_page(page, "clinician-caseload")

    page.get_by_label("Search by name").fill("Dana")
    with page.expect_navigation():
        page.get_by_role("button", name="Search", exact=True).click()
    rows = page.locator("table.caseload tbody tr")
    expect(rows).to_have_count(1)
    assert "dana" not in page.url.lower()  # the search was posted: the name is in no URL, history or log
    expect(rows.first).to_contain_text("Alice Moreno")
    expect(rows.first).to_contain_text("Active")
    check_page(page, "clinician-caseload-search")

    with page.expect_navigation():
        rows.first.get_by_role("link", name="Dana", exact=True).click()
    expect(page).to_have_url(re.compile(r"/clients/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", name="Dana", level=1)).to_contain_text("she/her")
    # No client data in the title or the address (SECURITY.md 14).
    assert "Dana" not in page.title()
    assert "dana" not in page.url.lower()
    team = page.locator("section", has=page.get_by_role("heading", name="Care team"))
    expect(team).to_contain_text("Alice Moreno")
    expect(team).to_contain_text("primary")
    episode = page.locator("section", has=page.get_by_role("heading", name="Episode of care"))
    expect(episode).to_contain_text("Active")
    expect(episode).to_contain_text("since")
    expect(page.get_by_text(DANA_REFERRAL)).to_be_visible()  # the primary clinician reads clinical text
    check_page(page, "clinician-client-overview")


def test_client_portal_home(page: Page) -> None:
    sign_in(page, "dana")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", name="Hello, Dana", level=1)).to_be_visible()
    team = page.locator("section", has=page.get_by_role("heading", name="Your care team"))
    expect(team).to_contain_text("Alice Moreno")
    expect(page.get_by_role("link", name="Clients")).to_have_count(0)
    assert "Dana" not in page.title()
    # Quick exit comes first in the tab order (SECURITY.md 17).
    page.locator("body").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Exit this site quickly")).to_be_focused()
    check_page(page, "client-portal")


def test_admin_people_and_client_outline(page: Page) -> None:
    sign_in(page, "ada")
    expect(page).to_have_url(re.compile(r"/clients/$"))
    check_page(page, "admin-caseload")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name="People at Northside", level=1)).to_be_visible()
    expect(page.get_by_role("cell", name=email_for("alice"))).to_be_visible()
    expect(page.get_by_role("button", name="Send invitation")).to_be_visible()
    check_page(page, "admin-people")

    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Dana", exact=True).click()
    expect(page.get_by_role("heading", name="Dana", level=1)).to_be_visible()
    expect(page.locator("section", has=page.get_by_role("heading", name="Care team"))).to_contain_text("Alice Moreno")
    # An admin runs the outline, never clinical content.
    expect(page.get_by_role("heading", name="What brings them here")).to_have_count(0)
    assert DANA_REFERRAL not in page.content()
    check_page(page, "admin-client-overview")


def test_wrong_password_shows_a_calm_error(page: Page) -> None:
    sign_in(page, "eli", "not-the-right-password", expect_success=False)
    expect(page).to_have_url(re.compile(r"/account/sign-in/$"))
    alert = page.get_by_role("alert")
    expect(alert).to_have_text(SIGN_IN_FAILED)
    # Calm: one plain sentence, the email kept so only the password needs retyping, and nothing that says
    # whether the account exists.
    expect(page.get_by_label("Email")).to_have_value(email_for("eli"))
    expect(page.get_by_label("Password")).to_have_value("")
    body = page.locator("main").inner_text().lower()
    for word in ("invalid", "incorrect", "wrong", "locked", "attempts", "does not exist", "unknown"):
        assert word not in body, word
    check_page(page, "sign-in-wrong-password")
