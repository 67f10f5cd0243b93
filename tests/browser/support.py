"""Helpers for the browser tests: a real Attune server, Chromium contexts, and the checks every page passes.

The fixtures in conftest.py use these; tests import the page helpers (sign_in, screenshot, check_page) from here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Response

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = PROJECT_DIR / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_REPORTS = ARTIFACTS / "axe"
AXE_JS = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
START_SECONDS = 120  # how long a server may take to answer its first request

CHROMIUM = os.environ.get("ATTUNE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

DEMO_DOMAIN = "demo.attune.test"
DEMO_PASSWORD = "browser-tests-slow-river-evening-lamp"
# Every demo staff account is enrolled with this authenticator secret (base32); see `totp_code`.
DEMO_TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
SIGN_IN_FAILED = "Those details did not match an account. Please check them and try again."

VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
# axe impacts that fail a test; the rest are written to test-artifacts/axe/ for a human to read.
AXE_FAILING = {"serious", "critical"}


def email_for(name: str) -> str:
    return f"{name}@{DEMO_DOMAIN}"


# --- The server ---------------------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_postgres_url(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def scratch_postgres(url: str, name: str) -> Iterator[str]:
    """Creates database `name` on the server that `url` points at, yields its URL, and drops it afterwards."""
    import psycopg
    from psycopg import sql

    # The maintenance database always exists; the one named in the URL may not (Django's own tests use test_*).
    admin_url = with_database(url, "postgres").replace("pgsql://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def server_env(var_dir: Path, database_url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update(
        ATTUNE_ENV="development",
        ATTUNE_DEBUG="false",  # error pages and static files as in production
        ATTUNE_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        ATTUNE_DEMO_PASSWORD=DEMO_PASSWORD,
        ATTUNE_DEMO_TOTP_SECRET=DEMO_TOTP_SECRET,
        ATTUNE_SITE_URL=f"http://127.0.0.1:{port}",
        ATTUNE_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        # Jobs are queued in the database as in production (under pytest the default would be the dummy backend,
        # which drops them); no worker runs, so a test that needs a job done runs `attune worker --batch`.
        ATTUNE_TASKS_BACKEND="django_tasks_db.backend.DatabaseBackend",
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [str(BIN / "attune"), *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"attune {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def start_server(env: dict[str, str], port: int, log: Path) -> Server:
    server = Server(url=f"http://127.0.0.1:{port}", env=env, log=log)
    with log.open("wb") as out:
        server.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "attune.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=1",
                "--threads=4",
                "--timeout=60",
                "--graceful-timeout=2",
                "--no-control-socket",  # its default path is shared by every gunicorn of this user
            ],
            env=env,
            cwd=PROJECT_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    # Generous: on a loaded 2-core machine (parallel browser workers, CI) gunicorn can take a while to import.
    deadline = time.monotonic() + START_SECONDS
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"The Attune server exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/account/sign-in/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"The Attune server did not answer within {START_SECONDS} s:\n{server.log_tail()}")
        time.sleep(0.1)


def stop_server(server: Server) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def start_sibling(server: Server, name: str, **settings: str) -> Server:
    """A second server on the same database and keys with some settings changed (a short idle timeout, say).
    Cheap: no migrate and no demo, only a gunicorn start. Its log is server-<name>.log next to the first's."""
    port = free_port()
    env = {**server.env, **settings, "ATTUNE_SITE_URL": f"http://127.0.0.1:{port}"}
    return start_server(env, port, server.log.with_name(f"server-{name}.log"))


# --- The neutral site that quick exit opens ------------------------------------------------------------------

# The network is closed, so a small local server stands in for the weather site (ATTUNE_QUICK_EXIT_URL). Its
# address uses the host name "localhost": another site than the 127.0.0.1 that Attune answers on, so the browser
# sends it none of Attune's cookies, as with a real neutral site.
NEUTRAL_TITLE = "Weather"
NEUTRAL_PAGE = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
    b'<meta name="viewport" content="width=device-width, initial-scale=1"><title>Weather</title></head>'
    b"<body><main><h1>Weather</h1><p>Light rain this afternoon, clearing by the evening.</p></main></body></html>"
)


class _NeutralHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/weather/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(NEUTRAL_PAGE)))
            self.end_headers()
            self.wfile.write(NEUTRAL_PAGE)
        else:  # a favicon, say: nothing to see, and no failed load for the watchers to report
            self.send_response(204)
            self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def neutral_site() -> Iterator[str]:
    """Serves the stand-in neutral page in a thread and yields its address."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralHandler)
    thread = threading.Thread(target=httpd.serve_forever, name="neutral-site", daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}/weather/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --- Pages: watchers for CSP violations and script errors ---------------------------------------------------

# Runs in every document before the page's own scripts. Playwright injects it outside the page's CSP, and the
# binding it calls is a DevTools binding, so neither the listener nor the report can itself be blocked.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__attuneCspViolation({
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: document.location.href,
  });
}, true);
"""


