"""Values computed on read from gathered ones (年龄 from 出生日期, 专任教师数 from teacher records)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import schemas
from hub.records.models import teachers_table


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
    session: Session, element: schemas.Element, school_codes: list[str] | None, today: date
) -> tuple[list[str], Callable[[dict[str, Any]], Any]]:
    """The input element names a row must carry, and the function computing the element from that row."""
    derivation = element.derivation
    assert derivation is not None
    inputs = [code.split(".", 1)[1] for code in derivation.inputs]
    if derivation.function == "years_since":
        return inputs[:1], lambda row: full_years(row.get(inputs[0]), today)
    if derivation.function == "count_teachers":
        counts = teacher_counts(session, derivation, school_codes)
        return [], lambda row: counts.get(row.get("code") or row.get("school_code") or "", 0)
    if derivation.function == "ratio":

        def ratio(row: dict[str, Any]) -> float | None:
            numerator, denominator = row.get(inputs[0]), row.get(inputs[1])
            if numerator is None or not denominator:
                return None
            return round(float(numerator) / float(denominator), 4)

        return inputs[:2], ratio
    raise ValueError(f"unknown derivation function {derivation.function}")
