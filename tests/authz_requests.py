"""The requests of the authorisation matrix: one builder per (endpoint, method), making the objects a request
needs and returning it. tests/test_authz_matrix.py holds the kernel's builders; each tests/authz_matrix_<app>.py
holds its app's rows and builders."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts.models import ApiToken, Invitation, Passkey, User, UserSession
from attune.care import demo
from attune.care.models import CareTeamMember, Client, Episode
from tests.cast import PASSWORD, Cast

# --- the requests ------------------------------------------------------------------------------------------


@dataclass
class Req:
    method: str
    path: str
    form: dict[str, Any] | None = None
    body: Any = None


@dataclass
class Ctx:
    """What one row's request needs: the cast, the actor and the target; its helpers make the objects."""

    cast: Cast
    actor: User | None
    target: str

    @property
    def client(self) -> Client:
        return self.cast.client("eli" if self.target == "other" else "dana")

    @property
    def practice_id(self) -> int:
        return self.cast.practices["southside" if self.target == "other" else "northside"].pk

    @property
    def today(self) -> str:
        return timezone.localdate().isoformat()

    def clinician_to_add(self) -> User:
        # Someone of the client's practice who is not yet on their care team.
        return self.cast.bob if self.client == self.cast.client("dana") else self.cast.alice

    def member_to_remove(self) -> CareTeamMember:
        return CareTeamMember.objects.get(client=self.client, role=CareTeamMember.Role.PRIMARY)

    def token_id(self) -> int:
        owner = self.actor if self.target == "own" and self.actor is not None else self.someone_else()
        token = ApiToken.objects.create(user=owner, name="t", prefix="att_x", token_hash=secrets.token_hex(32))
        return token.pk

    def passkey_id(self) -> int:
        """A passkey of the caller (own) or of someone else (other); only its row matters here, not its key."""
        owner = self.actor if self.target == "own" and self.actor is not None else self.someone_else()
        passkey = Passkey.objects.create(
            user=owner, name="Phone", credential_id=secrets.token_urlsafe(32), public_key=b"", user_handle="h"
        )
        if owner == self.actor and not TOTPDevice.objects.filter(user=owner, confirmed=True).exists():
            # A passkey is a second step: the actor's session (already signed in) is verified by it, as after
            # signing in with it, or the MFA middleware would send them to the second step instead.
            key = UserSession.objects.filter(user=owner).order_by("-id").values_list("session_key", flat=True).first()
            store = SessionStore(session_key=key)
            store[DEVICE_ID_SESSION_KEY] = passkey.persistent_id
            store.save()
        return passkey.pk

    def someone_else(self) -> User:
        return self.cast.eli if self.actor == self.cast.dana else self.cast.dana

    def credentials(self) -> dict[str, str]:
        who = self.actor or self.cast.dana
        return {"email": who.email, "password": PASSWORD}

    def api_credentials(self) -> dict[str, str]:
        # Staff send a code from their authenticator as well.
        return {**self.credentials(), "otp": self.totp_code()}

    def totp_code(self) -> str:
        return demo.current_code(demo.DEFAULT_TOTP_SECRET)

    def pending_totp_code(self) -> str:
        """A code for the authenticator being set up (the setup page makes it on GET; here, with a known key)."""
        if self.actor is None:
            return "000000"
        key = demo.totp_key_hex(demo.DEFAULT_TOTP_SECRET)
        TOTPDevice.objects.filter(user=self.actor, confirmed=False).delete()
        TOTPDevice.objects.create(user=self.actor, name="New app", key=key, confirmed=False)
        return self.totp_code()

    def password_reset_link(self) -> tuple[str, str]:
        # Fresh from the database: the token covers the last sign-in time, which signing in has just changed.
        who = User.objects.get(pk=(self.actor or self.cast.dana).pk)
        return urlsafe_base64_encode(force_bytes(who.pk)), default_token_generator.make_token(who)

    def invitation_token(self) -> str:
        raw, hashed = Invitation.new_token()
        Invitation.objects.create(
            practice=self.cast.practices["northside"],
            email=f"new-{secrets.token_hex(4)}@example.org",
            kind=Invitation.Kind.CLINICIAN,
            token_hash=hashed,
            accepted=timezone.now() if self.target == "unusable" else None,
        )
        return raw

    def invitation_id(self) -> str:
        practice = self.cast.practices["southside" if self.target == "other" else "northside"]
        invitation = Invitation.objects.create(
            practice=practice, email="someone@example.org", kind="clinician", token_hash=secrets.token_hex(32)
        )
        return str(invitation.pk)

    def close_open_episode(self) -> None:
        opened = Episode.objects.get(client=self.client, closed__isnull=True).opened
        Episode.objects.filter(client=self.client, closed__isnull=True).update(
            closed=opened, close_reason=Episode.CloseReason.COMPLETED
        )


Builder = Callable[[Ctx], Req]
BUILDERS: dict[tuple[str, str], Builder] = {}

# Checks of the content of a permitted answer (SECURITY 35: fields, not only statuses). Each takes the actor's
# name and the response, and returns its problems; it runs on every 2xx answer of its endpoint.
FieldCheck = Callable[[str, Any], list[str]]
FIELD_CHECKS: dict[tuple[str, str], FieldCheck] = {}


def checks_fields(endpoint: str, method: str) -> Callable[[FieldCheck], FieldCheck]:
    def register(check: FieldCheck) -> FieldCheck:
        FIELD_CHECKS[(endpoint, method)] = check
        return check

    return register


def builds(endpoint: str, method: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        BUILDERS[(endpoint, method)] = builder
        return builder

    return register


def page(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def api_path(operation: str, *args: Any) -> str:
    return reverse(f"api:{operation}", args=args)
