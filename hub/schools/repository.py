"""Queries for the school-facing views: the requests whose scope named a school, and its tasks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal_column, or_, select
from sqlalchemy.orm import Session, selectinload

from hub.access.scope import within
from hub.records.models import schools_table, teachers_table
from hub.requests.models import DataRequest
from hub.tasks.models import Task

DIRECTORY_COLUMNS = ("code", "name", "division_code", "school_type", "address")


class SchoolDirectoryRepository:
    """The schools a caller may see: one index range on schools.division_code, paged."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self,
        *,
        division: str | None,
        only: str | None,
        name: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """(rows, total) of the schools inside `division` (None: all), or the one school `only`."""
        columns = [schools_table.c[c] for c in DIRECTORY_COLUMNS if c in schools_table.c]
        conditions: list[ColumnElement[bool]] = [within(schools_table.c.division_code, division)]
        if only is not None:
            conditions.append(schools_table.c.code == only)
        if name:
            conditions.append(schools_table.c.name.contains(name, autoescape=True))
        total = self.session.scalar(select(func.count()).select_from(schools_table).where(*conditions)) or 0
        query = select(*columns).where(*conditions).order_by(schools_table.c.code).limit(limit).offset(offset)
        return [dict(row) for row in self.session.execute(query).mappings()], total


class SchoolViewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name

    def requests_concerning(self, school_code: str, *, limit: int = 1000) -> list[DataRequest]:
        """Requests whose scope holds the school, or that named no schools (the whole jurisdiction)."""
        named: ColumnElement[bool]
        # A scope of None is stored as SQL NULL or as JSON null, depending on how the row was written.
        if self.dialect == "postgresql":
            named = DataRequest.schools.op("@>")(func.jsonb_build_array(school_code))
            everyone = func.jsonb_typeof(DataRequest.schools) == "null"
        else:
            each = func.json_each(DataRequest.schools).table_valued("value")
            named = exists(select(literal_column("1")).select_from(each).where(each.c.value == school_code))
            everyone = func.json_type(DataRequest.schools) == "null"
        query = (
            select(DataRequest)
            .where(or_(DataRequest.schools.is_(None), everyone, named))
            .options(selectinload(DataRequest.fields))
            .order_by(DataRequest.id.desc())
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def holds_teacher(self, school_code: str, teacher_key: str) -> bool:
        """Whether the school's current records hold the teacher of `teacher_key`."""
        found = select(teachers_table.c.teacher_key).where(
            teachers_table.c.school_code == school_code, teachers_table.c.teacher_key == teacher_key
        )
        return self.session.execute(found).first() is not None

    def requests_by_id(self, ids: list[int]) -> dict[int, DataRequest]:
        if not ids:
            return {}
        query = select(DataRequest).where(DataRequest.id.in_(ids)).options(selectinload(DataRequest.fields))
        return {r.id: r for r in self.session.scalars(query)}

    def tasks_of(self, school_code: str) -> list[Task]:
        return list(
            self.session.scalars(select(Task).where(Task.school_code == school_code).order_by(Task.id.desc()))
        )
