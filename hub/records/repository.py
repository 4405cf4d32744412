"""Every query on the store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from hub.records.models import ENTITY_TABLES, SCHOOL_COLUMN, RecordHistory, schools_table, teachers_table


class SchoolRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def exists(self, code: str) -> bool:
        return (
            self.session.scalar(select(schools_table.c.code).where(schools_table.c.code == code)) is not None
        )

    def existing_codes(self, codes: Iterable[str]) -> set[str]:
        wanted = sorted(set(codes))
        found: set[str] = set()
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            found.update(
                self.session.scalars(select(schools_table.c.code).where(schools_table.c.code.in_(chunk)))
            )
        return found

    def codes_by_name(self) -> dict[str, str]:
        rows = self.session.execute(select(schools_table.c.name, schools_table.c.code))
        return {name: code for name, code in rows if name}

    def all_codes(self) -> list[str]:
        return list(self.session.scalars(select(schools_table.c.code).order_by(schools_table.c.code)))

    def get(self, code: str) -> dict[str, Any] | None:
        row = (
            self.session.execute(select(schools_table).where(schools_table.c.code == code)).mappings().first()
        )
        return dict(row) if row else None

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(schools_table)) or 0


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
    ) -> dict[str, dict[str, int]]:
        """Per school: how many records, and how many hold a value for each column / extra key."""
        table = ENTITY_TABLES[entity]
        school = table.c[SCHOOL_COLUMN[entity]]
        # Counts are selected by position: a counted column may be the school column itself.
        names = ["_rows", *columns, *(f"extra:{key}" for key in extra_keys)]
        selected: list[Any] = [school, func.count()]
        selected += [func.count(table.c[column]) for column in columns]
        selected += [func.count(_extra_value(self.session, table, key)) for key in extra_keys]
        query = select(*selected).group_by(school)
        if school_codes is not None:
            query = query.where(school.in_(list(school_codes)))
        return {row[0]: dict(zip(names, row[1:], strict=True)) for row in self.session.execute(query)}

    def rows(
        self,
        entity: str,
        columns: Sequence[str],
        extra_keys: Sequence[str] = (),
        *,
        school_codes: Sequence[str] | None = None,
        after: tuple[str, str] | None = None,
        limit: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Current rows ordered by their key (keyset paging with `after`), streamed from the database."""
        table = ENTITY_TABLES[entity]
        keys = [table.c[k] for k in (("school_code", "teacher_key") if entity == "teacher" else ("code",))]
        selected = list(dict.fromkeys([*keys, *[table.c[c] for c in columns]]))
        if extra_keys:
            selected.append(table.c.extra)
        query: Select[Any] = select(*selected).order_by(*keys)
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


def _extra_value(session: Session, table: Any, key: str) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return table.c.extra[key].as_string()
    return func.json_extract(table.c.extra, f'$."{key}"')


def teachers_of(session: Session, school_code: str, columns: Sequence[str]) -> list[dict[str, Any]]:
    query = select(*[teachers_table.c[c] for c in dict.fromkeys(["teacher_key", *columns])]).where(
        teachers_table.c.school_code == school_code
    )
    return [dict(r) for r in session.execute(query.order_by(teachers_table.c.teacher_key)).mappings()]
