"""Every query of the burden dashboard: set-based aggregates grouped by school, never a loop over rows.

The central piece is the scope of each request as (request, school) pairs: the schools a request
named, or every school for a request that named none (its whole jurisdiction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Subquery,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased

from hub.access.scope import school_within, within
from hub.burden.models import BurdenBaseline
from hub.records.models import schools_table, teachers_table
from hub.requests.models import DataRequest, RequestField
from hub.tasks.models import Task

# A request is settled for a school once the store answers it, or publication fixed what the school is asked.
SETTLED = ("answered", "published")


@dataclass(frozen=True, kw_only=True)
class RequestCounts:
    received: int = 0
    satisfied_without_school: int = 0
    refused: int = 0
    fields_spared: int = 0


@dataclass(frozen=True, kw_only=True)
class TaskCounts:
    tasks_sent: int = 0
    fields_filled: int = 0


class BurdenRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"

    # --- scope ------------------------------------------------------------------------------------

    def _json_kind(self, column: Any) -> ColumnElement[Any]:
        return func.jsonb_typeof(column) if self.postgres else func.json_type(column)

    def scope(
        self, since: datetime, until: datetime, *, school_code: str | None = None, division: str | None = None
    ) -> Subquery:
        """(request_id, school_code) for every request created in [since, until) and every school it concerned."""
        in_period = and_(DataRequest.created_at >= since, DataRequest.created_at < until)
        if self.postgres:
            # jsonb_array_elements_text fails on a JSON null: give it an empty array instead.
            array = case(
                (self._json_kind(DataRequest.schools) == "array", DataRequest.schools),
                else_=cast(literal("[]"), JSONB),
            )
            each = func.jsonb_array_elements_text(array).table_valued("value").lateral()
        else:
            each = func.json_each(DataRequest.schools).table_valued("value")
        named = (
            select(DataRequest.id.label("request_id"), each.c.value.label("school_code"))
            .select_from(DataRequest)
            .join(each, true())
            .where(in_period, self._json_kind(DataRequest.schools) == "array")
        )
        # A scope of None is stored as SQL NULL or as JSON null, depending on how the row was written.
        whole = or_(DataRequest.schools.is_(None), self._json_kind(DataRequest.schools) == "null")
        everyone = (
            select(DataRequest.id.label("request_id"), schools_table.c.code.label("school_code"))
            .select_from(DataRequest)
            .join(schools_table, true())
            .where(in_period, whole)
        )
        if school_code is not None:
            named = named.where(each.c.value == school_code)
            everyone = everyone.where(schools_table.c.code == school_code)
        if division is not None:
            named = named.where(school_within(each.c.value, division))
            everyone = everyone.where(within(schools_table.c.division_code, division))
        return union_all(named, everyone).subquery("scope")

    def _task_asks(self, field: type[RequestField]) -> ColumnElement[bool]:
        """Whether the joined task asks for the request field's element."""
        if self.postgres:
            return Task.fields.op("@>")(func.jsonb_build_array(field.element_code))
        each = func.json_each(Task.fields).table_valued("value")
        return exists(select(literal_column("1")).select_from(each).where(each.c.value == field.element_code))

    # --- aggregates -------------------------------------------------------------------------------

    def request_counts(
        self, since: datetime, until: datetime, *, school_code: str | None = None, division: str | None = None
    ) -> dict[str, RequestCounts]:
        """Per school, over requests created in the period: received, satisfied without the school, refused,
        and fields spared (request fields not asked of it × its records).

        A duplicate stands for the open request it repeats: it is satisfied without the school when that
        one was answered or published with no task for the school, and the fields it names are spared
        unless that task asks them — the same definition as the school overview (hub.schools.service).
        """
        in_period = and_(DataRequest.created_at >= since, DataRequest.created_at < until)
        scope = self.scope(since, until, school_code=school_code, division=division)
        source = aliased(DataRequest, name="source")
        source_id = case((DataRequest.status == "duplicate", DataRequest.duplicate_of), else_=DataRequest.id)
        fields = (
            select(RequestField.request_id, func.count().label("fields"))
            .join(DataRequest, DataRequest.id == RequestField.request_id)
            .where(in_period)
            .group_by(RequestField.request_id)
            .subquery("field_counts")
        )
        # Per request and the task that collects it: how many of the request's fields the task asks
        # (labels naming the same element each count).
        asked = (
            select(DataRequest.id.label("request_id"), Task.id.label("task_id"), func.count().label("asked"))
            .join(RequestField, RequestField.request_id == DataRequest.id)
            .join(Task, Task.request_id == source_id)
            .where(in_period, self._task_asks(RequestField))
            .group_by(DataRequest.id, Task.id)
        )
        if school_code is not None:
            asked = asked.where(Task.school_code == school_code)
        asked = asked.where(school_within(Task.school_code, division))
        asked_counts = asked.subquery("asked_counts")
        teachers = self._teacher_counts(school_code, division)
        records = case(
            (Task.id.is_not(None), Task.rows_expected),
            (DataRequest.entity == "teacher", func.coalesce(teachers.c.records, 0)),
            else_=1,
        )
        spared = (func.coalesce(fields.c.fields, 0) - func.coalesce(asked_counts.c.asked, 0)) * records
        settled = source.status.in_(SETTLED)
        query = (
            select(
                scope.c.school_code,
                func.count(),
                func.sum(case((and_(settled, Task.id.is_(None)), 1), else_=0)),
                func.sum(case((DataRequest.status == "rejected", 1), else_=0)),
                func.sum(case((settled, spared), else_=0)),
            )
            .select_from(scope)
            .join(DataRequest, DataRequest.id == scope.c.request_id)
            .outerjoin(source, source.id == source_id)
            .outerjoin(fields, fields.c.request_id == scope.c.request_id)
            .outerjoin(Task, and_(Task.request_id == source.id, Task.school_code == scope.c.school_code))
            .outerjoin(
                asked_counts,
                and_(asked_counts.c.request_id == scope.c.request_id, asked_counts.c.task_id == Task.id),
            )
            .outerjoin(teachers, teachers.c.school_code == scope.c.school_code)
            .group_by(scope.c.school_code)
        )
        return {
            code: RequestCounts(
                received=int(received),
                satisfied_without_school=int(satisfied or 0),
                refused=int(refused or 0),
                fields_spared=int(spared or 0),
            )
            for code, received, satisfied, refused, spared in self.session.execute(query)
        }

    def _teacher_counts(self, school_code: str | None, division: str | None) -> Subquery:
        query = (
            select(teachers_table.c.school_code, func.count().label("records"))
            .where(school_within(teachers_table.c.school_code, division))
            .group_by(teachers_table.c.school_code)
        )
        if school_code is not None:
            query = query.where(teachers_table.c.school_code == school_code)
        return query.subquery("teacher_counts")

    def task_counts(
        self, since: datetime, until: datetime, *, school_code: str | None = None, division: str | None = None
    ) -> dict[str, TaskCounts]:
        """Per school, over tasks published in the period: how many, and task fields × rows the school filled."""
        length = (
            func.jsonb_array_length(Task.fields) if self.postgres else func.json_array_length(Task.fields)
        )
        query = (
            select(Task.school_code, func.count(), func.coalesce(func.sum(length * Task.rows_filled), 0))
            .where(
                Task.created_at >= since, Task.created_at < until, school_within(Task.school_code, division)
            )
            .group_by(Task.school_code)
        )
        if school_code is not None:
            query = query.where(Task.school_code == school_code)
        return {
            code: TaskCounts(tasks_sent=int(n), fields_filled=int(filled))
            for code, n, filled in self.session.execute(query)
        }

    def first_request_at(self) -> datetime | None:
        value: datetime | None = self.session.scalar(select(func.min(DataRequest.created_at)))
        return value

    def schools(
        self, school_code: str | None = None, division: str | None = None
    ) -> list[tuple[str, str | None, str | None]]:
        """(code, name, division) of every school inside `division` (None: all), or one."""
        query = (
            select(schools_table.c.code, schools_table.c.name, schools_table.c.division_code)
            .where(within(schools_table.c.division_code, division))
            .order_by(schools_table.c.code)
        )
        if school_code is not None:
            query = query.where(schools_table.c.code == school_code)
        return [(code, name, division) for code, name, division in self.session.execute(query)]

    # --- baselines --------------------------------------------------------------------------------

    def baselines_of_year(self, year: int) -> list[BurdenBaseline]:
        query = select(BurdenBaseline).where(BurdenBaseline.year == year)
        return list(self.session.scalars(query.order_by(BurdenBaseline.division)))

    def all_baselines(self, *, within_division: str | None = None) -> list[BurdenBaseline]:
        """Every baseline, or those of `within_division`'s subtree (an index range on the key)."""
        query = (
            select(BurdenBaseline)
            .where(within(BurdenBaseline.division, within_division))
            .order_by(BurdenBaseline.year.desc(), BurdenBaseline.division)
        )
        return list(self.session.scalars(query))

    def get_baseline(self, year: int, division: str) -> BurdenBaseline | None:
        return self.session.get(BurdenBaseline, (year, division))

    def add_baseline(self, baseline: BurdenBaseline) -> BurdenBaseline:
        self.session.add(baseline)
        self.session.flush()
        return baseline

    def delete_baseline(self, year: int, division: str) -> int:
        result = self.session.execute(
            delete(BurdenBaseline).where(BurdenBaseline.year == year, BurdenBaseline.division == division)
        )
        return int(getattr(result, "rowcount", 0) or 0)
