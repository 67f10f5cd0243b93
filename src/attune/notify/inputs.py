"""The one declaration of the preferences input, used by the page form and the API schema."""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from django.conf import settings
from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    StrictBool,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from attune.accounts.models import User

# The label is the account's discreet name (accounts.User.discreet_name): one setting, shown as the sender of
# messages and in the tab title of portal pages.
LABEL_MAX = User._meta.get_field("discreet_name").max_length or 40
QUIET_BOTH = "Give both a start and an end for quiet hours, or neither."


# Quiet hours are the person's own clock times: HH:MM or HH:MM:SS, without an offset (JSON Schema's `format: time`
# would require one) and never a number of seconds (which pydantic would otherwise read).
WALL_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


def _wall_clock(value: object) -> object:
    if isinstance(value, datetime.time):
        return value
    if not isinstance(value, str) or not re.fullmatch(WALL_CLOCK, value):
        raise ValueError("Give a time as HH:MM.")
    return value


ClockTime = Annotated[
    datetime.time,
    BeforeValidator(_wall_clock),
    WithJsonSchema({"type": "string", "pattern": WALL_CLOCK, "description": "HH:MM, the person's own clock"}),
]


class PreferencesInput(BaseModel):
    # Strict: a 0 or "yes" is refused, as the document's boolean says.
    email: StrictBool = True
    push: StrictBool = True
    paused: StrictBool = False
    quiet_start: ClockTime | None = None
    quiet_end: ClockTime | None = None
    # None keeps the label as it is, so that an app which does not know about it cannot clear it by accident.
    label: str | None = Field(default=None, max_length=LABEL_MAX)

    @model_validator(mode="after")
    def quiet_hours_have_both_ends(self) -> PreferencesInput:
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError(QUIET_BOTH)
        return self


# --- Web Push subscriptions ------------------------------------------------------------------------------------

ENDPOINT_MAX = 500  # PushSubscription.endpoint
UNSUPPORTED_SERVICE = "This browser's push service is not one Attune sends to."


def _b64url_bytes(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("must be base64url") from exc


def check_endpoint(endpoint: str, services: list[str], *, allow_http: bool = False) -> str:
    """The endpoint a browser gave, if it is an https address of a push service Attune sends to.

    The worker posts to this address, so anything else (an address inside the network, another site) would let
    a signed-in person make the server send requests where they like."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" and not (allow_http and parts.scheme == "http"):
        raise ValueError(UNSUPPORTED_SERVICE)
    if parts.username or parts.password or not any(host == s or host.endswith("." + s) for s in services):
        raise ValueError(UNSUPPORTED_SERVICE)
    return endpoint


def _endpoint_pattern(schema: dict[str, Any]) -> None:
    """The document says which push services Attune sends to (ATTUNE_PUSH_SERVICES), as check_endpoint does."""
    hosts = "|".join(re.escape(host) for host in settings.ATTUNE_PUSH_SERVICES)
    schema["pattern"] = rf"^https://([a-z0-9-]+\.)*({hosts})(/[A-Za-z0-9._~/-]*)?$"


class PushKeys(BaseModel):
    # The browser's P-256 public key (65 bytes, uncompressed) and its 16-byte authentication secret (RFC 8291).
    p256dh: str = Field(max_length=120, pattern=r"^B[A-P][A-Za-z0-9_-]{85}=?$")
    auth: str = Field(max_length=40, pattern=r"^[A-Za-z0-9_-]{22}(==)?$")

    @field_validator("p256dh")
    @classmethod
    def is_a_p256_point(cls, value: str) -> str:
        raw = _b64url_bytes(value)
        if len(raw) != 65 or raw[0] != 4:
            raise ValueError("must be an uncompressed P-256 public key")
        return value

    @field_validator("auth")
    @classmethod
    def is_sixteen_bytes(cls, value: str) -> str:
        if len(_b64url_bytes(value)) != 16:
            raise ValueError("must be 16 bytes")
        return value


class PushSubscriptionInput(BaseModel):
    """What PushSubscription.toJSON() gives in a browser (expirationTime is ignored)."""

    endpoint: str = Field(max_length=ENDPOINT_MAX, json_schema_extra=_endpoint_pattern)
    keys: PushKeys

    @field_validator("endpoint")
    @classmethod
    def is_a_push_service(cls, value: str) -> str:
        return check_endpoint(value, settings.ATTUNE_PUSH_SERVICES, allow_http=not settings.PRODUCTION)


class PushEndpointInput(BaseModel):
    """Which device to turn off: its endpoint, as the browser knows it."""

    endpoint: str = Field(max_length=ENDPOINT_MAX)
