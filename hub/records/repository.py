"""Every query on the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

import schemas
from hub.identity.divisions import within
from hub.records import counts
from hub.records.models import (
    ENTITY_TABLES,
    PERIOD_KEY_COLUMNS,
    PERIOD_TABLES,
    SCHOOL_COLUMN,
    RecordHistory,
    is_extra,
    schools_table,
    teachers_table,
)


class SchoolRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def exists(self, code: str) -> bool:
        return (
            self.session.scalar(select(schools_table.c.code).where(schools_table.c.code == code)) is not None
        )

    def existing_codes(self, codes: Iterable[str], *, within_division: str | None = None) -> set[str]:
        """Which of `codes` are schools in the store (inside `within_division` when given)."""
        wanted = sorted(set(codes))
        found: set[str] = set()
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            query = select(schools_table.c.code).where(
                schools_table.c.code.in_(chunk), within(schools_table.c.division_code, within_division)
            )
            found.update(self.session.scalars(query))
        return found

    def codes_by_name(self) -> dict[str, str]:
        rows = self.session.execute(select(schools_table.c.name, schools_table.c.code))
        return {name: code for name, code in rows if name}

    def codes_within(self, division: str) -> set[str]:
        """The codes of the schools inside `division` (an index range on schools.division_code)."""
        query = select(schools_table.c.code).where(within(schools_table.c.division_code, division))
        return set(self.session.scalars(query))

    def all_codes(self) -> list[str]:
        return list(self.session.scalars(select(schools_table.c.code).order_by(schools_table.c.code)))

    def get(self, code: str) -> dict[str, Any] | None:
        row = (
            self.session.execute(select(schools_table).where(schools_table.c.code == code)).mappings().first()
        )
        return dict(row) if row else None

    def count(self, *, within_division: str | None = None, codes: Sequence[str] | None = None) -> int:
        """Schools inside `within_division` (all when None), only those of `codes` when given."""
        query = select(func.count()).select_from(schools_table)
        query = query.where(within(schools_table.c.division_code, within_division))
        if codes is not None:
            query = query.where(schools_table.c.code.in_(list(codes)))
        return self.session.scalar(query) or 0


class RecordRepository:
    """Reads of current values, with the element columns chosen by the caller."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def count(self, entity: str) -> int:
        return self.session.scalar(select(func.count()).select_from(ENTITY_TABLES[entity])) or 0

    def filled_counts(
        self,
        entity: str,
        columns: Sequence[str],
        extra_keys: Sequence[str],
        school_codes: Sequence[str] | None,
        *,
        applies: Mapping[str, schemas.RecordFilter] | None = None,
    ) -> dict[str, dict[str, int]]:
        """Per school: how many records (`_rows`), and how many hold a value for each column / extra key
        (`name`, `extra:key`). For an element that applies to some records only (`applies`, by the same
        keys), values count among those records, and `applicable:<key>` says how many there are."""
        table = ENTITY_TABLES[entity]
        school = table.c[SCHOOL_COLUMN[entity]]
        values = {column: table.c[column] for column in columns}
        dialect = self.session.get_bind().dialect.name
        values |= {f"extra:{key}": extra_value(dialect, table, key) for key in extra_keys}
        # Counts are selected by position: a counted column may be the school column itself.
        names, selected = ["_rows"], [school, func.count()]
        for key, value in values.items():
            condition = (applies or {}).get(key)
            if condition is None:
                names.append(key)
                selected.append(func.count(value))
                continue
            applicable = holds(self.session, table, condition)
            names += [key, f"applicable:{key}"]
            selected += [
                func.count(case((applicable, value))),
                func.coalesce(func.sum(case((applicable, 1), else_=0)), 0),
            ]
        query = select(*selected).group_by(school)
        if school_codes is not None:
            query = query.where(school.in_(list(school_codes)))
        return {row[0]: dict(zip(names, row[1:], strict=True)) for row in self.session.execute(query)}

    def element_counts(
        self, entity: str, elements: Sequence[schemas.Element], school_codes: Sequence[str] | None
    ) -> dict[str, ElementCounts]:
        """Per school with records: how many, and for each stored element how many hold it among those
        it applies to. Read from the kept counts (`hub.records.counts`); a school never counted, or not
        for an element that applies to some records only, is counted from its rows."""
        stored = list({e.code: e for e in elements if e.derivation is None and e.entity == entity}.values())
        return self._kept_or_counted(
            entity,
            stored,
            None,
            school_codes,
            lambda schools: self._counted_elements(entity, stored, schools),
        )

    def period_counts(
        self,
        entity: str,
        elements: Sequence[schemas.Element],
        period: str,
        school_codes: Sequence[str] | None,
    ) -> dict[str, ElementCounts]:
        """Per school: records, and for each periodic element how many hold a value for `period` among
        the records it applies to (the same counts as `element_counts`, from the period table)."""
        periods = PERIOD_TABLES[entity]
        stored = list({e.code: e for e in elements if e.name in periods.c and e.entity == entity}.values())
        return self._kept_or_counted(
            entity,
            stored,
            period,
            school_codes,
            lambda schools: self._counted_periods(entity, stored, period, schools),
        )

    def element_totals(
        self,
        entity: str,
        elements: Sequence[schemas.Element],
        school_codes: Sequence[str] | None,
        *,
        period: str | None = None,
    ) -> ElementCounts:
        """`element_counts` (or `period_counts` of `period`) summed over the scope's schools: records,
        and per element how many hold it among those it applies to. Sums of the kept counts, read by
        name; schools never counted are counted from their rows."""
        if period is None:
            stored = list(
                {e.code: e for e in elements if e.derivation is None and e.entity == entity}.values()
            )
        else:
            periods = PERIOD_TABLES[entity]
            stored = list(
                {e.code: e for e in elements if e.name in periods.c and e.entity == entity}.values()
            )
        names, conditions = _count_names(stored, period)
        sums, holders, uncounted = counts.totals(self.session, entity, names, school_codes)
        markers = [c[0] for c in conditions.values() if c is not None]
        if any(holders.get(m, 0) < holders.get(counts.ROWS, 0) for m in markers):
            # Some school was counted before the standard gave an element its condition: sum per school.
            per_school = (
                self.element_counts(entity, stored, school_codes)
                if period is None
                else self.period_counts(entity, stored, period, school_codes)
            )
            return _summed(stored, per_school.values())
        kept = _from_named(stored, conditions, period, sums)
        if not uncounted:
            return kept
        rest = (
            self._counted_elements(entity, stored, sorted(uncounted))
            if period is None
            else self._counted_periods(entity, stored, period, sorted(uncounted))
        )
        return _summed(stored, [kept, *rest.values()])

    def _kept_or_counted(
        self,
        entity: str,
        stored: list[schemas.Element],
        period: str | None,
        school_codes: Sequence[str] | None,
        count_rows: Callable[[Sequence[str] | None], dict[str, ElementCounts]],
    ) -> dict[str, ElementCounts]:
        names, conditions = _count_names(stored, period)
        kept, uncounted = counts.read(self.session, entity, names, school_codes)
        markers = [c[0] for c in conditions.values() if c is not None]
        lacking = {school for school, named in kept.items() if any(m not in named for m in markers)}
        out = {
            school: _from_named(stored, conditions, period, named)
            for school, named in kept.items()
            if school not in lacking
        }
        rest = (uncounted or set()) | lacking
        if rest:
            out.update(count_rows(sorted(rest)))
        return out

    def _counted_elements(
        self, entity: str, stored: list[schemas.Element], school_codes: Sequence[str] | None
    ) -> dict[str, ElementCounts]:
        """`element_counts` counted from the rows of the schools (all when None)."""
        keys = {e.code: _count_key(e) for e in stored}
        counted = self.filled_counts(
            entity,
            [e.name for e in stored if not is_extra(e)],
            [e.name for e in stored if is_extra(e)],
            school_codes,
            applies={keys[e.code]: e.applies_when for e in stored if e.applies_when is not None},
        )
        return {
            school: ElementCounts(
                records=int(count["_rows"]),
                filled={code: int(count[key]) for code, key in keys.items()},
                applicable={
                    code: int(count.get(f"applicable:{key}", count["_rows"])) for code, key in keys.items()
                },
            )
            for school, count in counted.items()
        }

    def _counted_periods(
        self,
        entity: str,
        stored: list[schemas.Element],
        period: str,
        school_codes: Sequence[str] | None,
    ) -> dict[str, ElementCounts]:
        """`period_counts` counted from the rows of the schools (all when None)."""
        table = ENTITY_TABLES[entity]
        periods = PERIOD_TABLES[entity]
        school = table.c[SCHOOL_COLUMN[entity]]
        keys = [k for k in PERIOD_KEY_COLUMNS[entity] if k != "period"]
        joined = table.outerjoin(
            periods, and_(*[periods.c[k] == table.c[k] for k in keys], periods.c.period == period)
        )
        names, selected = ["_rows"], [school, func.count()]
        for element in stored:
            value = periods.c[element.name]
            if element.applies_when is None:
                names.append(element.code)
                selected.append(func.count(value))
                continue
            applicable = holds(self.session, table, element.applies_when)
            names += [element.code, f"applicable:{element.code}"]
            selected += [
                func.count(case((applicable, value))),
                func.coalesce(func.sum(case((applicable, 1), else_=0)), 0),
            ]
        query = select(*selected).select_from(joined).group_by(school)
        if school_codes is not None:
            query = query.where(school.in_(list(school_codes)))
        out: dict[str, ElementCounts] = {}
        for row in self.session.execute(query):
            count = dict(zip(names, row[1:], strict=True))
            out[row[0]] = ElementCounts(
                records=int(count["_rows"]),
                filled={e.code: int(count[e.code]) for e in stored},
                applicable={e.code: int(count.get(f"applicable:{e.code}", count["_rows"])) for e in stored},
            )
        return out

    def rows(
        self,
        entity: str,
        columns: Sequence[str],
        extra_keys: Sequence[str] = (),
        *,
        school_codes: Sequence[str] | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
        periods: Mapping[str, Sequence[str]] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Current rows ordered by their key (keyset paging with `after`), streamed from the database.
        `periods` (period key → periodic element names) adds each element's value of that period, as
        `name@period`, from the period table (None where the record holds none for it)."""
        table = ENTITY_TABLES[entity]
        keys = [table.c[k] for k in (("school_code", "teacher_key") if entity == "teacher" else ("code",))]
        selected: list[Any] = list(dict.fromkeys([*keys, *[table.c[c] for c in columns]]))
        if extra_keys:
            selected.append(table.c.extra)
        source: Any = table
        for index, (period, names) in enumerate((periods or {}).items()):
            alias = PERIOD_TABLES[entity].alias(f"p{index}")
            on = [alias.c[k.name] == k for k in keys] + [alias.c.period == period]
            source = source.outerjoin(alias, and_(*on))
            selected += [alias.c[name].label(f"{name}@{period}") for name in dict.fromkeys(names)]
        query: Select[Any] = select(*selected).select_from(source).order_by(*keys)
        if school_codes is not None:
            query = query.where(table.c[SCHOOL_COLUMN[entity]].in_(list(school_codes)))
        if after is not None:
            if entity == "teacher":
                query = query.where(or_(keys[0] > after[0], and_(keys[0] == after[0], keys[1] > after[1])))
            else:
                query = query.where(keys[0] > after[0])
        if limit is not None:
            query = query.limit(limit)
        result = self.session.execute(query.execution_options(yield_per=2000))
        for row in result.mappings():
            record = dict(row)
            extra = record.pop("extra", None) or {}
            for key in extra_keys:
                record[key] = extra.get(key)
            yield record

    def history(self, entity: str, record_key: str, *, until: datetime | None = None) -> list[RecordHistory]:
        query = select(RecordHistory).where(
            RecordHistory.entity == entity, RecordHistory.record_key == record_key
        )
        if until is not None:
            query = query.where(RecordHistory.recorded_at <= until)
        return list(self.session.scalars(query.order_by(RecordHistory.recorded_at, RecordHistory.id)))


@dataclass(frozen=True, kw_only=True)
class ElementCounts:
    """One school's records, and per element code: how many hold it, how many it applies to."""

    records: int
    filled: dict[str, int]
    applicable: dict[str, int]


_Conditions = dict[str, tuple[str, list[str], list[str]] | None]


def _count_names(stored: Sequence[schemas.Element], period: str | None) -> tuple[list[str], _Conditions]:
    """The kept counts that answer `stored` (for `period`), and each conditional element's names."""
    names: list[str] = []
    conditions = {e.code: counts.condition_keys(e, period) for e in stored}
    for element in stored:
        names.append(counts.value_key(element, period))
        condition = conditions[element.code]
        if condition is not None:
            names += [condition[0], *condition[1], *condition[2]]
    return names, conditions


def _from_named(
    stored: Sequence[schemas.Element], conditions: _Conditions, period: str | None, named: Mapping[str, int]
) -> ElementCounts:
    filled: dict[str, int] = {}
    applicable: dict[str, int] = {}
    for element in stored:
        condition = conditions[element.code]
        if condition is None:
            filled[element.code] = named.get(counts.value_key(element, period), 0)
            applicable[element.code] = named.get(counts.ROWS, 0)
        else:
            applicable[element.code] = sum(named.get(k, 0) for k in condition[1])
            filled[element.code] = sum(named.get(k, 0) for k in condition[2])
    return ElementCounts(records=named.get(counts.ROWS, 0), filled=filled, applicable=applicable)


def _summed(stored: Sequence[schemas.Element], parts: Iterable[ElementCounts]) -> ElementCounts:
    records = 0
    filled = dict.fromkeys((e.code for e in stored), 0)
    applicable = dict.fromkeys((e.code for e in stored), 0)
    for part in parts:
        records += part.records
        for code in filled:
            filled[code] += part.filled.get(code, 0)
            applicable[code] += part.applicable.get(code, 0)
    return ElementCounts(records=records, filled=filled, applicable=applicable)


def _count_key(element: schemas.Element) -> str:
    return f"extra:{element.name}" if is_extra(element) else element.name


def holds(session: Session, table: Any, condition: schemas.RecordFilter) -> Any:
    """SQL: the record's `condition.element` holds one of its codes (NULL when the element is empty)."""
    name = condition.element.split(".", 1)[1]
    value = table.c[name] if name in table.c else extra_value(session.get_bind().dialect.name, table, name)
    return value.in_(list(condition.codes))


def extra_value(dialect: str, table: Any, key: str) -> Any:
    """An approved new element's value out of the `extra` JSON column, as text (NULL when absent)."""
    if dialect == "postgresql":
        return table.c.extra[key].as_string()
    return func.json_extract(table.c.extra, f'$."{key}"')


def value_column(session: Session, entity: str, name: str) -> Any:
    """The SQL value of element `name` of `entity`: its column, or its key in `extra`."""
    table = ENTITY_TABLES[entity]
    if name in table.c:
        return table.c[name]
    return extra_value(session.get_bind().dialect.name, table, name)


def period_value(entity: str, name: str, period: str) -> Any:
    """SQL: the current record's value of periodic element `name` for `period` (NULL when not held), as a
    subquery correlated with the entity table (usable wherever that table's columns are)."""
    table = ENTITY_TABLES[entity]
    periods = PERIOD_TABLES[entity]
    keys = [k for k in PERIOD_KEY_COLUMNS[entity] if k != "period"]
    return (
        select(periods.c[name])
        .where(*[periods.c[k] == table.c[k] for k in keys], periods.c.period == period)
        .correlate(table)
        .scalar_subquery()
    )


def teachers_of(session: Session, school_code: str, columns: Sequence[str]) -> list[dict[str, Any]]:
    query = select(*[teachers_table.c[c] for c in dict.fromkeys(["teacher_key", *columns])]).where(
        teachers_table.c.school_code == school_code
    )
    return [dict(r) for r in session.execute(query.order_by(teachers_table.c.teacher_key)).mappings()]
