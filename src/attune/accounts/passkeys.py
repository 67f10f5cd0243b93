"""Passkeys (WebAuthn, with the `webauthn` library): registering one, signing in with one alone (passwordless),
and using one as the second step or to confirm it is you (step-up).

- The relying party is this service: its id is the host of ATTUNE_SITE_URL and the only origin accepted is
  ATTUNE_SITE_URL's scheme, host and port. A response made for any other site fails.
- Every ceremony's challenge is made here, kept in the server-side session with its purpose, its person and a
  deadline (ATTUNE_PASSKEY_SECONDS), and forgotten when a response arrives, whatever the outcome: each challenge
  is answered at most once, and a response for another purpose or another person fails.
- Passwordless sign-in uses discoverable credentials and requires user verification (the device's PIN, pattern
  or biometric), so a passkey on its own is two factors: something you have and something you know or are. As
  a second step after a password, presence is enough (the password is the other factor).
- Sign counts are checked as the library recommends: a counter that does not go up (when the authenticator keeps
  one) is refused and recorded as a possible cloned authenticator. Passkeys that always report 0 (most synced
  ones) are not counter-checked, as the specification allows.
- Failures are indistinguishable to the caller: an unknown credential, someone else's, a wrong signature, a
  spent or stale challenge all answer `None` here and the same words on the page. The audit trail tells them
  apart (`passkey-failed`, `passkey-sign-count`), with ids only.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, options_to_json_dict
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from attune.accounts import mfa, throttle
from attune.accounts.models import Passkey, User
from attune.core import audit
from attune.core.models import AuditEvent

CHALLENGE = "attune_passkey_challenge"
REGISTER, SIGN_IN, CONFIRM = "register", "sign-in", "confirm"
RP_NAME = "Attune"
NAME_MAX = 60
_TRANSPORTS = {t.value for t in AuthenticatorTransport}
# The library's words when a counter did not go up (webauthn 2.x, verify_authentication_response): checked by
# tests/accounts/test_passkeys.py, so a library that changes them fails a test instead of hiding a clone.
_SIGN_COUNT_WORDS = "sign count"


class Refused(Exception):
    """A registration the server will not keep; the message is for the person."""


@dataclass(frozen=True)
class Party:
    id: str
    origin: str


def party() -> Party:
    """The relying party, from ATTUNE_SITE_URL: its host is the RP ID, its scheme://host[:port] the one origin."""
    parts = urlsplit(settings.ATTUNE_SITE_URL)
    return Party(id=parts.hostname or "", origin=f"{parts.scheme}://{parts.netloc}")


def for_user(user: User) -> list[Passkey]:
    return list(Passkey.objects.filter(user=user, confirmed=True).order_by("created"))


def _event(user_id: int, action: str, passkey_id: object) -> None:
    audit.record(
        audit.Entry(
            action=action,
            outcome=AuditEvent.Outcome.SUCCESS,
            agent_id=user_id,
            agent_role="user",
            entity_type="Passkey",
            entity_id=str(passkey_id),
        )
    )


# --- Challenges: server-side, single use, expiring ------------------------------------------------------------


def _remember(session: SessionBase, purpose: str, challenge: bytes, user_id: int | None, handle: str = "") -> None:
    session[CHALLENGE] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "user": user_id,
        "handle": handle,
        "until": time.time() + settings.ATTUNE_PASSKEY_SECONDS,
    }


def _take_pending(session: SessionBase, purpose: str, user_id: int | None) -> tuple[bytes, str] | None:
    """The challenge this session was given for `purpose` (and this person), with the user handle offered with
    it; forgotten now whatever it was."""
    pending = session.pop(CHALLENGE, None)
    if not isinstance(pending, dict) or pending.get("purpose") != purpose or pending.get("user") != user_id:
        return None
    if time.time() > float(pending.get("until", 0)):
        return None
    try:
        return base64url_to_bytes(str(pending["challenge"])), str(pending.get("handle", ""))
    except (KeyError, ValueError):
        return None


def _take(session: SessionBase, purpose: str, user_id: int | None) -> bytes | None:
    pending = _take_pending(session, purpose, user_id)
    return pending[0] if pending is not None else None


