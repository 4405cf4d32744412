"""What can go wrong with the burden dashboard and its baselines: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Invalid, NotFound


class TermInvalid(Invalid):
    """A term label that does not read as a school term."""


class BaselineNegative(Invalid):
    """A baseline count below zero."""


class BaselineNotFound(NotFound):
    """No baseline for this term and school."""
