"""What can go wrong with a caller's identity: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import NotAuthenticated


class TokenInvalid(NotAuthenticated):
    """The bearer token matches no active principal (unknown or revoked)."""


class TokenExpired(NotAuthenticated):
    """The bearer token was valid but its time ran out (HUB_TOKEN_DAYS): a new one is needed."""
