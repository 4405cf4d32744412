"""What can go wrong with a caller's identity: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import NotAuthenticated


class TokenInvalid(NotAuthenticated):
    """The bearer token matches no active principal (unknown or revoked)."""
