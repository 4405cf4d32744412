"""The subtree rule for GB/T 2260 divisions as SQL conditions, on any column holding a division code.

Kept apart from `scope` (which also reaches schools through the schools table) so that looking a
principal up by its token needs nothing from records.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, true

from hub.identity.errors import DivisionNotFound, UnknownDivision
from schemas import divisions


def division_prefix(code: str) -> str:
    """GB/T 2260: 140000 is the province, 140100 a city in it, 140105 a county; the prefix covers each."""
    code = code.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def _prefix_range(column: ColumnElement[Any], prefix: str) -> ColumnElement[bool]:
    upper = str(int(prefix) + 1).zfill(len(prefix))
    return and_(column >= prefix, column < upper)


def within(column: ColumnElement[Any], division: str | None) -> ColumnElement[bool]:
    """`column` (a GB/T 2260 code) lies inside `division`; everything when `division` is None."""
    if division is None:
        return true()
    return _prefix_range(column, division_prefix(division))


def known(division: str) -> str:
    """`division` when it is a current GB/T 2260 code; 422 naming the field and value otherwise."""
    if not divisions.is_division(division):
        raise UnknownDivision(
            f"行政区划代码 {division} 不在 GB/T 2260 现行代码中",
            f"{division} is not a current GB/T 2260 division code",
            detail={"field": "division", "value": division},
        )
    return division


def not_found(division: str) -> DivisionNotFound:
    """The 404 for a division outside the caller's: it does not confirm that the division exists."""
    return DivisionNotFound(
        f"行政区划 {division} 不存在", f"division {division} not found", detail={"value": division}
    )
