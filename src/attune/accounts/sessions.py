"""Session rules (SECURITY.md 7): idle and absolute timeouts, step-up freshness, the list of signed-in
browsers, and key rotation at every change of privilege."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from attune.accounts import roles, throttle
from attune.accounts.models import ApiToken, UserSession
from attune.core.network import client_address

STARTED, SEEN, STEP_UP = "attune_started", "attune_seen", "attune_step_up"


def idle_timeout(user: Any) -> int:
    return settings.ATTUNE_IDLE_TIMEOUT_STAFF if roles.is_staff(user) else settings.ATTUNE_IDLE_TIMEOUT_CLIENT


def expired(request: HttpRequest) -> bool:
    now = time.time()
    started = request.session.get(STARTED, now)
    seen = request.session.get(SEEN, now)
    return now - seen > idle_timeout(request.user) or now - started > settings.ATTUNE_ABSOLUTE_TIMEOUT


def touch(request: HttpRequest) -> None:
    now = time.time()
    request.session.setdefault(STARTED, now)
    request.session[SEEN] = now
    key = request.session.session_key
    if key:
        # "Last seen" to the minute is enough; writing it on every request would double the writes.
        UserSession.objects.filter(session_key=key, last_seen__lt=timezone.now() - timedelta(minutes=1)).update(
            last_seen=timezone.now()
        )


def mark_stepped_up(request: HttpRequest) -> None:
    request.session[STEP_UP] = time.time()


def stepped_up(request: HttpRequest) -> bool:
    return time.time() - request.session.get(STEP_UP, 0) <= settings.ATTUNE_STEP_UP_WINDOW


def rotate(request: HttpRequest) -> None:
    """New session key after a change of privilege (MFA verified, step-up), keeping the data."""
    old = request.session.session_key
    request.session.cycle_key()
    if old:
        UserSession.objects.filter(session_key=old).update(session_key=request.session.session_key)


def device(request: HttpRequest) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "")
    browser = next((b for b in ("Edg", "Firefox", "Chrome", "Safari") if b in agent), "A browser")
    system = next((s for s in ("Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux") if s in agent), "")
    browser = {"Edg": "Edge"}.get(browser, browser)
    return f"{browser} on {system}" if system else browser


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    throttle.security_event("signed-in", user_id=user.pk, denied=False)
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[STARTED] = now
    request.session[SEEN] = now
    request.session[STEP_UP] = now
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": user, "device": device(request), "network": client_address(request)},
    )


@receiver(user_logged_out)
def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        throttle.security_event("signed-out", user_id=user.pk, denied=False)
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()


def sign_out_everywhere_else(request: HttpRequest) -> int:
    """End every other browser session of this user and revoke their API tokens. Returns how many ended."""
    user = roles.user_of(request)
    others = UserSession.objects.filter(user=user).exclude(session_key=request.session.session_key)
    keys = list(others.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    others.delete()
    tokens = ApiToken.objects.filter(user=user, revoked__isnull=True).update(revoked=timezone.now())
    return len(keys) + tokens
