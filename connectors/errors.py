"""Errors shared by every kind of source."""

from __future__ import annotations

__all__ = ["SourceConfigError"]


class SourceConfigError(ValueError):
    """A source configuration that cannot work; ``field`` names the setting to change."""

    def __init__(self, field_name: str, problem: str) -> None:
        self.field = field_name
        self.problem = problem
        super().__init__(f"{field_name}: {problem}")
