from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from attune.accounts import inputs, mfa, roles, services, throttle
from attune.accounts.models import ApiToken
from attune.core.apidoc import may_answer
from attune.core.network import client_address

router = Router(tags=["accounts"])


class TokenIn(Schema):
    email: str = Field(max_length=inputs.EMAIL_MAX)
    password: str = Field(max_length=1024)
    otp: str | None = Field(default=None, max_length=20, description="Required for staff: a TOTP or recovery code")
    name: str = Field(default="API token", max_length=60)


class TokenOut(Schema):
    token: str


class MembershipOut(Schema):
    practice: str
    role: str


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    memberships: list[MembershipOut]
    client_id: str | None
    is_partner: bool


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created: datetime
    last_used: datetime | None
    expires: datetime = Field(description="When it stops working whatever happens (a session's absolute limit)")
    idle_expires: datetime = Field(description="When it stops working if it is not used before (the idle limit)")


@router.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut},
    operation_id="create_token",
    openapi_extra=may_answer(401, 403, 429),
)
def create_token(request: HttpRequest, payload: TokenIn) -> tuple[int, dict[str, str]]:
    email, network = payload.email.strip().lower(), client_address(request)
    if throttle.is_cooling_off("password", email, network):
        raise HttpError(429, "There have been several attempts from here. Please wait a few minutes.")
    if throttle.account_level(email) != throttle.OPEN:
        # Under the per-account limit a password alone signs nobody in, so it is not checked here: the owner
        # signs in on the web (emailed link, reset or passkey) and creates a token in their settings.
        raise HttpError(
            401, "Signing in to this account needs one more step: sign in on the web, then create a token there."
        )
    user = authenticate(request, username=email, password=payload.password)
    if user is None or not user.is_active:
        # The same answer for an unknown email and a wrong password.
        throttle.record_failure("password", email, network)
        throttle.record_account_failure(email)
        raise HttpError(401, "Those details did not match an account.")
    if mfa.mfa_required(user) or mfa.has_mfa(user):
        if not mfa.has_mfa(user):
            raise HttpError(401, "Set up two-step verification in the web app first.")
        if not payload.otp or mfa.verify(user, payload.otp) is None:
            throttle.record_failure("password", email, network)
            raise HttpError(401, "A valid code from your authenticator app is needed (otp).")
    throttle.clear("password", email, network)
    throttle.clear_account(email)
    try:
        _, raw = services.create_api_token(user, payload.name)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return 200, {"token": raw}


@router.get("/me", response=MeOut, operation_id="me")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    memberships = [
        {"practice": m.practice.name, "role": m.role}
        for m in user.memberships_in_force()  # type: ignore[union-attr]
    ]
    record = getattr(user, "client_record", None) if roles.is_client(user) else None
    return {
        "id": user.pk,
        "email": user.email,  # type: ignore[union-attr]
        "display_name": user.display_name,  # type: ignore[union-attr]
        "memberships": memberships,
        "client_id": str(record.pk) if record else None,
        "is_partner": roles.is_partner(user),
    }


@router.get("/tokens", response=list[ApiTokenOut], operation_id="list_tokens")
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's tokens that still work, with their last use and when each stops working."""
    now, out = timezone.now(), []
    for token in ApiToken.objects.filter(user=request.user, revoked__isnull=True).select_related("user"):  # type: ignore[misc]
        expires, idle = services.token_limits(token)
        if idle > now:
            fields = {name: getattr(token, name) for name in ("id", "name", "prefix", "created", "last_used")}
            out.append({**fields, "expires": expires, "idle_expires": idle})
    return out


@router.delete("/tokens/{token_id}", response={204: None}, operation_id="revoke_token")
def revoke_token(request: HttpRequest, token_id: int) -> tuple[int, None]:
    services.revoke_api_token(request.user, token_id)  # type: ignore[arg-type]
    return 204, None
