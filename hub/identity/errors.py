"""What can go wrong with a caller's identity: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Invalid, NotAuthenticated, NotFound


class TokenInvalid(NotAuthenticated):
    """The bearer token matches no active principal (unknown or revoked)."""


class TokenExpired(NotAuthenticated):
    """The bearer token was valid but its time ran out (HUB_TOKEN_DAYS): a new one is needed."""


class UnknownDivision(Invalid):
    """A division that is not a current GB/T 2260 code."""


class DivisionNotFound(NotFound):
    """A division outside the caller's own division (not confirmed to exist)."""
