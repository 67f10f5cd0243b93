"""Sign-in throttling that an abuser cannot turn into a lock-out.

Failures are counted per (submitted email, network address), for known and unknown emails alike, so the
answer never reveals whether an account exists. After too many failures inside the window, that pair waits
out a short cool-off; nothing is ever locked permanently, and the same account from another network is
unaffected (an abusive partner who knows the survivor's email cannot keep them out of their own support).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from attune.accounts.models import SignInFailure


def _key(kind: str, account: str, network: str) -> str:
    material = f"{kind}\x1f{account.strip().lower()}\x1f{network}".encode()
    return hashlib.sha256(settings.SECRET_KEY.encode() + material).hexdigest()


def is_cooling_off(kind: str, account: str, network: str) -> bool:
    rules = settings.ATTUNE_LOGIN_THROTTLE
    now = timezone.now()
    recent = SignInFailure.objects.filter(
        key=_key(kind, account, network), at__gt=now - timedelta(seconds=rules["window_seconds"])
    ).order_by("-at")
    times = list(recent.values_list("at", flat=True)[: rules["failures_before_cooloff"]])
    if len(times) < rules["failures_before_cooloff"]:
        return False
    return now - times[0] < timedelta(seconds=rules["cooloff_seconds"])


def record_failure(kind: str, account: str, network: str) -> None:
    now = timezone.now()
    window = timedelta(seconds=settings.ATTUNE_LOGIN_THROTTLE["window_seconds"])
    SignInFailure.objects.filter(at__lt=now - window).delete()
    SignInFailure.objects.create(key=_key(kind, account, network), at=now)


def clear(kind: str, account: str, network: str) -> None:
    SignInFailure.objects.filter(key=_key(kind, account, network)).delete()
