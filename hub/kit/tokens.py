"""Secrets derived with the service key: bearer-token digests and teacher keys (HMAC of ID numbers)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _keyed(secret_key: str, purpose: str) -> hmac.HMAC:
    """The HMAC-SHA256 state after the key and "purpose:", to be copied for each value."""
    return hmac.new(secret_key.encode(), f"{purpose}:".encode(), hashlib.sha256)


def digest(secret_key: str, value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value`, domain-separated by `purpose` so a token digest never equals a teacher key."""
    mac = _keyed(secret_key, purpose)
    mac.update(value.encode())
    return mac.hexdigest()


def token_digest(secret_key: str, token: str) -> str:
    return digest(secret_key, token, purpose="token")


def teacher_key(secret_key: str, id_number: str) -> str:
    """The teacher's stable key: never the clear ID number (an ID number in a key leaks through every index)."""
    return teacher_keys(secret_key, [id_number])[0]


def teacher_keys(secret_key: str, id_numbers: Iterable[str]) -> list[str]:
    """`teacher_key` of many ID numbers: `digest(…, purpose="teacher")` of each, trimmed and upper-cased,
    with the keyed HMAC state built once and copied."""
    prefix = _keyed(secret_key, "teacher")
    keys = []
    for id_number in id_numbers:
        mac = prefix.copy()
        mac.update(id_number.strip().upper().encode())
        keys.append(mac.hexdigest())
    return keys
