"""What can go wrong with the school directory: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import NotFound


class TeacherNotFound(NotFound):
    """An ID number that is not one of the school's teachers (nothing said about other schools)."""
