"""The API keeps its contract: schemathesis calls every operation of /api/v1/openapi.json as a client (dana) and as a
clinician (alice), with schema-valid and schema-violating requests, and checks that

- no answer is a server error (not_a_server_error),
- every status answered is declared, with the declared content type and a body that fits its schema
  (status_code_conformance, content_type_conformance, response_schema_conformance),
- a request that violates the schema is refused (negative_data_rejection: 4xx, never 2xx), and a request that fits
  it is not refused as invalid (positive_data_acceptance: never 400 or 422, so the document says what is accepted).

Operations are found in the document itself, so an operation added later is tested without a change here. Each
operation and role is its own test (`test_contract[GET /api/v1/...][dana]`); a failure prints what was sent and
answered, and a curl command to send it again. Generation is derandomized with a fixed budget, so a run is the
same on every machine. Path parameters are filled with the standing cast's real records (dana's) as well as
generated ones, so an operation is reached past its 404 (see `real_records`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from attune.accounts.services import create_api_token
from attune.api.main import api
from tests.cast import Cast

# Enough to meet each operation's boundaries (schemathesis' coverage phase adds its own deterministic cases on top)
# while the whole run stays at a few minutes on two cores.
MAX_EXAMPLES = 8
ROLES = {"dana": "a client", "alice": "her clinician"}

# Refusals (422) of schema-valid requests that no JSON schema of the input can say, by operation: the fields the
# refusal may name (None: any field) and why the schema cannot say it. Any other 422 to a schema-valid request
# fails the test; every other check applies to these operations as to the rest.
BEYOND_THE_SCHEMA: dict[str, tuple[set[str | None] | None, str]] = {
    "POST /api/v1/clients/{client_id}/responses/fhir": (
        None,
        "a FHIR QuestionnaireResponse is checked against its Questionnaire (items, answers, status)",
    ),
    "POST /api/v1/clients/{client_id}/episodes": ({None}, "one episode of care is open at a time (the record's state)"),
    "POST /api/v1/clients/{client_id}/episodes/close": ({"closed"}, "an episode closes after the day it opened"),
    "POST /api/v1/clients/{client_id}/notes": ({"session_date"}, "a note is for a session on or before today"),
    "POST /api/v1/clients/{client_id}/goals": ({None}, "a goal belongs to a saved treatment plan (the state)"),
    "POST /api/v1/clients/{client_id}/appointments": (None, "a place or a video link, a start in the future"),
    "POST /api/v1/clients/{client_id}/reviews": ({"review_date"}, "a review date inside an episode of care"),
    "POST /api/v1/clients/{client_id}/learn/suggestions": ({"target"}, "the target is one of the kind `kind` names"),
    "PUT /api/v1/clients/{client_id}/safety-plan/steps": (None, "the shape of `values` depends on `step`"),
    "POST /api/v1/clients/{client_id}/schedules": (
        {"every", "starts"},
        "`every`'s limit depends on `kind`; `starts` within a year of today",
    ),
    "POST /api/v1/clients/{client_id}/diary/entries": (
        {"occurred_at", "script_id"},
        "not in the future (today moves); a script on the client's own map",
    ),
    "POST /api/v1/clients/{client_id}/skills/practices": (
        {"occurred_at", "variant"},
        "not in the future (today moves); a variant of the skill named",
    ),
    "POST /api/v1/clients/{client_id}/learn/rehearsals": ({"replies"}, "each reply at the line the run reached"),
    "POST /api/v1/clients/{client_id}/learn/thought-records": ({"thought"}, "the situation or the thought written"),
    "POST /api/v1/clients/{client_id}/couples/invitations": ({"email"}, "an address Django's email validator takes"),
    "PUT /api/v1/me/privacy/sharing/{person_id}/{category}": ({"category"}, "a category the client can share"),
    "PUT /api/v1/me/notifications": ({None}, "quiet hours have both a start and an end, or neither"),
}


def positive_data_acceptance_beyond_the_schema(ctx: Any, response: Any, case: Any) -> bool | None:
    """positive_data_acceptance, except for the refusals listed in BEYOND_THE_SCHEMA (with the fields they name)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except AssertionError:
        allowed = BEYOND_THE_SCHEMA.get(case.operation.label)
        if allowed is not None and response.status_code == 422:
            fields, _why = allowed
            named = {error.get("field") for error in json.loads(response.content).get("errors", [])}
            if fields is None or named <= fields:
                return None
        raise


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance_beyond_the_schema,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()
# To rerun some operations only: ATTUNE_CONTRACT_PATHS='/learn/|/me/notifications' pytest tests/api/test_contract.py
ONLY = os.environ.get("ATTUNE_CONTRACT_PATHS", "")
if ONLY:
    schema = schema.include(path_regex=ONLY)
