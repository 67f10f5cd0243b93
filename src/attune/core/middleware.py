"""Request-wide protections: security headers with a per-request CSP nonce, login required by default, and
the request context that the audit trail and the data-key cache rely on."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf

from attune.core import audit, keys, logs, network

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Adds CSP (nonce per request), Permissions-Policy and, on every authenticated or HTML response,
    Cache-Control: no-store, so that no page with client data is kept by a browser or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        return response


class AttuneLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view is marked @login_not_required (the reviewed
    allowlist is checked by tests/test_anonymous_walk.py). The API answers 401 itself, in JSON."""

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        info_token = audit.set_request_info(audit.RequestInfo(network=network.client_address(request)))
        key_token = keys.begin_key_cache()
        # Every log line of this request carries its id (the proxy's X-Request-ID when it is plainly an id) and
        # the signed-in user's id; the response says which id it was, to find its lines.
        request_id = logs.accept_request_id(request.META.get("HTTP_X_REQUEST_ID", "")) or uuid.uuid4().hex
        user = getattr(request, "user", None)
        log_tokens = logs.bind(request_id, user.pk if user is not None and user.is_authenticated else None)
        try:
            response = self.get_response(request)
            response.headers.setdefault("X-Request-ID", request_id)
            return response
        finally:
            logs.unbind(log_tokens)
            keys.end_key_cache(key_token)
            audit.reset_request_info(info_token)


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    """Django's CSRF protection, made to work with `Referrer-Policy: no-referrer`.

    Under that policy browsers send `Origin: null` (and no Referer) on same-origin form posts, which Django would
    refuse. Such a request is accepted as same-origin only when the browser itself says so in `Sec-Fetch-Site`,
    a header page scripts cannot set; the CSRF token is still required, as for every unsafe request.
    """

    def _origin_verified(self, request: HttpRequest) -> bool:
        if request.META.get("HTTP_ORIGIN") == "null" and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin":
            return True
        verified: bool = super()._origin_verified(request)  # type: ignore[misc]
        return verified
