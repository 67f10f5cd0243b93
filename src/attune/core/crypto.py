"""Envelope encryption primitives, free of Django.

Decides how free text is sealed: AES-256-GCM under a per-client data key, with associated data that binds the
ciphertext to one (table, field, row, client) so it cannot be moved to another row or client; data keys are
themselves sealed under a key-encryption key (KEK) that never enters the database.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32


class DecryptionError(Exception):
    """The ciphertext is not authentic for this key and context (tampered, moved or wrong key)."""


@dataclass(frozen=True)
class FieldContext:
    table: str
    field: str
    row_id: str
    client_id: str

    def associated_data(self) -> bytes:
        parts = ("attune-field-v1", self.table, self.field, self.row_id, self.client_id)
        return "\x1f".join(parts).encode()


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def key_id(key: bytes) -> str:
    """A short public fingerprint of a key, to say which KEK wrapped a data key without revealing it."""
    return hashlib.sha256(b"attune-key-id" + key).hexdigest()[:16]


def load_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ValueError("a key file must hold 32 bytes in base64") from exc
    if len(key) != KEY_BYTES:
        raise ValueError("a key file must hold 32 bytes in base64")
    return key


def dump_key(key: bytes) -> str:
    return base64.b64encode(key).decode()


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    if len(sealed) < 1 + NONCE_BYTES + 16 or sealed[:1] != VERSION:
        raise DecryptionError("not an Attune ciphertext")
    nonce, body = sealed[1 : 1 + NONCE_BYTES], sealed[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, body, associated_data)
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def encrypt_text(key: bytes, text: str, context: FieldContext) -> str:
    return base64.b64encode(seal(key, text.encode(), context.associated_data())).decode()


def decrypt_text(key: bytes, token: str, context: FieldContext) -> str:
    try:
        raw = base64.b64decode(token, validate=True)
    except ValueError as exc:
        raise DecryptionError("ciphertext is not base64") from exc
    return open_sealed(key, raw, context.associated_data()).decode()


def _wrap_context(client_id: str, kek_id: str) -> bytes:
    return "\x1f".join(("attune-datakey-v1", client_id, kek_id)).encode()


def wrap_key(kek: bytes, data_key: bytes, client_id: str) -> bytes:
    return seal(kek, data_key, _wrap_context(client_id, key_id(kek)))


def unwrap_key(kek: bytes, wrapped: bytes, client_id: str) -> bytes:
    return open_sealed(kek, wrapped, _wrap_context(client_id, key_id(kek)))
