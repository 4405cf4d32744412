"""What can go wrong with onboarding schools: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Invalid, NotFound


class ActivationCodeUnknown(NotFound):
    """No activation code like this was ever issued (mistyped, or from another hub)."""


class ActivationCodeUsed(Conflict):
    """The activation code was already traded for a token: each code works once."""


class ActivationCodeVoided(Conflict):
    """A newer code was issued for the school, or its account was revoked: this code no longer works."""


class SchoolNotFound(NotFound):
    """No school with this code inside the caller's division (not confirmed to exist elsewhere)."""


class UnknownDivisionCode(Invalid):
    """A division that is not a current GB/T 2260 code."""


class DivisionNotFound(NotFound):
    """A division outside the caller's own (not confirmed to exist)."""
