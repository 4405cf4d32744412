"""Every query the department-facing reads run on the store, built set-based from the grant and filters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    Text,
    and_,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
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


# Rows a streamed read fetches at a time. Small on purpose: the batch being written out outlives the
# collector's young generations, and 10,000 rows at a time pushed enough objects into the old one to
# set off a full collection (~200 ms: it walks every object of the process) every few pages.
STREAM_BATCH = 500


def _keyset(keys: Sequence[ColumnElement[Any]], after: tuple[str, ...] | None) -> list[ColumnElement[bool]]:
    """Rows after the keyset cursor `after`, as one row comparison, so that the index on the key is
    entered at the cursor (an OR of the two columns makes PostgreSQL walk the index from its start)."""
    if after is None:
        return []
    return [tuple_(*keys) > tuple_(*after) if len(keys) > 1 else keys[0] > after[0]]


@dataclass(frozen=True, kw_only=True)
class JsonPage:
    rows: str  # a JSON array, one object per row
    per_school: Counter[str]
    last_key: tuple[str, ...] | None  # the key of the page's last row, when more rows follow
    # With `with_keys`: every returned row's full key (school, record key), for the read's receipt.
    record_keys: list[tuple[str, ...]] = field(default_factory=list)


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

        `stream` reads through a server-side cursor, STREAM_BATCH rows at a time (a whole table in flat
        memory); otherwise one fetch.
        """
        table = ENTITY_TABLES[entity]
        keys = [table.c[k] for k in KEY_COLUMNS[entity]]
        query: Select[Any] = select(*selected).where(*where, *_keyset(keys, after)).order_by(*keys)
        if limit is not None:
            query = query.limit(limit)
        if stream:
            result = self.session.execute(query.execution_options(yield_per=STREAM_BATCH))
            return (list(part) for part in result.partitions())
        return iter([self.session.execute(query).all()])

    def rows_json(
        self,
        entity: str,
        shown: Mapping[str, ColumnElement[Any]],
        *,
        where: Sequence[ColumnElement[bool]],
        after: tuple[str, ...] | None,
        limit: int,
        with_keys: bool = False,
    ) -> JsonPage:
        """One page of `shown` (name → value) as a JSON array written by PostgreSQL, in key order after
        `after`, with the school of each row and the key of the last row when more follow.

        One round trip and one value: no row becomes a Python object on the way to the answer.
        """
        table = ENTITY_TABLES[entity]
        keys = [table.c[k] for k in KEY_COLUMNS[entity]]
        # One row more than the page tells whether another page follows; `n` leaves it out of the answer.
        inner = (
            select(
                *(key.label(f"key_{i}") for i, key in enumerate(keys)),
                table.c[SCHOOL_COLUMN[entity]].label("school"),
                func.row_number().over(order_by=keys).label("n"),
                *(value.label(f"value_{i}") for i, value in enumerate(shown.values())),
            )
            .where(*where, *_keyset(keys, after))
            .order_by(*keys)
            .limit(limit + 1)
        )
        page = inner.subquery("page")
        # A row of the answer is a record of exactly the shown columns, named as the answer names them.
        row = (
            select(*(page.c[f"value_{i}"].label(name) for i, name in enumerate(shown)))
            .correlate(page)
            .lateral("shown")
        )
        kept, last = page.c.n <= limit, page.c.n == limit
        query = select(
            cast(func.json_agg(aggregate_order_by(row.table_valued(), page.c.n)).filter(kept), Text),
            cast(func.json_agg(page.c.school).filter(kept), Text),
            func.count(),
            *(func.max(page.c[f"key_{i}"]).filter(last) for i in range(len(keys))),
            # One text of "key\x1fkey" lines rather than JSON: 10k keys split in a millisecond.
            func.string_agg(
                func.concat_ws("\x1f", *(page.c[f"key_{i}"] for i in range(len(keys)))), literal("\n")
            ).filter(kept)
            if with_keys
            else literal(None),
        ).select_from(page.join(row, true()))
        rows, schools, fetched, *last_key, record_keys = self.session.execute(query).one()
        return JsonPage(
            rows=rows or "[]",
            per_school=Counter(orjson.loads(schools) if schools else []),
            last_key=tuple(last_key) if fetched > limit else None,
            record_keys=[tuple(k.split("\x1f")) for k in record_keys.split("\n")] if record_keys else [],
        )

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

    def history_since(
        self, entity: str, record_keys: Sequence[str], since: datetime
    ) -> dict[str, list[tuple[int | None, dict[str, Any], str | None]]]:
        """Per record: (batch, changes, period) of every history row recorded at or after `since`,
        newest first (the order in which to undo them)."""
        history = RecordHistory.__table__.c
        out: dict[str, list[tuple[int | None, dict[str, Any], str | None]]] = {}
        for start in range(0, len(record_keys), 1000):
            query = (
                select(history.record_key, history.batch_id, history.changes, history.period)
                .where(
                    history.entity == entity,
                    history.record_key.in_(list(record_keys[start : start + 1000])),
                    history.recorded_at >= since,
                )
                .order_by(history.recorded_at.desc(), history.id.desc())
            )
            for record_key, batch_id, changes, period in self.session.execute(query):
                out.setdefault(record_key, []).append((batch_id, changes or {}, period))
        return out

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
