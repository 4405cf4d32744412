"""Webhook secrets sealed at rest: the hub must hold each secret to sign bodies with it, but someone
who reads the database must not be able to sign (and so forge a notice) with it.

Each secret is encrypted with AES-256-GCM under a key derived from `HUB_SECRET_KEY` (the settings,
never the database), the principal's id bound in as associated data: a sealed secret copied to another
principal's row does not open. Stored as `v1:` + base64(nonce ‖ ciphertext ‖ tag). Changing
`HUB_SECRET_KEY` leaves the secrets unreadable: each delivery then fails, naming why, until the
department sets its webhook again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1:"


class SecretUnreadable(ValueError):
    """A sealed webhook secret this hub's key does not open (the key changed, or the row was edited)."""


def _cipher(secret_key: str) -> AESGCM:
    key = hmac.new(secret_key.encode(), b"yici-hub webhook secrets", hashlib.sha256).digest()
    return AESGCM(key)


def _bound(principal_id: int) -> bytes:
    return f"webhook:{principal_id}".encode()


def seal(secret_key: str, principal_id: int, secret: str) -> str:
    """`secret` as the database keeps it."""
    nonce = os.urandom(12)
    sealed = _cipher(secret_key).encrypt(nonce, secret.encode(), _bound(principal_id))
    return VERSION + base64.b64encode(nonce + sealed).decode()


def unseal(secret_key: str, principal_id: int, stored: str) -> str:
    """The secret a sealed value holds, for signing (SecretUnreadable when this key does not open it)."""
    if not stored.startswith(VERSION):
        raise SecretUnreadable("not a sealed webhook secret")
    try:
        raw = base64.b64decode(stored[len(VERSION) :], validate=True)
        return _cipher(secret_key).decrypt(raw[:12], raw[12:], _bound(principal_id)).decode()
    except (InvalidTag, ValueError) as exc:
        raise SecretUnreadable("the hub's key does not open this webhook secret") from exc
