"""End-to-end tests in Chromium against a real Attune server (gunicorn) on a scratch database.

Every test in this folder is marked `browser`; run them with `.venv/bin/pytest -q -m browser tests/browser`.
The server, its database and the browser are shared by the folder's tests (package scope: they stop as soon as
the last browser test has run, so Playwright's event loop never overlaps Django's own tests in one process).

- DATABASE_URL pointing at PostgreSQL in the environment: a fresh database attune_browser_<pid> on that server,
  dropped at the end. Otherwise an SQLite file in a temporary folder.
- The server runs `attune migrate` and `attune demo` first, with its own ATTUNE_VAR_DIR (fresh keys) and the demo
  password support.DEMO_PASSWORD.
- The `page` fixture runs each test twice, at phone width (390x844) and desktop width (1280x900); `phone_page`
  and `desktop_page` give one of them. A test fails if any page it visited reported a CSP violation, a script
  error or a failed load. Screenshots go to test-artifacts/screenshots/, axe reports to test-artifacts/axe/.
- Quick exit (ATTUNE_QUICK_EXIT_URL) goes to a stand-in neutral page served locally, `neutral_url`.
- `people` opens several watched browsers in one test (a clinician and a client, or a client coming back in a
  fresh browser); `short_idle_page` is a phone page on a second server with a client idle timeout of 65 s.
- Staff sign in with a two-step code: the demo enrols them with support.DEMO_TOTP_SECRET and support.totp_code
  computes the codes.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser import support

HERE = Path(__file__).resolve().parent
CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # tryfirst: the marks must be on the items before `-m browser` / `-m "not browser"` selects among them.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="package")
def neutral_url() -> Iterator[str]:
    """The address quick exit sends people to: a local stand-in for a weather site."""
    with support.neutral_site() as url:
        yield url


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory, neutral_url: str) -> Iterator[support.Server]:
    var_dir = tmp_path_factory.mktemp("attune-browser")
    port = support.free_port()
    outer_url = os.environ.get("DATABASE_URL", "").strip()
    with contextlib.ExitStack() as stack:
        if outer_url and support.is_postgres_url(outer_url):
            database_url = stack.enter_context(support.scratch_postgres(outer_url, f"attune_browser_{os.getpid()}"))
        else:
            database_url = f"sqlite:///{var_dir / 'attune.sqlite3'}"
        env = support.server_env(var_dir, database_url, port)
        env["ATTUNE_QUICK_EXIT_URL"] = neutral_url
        support.manage(env, "migrate", "--no-input", "-v", "0")
        support.manage(env, "demo")
        running = support.start_server(env, port, var_dir / "server.log")
        stack.callback(support.stop_server, running)
        yield running
        _warn_on_tracebacks(running)


def _warn_on_tracebacks(running: support.Server) -> None:
    # A server error during the tests is worth seeing even when every assertion passed.
    if "Traceback" in running.log_tail(1_000_000):
        warnings.warn(f"The Attune server logged errors ({running.log}):\n{running.log_tail()}", stacklevel=1)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=support.CHROMIUM, args=support.CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def _page(request: pytest.FixtureRequest, browser: Browser, server: support.Server, viewport: str) -> Iterator[Page]:
    context = support.new_context(browser, server.url, viewport)
    try:
        page = support.watched_page(context)
        yield page
        # Problems on pages after the last check_page fail the test here; after a failure they are only noise.
        if not request.node.stash.get(CALL_FAILED, False):
            support.assert_no_csp_violations(page)
    finally:
        context.close()


@pytest.fixture(params=["phone", "desktop"])
def page(request: pytest.FixtureRequest, browser: Browser, server: support.Server) -> Iterator[Page]:
    """A fresh browser context (no cookies) at phone width, then again at desktop width."""
    yield from _page(request, browser, server, request.param)


@pytest.fixture
def phone_page(request: pytest.FixtureRequest, browser: Browser, server: support.Server) -> Iterator[Page]:
    yield from _page(request, browser, server, "phone")


@pytest.fixture
def desktop_page(request: pytest.FixtureRequest, browser: Browser, server: support.Server) -> Iterator[Page]:
    yield from _page(request, browser, server, "desktop")


@pytest.fixture
def people(request: pytest.FixtureRequest, browser: Browser, server: support.Server) -> Iterator[support.People]:
    """Opens as many watched browsers as a test needs (`people.open("phone")`); all are checked and closed after."""
    crowd = support.People(browser, server.url)
    try:
        yield crowd
    finally:
        crowd.close_all(check=not request.node.stash.get(CALL_FAILED, False))


@pytest.fixture
def short_idle_server(server: support.Server) -> Iterator[support.Server]:
    """A second server on the same database whose clients are signed out after 65 s idle (warned at 5 s)."""
    running = support.start_sibling(server, "short-idle", ATTUNE_IDLE_TIMEOUT_CLIENT="65")
    try:
        yield running
    finally:
        support.stop_server(running)
        _warn_on_tracebacks(running)


@pytest.fixture
def short_idle_page(
    request: pytest.FixtureRequest, browser: Browser, short_idle_server: support.Server
) -> Iterator[Page]:
    yield from _page(request, browser, short_idle_server, "phone")
