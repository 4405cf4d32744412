"""What can go wrong with onboarding schools: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, NotFound


class ActivationCodeUnknown(NotFound):
    """No activation code like this was ever issued (mistyped, or from another hub)."""


class ActivationCodeUsed(Conflict):
    """The activation code was already traded for a token: each code works once."""


class ActivationCodeVoided(Conflict):
    """A newer code was issued for the school, or its account was revoked: this code no longer works."""
