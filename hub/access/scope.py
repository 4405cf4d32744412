"""Which schools' records a grant (or a filter) reaches, as SQL conditions on a school-code column.

Scopes stay set-based: a division becomes a sub-select on the schools table, a long list of school
codes one array (PostgreSQL) or one JSON parameter (SQLite), never thousands of bind parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    any_,
    bindparam,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import String

from hub.records.models import schools_table

# Above this many codes a list goes to the database as one parameter.
LONG_LIST = 500


def division_prefix(code: str) -> str:
    """GB/T 2260: 140000 is the province, 140100 a city in it, 140105 a county; the prefix covers each."""
    code = code.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def in_codes(column: ColumnElement[Any], codes: Sequence[str], dialect: str) -> ColumnElement[bool]:
    if not codes:
        return false()
    if len(codes) <= LONG_LIST:
        return column.in_(list(codes))
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(codes), type_=ARRAY(String())))
    values: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam(None, orjson.dumps(list(codes)).decode(), type_=String()))
    )
    return column.in_(values.scalar_subquery())


def school_condition(
    column: ColumnElement[Any],
    *,
    schools: Sequence[str] | None,
    divisions: Sequence[str] | None,
    dialect: str,
) -> ColumnElement[bool]:
    """Rows whose school (in `column`) is among `schools` and inside one of `divisions` (None: no limit)."""
    terms: list[ColumnElement[bool]] = []
    if schools is not None:
        terms.append(in_codes(column, schools, dialect))
    if divisions is not None:
        prefixes = sorted({division_prefix(d) for d in divisions if d.strip()})
        if not prefixes:
            terms.append(false())
        else:
            inside = or_(*[schools_table.c.division_code.like(f"{p}%") for p in prefixes])
            terms.append(column.in_(select(schools_table.c.code).where(inside).scalar_subquery()))
    if not terms:
        return true()
    return and_(*terms) if len(terms) > 1 else terms[0]
