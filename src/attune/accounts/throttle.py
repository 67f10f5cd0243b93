"""Sign-in throttling that an abuser cannot turn into a lock-out.

Failures are counted per (submitted email, network address), for known and unknown emails alike, so the
answer never reveals whether an account exists. After too many failures inside the window, that pair waits
out a short cool-off; nothing is ever locked permanently, and the same account from another network is
unaffected (an abusive partner who knows the survivor's email cannot keep them out of their own support).

Every failure and every refusal during a cool-off is also written to the audit trail (`security_event`): the
person's id when the email is an account's (none for an unknown one: an anonymous attempt) and a pseudonymous
attempt id (the throttle key's start), never the email typed.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from attune.accounts.models import SignInFailure, SignInStreak, User
from attune.core import audit
from attune.core.models import AuditEvent

# What each throttled kind of proof is called in the audit trail.
_PROOF = {"password": "password", "otp": "mfa"}


def security_event(reason: str, *, user_id: int | None, attempt: str = "", denied: bool = True) -> None:
    """One security event in the audit trail (sign-ins, MFA, cool-offs): ids and codes only."""
    audit.record(
        audit.Entry(
            action=AuditEvent.Action.EXECUTE,
            outcome=AuditEvent.Outcome.DENIED if denied else AuditEvent.Outcome.SUCCESS,
            agent_id=user_id,
            agent_role="user" if user_id is not None else "none",
            entity_type="Session",
            entity_id=attempt,
            reason=reason,
        )
    )


def _account_id(account: str) -> int | None:
    return User.objects.filter(email__iexact=account.strip()).values_list("pk", flat=True).first()


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
    cooling = now - times[0] < timedelta(seconds=rules["cooloff_seconds"])
    if cooling:
        # Asked only when someone tries again: this attempt is refused, unexamined.
        attempt = _key(kind, account, network)[:16]
        security_event(f"cool-off:{_PROOF.get(kind, kind)}", user_id=_account_id(account), attempt=attempt)
    return cooling


def record_failure(kind: str, account: str, network: str) -> None:
    now = timezone.now()
    window = timedelta(seconds=settings.ATTUNE_LOGIN_THROTTLE["window_seconds"])
    SignInFailure.objects.filter(at__lt=now - window).delete()
    key = _key(kind, account, network)
    SignInFailure.objects.create(key=key, at=now)
    security_event(f"{_PROOF.get(kind, kind)}-failed", user_id=_account_id(account), attempt=key[:16])


def clear(kind: str, account: str, network: str) -> None:
    SignInFailure.objects.filter(key=_key(kind, account, network)).delete()


# --- The per-account limit ----------------------------------------------------------------------------------
#
# Many networks guessing one account are not slowed by the per-network cool-off, so consecutive failures are
# also counted per submitted email. The owner is never locked out: past the first threshold a correct password
# is not enough on its own, a one-time link is emailed to the account (and must be opened in the same browser),
# so the guesser, who never sees that email, learns nothing from any answer; past NIST SP 800-63B's 100
# consecutive failures passwords for the account are not even checked, and the owner signs in through a
# password reset (which also ends the streak) or a passkey.

OPEN, LINK, PAUSED = "open", "link", "paused"


def _account_key(account: str) -> str:
    return _key("account", account, "")


def account_level(account: str) -> str:
    rules = settings.ATTUNE_LOGIN_THROTTLE
    streak = SignInStreak.objects.filter(key=_account_key(account)).values_list("failures", flat=True).first() or 0
    if streak >= rules["account_failures_max"]:
        return PAUSED
    if streak >= rules["account_failures_before_link"]:
        return LINK
    return OPEN


def record_account_failure(account: str) -> None:
    key = _account_key(account)
    updated = SignInStreak.objects.filter(key=key).update(failures=F("failures") + 1, last_failure=timezone.now())
    if not updated:
        try:
            with transaction.atomic():
                SignInStreak.objects.create(key=key, failures=1)
        except IntegrityError:  # created concurrently: count this one too
            SignInStreak.objects.filter(key=key).update(failures=F("failures") + 1, last_failure=timezone.now())


def clear_account(account: str) -> None:
    SignInStreak.objects.filter(key=_account_key(account)).delete()
