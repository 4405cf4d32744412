"""Coverage counts kept beside the records: per school, how many records it holds and how many of them
hold each element, so that a request check or a task's preview reads a few rows per school instead of
counting the store's rows on every call (issue 21: 0.6–1.1 s per check at 1M teachers).

Every write of records (an import, a task submission, a connector run, a past period's file, a school's
#清空) counts again the schools it changed, in its own transaction: the schools named by the history it
wrote (a moved teacher's history names the school it left), or by the caller. A school whose records were
never counted (a database migrated from before the counts) has no `_rows` count: its reads count its rows
as before, and its next write counts it.

Names of the counts: `_rows` (records), a column's name (records holding a value), `extra:<key>` (an
approved new element in `extra`), `<name>@<period>` (a periodic element's value for that period). An
element that applies to some records only (`applies_when`: another element holding one of some codes)
is counted per value of that other element: `_rows|<other>=<value>` and `<name>|<other>=<value>`, with
`<name>|<other>` marking that the school was counted so (`<name>@<period>|<other>=<value>` for a
periodic one); a standard that gained such an element after a school's last write counts that school's
rows again for it. Zero counts are not stored: a count not there is 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import BigInteger, and_, cast, delete, func, insert, select, true
from sqlalchemy.orm import Session

import schemas
from hub.records.models import (
    ENTITY_TABLES,
    KEY_COLUMNS,
    PERIOD_KEY_COLUMNS,
    PERIOD_TABLES,
    ROW_HASH,
    SCHOOL_COLUMN,
    RecordCount,
    RecordHistory,
    is_extra,
)

ROWS = "_rows"
# Columns of an entity table that are not element values.
_NOT_VALUES = {"extra", "updated_at", "batch_id", ROW_HASH}
# Schools counted per statement: few statements for a province (each may read the whole table), and
# IN lists within SQLite's limit of bound values.
_SCHOOLS_AT_ONCE = 5000


def element_name(code: str) -> str:
    return code.split(".", 1)[1]


def value_key(element: schemas.Element, period: str | None = None) -> str:
    """The count of records holding `element` (for `period`, when periodic)."""
    name = f"extra:{element.name}" if is_extra(element) else element.name
    return f"{name}@{period}" if period else name


def condition_keys(
    element: schemas.Element, period: str | None = None
) -> tuple[str, list[str], list[str]] | None:
    """For an element that applies to some records only: its marker, the counts of records it applies
    to, and of those holding it (one per code of the condition)."""
    condition = element.applies_when
    if condition is None:
        return None
    other = element_name(condition.element)
    key = value_key(element, period)
    return (
        f"{value_key(element)}|{other}",
        [f"{ROWS}|{other}={code}" for code in condition.codes],
        [f"{key}|{other}={code}" for code in condition.codes],
    )


def _value(session: Session, table: Any, name: str) -> Any:
    if name in table.c:
        return table.c[name]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return table.c.extra[name].as_string()
    return func.json_extract(table.c.extra, f'$."{name}"')


def _chunks(codes: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(codes), _SCHOOLS_AT_ONCE):
        yield list(codes[start : start + _SCHOOLS_AT_ONCE])


def touched_schools(session: Session, entity: str, batch_id: int) -> set[str]:
    """The schools whose records a batch changed: those its history names (unchanged rows write none)."""
    history = RecordHistory.__table__
    return set(
        session.scalars(
            select(history.c.school_code)
            .where(history.c.batch_id == batch_id, history.c.entity == entity)
            .distinct()
        )
    )


def count_uncounted(session: Session, std: schemas.Standard) -> int:
    """Count the schools never counted (a database migrated from before the counts, or schools added
    since without records); returns how many were."""
    known = ENTITY_TABLES["school"].c.code
    done = 0
    for entity in ENTITY_TABLES:
        counted = select(RecordCount.school_code).where(RecordCount.entity == entity)
        missing = list(session.scalars(select(known).where(known.not_in(counted))))
        recount(session, std, entity, missing)
        done += len(missing)
    return done


def recount(session: Session, std: schemas.Standard, entity: str, schools: Iterable[str]) -> None:
    """Count again the records of `schools` (all their counts, replaced in the caller's transaction)."""
    codes = sorted(set(schools))
    if not codes:
        return
    table = ENTITY_TABLES[entity]
    school = table.c[SCHOOL_COLUMN[entity]]
    keys = KEY_COLUMNS[entity]
    # The key columns too: an element among them (the teacher's school) is held by every record.
    columns = [c.name for c in table.c if c.name not in _NOT_VALUES and c.name != "teacher_key"]
    conditional = [e for e in std.elements_for(entity) if e.applies_when is not None and e.derivation is None]
    periods = PERIOD_TABLES[entity]
    periodic = [c.name for c in periods.c if c.name in table.c and c.name not in PERIOD_KEY_COLUMNS[entity]]
    for chunk in _chunks(codes):
        counts: dict[str, dict[str, int]] = {code: {ROWS: 0} for code in chunk}
        selected = [school, func.count(), *[func.count(table.c[c]) for c in columns]]
        for row in session.execute(select(*selected).where(school.in_(chunk)).group_by(school)):
            counts[row[0]].update(zip([ROWS, *columns], row[1:], strict=True))
        for code, key, held in _extra_counts(session, table, school, chunk):
            counts[code][f"extra:{key}"] = held
        joined = table.join(periods, and_(*[periods.c[k] == table.c[k] for k in keys]))
        if periodic:
            # A record's period rows carry its school (a move re-keys them): no join with the records.
            in_periods = periods.c[SCHOOL_COLUMN[entity]]
            query = (
                select(in_periods, periods.c.period, *[func.count(periods.c[c]) for c in periodic])
                .where(in_periods.in_(chunk))
                .group_by(in_periods, periods.c.period)
            )
            for row in session.execute(query):
                counts[row[0]].update({f"{c}@{row[1]}": n for c, n in zip(periodic, row[2:], strict=True)})
        for element in conditional:
            assert element.applies_when is not None
            other = element_name(element.applies_when.element)
            grouped = _value(session, table, other)
            value = _value(session, table, element.name)
            for code in chunk:
                counts[code][f"{value_key(element)}|{other}"] = 1
            query = select(school, grouped, func.count(), func.count(value)).where(
                school.in_(chunk), grouped.is_not(None)
            )
            for row in session.execute(query.group_by(school, grouped)):
                counts[row[0]][f"{ROWS}|{other}={row[1]}"] = row[2]
                counts[row[0]][f"{value_key(element)}|{other}={row[1]}"] = row[3]
            if element.name in periodic:
                query = select(school, periods.c.period, grouped, func.count(periods.c[element.name]))
                query = query.select_from(joined).where(school.in_(chunk), grouped.is_not(None))
                for row in session.execute(query.group_by(school, periods.c.period, grouped)):
                    counts[row[0]][f"{element.name}@{row[1]}|{other}={row[2]}"] = row[3]
        session.execute(
            delete(RecordCount).where(RecordCount.entity == entity, RecordCount.school_code.in_(chunk))
        )
        rows = [
            {
                "school_code": code,
                "entity": entity,
                "counts": {name: int(held) for name, held in named.items() if held or name == ROWS},
            }
            for code, named in counts.items()
        ]
        session.execute(insert(RecordCount), rows)


def _extra_counts(
    session: Session, table: Any, school: Any, chunk: list[str]
) -> Iterable[tuple[str, str, int]]:
    """(school, key, records holding it) for every key of `extra` (a JSON null holds nothing)."""
    if session.get_bind().dialect.name == "postgresql":
        pairs = func.jsonb_each(table.c.extra).table_valued("key", "value").alias("pair")
        query = (
            select(school, pairs.c.key, func.count())
            .select_from(table.join(pairs, true()))
            .where(school.in_(chunk), table.c.extra.is_not(None), func.jsonb_typeof(pairs.c.value) != "null")
            .group_by(school, pairs.c.key)
        )
    else:
        pairs = func.json_each(table.c.extra).table_valued("key", "type").alias("pair")
        query = (
            select(school, pairs.c.key, func.count())
            .select_from(table.join(pairs, true()))
            .where(school.in_(chunk), table.c.extra.is_not(None), pairs.c.type != "null")
            .group_by(school, pairs.c.key)
        )
    return [(row[0], str(row[1]), int(row[2])) for row in session.execute(query)]


def read(
    session: Session, entity: str, names: Sequence[str], schools: Sequence[str] | None
) -> tuple[dict[str, dict[str, int]], set[str] | None]:
    """The stored counts `names` of the counted schools of `schools` (all when None) that hold records,
    and the schools of the scope never counted (None: every school is)."""
    wanted = {ROWS, *names}
    out: dict[str, dict[str, int]] = {}
    base = select(RecordCount.school_code, RecordCount.counts).where(RecordCount.entity == entity)
    scope = None if schools is None else sorted(set(schools))
    for chunk in [None] if scope is None else _chunks(scope):
        query = base if chunk is None else base.where(RecordCount.school_code.in_(chunk))
        for code, named in session.execute(query):
            out[code] = {name: int(held) for name, held in named.items() if name in wanted}
    if scope is None:
        uncounted = _never_counted(session, entity)
    else:
        uncounted = {code for code in scope if code not in out}
    return {code: named for code, named in out.items() if named.get(ROWS)}, uncounted or None


def _never_counted(session: Session, entity: str) -> set[str]:
    known = ENTITY_TABLES["school"].c.code
    counted = select(RecordCount.school_code).where(RecordCount.entity == entity)
    return set(session.scalars(select(known).where(known.not_in(counted))))


def totals(
    session: Session, entity: str, names: Sequence[str], schools: Sequence[str] | None
) -> tuple[dict[str, int], dict[str, int], set[str]]:
    """The counts `names` summed over the counted schools of `schools` (all when None), how many of
    those schools hold each, and the schools of the scope never counted. Summed in the database: a
    province's check reads one row of sums, not every school's counts."""
    wanted = sorted({ROWS, *names})
    # Each school's counts are opened once (jsonb_each / json_each), not once per name asked: a row
    # of counts is a few kilobytes, which PostgreSQL would decompress for every name otherwise.
    if session.get_bind().dialect.name == "postgresql":
        pairs = func.jsonb_each_text(RecordCount.counts).table_valued("key", "value").alias("pair")
    else:
        pairs = func.json_each(RecordCount.counts).table_valued("key", "value").alias("pair")
    base = (
        select(pairs.c.key, func.sum(cast(pairs.c.value, BigInteger)), func.count())
        .select_from(RecordCount.__table__.join(pairs, true()))
        .where(RecordCount.entity == entity, pairs.c.key.in_(wanted))
        .group_by(pairs.c.key)
    )
    sums: dict[str, int] = dict.fromkeys(wanted, 0)
    holders: dict[str, int] = dict.fromkeys(wanted, 0)
    scope = None if schools is None else sorted(set(schools))
    uncounted: set[str] = set()
    for chunk in [None] if scope is None else _chunks(scope):
        query = base if chunk is None else base.where(RecordCount.school_code.in_(chunk))
        for name, held, schools_holding in session.execute(query):
            sums[name] += int(held or 0)
            holders[name] += int(schools_holding)
        if chunk is not None:
            counted = select(RecordCount.school_code).where(
                RecordCount.entity == entity, RecordCount.school_code.in_(chunk)
            )
            uncounted |= set(chunk) - set(session.scalars(counted))
    if scope is None:
        uncounted = _never_counted(session, entity)
    return sums, holders, uncounted
