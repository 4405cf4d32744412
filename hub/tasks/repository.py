"""Every query of the tasks domain."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, Text, and_, case, cast, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

import schemas
from hub.access.scope import in_codes, school_within
from hub.records.models import ENTITY_TABLES, KEY_COLUMNS, SCHOOL_COLUMN, RecordHistory, schools_table
from hub.records.repository import holds, period_value, value_column
from hub.requests.models import DataRequest
from hub.tasks.models import Task, TaskReminder, TaskRow, TaskSubmission


def _record_join(entity: str) -> Any:
    """task_rows joined to the current record it names (same school, same key)."""
    table = ENTITY_TABLES[entity]
    key = table.c[KEY_COLUMNS[entity][-1]]
    return and_(table.c[SCHOOL_COLUMN[entity]] == TaskRow.school_code, key == TaskRow.record_key)


class TaskRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, task_id: int, *, within_division: str | None = None) -> Task | None:
        """The task, if its school lies inside `within_division` (None: anywhere)."""
        if within_division is None:
            return self.session.get(Task, task_id)
        query = select(Task).where(Task.id == task_id, school_within(Task.school_code, within_division))
        return self.session.scalars(query).first()

    def for_request(self, request_id: int, *, within_division: str | None = None) -> list[Task]:
        """The request's tasks, of the schools inside `within_division` (None: all)."""
        query = select(Task).where(
            Task.request_id == request_id, school_within(Task.school_code, within_division)
        )
        return list(self.session.scalars(query.order_by(Task.school_code)))

    def changed_since(
        self,
        entity: str,
        record_keys: set[str],
        since: datetime,
        periods: Mapping[str, str] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Per record, the elements whose value was written after `since`, with the latest value written
        (None for a cleared one); approved new elements are read out of `extra`. A periodic element
        counts only changes of its period in `periods` (of the current one otherwise: its history rows
        carry their period, and another period's correction is not this one's)."""
        found: dict[str, dict[str, Any]] = {}
        keys = sorted(record_keys)
        for start in range(0, len(keys), 1000):
            query = (
                select(RecordHistory.record_key, RecordHistory.changes, RecordHistory.period)
                .where(
                    RecordHistory.entity == entity,
                    RecordHistory.record_key.in_(keys[start : start + 1000]),
                    RecordHistory.recorded_at > since,
                )
                .order_by(RecordHistory.recorded_at, RecordHistory.id)
            )
            for key, changes, period in self.session.execute(query):
                written = found.setdefault(key, {})
                for name, pair in (changes or {}).items():
                    if name.startswith("_") or not isinstance(pair, list) or len(pair) != 2:
                        continue
                    if period is not None and periods is not None and periods.get(name, period) != period:
                        continue
                    if name == "extra":
                        old, new = pair[0] or {}, pair[1] or {}
                        for extra_name in set(old) | set(new):
                            if old.get(extra_name) != new.get(extra_name):
                                written[extra_name] = new.get(extra_name)
                    else:
                        written[name] = pair[1]
        return found

    def mark_reminders_seen(self, task_id: int, now: datetime) -> None:
        self.session.execute(
            update(TaskReminder)
            .where(TaskReminder.task_id == task_id, TaskReminder.seen_at.is_(None))
            .values(seen_at=now)
        )

    def add_reminders(self, reminders: list[TaskReminder]) -> None:
        self.session.add_all(reminders)
        self.session.flush()

    def reminders_of(self, task_ids: list[int]) -> dict[int, list[TaskReminder]]:
        found: dict[int, list[TaskReminder]] = {}
        if not task_ids:
            return found
        query = (
            select(TaskReminder)
            .where(TaskReminder.task_id.in_(task_ids))
            .order_by(TaskReminder.sent_at.desc())
        )
        for reminder in self.session.scalars(query):
            found.setdefault(reminder.task_id, []).append(reminder)
        return found

    def unseen_reminders(self, school_code: str) -> list[tuple[TaskReminder, Task]]:
        query = (
            select(TaskReminder, Task)
            .join(Task, Task.id == TaskReminder.task_id)
            .where(
                TaskReminder.school_code == school_code, TaskReminder.seen_at.is_(None), Task.status == "open"
            )
            .order_by(TaskReminder.sent_at.desc())
        )
        return [(reminder, task) for reminder, task in self.session.execute(query)]

    def open_count(self, request_id: int) -> int:
        query = select(func.count()).where(Task.request_id == request_id, Task.status == "open")
        return self.session.scalar(query) or 0

    def find(
        self,
        *,
        school_code: str | None = None,
        request_id: int | None = None,
        statuses: Sequence[str] | None = None,
        within_division: str | None = None,
        limit: int = 500,
        offset: int = 0,
    ) -> list[Task]:
        query: Select[Task] = (
            select(Task).where(school_within(Task.school_code, within_division)).order_by(Task.id.desc())
        )
        if school_code is not None:
            query = query.where(Task.school_code == school_code)
        if request_id is not None:
            query = query.where(Task.request_id == request_id)
        if statuses:
            query = query.where(Task.status.in_(list(statuses)))
        return list(self.session.scalars(query.limit(limit).offset(offset)))

    def add_all(self, tasks: list[Task]) -> None:
        self.session.add_all(tasks)
        self.session.flush()

    def add_rows(self, request_id: int, entity: str) -> int:
        """Every current record of each task's school becomes a row of that task, in one INSERT … SELECT
        (how many rows it wrote).

        Teachers are numbered in name order within their school (T00001 …); a school is its own row.
        """
        table = ENTITY_TABLES[entity]
        school = table.c[SCHOOL_COLUMN[entity]]
        key = table.c[KEY_COLUMNS[entity][-1]]
        schools = select(Task.school_code).where(Task.request_id == request_id)
        if entity == "teacher":
            number = func.row_number().over(partition_by=school, order_by=(table.c.name, key))
            ranked = (
                select(school.label("school_code"), key.label("record_key"), number.label("n"))
                .where(school.in_(schools))
                .subquery()
            )
            reference = literal("T") + self._padded(ranked.c.n)
        else:
            ranked = (
                select(school.label("school_code"), key.label("record_key"))
                .where(school.in_(schools))
                .subquery()
            )
            reference = ranked.c.record_key
        rows = select(ranked.c.school_code, Task.id, reference, ranked.c.record_key).join(
            Task, and_(Task.school_code == ranked.c.school_code, Task.request_id == request_id)
        )
        self.session.execute(
            insert(TaskRow).from_select(["school_code", "task_id", "reference", "record_key"], rows)
        )
        # Counted, not read off the cursor: an INSERT … SELECT answers rowcount -1 here, which silently
        # skipped the statistics refresh that must follow a province-wide publication.
        written = (
            select(func.count())
            .select_from(TaskRow)
            .where(TaskRow.task_id.in_(select(Task.id).where(Task.request_id == request_id)))
        )
        return int(self.session.scalar(written) or 0)

    def _padded(self, number: Any) -> Any:
        if self.session.get_bind().dialect.name == "postgresql":
            return func.lpad(cast(number, Text), 5, "0")
        return func.printf("%05d", number)

    def add_submission(self, submission: TaskSubmission) -> TaskSubmission:
        self.session.add(submission)
        self.session.flush()
        return submission

    def submissions(self, task_id: int) -> list[TaskSubmission]:
        query = select(TaskSubmission).where(TaskSubmission.task_id == task_id).order_by(TaskSubmission.id)
        return list(self.session.scalars(query))

    def reference_keys(self, task: Task) -> dict[str, str]:
        """Reference → record key for every row the task asks about."""
        query = select(TaskRow.reference, TaskRow.record_key).where(
            TaskRow.school_code == task.school_code, TaskRow.task_id == task.id
        )
        return {reference: key for reference, key in self.session.execute(query)}

    def prefill(
        self, task: Task, columns: Sequence[str], periods: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """The task's rows in reference order with the current values of `columns` (None when a record
        left); a column named in `periods`, or written name@period, holds the record's value of that period."""
        entity = task.entity
        table = ENTITY_TABLES[entity]
        selected = [TaskRow.reference, TaskRow.record_key]
        selected += [self._value(entity, c, periods).label(c) for c in dict.fromkeys(columns)]
        query = (
            select(*selected)
            .select_from(TaskRow)
            .outerjoin(table, _record_join(entity))
            .where(TaskRow.school_code == task.school_code, TaskRow.task_id == task.id)
            .order_by(TaskRow.reference)
        )
        for row in self.session.execute(query.execution_options(yield_per=2000)).mappings():
            yield dict(row)

    def _value(self, entity: str, column: str, periods: Mapping[str, str] | None) -> Any:
        """A task column's SQL value: name@period is that period's (so is a name in `periods`)."""
        name, at, period = column.partition("@")
        if at:
            return period_value(entity, name, period)
        if periods and name in periods:
            return period_value(entity, name, periods[name])
        return value_column(self.session, entity, name)

    def progress(
        self,
        entity: str,
        task_ids: Sequence[int],
        fields: Sequence[str],
        applies: Mapping[str, schemas.RecordFilter] | None = None,
        periods: Mapping[str, str] | None = None,
        school_codes: Sequence[str] | None = None,
    ) -> dict[int, tuple[int, int]]:
        """Per task (all asking for the same `fields`): rows whose record still exists, rows holding every
        field that applies to them (a field with `applies[name]` is done for a record it does not apply to);
        a field named in `periods` (or written name@period) is filled by a value of that period.
        `school_codes`, the tasks' schools, leads the lookup: task_rows' and the records' keys begin with
        the school code, so a county's page reads its own schools' key ranges, never the province's rows."""
        table = ENTITY_TABLES[entity]
        key = table.c[KEY_COLUMNS[entity][-1]]
        done = []
        for name in fields:
            filled = self._value(entity, name, periods).is_not(None)
            condition = (applies or {}).get(name)
            if condition is not None:
                filled = or_(filled, ~func.coalesce(holds(self.session, table, condition), False))
            done.append(filled)
        complete = and_(*done)
        query = (
            select(
                TaskRow.task_id,
                func.count(key),
                func.coalesce(func.sum(case((and_(key.is_not(None), complete), 1), else_=0)), 0),
            )
            .select_from(TaskRow)
            .outerjoin(table, _record_join(entity))
            .where(TaskRow.task_id.in_(list(task_ids)))
            .group_by(TaskRow.task_id)
        )
        if school_codes is not None:
            dialect = self.session.get_bind().dialect.name
            query = query.where(in_codes(TaskRow.school_code, sorted(set(school_codes)), dialect))
        return {
            task_id: (int(present), int(filled)) for task_id, present, filled in self.session.execute(query)
        }