# --- Registering ----------------------------------------------------------------------------------------------


def _handle_for(user: User) -> str:
    existing = Passkey.objects.filter(user=user).values_list("user_handle", flat=True).first()
    return existing or bytes_to_base64url(secrets.token_bytes(32))


def registration_options(session: SessionBase, user: User) -> dict[str, Any]:
    rp, handle = party(), _handle_for(user)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=RP_NAME,
        user_id=base64url_to_bytes(handle),
        user_name=user.email,
        user_display_name=user.email,
        timeout=settings.ATTUNE_PASSKEY_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        # The same device twice would add nothing: the browser says it is already registered.
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id)) for p in for_user(user)
        ],
    )
    _remember(session, REGISTER, options.challenge, user.pk, handle)
    return options_to_json_dict(options)


def _transports(credential: dict[str, Any]) -> list[str]:
    response = credential.get("response")
    listed = response.get("transports") if isinstance(response, dict) else None
    return [t for t in listed if t in _TRANSPORTS] if isinstance(listed, list) else []


def register(
    session: SessionBase, user: User, credential: Any, name: str, *, default_name: str = ""
) -> tuple[Passkey, list[str] | None]:
    """Keep the passkey that answers this session's registration challenge. Returns it, and fresh recovery codes
    when the person had none (so that losing the device never locks them out); raises Refused otherwise."""
    pending = _take_pending(session, REGISTER, user.pk)
    if pending is None:
        throttle.security_event("passkey-register-failed", user_id=user.pk)
        raise Refused("That took too long, or was already used. Please try again.")
    challenge, handle = pending
    if not isinstance(credential, dict) or not handle:
        throttle.security_event("passkey-register-failed", user_id=user.pk)
        raise Refused("The passkey could not be added. Please try again.")
    name = " ".join(name.split())[:NAME_MAX] or default_name[:NAME_MAX] or "Passkey"
    rp = party()
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        throttle.security_event("passkey-register-failed", user_id=user.pk)
        raise Refused("The passkey could not be added. Please try again.") from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        throttle.security_event("passkey-register-failed", user_id=user.pk)
        raise Refused("This passkey is already added.")
    with transaction.atomic():
        passkey = Passkey.objects.create(
            user=user,
            name=name,
            confirmed=True,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            user_handle=handle,
            transports=_transports(credential),
            backed_up=bool(verified.credential_backed_up),
        )
        _event(user.pk, AuditEvent.Action.CREATE, passkey.pk)
        codes = None if mfa.recovery_codes_left(user) else mfa.regenerate_recovery_codes(user)
    return passkey, codes


# --- Signing in and confirming ----------------------------------------------------------------------------------


def sign_in_options(session: SessionBase) -> dict[str, Any]:
    """Passwordless: no account is named (discoverable credentials), and the device must verify the person."""
    options = generate_authentication_options(
        rp_id=party().id,
        timeout=settings.ATTUNE_PASSKEY_SECONDS * 1000,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    _remember(session, SIGN_IN, options.challenge, None)
    return options_to_json_dict(options)


def confirm_options(session: SessionBase, user: User) -> dict[str, Any]:
    """The second step after a password, or step-up: one of this person's own passkeys."""
    options = generate_authentication_options(
        rp_id=party().id,
        timeout=settings.ATTUNE_PASSKEY_SECONDS * 1000,
        user_verification=UserVerificationRequirement.PREFERRED,
        allow_credentials=[
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(p.credential_id),
                transports=[AuthenticatorTransport(t) for t in p.transports if t in _TRANSPORTS] or None,
            )
            for p in for_user(user)
        ],
    )
    _remember(session, CONFIRM, options.challenge, user.pk)
    return options_to_json_dict(options)


def _credential_id(credential: Any) -> str:
    if not isinstance(credential, dict):
        return ""
    value = credential.get("id")
    return value if isinstance(value, str) and 0 < len(value) <= 1400 else ""


def _user_handle(credential: dict[str, Any]) -> str | None:
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    return handle if isinstance(handle, str) and handle else None


