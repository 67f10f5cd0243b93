"""Multi-factor authentication: TOTP authenticators, single-use recovery codes (django-otp) and passkeys (a
django-otp device too, see accounts.passkeys).

Staff (clinicians, supervisors, admins, researchers) must use it; clients and partners may. A TOTP code is
accepted once (django-otp remembers the last time step used, so a replayed code fails) and each recovery code
is deleted when used.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

import segno
from django.db import transaction
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts import roles
from attune.accounts.models import Passkey, User

RECOVERY_CODES = 10
ISSUER = "Attune"


def has_mfa(user: Any) -> bool:
    """Any second step: an authenticator app, recovery codes or a passkey (accounts.passkeys)."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def has_app(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_passkey(user: Any) -> bool:
    return Passkey.objects.filter(user=user, confirmed=True).exists()


def mfa_required(user: Any) -> bool:
    return roles.is_staff(user)


def pending_totp(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def provisioning_uri(device: TOTPDevice) -> str:
    # The account label is deliberately generic: an authenticator app lists it on the phone's screen.
    return f"otpauth://totp/{ISSUER}:account?secret={secret_base32(device)}&issuer={ISSUER}&digits=6&period=30"


def qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(provisioning_uri(device), error="m").svg_data_uri(scale=5, border=2)


@transaction.atomic
def confirm_totp(user: User, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; returns fresh recovery codes, or None."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code.strip().replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return regenerate_recovery_codes(user)


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user: User, code: str) -> Any:
    """The device that accepts this code (TOTP once per time step; a recovery code once), or None."""
    code = code.strip().replace(" ", "").lower()
    if not code:
        return None
    return match_token(user, code)


@transaction.atomic
def remove(user: User) -> None:
    """Remove the authenticator app; its recovery codes go too unless passkeys stay (they need them)."""
    TOTPDevice.objects.filter(user=user).delete()
    if not has_passkey(user):
        StaticDevice.objects.filter(user=user).delete()
