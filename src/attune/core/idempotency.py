"""Idempotent submission (SECURITY.md 19): the same client-generated key with the same payload returns the
original row; the same key with a different payload is refused (422). Shared by every app that takes offline
submissions from the client's app (diary entries, practice records).

A submission is recognised by a keyed hash of its canonical form. The key is derived from the client's data key,
so the stored fingerprint says nothing about short free text (no dictionary attack without the key), and it
goes when the data key is destroyed.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ValidationError

from attune.core import keys


class ReplayMismatchError(ValidationError):
    """The key was used before for a different submission."""

    def __init__(self) -> None:
        super().__init__(
            "This was already saved with different details. Open the saved one to change it, or start a new one."
        )


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical(payload: Mapping[str, object]) -> bytes:
    return json.dumps({k: _plain(v) for k, v in payload.items()}, sort_keys=True, separators=(",", ":")).encode()


def fingerprint(client_id: uuid.UUID | str, payload: Mapping[str, object]) -> str:
    data_key = keys.data_key(client_id, create=True)
    subkey = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"attune/idempotency/v1").derive(data_key)
    return hmac.new(subkey, canonical(payload), hashlib.sha256).hexdigest()


def check_replay(stored: str, submitted: str) -> None:
    if not hmac.compare_digest(stored, submitted):
        raise ReplayMismatchError()
