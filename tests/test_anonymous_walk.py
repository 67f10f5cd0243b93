"""Deny by default (SECURITY.md 1): every URL pattern and every API operation, requested without signing in, is
refused (302 to sign-in for pages, 401 JSON for the API) unless it is on the reviewed allowlist below.

Path parameters are filled with well-formed values that match nothing, so a refusal must come before any
lookup. The allowlist is checked both ways: a page marked @login_not_required or an API operation with
auth=None that is not listed here fails, and so does a listed endpoint that no longer exists.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client as DjangoClient
from django.urls import URLPattern, URLResolver, converters, get_resolver, resolve, reverse

from attune.api.main import api
from tests.cast import CANARIES

# Reviewed allowlist: endpoint -> {method: the status an anonymous request with an empty form gets}, and why.
PUBLIC_PAGES: dict[str, tuple[dict[str, int], str]] = {
    "accounts:login": ({"GET": 200, "POST": 200}, "signing in"),
    "accounts:logout": ({"GET": 405, "POST": 302}, "signing out must work even when the session has ended"),
    "accounts:quick_exit": ({"GET": 405, "POST": 204}, "quick exit ends the session with sendBeacon, signed in or not"),
    "accounts:about_quick_exit": ({"GET": 200, "POST": 200}, "explains quick exit before anyone signs in"),
    "accounts:password_reset": ({"GET": 200, "POST": 200}, "a forgotten password; same answer for any address"),
    "accounts:password_reset_done": ({"GET": 200, "POST": 405}, "says a reset email may have been sent"),
    "accounts:password_reset_confirm": ({"GET": 200, "POST": 200}, "the link in the reset email (an unknown link)"),
    "accounts:password_reset_complete": ({"GET": 200, "POST": 405}, "says the password was changed"),
    "accounts:accept_invitation": ({"GET": 404, "POST": 404}, "the link in an invitation (an unknown link: 404)"),
    # Load balancers have no account; the answer names checks and says ok or not, nothing about anyone. No worker
    # runs during the tests, so the answer here is 503.
    "health": ({"GET": 503, "POST": 405}, "the health endpoint for load balancers and monitors"),
    "accounts:sign_in_link": (
        {"GET": 200, "POST": 400},
        "the one-time link of the per-account limit (a button; POST of an unknown link: 400)",
    ),
    "accounts:passkey_sign_in_options": (
        {"GET": 405, "POST": 200},
        "signing in with a passkey: a fresh challenge for this browser's session, naming no account",
    ),
    "accounts:passkey_sign_in": (
        {"GET": 405, "POST": 400},
        "signing in with a passkey: the answer to that challenge (none here: the same 400 as any failure)",
    ),
    "notify:service_worker": ({"GET": 200, "POST": 405}, "the service worker: one static script, nothing about anyone"),
}
PUBLIC_API: dict[str, tuple[dict[str, int], str]] = {
    # An empty body is invalid input, answered before any account is looked up.
    "create_token": ({"POST": 422}, "exchanges email, password (and code) for a token: the API's sign-in"),
    # The API's shape is public in the (AGPL) source anyway; the document holds no data and is the same for
    # everyone, and integrators and schema-driven tests (SECURITY.md 25) need it before they have a token.
    "openapi-json": ({"GET": 200}, "the OpenAPI document"),
    # Exists only so that ninja can reverse its URLs; answers 404 to everyone, signed in or not.
    "api-root": ({"GET": 404}, "the API root: a 404"),
}


def _dummy(converter: Any) -> Any:
    if isinstance(converter, converters.UUIDConverter):
        return uuid.uuid4()
    if isinstance(converter, converters.IntConverter):
        return 987654
    return "x" * 12


def patterns(items: list[Any] | None = None, namespace: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(URL name, path kwargs) for every pattern of the project."""
    for item in items if items is not None else get_resolver().url_patterns:
        if isinstance(item, URLResolver):
            inner = ":".join(filter(None, [namespace, item.namespace or ""]))
            yield from patterns(item.url_patterns, inner)
        elif isinstance(item, URLPattern):
            name = f"{namespace}:{item.name}" if namespace else str(item.name)
            yield name, {key: _dummy(conv) for key, conv in item.pattern.converters.items()}


def callbacks() -> dict[str, Any]:
    resolver = get_resolver()
    out = {}
    for name, kwargs in patterns():
        out[name] = resolver.resolve(reverse(name, kwargs=kwargs)).func
    return out