class PublicationRepository:
    """Reads publication needs: the records a task will ask about."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def school_names(self, codes: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(codes))
        out: dict[str, str] = {}
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            query = select(schools_table.c.code, schools_table.c.name).where(schools_table.c.code.in_(chunk))
            out.update({code: name for code, name in self.session.execute(query)})
        return out

    def identity(self, school_code: str, keys: Sequence[str]) -> dict[str, str]:
        """Record key → ID number for the teachers of one school (what ingestion identifies a teacher by)."""
        table = ENTITY_TABLES["teacher"]
        out: dict[str, str] = {}
        unique = sorted(set(keys))
        for start in range(0, len(unique), 5000):
            chunk = unique[start : start + 5000]
            query = select(table.c.teacher_key, table.c.id_number).where(
                table.c.school_code == school_code, table.c.teacher_key.in_(chunk)
            )
            out.update({key: id_number for key, id_number in self.session.execute(query)})
        return out


def due_requests(session: Session, today: date) -> list[DataRequest]:
    """Published requests whose deadline has passed (the deadline day itself still belongs to the schools)."""
    query = select(DataRequest).where(DataRequest.status == "published", DataRequest.deadline < today)
    return list(session.scalars(query.order_by(DataRequest.id)))


def duplicates_of(session: Session, request_id: int) -> list[DataRequest]:
    query = select(DataRequest).where(
        DataRequest.duplicate_of == request_id, DataRequest.status == "duplicate"
    )
    return list(session.scalars(query))
