"""What the JSON API says about its errors in its OpenAPI document (/api/v1/openapi.json).

Every error the API answers has one body: `{"detail": "..."}`, and a refused input (422) adds
`"errors": [{"field": ..., "message": ...}]` (attune/api/main.py renders them). The API root declares the answers
every operation can give (401 and 403 where it needs a sign-in, 404 where its path names a record, 400 where it
reads a body, 422 where it takes input); an operation that can answer something more says so with
`openapi_extra=may_answer(409)`.
tests/api/test_contract.py (schemathesis) fails when an operation answers a status its document does not declare.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from pydantic import BeforeValidator

ERROR = "ApiError"
INVALID = "ApiInvalidInput"

DESCRIPTIONS = {
    400: "The request could not be read.",
    401: "Not signed in: sign in, or send a valid token.",
    403: "Signed in, but without access to this.",
    404: "Not found, or not visible to the caller (the API never says which).",
    409: "It changed since it was read (reload and try again), or its state does not allow this now.",
    422: "The input was refused; `errors` names each field and why.",
    429: "Too many attempts: wait a few minutes.",
}

SCHEMAS: dict[str, dict[str, Any]] = {
    ERROR: {
        "title": ERROR,
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "A sentence to show the person"}},
        "required": ["detail"],
    },
    INVALID: {
        "title": INVALID,
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "The first problem, as a sentence"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "field": {
                            "anyOf": [{"type": "string"}, {"type": "null"}],
                            "description": "The input's name (dotted for nested fields), null for the whole input",
                        },
                        "message": {"type": "string"},
                    },
                    "required": ["field", "message"],
                },
            },
        },
        "required": ["detail", "errors"],
    },
}


def error_response(status: int) -> dict[str, Any]:
    """The OpenAPI response object of one error status."""
    name = INVALID if status == 422 else ERROR
    return {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def may_answer(*statuses: int) -> dict[str, Any]:
    """`openapi_extra` for an operation that can answer these errors besides the ones every operation declares."""
    return {"responses": {status: error_response(status) for status in statuses}}


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the error schemas and the errors every operation can answer to an OpenAPI document (in place)."""
    document.setdefault("components", {}).setdefault("schemas", {}).update(SCHEMAS)
    for item in document.get("paths", {}).values():
        for operation in item.values():
            parameters = operation.get("parameters", [])
            common: list[int] = []
            if operation.get("security"):
                common += [401, 403]
            if any(p.get("in") == "path" for p in parameters):
                common.append(404)
            if "requestBody" in operation:
                common.append(400)
            if parameters or "requestBody" in operation:
                common.append(422)
            responses = operation.setdefault("responses", {})
            for status in common:
                responses.setdefault(status, error_response(status))
            operation["responses"] = dict(sorted(responses.items(), key=lambda pair: int(pair[0])))
    return document


def one_of(values: Callable[[], Iterable[str]]) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` for a text field that takes one of a list known when the document is made (the
    library's instruments, skills, modules): the document lists them, so an app knows what is accepted."""

    def extra(schema: dict[str, Any]) -> None:
        schema["enum"] = sorted(set(values()))

    return extra


def each_one_of(values: Callable[[], Iterable[str]]) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` for a list of texts, each one of a known list."""

    def extra(schema: dict[str, Any]) -> None:
        for branch in [schema, *schema.get("anyOf", [])]:
            if branch.get("type") == "array":
                branch["items"] = {"type": "string", "enum": sorted(set(values()))}

    return extra


def _iso_date(value: object) -> object:
    # Pydantic also reads a number ("0") as a Unix time; the document says a date (YYYY-MM-DD), so only that is read.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Give a date as YYYY-MM-DD.")
    if isinstance(value, int | float):
        raise ValueError("Give a date as YYYY-MM-DD.")
    return value


# A date in a query or body, read only as YYYY-MM-DD (as the document's `format: date` says).
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
