"""The browser checks themselves: each must catch the problem it exists for, or a green run means nothing.

They run on a small page of their own, answered by Playwright under a made-up origin with a strict CSP, so that
they need no Attune server and say something about the checks even while an Attune page is failing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, Route

from tests.browser import support
from tests.browser.support import assert_accessible, assert_fits_width, assert_idrefs_resolve, take_problems

ORIGIN = "http://tooling.invalid"
FIXTURE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tooling check</title></head>
<body><main><h1>Tooling check</h1><p>A page that passes every check until a test breaks it.</p></main></body></html>
"""
FIXTURE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


def answer(route: Route) -> None:
    if route.request.url == f"{ORIGIN}/":
        route.fulfill(
            status=200, content_type="text/html", headers={"Content-Security-Policy": FIXTURE_CSP}, body=FIXTURE_HTML
        )
    else:
        route.fulfill(status=404, content_type="text/html", body="<!doctype html><title>Not found</title>")


@pytest.fixture
def open_fixture(browser: Browser) -> Iterator[Callable[[str], Page]]:
    contexts = []

    def open_at(viewport: str) -> Page:
        context = support.new_context(browser, ORIGIN, viewport)
        contexts.append(context)
        context.route(f"{ORIGIN}/**", answer)
        page = support.watched_page(context)
        page.goto("/")
        assert take_problems(page) == []
        return page

    yield open_at
    for context in contexts:
        context.close()


def problems_within(page: Page, seconds: float = 5) -> list[str]:
    problems: list[str] = []
    for _ in range(int(seconds * 10)):
        problems += take_problems(page)
        if problems:
            break
        page.wait_for_timeout(100)
    return problems


def test_an_inline_script_is_reported_as_a_csp_violation(open_fixture: Callable[[str], Page]) -> None:
    page = open_fixture("desktop")
    # evaluate() itself is outside the page's CSP; the <script> element it adds is not.
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }")
    problems = problems_within(page)
    assert any(p.startswith("CSP violation") and "script-src" in p for p in problems), problems


def test_a_missing_stylesheet_is_reported(open_fixture: Callable[[str], Page]) -> None:
    page = open_fixture("desktop")
    page.evaluate(
        "() => { const l = document.createElement('link'); l.rel = 'stylesheet';"
        " l.href = '/static/missing.css'; document.head.append(l); }"
    )
    problems = problems_within(page)
    assert any("missing.css" in p for p in problems), problems


def test_axe_fails_on_a_serious_problem(open_fixture: Callable[[str], Page]) -> None:
    page = open_fixture("desktop")
    assert_accessible(page, report=False)
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = 'data:,'; document.querySelector('main').append(i); }"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, report=False)


def test_sideways_scrolling_is_caught(open_fixture: Callable[[str], Page]) -> None:
    page = open_fixture("phone")
    assert_fits_width(page)
    page.evaluate(
        "() => { const d = document.createElement('div'); d.className = 'too-wide';"
        " d.style.width = '900px'; d.style.height = '1em'; document.querySelector('main').append(d); }"
    )
    with pytest.raises(AssertionError, match="too-wide"):
        assert_fits_width(page)


def test_a_dangling_aria_reference_is_caught(open_fixture: Callable[[str], Page]) -> None:
    page = open_fixture("desktop")
    assert_idrefs_resolve(page)
    page.evaluate(
        "() => { const i = document.createElement('input'); i.id = 'x'; i.setAttribute('aria-describedby', 'x_help');"
        " document.querySelector('main').append(i); }"
    )
    with pytest.raises(AssertionError, match="x_help"):
        assert_idrefs_resolve(page)


def test_totp_codes_match_rfc_6238() -> None:
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits), so 287082 with 6.
    assert support.totp_at(b"12345678901234567890", 59 // 30) == "287082"
