"""LHC-Forms, a widely used FHIR form renderer, reads what Attune writes and Attune reads what LHC-Forms writes.

LHC-Forms (the `lforms` devDependency) is served from node_modules by this test's own HTTP server on a page of
its own: nothing is fetched from elsewhere, and Attune's pages and their CSP are untouched by it.

1. Each shipped Questionnaire is rendered in LHC-Forms and filled through its answer lists; the
   QuestionnaireResponse LHC-Forms makes is imported through Attune's FHIR API and scores what Attune's own
   scoring gives for the same answers. LHC-Forms shows the same questions Attune's engine would ask (R4
   enableWhen: PHQ-9's tenth from the start, PC-PTSD-5's five after "Yes").
2. Responses answered in Attune are exported (the Bundle of the API) and loaded back into LHC-Forms with
   mergeFHIRDataIntoLForms, every answer shown.

Both without a script error or a console error on the LHC-Forms page.
"""

from __future__ import annotations

import json
import mimetypes
import re
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from attune.measures import library, scoring
from attune.questionnaires import engine
from tests.browser import support

LFORMS = support.PROJECT_DIR / "node_modules" / "lforms" / "dist" / "lforms"
# The files the LHC-Forms README lists, in its order; the FHIR library runs after the web component's modules.
PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LHC-Forms</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js" type="module"></script>
<script src="/lforms/webcomponent/polyfills.js" type="module"></script>
<script src="/lforms/webcomponent/main.js" type="module"></script>
<script src="/lforms/fhir/R4/lformsFHIR.min.js" defer></script>
</head><body><main><div id="form"></div></main></body></html>
"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/":
            self._send(200, "text/html; charset=utf-8", PAGE)
            return
        wanted = (LFORMS / path.removeprefix("/lforms/")).resolve()
        if not path.startswith("/lforms/") or not wanted.is_relative_to(LFORMS) or not wanted.is_file():
            self._send(404, "text/plain", b"not found")
            return
        kind = mimetypes.guess_type(wanted.name)[0] or "application/octet-stream"
        self._send(200, "text/javascript" if wanted.suffix == ".js" else kind, wanted.read_bytes())

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def lforms_url() -> Iterator[str]:
    assert (LFORMS / "webcomponent" / "main.js").is_file(), "run `npm ci`: the lforms devDependency is missing"
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, name="lforms-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class LhcForms:
    """The LHC-Forms page, with every console error and script error it reports."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.page: Page = support.watched_page(support.new_context(browser, url, "desktop"))
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        self.page.goto(url)
        self.page.wait_for_function("() => window.LForms && LForms.Util && LForms.Util.getFormFHIRData")

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def show(self, form: dict[str, Any]) -> None:
        self.page.evaluate(
            "f => { LForms.Util.removeFormsFromPage('form'); LForms.Util.addFormToPage(f, 'form'); }", form
        )
        self.page.locator("#form input").first.wait_for()

    def field(self, link_id: str) -> Any:
        # LHC-Forms gives each answer field an id starting with the item's linkId and a slash.
        return self.page.locator(f'#form input[id^="{link_id}/"]')

    def shown(
        self, instrument: library.Instrument, expected: list[str] | None = None, seconds: float = 10
    ) -> list[str]:
        """The items LHC-Forms shows. With `expected`, waits up to `seconds` for them: it redraws after an answer
        on its own schedule, and on a loaded machine a read straight after a click can catch it half-way."""
        deadline = time.monotonic() + seconds
        while True:
            found = [i["linkId"] for i in instrument.items if self.field(i["linkId"]).is_visible()]
            if expected is None or found == expected or time.monotonic() > deadline:
                return found
            self.page.wait_for_timeout(100)

    def choose(self, link_id: str, index: int) -> None:
        """Opens the item's answer list and picks the answer at `index`, as a person would."""
        self.field(link_id).click()
        self.page.locator(f'#lhc-tools-searchResults li[autocomprawlistindex="{index}"]').click()

    def response(self, answered: set[str] | None = None, seconds: float = 10) -> dict[str, Any]:
        """The QuestionnaireResponse LHC-Forms makes. With `answered`, waits up to `seconds` until it holds an
        answer to each of those items: LHC-Forms takes a picked answer into its model on its own schedule, and
        a read straight after the last click can miss it (seen once on PC-PTSD-5's last question)."""
        deadline = time.monotonic() + seconds
        while True:
            found: dict[str, Any] = self.page.evaluate(
                "() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', document.getElementById('form'))"
            )
            if answered is None or answered <= _answered(found) or time.monotonic() > deadline:
                return found
            self.page.wait_for_timeout(100)

    def close(self) -> None:
        problems = support.take_problems(self.page)
        self.page.context.close()
        assert not (problems + self.errors), "\n".join(problems + self.errors)


