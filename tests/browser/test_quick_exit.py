"""Quick exit (SECURITY.md 17) in a real browser: Shift pressed three times, or the Exit button, blanks the page
at once, replaces the history entry with the neutral site (a local stand-in, see `neutral_url`) and signs the
session out on the server; Back brings no client data back; the button comes first in the tab order and stays in
view while the page scrolls; the page about quick exit says honestly what it cannot do. Then the idle warning,
on a second server whose clients are signed out after 65 s idle.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, Literal

import pytest
from playwright.sync_api import Page, Playwright, expect

from tests.browser import support
from tests.browser.support import check_page, sign_in, take_problems

EXIT = "Exit this site quickly"
SESSION_COOKIE = "attune_session"
# Words from Dana's portal and the page before it: none may be on screen after quick exit, Back included.
CLIENT_TEXT = ("Dana", "Alice Moreno", "care team", "Hello", "Questionnaire", "relationship", "diary")
# Pages with the Exit button, for client and partner alike (the partner's are checked in test_sharing.py).
PORTAL_PAGES = ("/portal/", "/portal/questionnaires/", "/portal/sharing/", "/portal/skills/")
# `beforeunload` comes as navigation starts, before any request to the neutral site: the page must be blank by
# then. (Playwright cannot evaluate in a page whose navigation is under way, so the page reports it itself.)
RECORD_ON_LEAVING = """() => window.addEventListener("beforeunload", () => window.__attuneLeaving({
  title: document.title, text: document.body ? document.body.innerText.trim() : "",
}))"""


def session_cookie(page: Page) -> str:
    cookies = [c for c in page.context.cookies() if c.get("name") == SESSION_COOKIE]
    assert cookies, f"no {SESSION_COOKIE} cookie after signing in"
    return f"{SESSION_COOKIE}={cookies[0].get('value', '')}"


def portal_status(playwright: Playwright, base_url: str, cookie: str) -> tuple[int, str]:
    """What the server answers a fresh client (not the browser) presenting `cookie` for the portal home."""
    api = playwright.request.new_context(base_url=base_url, extra_http_headers={"Cookie": cookie})
    try:
        response = api.get("/portal/", max_redirects=0)
        return response.status, response.headers.get("location", "")
    finally:
        api.dispose()


def wait_until_refused(playwright: Playwright, base_url: str, cookie: str, seconds: float = 5) -> tuple[int, str]:
    # The beacon is sent as the page goes; give the server a moment to have handled it. A request that was in
    # flight while the beacon ended the session is answered 400 (Django's "session deleted before the request
    # completed"); ask again until the answer settles.
    deadline = time.monotonic() + seconds
    while True:
        status, location = portal_status(playwright, base_url, cookie)
        if status not in (200, 400) or time.monotonic() > deadline:
            return status, location
        time.sleep(0.1)


def take_problems_except_beacon(page: Page, base_url: str) -> list[str]:
    """The page's problems, less the sign-out beacon: Playwright reports a beacon still in flight when the page
    goes as an aborted request (net::ERR_ABORTED), though the browser delivers it (the session check proves it)."""
    beacon = f"Request failed: {base_url}/account/quick-exit/ (net::ERR_ABORTED)"
    return [p for p in take_problems(page) if p != beacon]


def press_shift_three_times(page: Page) -> None:
    for _ in range(3):
        page.keyboard.press("Shift")


def press_exit_button(page: Page) -> None:
    page.get_by_role("link", name=EXIT).click()


EXITS: dict[str, Callable[[Page], None]] = {"shift": press_shift_three_times, "button": press_exit_button}


@pytest.mark.parametrize("how", ["shift", "button"])
def test_quick_exit_blanks_leaves_and_signs_out(
    page: Page, playwright: Playwright, server: support.Server, neutral_url: str, how: Literal["shift", "button"]
) -> None:
    sign_in(page, "dana")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    # One page further, so that the entry behind the one quick exit replaces is Dana's portal home.
    with page.expect_navigation():
        page.get_by_role("link", name="Your questionnaires").click()
    expect(page.get_by_role("heading", name="Questionnaires", level=1)).to_be_visible()
    cookie = session_cookie(page)
    assert portal_status(playwright, server.url, cookie)[0] == 200, "the copied session cookie should work before"

    # What the page shows as the browser starts leaving (before the neutral site has answered): nothing.
    leaving: list[dict[str, Any]] = []
    page.context.expose_binding("__attuneLeaving", lambda _source, state: leaving.append(state))
    page.evaluate(RECORD_ON_LEAVING)
    EXITS[how](page)
    expect(page).to_have_url(neutral_url)
    expect(page.get_by_role("heading", name=support.NEUTRAL_TITLE, level=1)).to_be_visible()
    assert leaving == [{"title": "", "text": ""}], f"{how}: the page still showed something as it went: {leaving}"
    assert not take_problems_except_beacon(page, server.url)

    # The old session is over on the server: the cookie, replayed from elsewhere, is sent to sign in.
    status, location = wait_until_refused(playwright, server.url, cookie)
    assert status == 302, f"{how}: the session cookie still opened the portal after quick exit ({status})"
    assert location.startswith("/account/sign-in/"), location

    # Back: the neutral site replaced the questionnaires page, so Back asks for the portal home again, and a
    # signed-out browser gets the sign-in page. Nothing of Dana's may show, from the server or from a cache.
    page.go_back()
    page.wait_for_load_state("load")
    assert page.url != neutral_url, "Back stayed on the neutral site: the history entry was pushed, not replaced"
    body = page.locator("body").inner_text()
    shown = [word for word in CLIENT_TEXT if word.lower() in body.lower()]
    assert not shown, f"{how}: after quick exit, Back showed {shown} at {page.url}:\n{body[:500]}"
    values = [v for v in page.locator("input:not([type=hidden])").evaluate_all("els => els.map(e => e.value)") if v]
    assert not values, f"{how}: after quick exit, Back showed filled-in fields: {values}"
    expect(page).to_have_url(re.compile(r"/account/sign-in/"))
    # The request that the beacon's abort report came with is over; every other page so far was clean.
    assert not take_problems_except_beacon(page, server.url)
    check_page(page, f"quick-exit-back-{how}")


def test_exit_is_first_in_tab_order_and_stays_in_view(page: Page) -> None:
    sign_in(page, "dana")
    exit_link = page.get_by_role("link", name=EXIT)
    for path in (*PORTAL_PAGES, "/account/about-quick-exit/", "/account/settings/"):
        page.goto(path)
        # From a fresh load, the first Tab reaches Exit (before "Skip to content").
        page.keyboard.press("Tab")
        expect(exit_link, f"Tab on {path}").to_be_focused()

    page.goto("/portal/")
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("() => window.scrollY > 0")
    expect(exit_link).to_be_in_viewport(ratio=1)
    box = exit_link.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
    # Nothing sits on top of it: the element at its centre is the link (or its hidden-text span).
    on_top = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y); return e && e.closest('#quick-exit') !== null; }",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top, "something covers the Exit button after scrolling"
    check_page(page, "quick-exit-scrolled", full_page=False)  # the viewport as scrolled: Exit at its top


def test_about_quick_exit(page: Page) -> None:
    sign_in(page, "dana")
    with page.expect_navigation():
        page.get_by_role("link", name="About quick exit").click()
    expect(page).to_have_url(re.compile(r"/account/about-quick-exit/$"))
    expect(page.get_by_role("heading", name="About quick exit", level=1)).to_be_visible()
    for heading in ("What it does", "What it cannot do"):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("Shift")
    expect(main).to_contain_text("history")  # honest: it cannot remove Attune from the browser's history
    expect(main).to_contain_text("monitoring")
    expect(page.get_by_role("link", name=EXIT)).to_be_visible()
    check_page(page, "about-quick-exit")


def test_idle_warning_offers_to_stay_signed_in(short_idle_page: Page) -> None:
    """Clients are signed out after 65 s idle on this server, so the warning comes 5 s after a page loads."""
    page = short_idle_page
    sign_in(page, "dana")
    loaded = time.monotonic()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    banner = page.locator("#idle-warning")
    expect(banner).to_be_hidden()
    warning = page.get_by_role("alertdialog", name=re.compile("signed out in a minute"))
    expect(warning).to_be_visible(timeout=15_000)
    waited = time.monotonic() - loaded
    assert 3 <= waited <= 9, f"the idle warning came after {waited:.1f} s, not about 5 s"
    check_page(page, "idle-warning")

    with page.expect_response(re.compile(r"/account/session/keepalive/$")) as kept:
        warning.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    stayed = time.monotonic()
    expect(banner).to_be_hidden()
    # The countdown starts again from now: the next warning is another 5 s away, and the page stays put.
    expect(warning).to_be_visible(timeout=15_000)
    assert time.monotonic() - stayed >= 3
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.reload()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", name="Hello, Dana", level=1)).to_be_visible()
