"""What can go wrong with the burden dashboard and its baselines: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Invalid, NotFound


class BaselineNegative(Invalid):
    """A baseline count below zero."""


class BaselineYearNotPast(Invalid):
    """A baseline for this year or a later one: it must count a past year's list and tasks."""


class BaselineDivisionInvalid(Invalid):
    """A baseline's division that is not a GB/T 2260 code."""


class BaselineNotFound(NotFound):
    """No baseline for this year and division."""
