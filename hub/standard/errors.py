"""What can go wrong with a new version of the standard: one class per case, its name the `code`."""

from __future__ import annotations

from hub.errors import Conflict, Invalid


class ElementsClash(Conflict):
    """New elements clash with the current standard."""


class VersionIncompatible(Conflict):
    """A new version is not compatible with the current standard; `detail` lists why."""


class PeriodInvalid(Invalid):
    """A `period` (of a request, an import, a query) is no period (2025-13, 学年 2026-2024)."""
