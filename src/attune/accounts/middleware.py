"""Sign-in state enforced on every request: session timeouts, and MFA before any staff access.

A staff member signed in with a password alone reaches only the MFA pages and sign-out: no page and no API
operation with client data. A client or partner who chose MFA must complete it too.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from attune.accounts import mfa, sessions

MFA_OPEN_PATHS = (
    "accounts:mfa_setup",
    "accounts:mfa_verify",
    "accounts:logout",
    "accounts:quick_exit",
    # A passkey as the second step; and a first passkey instead of an app (the views refuse to add one while a
    # second step the person already has is pending).
    "accounts:passkey_confirm_options",
    "accounts:passkey_confirm",
    "accounts:passkey_add",
    "accounts:passkey_register_options",
    "accounts:passkey_register",
    "accounts:passkey_added",
)


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and sessions.STARTED in request.session and sessions.expired(request):
            logout(request)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Your session ended. Please sign in again."}, status=401)
            return redirect(reverse("accounts:login") + "?" + urlencode({"ended": "1"}))
        if user is not None and user.is_authenticated:
            sessions.touch(request)
        return self.get_response(request)


class MFARequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def _open_paths(self) -> tuple[str, ...]:
        if self._open is None:
            self._open = tuple(reverse(name) for name in MFA_OPEN_PATHS)
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if request.path.startswith("/static/") or request.path in self._open_paths():
            return self.get_response(request)
        if user.is_verified():
            return self.get_response(request)
        enrolled = mfa.has_mfa(user)
        if not enrolled and not mfa.mfa_required(user):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "Complete two-step verification first."}, status=401)
        target = "accounts:mfa_verify" if enrolled else "accounts:mfa_setup"
        return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
