"""The keys that seal the audit log, kept in settings and never in the database.

Two keys, for two threats:
- a MAC key (HMAC-SHA256) chains the entries: someone who can write to the database but does not
  hold the key cannot re-hash an edited, inserted or renumbered entry so that it verifies. Keys have
  ids, and each entry names the id that sealed it, so a key can be rotated without re-sealing the
  log (old ids stay in `HUB_AUDIT_KEYS` for verification; `HUB_AUDIT_KEY_ID` names the one in use);
- an Ed25519 signing key signs checkpoints of the chain head, written outside the database: a log
  cut short, or deleted whole, no longer reaches the last checkpoint. The public key is all a
  verifier needs, so checkpoints can be checked by someone who holds no secret.

Without explicit keys both are derived from `HUB_SECRET_KEY` (refused at its default in production),
so a development hub is sealed too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hub.config import Settings, get_settings

DERIVED_KEY_ID = "k0"


class AuditKeyError(LookupError):
    """An entry or checkpoint names a key this hub does not hold."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"unknown audit key id {key_id!r}")
        self.key_id = key_id


def _derive(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), f"yici-hub {purpose}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True, kw_only=True)
class AuditKeyring:
    """The MAC keys by id, the id new entries are sealed with, and the checkpoint signing key."""

    active_id: str
    mac_keys: Mapping[str, bytes]
    signing_seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.active_id not in self.mac_keys:
            raise AuditKeyError(self.active_id)
        if len(self.signing_seed) != 32:
            raise ValueError("the audit signing key is an Ed25519 seed of 32 bytes (64 hex digits)")

    def mac(self, key_id: str, message: bytes) -> str:
        try:
            key = self.mac_keys[key_id]
        except KeyError:
            raise AuditKeyError(key_id) from None
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.signing_seed).sign(message)

    def public_key(self) -> Ed25519PublicKey:
        return Ed25519PrivateKey.from_private_bytes(self.signing_seed).public_key()

    def public_key_hex(self) -> str:
        return self.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def keyring_from(settings: Settings) -> AuditKeyring:
    """The keyring that `settings` describe (explicit keys, else keys derived from the secret key)."""
    secret = settings.secret_key.get_secret_value()
    mac_keys = {key_id: value.get_secret_value().encode() for key_id, value in settings.audit_keys.items()}
    if not mac_keys:
        mac_keys = {DERIVED_KEY_ID: _derive(secret, "audit chain")}
    active_id = settings.audit_key_id or (
        DERIVED_KEY_ID if DERIVED_KEY_ID in mac_keys else sorted(mac_keys)[-1]
    )
    if settings.audit_signing_key is not None:
        seed = bytes.fromhex(settings.audit_signing_key.get_secret_value())
    else:
        seed = _derive(secret, "audit checkpoints")
    return AuditKeyring(active_id=active_id, mac_keys=mac_keys, signing_seed=seed)


_cached: tuple[Settings, AuditKeyring] | None = None


def current_keyring() -> AuditKeyring:
    """The keyring of this process's settings (the API, the scheduler and `hub audit` read the same)."""
    global _cached
    settings = get_settings()
    if _cached is None or _cached[0] is not settings:
        _cached = (settings, keyring_from(settings))
    return _cached[1]