OPERATIONS = {
    op["operationId"]: (method.upper(), bool(op.get("security")))
    for item in api.get_openapi_schema()["paths"].values()
    for method, op in item.items()
}
PAGE_NAMES = sorted(name for name, _ in patterns() if not name.startswith("api:"))
API_NAMES = sorted(name.removeprefix("api:") for name, _ in patterns() if name.startswith("api:"))


# As an app would call: no cookies and no CSRF token, and either no token or one that matches nothing.
APP_HEADERS: list[dict[str, Any]] = [{}, {"HTTP_AUTHORIZATION": "Bearer att_not-a-real-token"}]


def anonymous() -> tuple[DjangoClient, dict[str, Any]]:
    browser = DjangoClient(enforce_csrf_checks=True, raise_request_exception=False)
    secret = secrets.token_hex(16)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    return browser, {"HTTP_X_CSRFTOKEN": secret}


def path_for(name: str) -> str:
    kwargs = dict(patterns())[name]
    return reverse(name, kwargs=kwargs)


def assert_no_canary(response: Any) -> None:
    body = response.content.decode(errors="replace")
    assert not [c for c in CANARIES if c in body]


def test_the_allowlist_is_exactly_what_is_public() -> None:
    public_pages = {name for name, func in callbacks().items() if not name.startswith("api:")}
    public_pages = {name for name in public_pages if getattr(callbacks()[name], "login_required", True) is False}
    assert public_pages == set(PUBLIC_PAGES), "review @login_not_required views against PUBLIC_PAGES"
    public_ops = {op for op, (_method, secured) in OPERATIONS.items() if not secured}
    non_operations = set(API_NAMES) - set(OPERATIONS)
    assert public_ops | non_operations == set(PUBLIC_API), "review auth=None operations against PUBLIC_API"


@pytest.mark.parametrize("name", PAGE_NAMES)
@pytest.mark.django_db
def test_pages_send_anonymous_visitors_to_sign_in(name: str) -> None:
    path = path_for(name)
    for method in ("GET", "POST"):
        browser, csrf = anonymous()
        response = browser.get(path) if method == "GET" else browser.post(path, {}, **csrf)
        if name in PUBLIC_PAGES:
            assert response.status_code == PUBLIC_PAGES[name][0][method], (method, path, response.status_code)
        else:
            assert response.status_code == 302, (method, path, response.status_code)
            assert response.headers["Location"].startswith(reverse("accounts:login") + "?next="), (method, path)
        assert_no_canary(response)


@pytest.mark.parametrize("name", API_NAMES)
@pytest.mark.django_db
def test_api_answers_anonymous_callers_401(name: str) -> None:
    path = path_for(f"api:{name}")
    # An operation with its own method; anything else mounted under /api/ (skipped by the login middleware, so
    # only the API's own auth stands in front of it) with GET.
    methods = [OPERATIONS[name][0]] if name in OPERATIONS else ["GET"]
    for method in methods:
        for headers in APP_HEADERS:
            browser = DjangoClient(enforce_csrf_checks=True, raise_request_exception=False)
            response = browser.generic(method, path, "{}", content_type="application/json", **headers)
            if name in PUBLIC_API:
                assert response.status_code == PUBLIC_API[name][0][method], (method, path, response.status_code)
            else:
                shadow = resolve(path).url_name
                assert response.status_code != 405, f"{method} {path} is shadowed by the route of api:{shadow}"
                assert response.status_code == 401, (method, path, headers, response.content)
                assert response.headers["Content-Type"].startswith("application/json")
                assert json.loads(response.content) == {"detail": "Sign in or send a valid token."}
            assert_no_canary(response)


@pytest.mark.django_db
def test_a_browser_without_a_session_gets_401_on_api_writes_too() -> None:
    """A signed-out browser still sends its CSRF cookie; the answer is "sign in", not a CSRF complaint."""
    browser, csrf = anonymous()
    response = browser.generic("DELETE", reverse("api:revoke_token", kwargs={"token_id": 1}), **csrf)
    assert response.status_code == 401


def test_allowlisted_endpoints_exist() -> None:
    assert set(PUBLIC_PAGES) <= set(PAGE_NAMES)
    assert set(PUBLIC_API) <= set(API_NAMES)
