"""What can go wrong with the shared pieces in kit: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Invalid


class TermInvalid(Invalid):
    """A term label that does not read as a school term."""
