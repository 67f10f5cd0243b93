"""Requests as a browser makes them: CSRF cookie and header on every write, JSON for the API."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings

from tests.cast import CANARIES


def armed(browser: Any) -> dict[str, str]:
    secret = secrets.token_hex(16)
    browser.cookies[settings.CSRF_COOKIE_NAME] = secret
    return {"HTTP_X_CSRFTOKEN": secret}


def post(browser: Any, url: str, data: dict[str, Any] | None = None) -> Any:
    return browser.post(url, data or {}, **armed(browser))


def send(browser: Any, method: str, url: str, body: Any = None) -> Any:
    payload = json.dumps(body) if body is not None else ""
    return browser.generic(method, url, payload, content_type="application/json", **armed(browser))


def canaries_in(response: Any) -> list[str]:
    text = response.content.decode(errors="replace")
    return [c for c in CANARIES if c in text]