def _failed(reason: str, user_id: int | None, attempt_user: int | None) -> None:
    # Agent: the person whose passkey it was, or whoever is signed in; neither for an unknown credential.
    throttle.security_event(reason, user_id=user_id if user_id is not None else attempt_user)


def _authenticate(credential: Any, challenge: bytes | None, *, user: User | None, caller: int | None) -> Passkey | None:
    credential_id = _credential_id(credential)
    if challenge is None or not credential_id:
        _failed("passkey-failed", user.pk if user is not None else None, caller)
        return None
    rows = Passkey.objects.select_for_update().filter(credential_id=credential_id, confirmed=True, user__is_active=True)
    if user is not None:
        rows = rows.filter(user=user)
    with transaction.atomic():
        passkey = rows.select_related("user").first()
        if passkey is None:
            _failed("passkey-failed", user.pk if user is not None else None, caller)
            return None
        handle = _user_handle(credential)
        if (user is None and handle is None) or (handle is not None and handle != passkey.user_handle):
            _failed("passkey-failed", passkey.user_id, caller)
            return None
        rp = party()
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=rp.id,
                expected_origin=rp.origin,
                credential_public_key=bytes(passkey.public_key),
                credential_current_sign_count=passkey.sign_count,
                require_user_verification=user is None,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            clone = _SIGN_COUNT_WORDS in str(exc).lower()
            _failed("passkey-sign-count" if clone else "passkey-failed", passkey.user_id, caller)
            return None
        passkey.sign_count = verified.new_sign_count
        passkey.backed_up = bool(verified.credential_backed_up)
        passkey.last_used = timezone.now()
        passkey.save(update_fields=["sign_count", "backed_up", "last_used"])
        throttle.security_event("passkey-passed", user_id=passkey.user_id, denied=False)
    return passkey


def sign_in(session: SessionBase, credential: Any, *, caller: int | None = None) -> Passkey | None:
    """The passkey (with its person) that answers this session's sign-in challenge, verified by the device."""
    return _authenticate(credential, _take(session, SIGN_IN, None), user=None, caller=caller)


def confirm(session: SessionBase, user: User, credential: Any) -> Passkey | None:
    """One of this person's passkeys, answering this session's challenge for them."""
    return _authenticate(credential, _take(session, CONFIRM, user.pk), user=user, caller=user.pk)


# --- Naming and removing --------------------------------------------------------------------------------------


def get_own(user: User, passkey_id: int) -> Passkey:
    passkey = Passkey.objects.filter(pk=passkey_id, user=user, confirmed=True).first()
    if passkey is None:
        throttle.security_event("passkey-not-found", user_id=user.pk)
        raise Http404("No such passkey")
    return passkey


def rename(user: User, passkey_id: int, name: str) -> Passkey:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Please give it a name."})
    with transaction.atomic():
        passkey = get_own(user, passkey_id)
        passkey.name = name[:NAME_MAX]
        passkey.save(update_fields=["name"])
        _event(user.pk, AuditEvent.Action.UPDATE, passkey.pk)
    return passkey


def removable(user: User, passkey: Passkey) -> bool:
    """Staff keep at least one second step: a passkey goes only if another passkey or the app stays."""
    if not mfa.mfa_required(user):
        return True
    return mfa.has_app(user) or Passkey.objects.filter(user=user, confirmed=True).exclude(pk=passkey.pk).exists()


def remove(user: User, passkey_id: int) -> None:
    with transaction.atomic():
        passkey = get_own(user, passkey_id)
        refused = not removable(user, passkey)
        if not refused:
            passkey.delete()
            _event(user.pk, AuditEvent.Action.DELETE, passkey_id)
            if not mfa.mfa_required(user) and not mfa.has_app(user) and not for_user(user):
                # The last second step of someone who chose one: two-step ends, and its recovery codes with it.
                mfa.remove(user)
    if refused:
        throttle.security_event("passkey-remove-refused", user_id=user.pk)
        raise ValidationError(
            "Your role needs a second step at sign-in. Add another passkey or an authenticator app first."
        )
