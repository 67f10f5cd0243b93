"""Where data keys come from: unwrapping with the KEK, creating, rotating the KEK and crypto-shredding.

Unwrapped data keys are cached only for the current request (a context variable the middleware resets), so
a shredded or re-wrapped key is never served from a stale cache in another request or process.
"""

from __future__ import annotations

import contextvars
import uuid
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from attune.core import crypto
from attune.core.models import DataKey


class ClientKeyErasedError(Exception):
    """The client's data key was destroyed: their encrypted text is gone for good."""


_request_keys: contextvars.ContextVar[dict[str, bytes] | None] = contextvars.ContextVar(
    "attune_request_keys", default=None
)


def begin_key_cache() -> contextvars.Token[dict[str, bytes] | None]:
    return _request_keys.set({})


def end_key_cache(token: contextvars.Token[dict[str, bytes] | None]) -> None:
    _request_keys.reset(token)


@lru_cache(maxsize=4)
def _read_key_file(path: str) -> bytes:
    return crypto.load_key(Path(path).read_text())


def current_kek() -> bytes:
    return _read_key_file(str(settings.ATTUNE_KEK_FILE))


def audit_key() -> bytes:
    return _read_key_file(str(settings.ATTUNE_AUDIT_KEY_FILE))


def _new_data_key(client_id: str) -> bytes:
    kek = current_kek()
    data_key = crypto.new_key()
    try:
        with transaction.atomic():
            DataKey.objects.create(
                client_id=client_id,
                wrapped=crypto.wrap_key(kek, data_key, client_id),
                kek_id=crypto.key_id(kek),
            )
    except IntegrityError:
        # Two writers created the first key for one client at once; the other one won, use theirs.
        return _unwrap(DataKey.objects.get(client_id=client_id))
    return data_key


def _unwrap(row: DataKey) -> bytes:
    if row.wrapped is None:
        raise ClientKeyErasedError(str(row.client_id))
    kek = current_kek()
    if row.kek_id != crypto.key_id(kek):
        raise crypto.DecryptionError(
            f"data key of {row.client_id} is wrapped by KEK {row.kek_id}, but the configured KEK is "
            f"{crypto.key_id(kek)}: finish `attune keys rotate` or point ATTUNE_KEK_FILE at the right file"
        )
    return crypto.unwrap_key(kek, bytes(row.wrapped), str(row.client_id))


def data_key(client_id: uuid.UUID | str, *, create: bool = False) -> bytes:
    client_id = str(client_id)
    cache = _request_keys.get()
    if cache is not None and client_id in cache:
        return cache[client_id]
    row = DataKey.objects.filter(client_id=client_id).first()
    if row is None:
        if not create:
            raise ClientKeyErasedError(client_id)
        key = _new_data_key(client_id)
    else:
        key = _unwrap(row)
    if cache is not None:
        cache[client_id] = key
    return key


def shred(client_id: uuid.UUID | str) -> None:
    """Destroy a client's data key. Irreversible: every encrypted field of theirs then reads as erased."""
    client_id = str(client_id)
    with transaction.atomic():
        row, _ = DataKey.objects.select_for_update().get_or_create(
            client_id=client_id, defaults={"kek_id": crypto.key_id(current_kek())}
        )
        row.wrapped = None
        row.destroyed = row.destroyed or timezone.now()
        row.save(update_fields=["wrapped", "destroyed"])
    cache = _request_keys.get()
    if cache is not None:
        cache.pop(client_id, None)


def rotate(old_kek: bytes, new_kek: bytes) -> int:
    """Re-wrap every live data key under a new KEK in one transaction; returns how many were re-wrapped."""
    old_id, new_id = crypto.key_id(old_kek), crypto.key_id(new_kek)
    count = 0
    with transaction.atomic():
        for row in DataKey.objects.select_for_update().filter(wrapped__isnull=False).order_by("id"):
            if row.kek_id == new_id:
                continue
            if row.kek_id != old_id:
                raise crypto.DecryptionError(f"data key {row.pk} is wrapped by an unknown KEK {row.kek_id}")
            key = crypto.unwrap_key(old_kek, bytes(row.wrapped or b""), str(row.client_id))
            row.wrapped = crypto.wrap_key(new_kek, key, str(row.client_id))
            row.kek_id = new_id
            row.save(update_fields=["wrapped", "kek_id"])
            count += 1
        DataKey.objects.filter(wrapped__isnull=True).update(kek_id=new_id)
    _read_key_file.cache_clear()
    return count