# Text holding a NUL character is refused before any handler (test below): no string schema says so.
schema.config.generation.update(allow_x00=False)

# Path parameter -> the ids of dana's records that the running test may put there (set by the `real_records`
# fixture for each test; read by the hook below while the cases are generated).
REAL: dict[str, list[str]] = {}


# Path parameter -> (app label, model) whose rows of dana's, by that name, an operation may name in its path. A name
# missing here (or a model without rows for dana) is still tested, with generated values only.
RECORDS = {
    "entry_id": ("diary", "DiaryEntry"),
    "script_id": ("diary", "RelationshipScript"),
    "intake_id": ("intake", "Intake"),
    "record_id": ("learn", "ThoughtRecord"),
    "piece_id": ("learn", "NarrativePiece"),
    "suggestion_id": ("learn", "Suggestion"),
}


def _dana_records(cast: Cast) -> dict[str, list[str]]:
    """Real ids for path parameters, by parameter name: dana's own records, which both roles may reach."""
    from django.apps import apps

    from attune.measures import library as measures
    from attune.questionnaires.models import Response
    from attune.skills import library as skills

    dana = cast.client("dana")
    found: dict[str, list[str]] = {
        "client_id": [str(dana.pk)],
        "response_id": [str(pk) for pk in Response.objects.filter(client=dana).values_list("pk", flat=True)[:3]],
        "slug": [skill.slug for skill in skills.all_skills()[:2]],
        "code": sorted(measures.codes())[:2],
    }
    for name, (app, model) in RECORDS.items():
        rows = apps.get_model(app, model).objects.filter(client=dana).values_list("pk", flat=True)[:3]
        found[name] = [str(pk) for pk in rows]
    return {name: ids for name, ids in found.items() if ids}


@schema.hook("map_case")
def use_real_records(context: Any, case: Any) -> Any:
    """A schema-valid case reaches a real record: each path parameter with known ids takes one of them, chosen by
    the generated value (so the choice is as deterministic as the generation)."""
    if case.meta is None or not case.meta.generation.mode.is_positive or not case.path_parameters:
        return case
    for name, value in list(case.path_parameters.items()):
        ids = REAL.get(name)
        if name == "slug" and "/skills/" not in case.path:
            ids = None  # the skills' slugs; a learn module's slug is generated
        if ids:
            choice = sum(str(value).encode()) % (len(ids) + 1)
            if choice < len(ids):
                case.path_parameters[name] = ids[choice]
    return case


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI app sends request_started and request_finished, whose close_old_connections closes the test's
    connection in the middle of its transaction on PostgreSQL ("the connection is closed"; SQLite's in-memory test
    database is never closed). Django's own test client disconnects it in the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def real_records(cast: Cast) -> Iterator[None]:
    REAL.clear()
    REAL.update(_dana_records(cast))
    try:
        yield
    finally:
        REAL.clear()


@pytest.fixture
def bearer(cast: Cast) -> Callable[[str], dict[str, str]]:
    tokens = {name: create_api_token(getattr(cast, name), "contract test")[1] for name in ROLES}
    return lambda role: {"Authorization": f"Bearer {tokens[role]}"}


@pytest.mark.parametrize("role", list(ROLES))
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
def test_contract(case: Any, role: str, bearer: Callable[[str], dict[str, str]], real_records: None) -> None:
    case.call_and_validate(headers=bearer(role), checks=CHECKS)


def test_the_tested_document_is_the_one_served(client: Any) -> None:
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(api.get_openapi_schema()))


def test_the_refusals_beyond_the_schema_name_operations_that_exist() -> None:
    labels = {op.ok().label for op in schema.get_all_operations()}
    if not ONLY:
        assert set(BEYOND_THE_SCHEMA) <= labels, set(BEYOND_THE_SCHEMA) - labels


def test_every_operation_is_tested() -> None:
    """The parametrization comes from the document: every operation in it, and nothing filtered out."""
    document = api.get_openapi_schema()
    declared = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    tested = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    if not ONLY:
        assert declared == tested
        assert len(tested) > 150


def test_text_holding_a_nul_character_is_refused_not_a_server_error(cast: Cast, api_for: Any) -> None:
    """PostgreSQL cannot store a NUL character, so it is refused before a handler runs (the contract run generates
    text without NUL because the document's string schemas do not say so)."""
    app = api_for(cast.dana)
    dana = cast.client("dana").pk
    body = json.dumps({"kind": "", "q": "a\x00b"})
    posted = app.post(f"/api/v1/clients/{dana}/diary/entries/search", body, content_type="application/json")
    assert posted.status_code == 400, posted.content
    queried = app.get(f"/api/v1/clients/{dana}/diary/entries", {"kind": "\x00"})
    assert queried.status_code == 422, queried.content
    assert set(queried.json()) == {"detail", "errors"}
