"""What can go wrong with the school directory: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Invalid, NotFound


class UnknownDivision(Invalid):
    """A division filter that is not a current GB/T 2260 code."""


class DivisionNotFound(NotFound):
    """A division filter outside the caller's own division (not confirmed to exist)."""


class TeacherNotFound(NotFound):
    """An ID number that is not one of the school's teachers (nothing said about other schools)."""