@dataclass
class Watch:
    """Everything that went wrong in one browser context, in the order it happened."""

    problems: list[str] = field(default_factory=list)
    reported: int = 0

    def on_violation(self, _source: Any, report: dict[str, Any]) -> None:
        self.problems.append(f"CSP violation: {json.dumps(report, sort_keys=True)}")

    def on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"CSP violation (console): {message.text}")

    def on_page_error(self, error: Any) -> None:
        self.problems.append(f"Script error: {error}")

    def on_response(self, response: Response) -> None:
        # A missing stylesheet or script leaves a page broken without any CSP report; the 404 page is fine.
        if response.status >= 400 and response.request.resource_type != "document":
            self.problems.append(f"Failed to load: {response.status} {response.url}")

    def on_request_failed(self, request: Request) -> None:
        # The browser fetches the favicon after the page has loaded and drops the fetch when the test moves on
        # to the next page at once: that is not a broken page.
        if "/static/attune/icon" in request.url and "ERR_ABORTED" in str(request.failure):
            return
        self.problems.append(f"Request failed: {request.url} ({request.failure})")


_watches: weakref.WeakKeyDictionary[Page, Watch] = weakref.WeakKeyDictionary()


def new_context(browser: Browser, base_url: str, viewport: str) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale="en-GB", timezone_id="Europe/London", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    return context


def watched_page(context: BrowserContext) -> Page:
    watch = Watch()
    context.expose_binding("__attuneCspViolation", watch.on_violation)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.on("response", watch.on_response)
    page.on("requestfailed", watch.on_request_failed)
    _watches[page] = watch
    return page


def watch_of(page: Page) -> Watch:
    return _watches[page]


def take_problems(page: Page) -> list[str]:
    """The CSP violations, script errors and failed loads reported since the last call."""
    watch = watch_of(page)
    problems = watch.problems[watch.reported :]
    watch.reported = len(watch.problems)
    return problems


def assert_no_csp_violations(page: Page) -> None:
    """Fails if the page reported a CSP violation, a script error or a failed load not yet failed on."""
    problems = take_problems(page)
    assert not problems, "\n".join(problems)


class People:
    """Several browsers in one test, one context each (no shared cookies), watched like the `page` fixture: a
    clinician and a client side by side, or a client who closes her browser and comes back in a new one."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.pages: list[Page] = []

    def open(self, viewport: str) -> Page:
        page = watched_page(new_context(self.browser, self.base_url, viewport))
        self.pages.append(page)
        return page

    def close(self, page: Page) -> None:
        """Closes the page's browser context at once (all its cookies go with it), after the usual checks."""
        self.pages.remove(page)
        try:
            assert_no_csp_violations(page)
        finally:
            page.context.close()

    def close_all(self, *, check: bool = True) -> None:
        problems: list[str] = []
        for page in self.pages:
            problems += take_problems(page)
            page.context.close()
        self.pages = []
        assert not (check and problems), "\n".join(problems)


# --- Page helpers for tests ---------------------------------------------------------------------------------


_last_step: dict[str, int] = {}


def totp_code(account: str, secret: str = DEMO_TOTP_SECRET) -> str:
    """A fresh RFC 6238 code (SHA-1, 30 s, 6 digits) for `account`.

    The server accepts each time step once per account and one step either side of now, so a second sign-in
    within the same 30 seconds uses the next step; a third would wait for the clock to catch up.
    """
    now = int(time.time()) // 30
    step = max(now, _last_step.get(account, now - 1) + 1)
    if step > now + 1:
        time.sleep((step - 1) * 30 - time.time() + 0.5)
    _last_step[account] = step
    return totp_at(base64.b32decode(secret + "=" * (-len(secret) % 8)), step)


def totp_at(key: bytes, step: int) -> str:
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def viewport_name(page: Page) -> str:
    size = page.viewport_size
    return "phone" if size is not None and size["width"] < 600 else "desktop"


def sign_in(
    page: Page, name: str, password: str = DEMO_PASSWORD, *, expect_success: bool = True, check_steps: bool = False
) -> None:
    """Signs in through the real forms as `name`@demo.attune.test (with a two-step code for staff) and waits
    for the page that follows. With check_steps, the forms on the way are checked like any other page."""
    page.goto("/account/sign-in/")
    page.get_by_label("Email").fill(email_for(name))
    page.get_by_label("Password").fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in", exact=True).click()
    _expect_form_accepted(page, navigation.value, f"Signing in as {name}")
    if "/account/two-step/verify/" in urlsplit(page.url).path:
        if check_steps:
            check_page(page, "two-step-code")
        page.get_by_label("Code").fill(totp_code(email_for(name)))
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Continue", exact=True).click()
        _expect_form_accepted(page, navigation.value, f"The two-step code for {name}")
    if expect_success and "/account/" in urlsplit(page.url).path:
        errors = page.locator(".form-errors, .error").all_inner_texts()
        raise AssertionError(f"Signing in as {name} ended on {page.url}: {errors}")