def _answered(resource: dict[str, Any]) -> set[str]:
    """The linkIds that carry an answer anywhere in a QuestionnaireResponse (groups walked)."""
    found: set[str] = set()
    stack = list(resource.get("item", []))
    while stack:
        item = stack.pop()
        if item.get("answer"):
            found.add(item["linkId"])
        stack.extend(item.get("item", []))
        for answer in item.get("answer", []):
            stack.extend(answer.get("item", []))
    return found


@pytest.fixture
def lhc(browser: Browser, lforms_url: str) -> Iterator[LhcForms]:
    forms = LhcForms(browser, lforms_url)
    yield forms
    forms.close()


class Attune:
    """Alice, signed in on Attune, calling its JSON API with her session (and its CSRF token), as its own pages do.
    The responses go to her client Amara, whom no other browser test gives questionnaires: a PHQ-9 completed for
    Dana today would make her weekly PHQ-9 not due in the monitoring test when both files share a server."""

    def __init__(self, page: Page) -> None:
        self.page = page
        support.sign_in(page, "alice")
        page.goto("/clients/")
        with page.expect_navigation():
            page.get_by_role("main").get_by_role("link", name="Amara", exact=True).first.click()
        found = re.search(r"/clients/([0-9a-f-]{36})/", page.url)
        assert found, page.url
        self.client_id = found.group(1)
        self.csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        answer = self.page.request.fetch(
            f"/api/v1{path}",
            method=method,
            data=json.dumps(body) if body is not None else None,
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf},
        )
        assert answer.status == expect, f"{method} {path}: {answer.status} {answer.text()[:500]}"
        return answer.json()


@pytest.fixture
def attune(desktop_page: Page) -> Attune:
    return Attune(desktop_page)


def _answer_index(instrument: library.Instrument, link_id: str, n: int) -> int:
    """A spread of answers: never all the first one (so PHQ-9's tenth stays asked), "Yes" to PC-PTSD-5's first."""
    options = instrument.item(link_id)["options"]
    if link_id == "pcptsd5-exposure":
        return 1
    return (n + 1) % len(options)


INSTRUMENTS = [i.code for i in library.all_instruments()]


