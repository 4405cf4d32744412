"""Which schools' records a grant, a filter or a bureau's division reaches, as SQL conditions.

Scopes stay set-based: a division becomes a sub-select on the schools table, a long list of school
codes one array (PostgreSQL) or one JSON parameter (SQLite), never thousands of bind parameters.

The subtree rule lives here and only here: a principal bound to a GB/T 2260 division (province, city
or county) sees the codes that start with its prefix, written as the range `prefix <= code < next`
so that it is an index range on the division column (or on school codes through the schools table)
whatever the database's collation. Repositories put `within` / `schools_within` into their queries;
nothing loads rows and filters them in Python.
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
    case,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.types import String

from hub.identity.divisions import _prefix_range, division_prefix, within
from hub.identity.models import Principal
from hub.records.models import schools_table
from schemas import divisions

# Above this many codes a list goes to the database as one parameter.
LONG_LIST = 500


def bound_division(principal: Principal) -> str | None:
    """The division bounding what `principal` sees (None: unbounded). A school is bounded by its own
    code elsewhere; its division here is its county, which never widens what it sees."""
    return principal.division


def above(column: ColumnElement[Any], division: str) -> ColumnElement[bool]:
    """`column` names a division strictly above `division` (its city or province), or none at all."""
    higher = [d.code for d in divisions.ancestors(division)[1:]]
    return or_(column.is_(None), column.in_(higher)) if higher else column.is_(None)


def may_act_at(bound: str | None, level: str | None, *, or_above: bool) -> bool:
    """Whether a bureau bounded by `bound` acts on something at division `level` (None: the whole hub):
    at that level exactly, or (`or_above`) from any division holding it. A bureau bound to no division
    is the hub's own (a single-city deployment) and acts everywhere."""
    if bound is None or bound == level:
        return True
    return or_above and level is not None and divisions.contains(bound, level)


def reach_of(school_divisions: Sequence[str | None]) -> str | None:
    """The narrowest division holding every one of these schools' counties (None: none holds them all)."""
    codes = [d for d in dict.fromkeys(school_divisions) if d is not None]
    if not codes or len(codes) < len(set(school_divisions)):
        return None
    for candidate in divisions.ancestors(codes[0]):
        if all(divisions.contains(candidate.code, c) for c in codes):
            return candidate.code
    return None


def rollup_division(scope: str | None, counties: Sequence[str | None]) -> str | None:
    """The division a bureau bounded by `scope` rolls its schools up from: its own (a province sees its
    cities, a city its counties, a county its schools). Unbounded, the narrowest division holding every
    one of `counties` (None when they span provinces: the rows are then the provinces)."""
    return scope if scope is not None else reach_of(counties)


def rollup_row(top: str | None, county: str | None) -> str | None:
    """The row a school of `county` falls in below `top` (see `rollup_division`): the division one level
    below `top` holding the county, its province when `top` is None, or None for a row per school
    (`top` is the county itself)."""
    if county is None:
        return None
    if top is None:
        chain = divisions.ancestors(county)
        return chain[-1].code if chain else county
    child = divisions.child_towards(top, county)
    return child.code if child is not None else None


def schools_within(division: str) -> Select[Any]:
    """The codes of the schools inside `division`: an index range on schools.division_code."""
    return select(schools_table.c.code).where(within(schools_table.c.division_code, division))


def school_within(column: ColumnElement[Any], division: str | None) -> ColumnElement[bool]:
    """Rows whose school (its code in `column`) lies inside `division`; everything when None."""
    if division is None:
        return true()
    return column.in_(schools_within(division).scalar_subquery())


def sees_division(principal: Principal, code: str | None) -> bool:
    """Whether a bounded principal's subtree holds the division `code` (one value already loaded)."""
    bound = bound_division(principal)
    if bound is None:
        return True
    return code is not None and divisions.contains(bound, code)


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
            inside = or_(*[_prefix_range(schools_table.c.division_code, p) for p in prefixes])
            terms.append(column.in_(select(schools_table.c.code).where(inside).scalar_subquery()))
    if not terms:
        return true()
    return and_(*terms) if len(terms) > 1 else terms[0]


def json_values(column: Any, dialect: str) -> Any:
    """The elements of a JSON array column (none for SQL NULL or JSON null), as a table of `value`:
    correlated to the row, so that `exists(select(1).select_from(...).where(...))` tests its elements."""
    if dialect == "postgresql":
        array = case((func.jsonb_typeof(column) == "array", column), else_=cast("[]", JSONB))
        return func.jsonb_array_elements_text(array).table_valued("value")
    return func.json_each(column).table_valued("value")
