"""Values computed on read from gathered ones (年龄 from 出生日期, 专任教师数 from teacher records)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import schemas
from hub.records.models import teachers_table

# The column that holds a school's own code in the schools table.
SCHOOL_KEY = "code"


def full_years(start: Any, today: date) -> int | None:
    if start is None:
        return None
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start[:10])
        except ValueError:
            return None
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    return max(years, 0)


def year_of(value: Any) -> int | None:
    """出生年份 from 出生日期 (a date or its ISO text)."""
    if value is None:
        return None
    if isinstance(value, str):
        return int(value[:4]) if value[:4].isdigit() else None
    return int(value.year)


def organisation_code(uscc: Any) -> str | None:
    """The organisation code inside a unified social credit code: its characters 9 to 17 (GB 32100)."""
    text = str(uscc or "").strip().upper()
    return text[8:17] if len(text) == 18 else None


def teacher_counts(
    session: Session, derivation: schemas.Derivation, school_codes: list[str] | None
) -> dict[str, int]:
    query = select(teachers_table.c.school_code, func.count()).group_by(teachers_table.c.school_code)
    for f in derivation.filters:
        column = teachers_table.c[f.element.split(".", 1)[1]]
        query = query.where(column.in_(list(f.codes)))
    if school_codes is not None:
        query = query.where(teachers_table.c.school_code.in_(school_codes))
    return {code: count for code, count in session.execute(query)}


def deriver(
    session: Session,
    std: schemas.Standard,
    element: schemas.Element,
    school_codes: list[str] | None,
    today: date,
) -> tuple[list[str], Callable[[dict[str, Any]], Any]]:
    """The stored element names a row must carry, and the function computing the element from that row.

    An input may itself be derived (生师比 = 在校学生数 / 专任教师数, the latter counted from teacher
    records): it is computed by its own deriver from the columns that one needs.
    """
    derivation = element.derivation
    assert derivation is not None
    if derivation.function == "years_since":
        name = derivation.inputs[0].split(".", 1)[1]
        return [name], lambda row: full_years(row.get(name), today)
    if derivation.function == "year_of":
        name = derivation.inputs[0].split(".", 1)[1]
        return [name], lambda row: year_of(row.get(name))
    if derivation.function == "organisation_code":
        name = derivation.inputs[0].split(".", 1)[1]
        return [name], lambda row: organisation_code(row.get(name))
    if derivation.function == "count_teachers":
        counts = teacher_counts(session, derivation, school_codes)
        # The count is the school's: the row carries the school's code (teacher inputs are counted above).
        return [SCHOOL_KEY], lambda row: counts.get(row.get(SCHOOL_KEY) or "", 0)
    if derivation.function == "ratio":
        (numerator_names, numerator), (denominator_names, denominator) = (
            _input(session, std, code, school_codes, today) for code in derivation.inputs[:2]
        )

        def ratio(row: dict[str, Any]) -> float | None:
            top, bottom = numerator(row), denominator(row)
            if top is None or not bottom:
                return None
            return round(float(top) / float(bottom), 4)

        return list(dict.fromkeys([*numerator_names, *denominator_names])), ratio
    raise ValueError(f"unknown derivation function {derivation.function}")


def _input(
    session: Session, std: schemas.Standard, code: str, school_codes: list[str] | None, today: date
) -> tuple[list[str], Callable[[dict[str, Any]], Any]]:
    element = std.element(code)
    if element.derivation is not None:
        return deriver(session, std, element, school_codes, today)
    return [element.name], lambda row: row.get(element.name)