def test_lhc_forms_fills_every_questionnaire_and_attune_imports_it_with_the_same_score(
    lhc: LhcForms, attune: Attune
) -> None:
    assert len(INSTRUMENTS) >= 9
    for code in INSTRUMENTS:
        instrument = library.load(code)
        lhc.show(instrument.questionnaire)
        # LHC-Forms shows what Attune's engine asks before any answer (R4: "!=" holds with no answer).
        asked = engine.sequence(instrument, {})
        assert lhc.shown(instrument, asked) == asked, code
        values: dict[str, float | None] = {}
        for n, item in enumerate(instrument.items):
            link_id = item["linkId"]
            if not lhc.field(link_id).is_visible():
                assert link_id not in engine.sequence(instrument, values), f"{code}: Attune would ask {link_id}"
                continue
            index = _answer_index(instrument, link_id, n)
            lhc.choose(link_id, index)
            values[link_id] = item["options"][index][0]
            asked = engine.sequence(instrument, values)
            assert lhc.shown(instrument, asked) == asked, f"{code} after {link_id}"
        made = lhc.response(answered=set(values))
        assert made["questionnaire"] == f"{instrument.questionnaire['url']}|{instrument.questionnaire['version']}"
        imported = attune.call("POST", f"/clients/{attune.client_id}/responses/fhir", made, expect=201)
        asked_ids = set(engine.sequence(instrument, values))
        expected = scoring.score(instrument, {k: v for k, v in values.items() if k in asked_ids})
        assert imported["instrument"] == code
        assert {a["link_id"]: a["value"] for a in imported["answers"]} == values, code
        assert imported["score"]["total"] == expected.total, code
        if code == "phq9":
            assert "phq9-10" in values  # shown from the start in LHC-Forms and answered there, as in Attune


def _answer_in_attune(attune: Attune, instrument: library.Instrument) -> str:
    """A response answered through Attune's API (one question declined), or for an instrument whose item text a
    practice loads itself, imported from plain FHIR with numbers; its id."""
    values: dict[str, float | None] = {}
    for n, item in enumerate(instrument.items):
        if item["linkId"] in engine.sequence(instrument, values):
            values[item["linkId"]] = item["options"][_answer_index(instrument, item["linkId"], n)][0]
    declined = instrument.item_ids[-1]
    values[declined] = None
    if not engine.administrable(instrument):
        items = [{"linkId": k, "answer": [{"valueDecimal": v}]} for k, v in values.items() if v is not None]
        resource = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items}
        resource["questionnaire"] = instrument.questionnaire["url"]
        return str(attune.call("POST", f"/clients/{attune.client_id}/responses/fhir", resource, expect=201)["id"])
    started = attune.call("POST", f"/clients/{attune.client_id}/responses", {"instrument": instrument.code}, expect=201)
    for link_id, value in values.items():
        body = {"value": value, "skipped": value is None}
        attune.call("PUT", f"/responses/{started['id']}/answers/{link_id}", body)
    attune.call("POST", f"/responses/{started['id']}/submit", {"submission_id": str(uuid.uuid4())})
    return str(started["id"])


def test_attunes_export_loads_back_into_lhc_forms_with_every_answer_shown(lhc: LhcForms, attune: Attune) -> None:
    for code in INSTRUMENTS:
        instrument = library.load(code)
        bundle = attune.call("GET", f"/responses/{_answer_in_attune(attune, instrument)}/fhir")
        resources = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
        questionnaire, qr = resources["Questionnaire"], resources["QuestionnaireResponse"]
        merged = lhc.page.evaluate(
            """([q, qr]) => {
                 const form = LForms.Util.convertFHIRQuestionnaireToLForms(q, 'R4');
                 return LForms.Util.mergeFHIRDataIntoLForms('QuestionnaireResponse', qr, form, 'R4');
               }""",
            [questionnaire, qr],
        )
        lhc.show(merged)
        answered = [i for group in qr["item"] for i in [group, *group.get("item", [])] if "answer" in i]
        assert answered, code
        for item in answered:
            display = item["answer"][0]["valueCoding"]["display"]
            shown = lhc.field(item["linkId"]).input_value()
            assert shown.startswith(display), f"{code} {item['linkId']}: LHC-Forms shows {shown!r}, not {display!r}"
        if code == "phq9":
            support.screenshot(lhc.page, "lhc-forms-phq9-from-attune")
        # And what LHC-Forms gives back is the same answers, nested the same way.
        again = lhc.response()
        assert _answers(again) == _answers(qr), code


def _answers(qr: dict[str, Any]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for item in qr.get("item", []):
        found |= _answers(item)
        for answer in item.get("answer", []):
            found[item["linkId"]] = (answer["valueCoding"]["system"], answer["valueCoding"]["code"])
    return found