def _expect_form_accepted(page: Page, response: Response | None, what: str) -> None:
    """A form post answered with an error page (a CSRF refusal is a 403) fails with what the page said."""
    if response is not None and response.status >= 400:
        text = " ".join(page.locator("main").inner_text().split())
        raise AssertionError(f"{what}: the server answered {response.status} at {page.url}: {text[:300]}")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Saves a PNG as test-artifacts/screenshots/<name>-<phone|desktop>.png: the whole page from the top, or
    with full_page=False what the viewport shows now (after scrolling, say)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{viewport_name(page)}.png"
    if full_page:
        # From the top: a page left scrolled draws its sticky quick-exit bar halfway down a full-page capture.
        page.evaluate("() => window.scrollTo(0, 0)")
    # caret="initial": hiding the caret makes Playwright add a <style> element, which the page's CSP refuses.
    page.screenshot(path=str(path), full_page=full_page, caret="initial")
    return path


_axe_source: str | None = None

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


def run_axe(page: Page) -> list[dict[str, Any]]:
    """All axe-core violations on the current page. The script goes in through evaluate, which the page's CSP
    does not govern (a <script> tag would be refused, and would be a CSP violation of our own making)."""
    global _axe_source
    if _axe_source is None:
        _axe_source = AXE_JS.read_text()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {_axe_source}\n }}")
    violations: list[dict[str, Any]] = page.evaluate(AXE_RUN)
    return violations


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


def assert_accessible(page: Page, name: str = "", *, report: bool = True) -> None:
    """Fails on serious or critical axe findings; writes every finding to test-artifacts/axe/<name>.json."""
    violations = run_axe(page)
    label = f"{name or _slug(urlsplit(page.url).path)}-{viewport_name(page)}"
    if violations and report:
        AXE_REPORTS.mkdir(parents=True, exist_ok=True)
        (AXE_REPORTS / f"{label}.json").write_text(json.dumps({"url": page.url, "violations": violations}, indent=2))
    failing = [v for v in violations if v["impact"] in AXE_FAILING]
    if failing:
        lines = [f"axe found {len(failing)} serious or critical problem(s) on {page.url}:"]
        for v in failing:
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} -> {targets}")
        raise AssertionError("\n".join(lines))


# The outermost elements that stick out past the right edge of the viewport, if the page scrolls sideways.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= limit) return [];
  const wide = (e) => e.getBoundingClientRect().right > limit + 1;
  return [...document.body.querySelectorAll("*")]
    .filter((e) => wide(e) && !(e.parentElement && e.parentElement !== document.body && wide(e.parentElement)))
    .slice(0, 5)
    .map((e) => {
      const classes = String(e.className || "").trim().split(/\\s+/).filter(Boolean);
      const right = Math.round(e.getBoundingClientRect().right);
      return `${[e.tagName.toLowerCase(), ...classes].join(".")} (right edge at ${right}px)`;
    });
}"""


def assert_fits_width(page: Page) -> None:
    """Fails if the page scrolls sideways: at phone width that hides content off the screen."""
    width = page.evaluate("() => document.documentElement.clientWidth")
    overflowing: list[str] = page.evaluate(OVERFLOWING)
    assert not overflowing, f"{page.url} is wider than the {width}px viewport: " + "; ".join(overflowing)


# References by id that point at nothing: a screen reader then silently skips the help text or error message.
DANGLING_IDREFS = r"""() => {
  const bad = [];
  for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage", "aria-owns"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) bad.push(`<${el.tagName.toLowerCase()} id="${el.id}"> ${attr}="${id}"`);
      }
    }
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) bad.push(`<label for="${label.htmlFor}">`);
  }
  return bad;
}"""


def assert_idrefs_resolve(page: Page) -> None:
    """Fails if an aria-describedby (or similar) or a label's `for` names an id that is not on the page."""
    dangling: list[str] = page.evaluate(DANGLING_IDREFS)
    assert not dangling, f"{page.url} refers to ids that do not exist: " + "; ".join(dangling)


def check_page(page: Page, name: str, *, full_page: bool = True) -> Path:
    """What every visited page must pass: loaded; no CSP violation, script error or failed load so far; no
    sideways scrolling; no serious axe finding; no reference to a missing id. Saves its screenshot first (so
    that a failure can be looked at; see `screenshot` for full_page) and returns the path."""
    page.wait_for_load_state("load")
    path = screenshot(page, name, full_page=full_page)
    assert_no_csp_violations(page)
    assert_fits_width(page)
    assert_accessible(page, name)
    assert_idrefs_resolve(page)
    assert_no_csp_violations(page)
    return path


OTHER_WIDTH = {"phone": "desktop", "desktop": "phone"}


def check_page_at_both_widths(page: Page, name: str, *, full_page: bool = True) -> list[Path]:
    """check_page at the page's own width, then with the window resized to the other one (390 or 1280 px wide)
    and checked again, then resized back: one step of a story, saved as <name>-phone.png and <name>-desktop.png.
    Only the width changes; the browser keeps its own touch and mobile settings."""
    own = page.viewport_size
    assert own is not None
    paths = [check_page(page, name, full_page=full_page)]
    page.set_viewport_size(VIEWPORTS[OTHER_WIDTH[viewport_name(page)]]["viewport"])
    try:
        paths.append(check_page(page, name, full_page=full_page))
    finally:
        page.set_viewport_size(own)
    return paths
