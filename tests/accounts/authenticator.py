"""A software WebAuthn authenticator for tests: it answers the server's options as a real platform authenticator
would (attestation "none", ES256, a discoverable credential with a user handle), so that every response goes
through the `webauthn` library's real verification. Built from the library's own CBOR and base64url helpers and
`cryptography`; each part of a response can be spoiled on purpose (origin, RP ID, flags, counter, signature).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.encode_cbor import encode_cbor

UP, UV, BE, BS, AT = 0x01, 0x04, 0x08, 0x10, 0x40


@dataclass
class Credential:
    id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


@dataclass
class Authenticator:
    origin: str
    counter: bool = True  # False: always reports 0, like most synced passkeys
    credentials: list[Credential] = field(default_factory=list)

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}
        return json.dumps(data, separators=(",", ":")).encode()

    @staticmethod
    def _cose(key: ec.EllipticCurvePrivateKey) -> bytes:
        numbers = key.public_key().public_numbers()
        return encode_cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def create(
        self, options: dict[str, Any], *, uv: bool = True, origin: str | None = None, rp_id: str | None = None
    ) -> dict[str, Any]:
        """navigator.credentials.create(), as JSON (what passkeys.js sends)."""
        rp = rp_id or options["rp"]["id"]
        credential = Credential(
            id=secrets.token_bytes(32),
            key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=options["rp"]["id"],
            user_handle=base64url_to_bytes(options["user"]["id"]),
        )
        self.credentials.append(credential)
        flags = UP | AT | BE | BS | (UV if uv else 0)
        attested = bytes(16) + struct.pack(">H", len(credential.id)) + credential.id + self._cose(credential.key)
        auth_data = hashlib.sha256(rp.encode()).digest() + bytes([flags]) + struct.pack(">I", 0) + attested
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": bytes_to_base64url(credential.id),
            "rawId": bytes_to_base64url(credential.id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    def get(
        self,
        options: dict[str, Any],
        *,
        uv: bool = True,
        origin: str | None = None,
        credential: Credential | None = None,
        user_handle: bytes | None = None,
        omit_user_handle: bool = False,
        sign_count: int | None = None,
        spoil_signature: bool = False,
    ) -> dict[str, Any]:
        """navigator.credentials.get(), as JSON: the first credential for the RP (or the one given)."""
        chosen = credential or next(c for c in self.credentials if c.rp_id == options["rpId"])
        if sign_count is None:
            if self.counter:
                chosen.sign_count += 1
            sign_count = chosen.sign_count if self.counter else 0
        flags = UP | BE | BS | (UV if uv else 0)
        auth_data = hashlib.sha256(chosen.rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = chosen.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        if spoil_signature:
            signature = chosen.key.sign(b"something else", ec.ECDSA(hashes.SHA256()))
        response: dict[str, Any] = {
            "clientDataJSON": bytes_to_base64url(client_data),
            "authenticatorData": bytes_to_base64url(auth_data),
            "signature": bytes_to_base64url(signature),
        }
        if not omit_user_handle:
            response["userHandle"] = bytes_to_base64url(user_handle or chosen.user_handle)
        return {
            "id": bytes_to_base64url(chosen.id),
            "rawId": bytes_to_base64url(chosen.id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": response,
        }
