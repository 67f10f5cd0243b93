"""Zero CSP violations (SECURITY.md 10): every page each person of the demo can reach, walked by following the
links on the pages themselves, as every role (client, partner, clinicians, supervisor, admin, researcher, another
practice's clinician and client) and anonymously, plus the error pages. A `securitypolicyviolation` event, a
script error or a failed load of a stylesheet, script or image fails the test (tests/browser/support.py)."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from tests.browser import support
from tests.browser.support import sign_in, take_problems

pytestmark = pytest.mark.browser

# Instrument acronyms and statistics words are for the care team; a client's or partner's page shows neither.
NOT_FOR_CLIENTS = re.compile(
    r"\b(PHQ-9|GAD-7|PCL-5|PC-PTSD-5|BRS|MSPSS|CSI-16|DERS-16|ECR-RS|confidence interval|95%|p-value)\b"
)
PORTAL_ROLES = {"dana", "frank", "eli", "gus"}
ROLES = ["dana", "frank", "eli", "alice", "bob", "sam", "ada", "rita", "carol", "gus"]
# Links that end the session, leave the site, download a file or start a flow by GET are not walked.
SKIP = re.compile(r"/sign-out/|/quick-exit/|/n/[0-9a-f-]+/|/api/|\.(pdf|ics|csv|json|png|svg)$|/download|/export")
MAX_PAGES = 60
ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")


def _shape(path: str) -> str:
    """One page per kind: /clients/<uuid>/diary/ stands for every client's diary."""
    return ID.sub("{id}", path)


def crawl(page: Page, base: str, start: str = "/", *, client: bool = False) -> tuple[list[str], list[str]]:
    """(pages walked, problems) following same-site links breadth first, one page of each shape. For a client
    or partner, instrument acronyms and statistics jargon on a page are problems too."""
    queue, seen, walked, problems = [start], {_shape(start)}, [], []
    while queue and len(walked) < MAX_PAGES:
        path = queue.pop(0)
        try:
            page.goto(path, wait_until="load")
        except PlaywrightError as exc:  # a download started by a link: nothing to render
            if "Download is starting" not in str(exc):
                raise
            continue
        walked.append(path)
        problems += [f"{path}: {p}" for p in take_problems(page)]
        if client:
            problems += [f"{path}: shows a client {m!r}" for m in NOT_FOR_CLIENTS.findall(page.inner_text("body"))]
            # Every tab reads the same discreet title, so each page needs its own heading for a screen reader.
            headings = page.eval_on_selector_all("h1", "els => els.map(e => e.textContent.trim())")
            if len(headings) != 1 or not headings[0]:
                problems.append(f"{path}: {len(headings)} level-one headings {headings!r}, not one")
        if urlsplit(page.url).path.startswith("/account/sign-in") and path != "/account/sign-in/":
            continue  # signed out (an idle timeout would be a bug found elsewhere): nothing more to walk
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            url = urldefrag(href)[0]
            if not url.startswith(base):
                continue
            target = url[len(base) :] or "/"
            if SKIP.search(urlsplit(target).path) or _shape(target) in seen:
                continue
            seen.add(_shape(target))
            queue.append(target)
    return walked, problems


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_every_page_as_every_role_has_no_csp_violation(role: str, people: support.People, server) -> None:
    page = people.open("desktop")
    if role != "anonymous":
        sign_in(page, role, expect_success=role != "rita")  # a researcher's home is their account settings
    start = "/" if role != "anonymous" else "/account/sign-in/"
    walked, problems = crawl(page, server.url, start, client=role in PORTAL_ROLES)
    # Error pages too: a page that does not exist, and a record that is not theirs (404).
    for path in ("/no-such-page/", "/clients/00000000-0000-0000-0000-000000000000/"):
        page.goto(path)
        problems += [f"{path}: {p}" for p in take_problems(page)]
    assert len(walked) >= (3 if role == "anonymous" else 5), walked
    assert not problems, "\n".join(problems)
    print(f"{role}: {len(walked)} pages without a CSP violation")
