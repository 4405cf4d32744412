"""Every query the department-facing reads run on the store, built set-based from the grant and filters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    cast,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from hub.audit.models import AuditEntry
from hub.records.models import (
    ENTITY_TABLES,
    KEY_COLUMNS,
    SCHOOL_COLUMN,
    IngestBatch,
    RecordHistory,
    schools_table,
)


def extra_value(dialect: str, table: Any, key: str) -> Any:
    """An approved new element's value out of the `extra` JSON column, as text."""
    if dialect == "postgresql":
        return table.c.extra[key].astext
    return func.json_extract(table.c.extra, f'$."{key}"')


def years_since(dialect: str, column: Any, today: date) -> Any:
    """Whole years from `column` (a date) to `today`, in SQL (年龄 from 出生日期, 教龄 from 参加工作年月)."""
    if dialect == "postgresql":
        return cast(func.date_part("year", func.age(cast(literal(today), Date), column)), Integer)
    this_year = int(today.strftime("%Y"))
    month_day = today.strftime("%m-%d")
    return (
        literal(this_year)
        - cast(func.strftime("%Y", column), Integer)
        - cast(literal(month_day) < func.strftime("%m-%d", column), Integer)
    )


class QueryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def rows(
        self,
        entity: str,
        selected: Sequence[ColumnElement[Any]],
        *,
        where: Sequence[ColumnElement[bool]],
        after: tuple[str, ...] | None,
        limit: int | None,
        stream: bool,
    ) -> Iterator[Sequence[Any]]:
        """`selected` of current rows in key order after the keyset cursor `after`, as tuples in batches.

        `stream` reads through a server-side cursor (a whole table in flat memory); otherwise one fetch.
        """
        table = ENTITY_TABLES[entity]
        keys = [table.c[k] for k in KEY_COLUMNS[entity]]
        query: Select[Any] = select(*selected).where(*where).order_by(*keys)
        if after is not None:
            # A row comparison, so that the index on the key is entered at the cursor (an OR of the
            # two columns makes PostgreSQL walk the index from its start).
            query = (
                query.where(tuple_(*keys) > tuple_(*after))
                if len(keys) > 1
                else query.where(keys[0] > after[0])
            )
        if limit is not None:
            query = query.limit(limit)
        if stream:
            result = self.session.execute(query.execution_options(yield_per=10000))
            return (list(part) for part in result.partitions())
        return iter([self.session.execute(query).all()])

    def aggregate(
        self,
        entity: str,
        groups: Sequence[Any],
        measures: Sequence[Any],
        *,
        where: Sequence[ColumnElement[bool]],
        join_schools: bool,
    ) -> list[tuple[Any, ...]]:
        """(group keys…, count, then sum and non-null count per measure) for every non-empty group."""
        table = ENTITY_TABLES[entity]
        source: Any = table
        if join_schools:
            source = table.join(schools_table, schools_table.c.code == table.c.school_code)
        selected: list[Any] = [*groups, func.count()]
        for expression in measures:
            selected += [func.sum(expression), func.count(expression)]
        query = select(*selected).select_from(source).where(*where)
        if groups:
            query = query.group_by(*groups)
        return [tuple(r) for r in self.session.execute(query)]

    def rows_per_school(
        self, entity: str, *, where: Sequence[ColumnElement[bool]], join_schools: bool
    ) -> dict[str, int]:
        table = ENTITY_TABLES[entity]
        school = table.c[SCHOOL_COLUMN[entity]]
        source: Any = table
        if join_schools:
            source = table.join(schools_table, schools_table.c.code == table.c.school_code)
        query = select(school, func.count()).select_from(source).where(*where).group_by(school)
        return {code: int(n) for code, n in self.session.execute(query)}

    def changes(
        self,
        entity: str,
        *,
        where: Sequence[ColumnElement[bool]],
        after: tuple[int, int],
        limit: int,
    ) -> list[tuple[int, RecordHistory]]:
        """History rows of the writes committed after `after` = (audit entry id, history id), in commit order.

        The audit entry numbers follow commit order (see hub.audit.service), which a timestamp or a
        sequence does not: a write that started earlier can commit later.
        """
        history = RecordHistory.__table__
        join = and_(history.c.batch_id == AuditEntry.batch_id, history.c.entity == entity)
        if self.dialect == "postgresql":
            # Lets the planner prune the time partitions: a batch's history rows carry its start time.
            join = and_(join, history.c.recorded_at == IngestBatch.started_at)
        query = (
            select(AuditEntry.id, RecordHistory)
            .select_from(AuditEntry)
            .join(IngestBatch, IngestBatch.id == AuditEntry.batch_id)
            .join(RecordHistory, join)
            .where(
                AuditEntry.action == "records.write",
                AuditEntry.entity == entity,
                or_(AuditEntry.id > after[0], and_(AuditEntry.id == after[0], RecordHistory.id > after[1])),
                *where,
            )
            .order_by(AuditEntry.id, RecordHistory.id)
            .limit(limit)
        )
        return [(int(entry_id), row) for entry_id, row in self.session.execute(query)]
