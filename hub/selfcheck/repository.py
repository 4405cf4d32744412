"""Queries of the 自查表: one school's requests, tasks and complaints in a term."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from hub.access.scope import in_codes, json_values, school_within
from hub.burden.repository import BurdenRepository
from hub.identity.divisions import within
from hub.records.models import schools_table
from hub.register.models import SecondedTeacher, Secondment
from hub.requests.models import DataRequest
from hub.selfcheck.models import SelfCheckSubmission
from hub.tasks.models import Task


class SelfCheckRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def requests_concerning(self, school_code: str, since: datetime, until: datetime) -> list[DataRequest]:
        """Requests created in [since, until) whose scope held the school, with their fields."""
        scope = BurdenRepository(self.session).scope(since, until, school_code=school_code)
        query = (
            select(DataRequest)
            .where(DataRequest.id.in_(select(scope.c.request_id)))
            .options(selectinload(DataRequest.fields))
            .order_by(DataRequest.id)
        )
        return list(self.session.scalars(query))

    def tasks(self, school_code: str, since: datetime, until: datetime) -> list[Task]:
        """Tasks published to the school in [since, until)."""
        query = (
            select(Task)
            .where(Task.school_code == school_code, Task.created_at >= since, Task.created_at < until)
            .order_by(Task.id)
        )
        return list(self.session.scalars(query))

    def requests_by_id(self, ids: Sequence[int]) -> dict[int, DataRequest]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        query = (
            select(DataRequest).where(DataRequest.id.in_(wanted)).options(selectinload(DataRequest.fields))
        )
        return {r.id: r for r in self.session.scalars(query)}

    def requests_by_school(
        self, since: datetime, until: datetime, division: str | None
    ) -> tuple[dict[str, list[int]], dict[int, DataRequest]]:
        """For every school inside `division`, the requests created in [since, until) whose scope held
        it (ids), and those requests with their fields: two queries for the whole subtree."""
        scope = BurdenRepository(self.session).scope(since, until, division=division)
        by_school: dict[str, list[int]] = {}
        for request_id, school_code in self.session.execute(select(scope.c.request_id, scope.c.school_code)):
            by_school.setdefault(school_code, []).append(request_id)
        ids = sorted({i for v in by_school.values() for i in v})
        requests: dict[int, DataRequest] = {}
        for start in range(0, len(ids), 5000):
            requests.update(self.requests_by_id(ids[start : start + 5000]))
        return by_school, requests

    def tasks_within(self, since: datetime, until: datetime, division: str | None) -> list[Task]:
        """Tasks published in [since, until) to the schools inside `division`."""
        query = (
            select(Task)
            .where(
                school_within(Task.school_code, division), Task.created_at >= since, Task.created_at < until
            )
            .order_by(Task.id)
        )
        return list(self.session.scalars(query))

    def submission(self, school_code: str, term: str) -> SelfCheckSubmission | None:
        return self.session.get(SelfCheckSubmission, (school_code, term))

    def submissions(self, term: str, *, division: str | None) -> dict[str, SelfCheckSubmission]:
        """The term's submitted 自查表 of every school inside `division` (None: all), by school."""
        query = select(SelfCheckSubmission).where(
            SelfCheckSubmission.term == term,
            school_within(SelfCheckSubmission.__table__.c.school_code, division),
        )
        return {s.school_code: s for s in self.session.scalars(query)}

    def add_submission(self, submission: SelfCheckSubmission) -> SelfCheckSubmission:
        self.session.add(submission)
        self.session.flush()
        return submission


# --- the roll-up: counted by the database over the subtree's schools -------------------------------------


@dataclass(frozen=True, kw_only=True)
class RollupGroup:
    """The schools of one county (or one school, `school_code`) and how many of them each set holds."""

    division: str | None
    school_code: str | None
    school_name: str | None
    schools: int
    counts: dict[str, int]  # set name → schools of the group in it


class RollupRepository:
    """The queries of the 自查表's roll-up. What a school's own 自查表 decides school by school is asked
    here of the whole subtree at once: which schools got a task of an unapproved request, of one past
    its validity, asking gathered fields, with too short a deadline …; the database counts them per
    county. Python only looks at the few things that are not per school: the term's requests (their
    words), the distinct publication days and deadlines (the working-day calendar), secondments."""

    def __init__(self, session: Session, since: datetime, until: datetime, division: str | None) -> None:
        self.session = session
        self.division = division
        self.dialect = session.get_bind().dialect.name
        self._in_term = and_(
            school_within(Task.school_code, division), Task.created_at >= since, Task.created_at < until
        )
        self.since, self.until = since, until

    def counties(self) -> list[str | None]:
        query = select(schools_table.c.division_code).where(
            within(schools_table.c.division_code, self.division)
        )
        return list(self.session.scalars(query.distinct()))

    def tasked_requests(self) -> list[DataRequest]:
        """The requests with a task in the subtree in the term, with their fields."""
        ids = select(Task.request_id).where(self._in_term).distinct()
        query = select(DataRequest).where(DataRequest.id.in_(ids)).options(selectinload(DataRequest.fields))
        return list(self.session.scalars(query))

    def publications(self) -> list[tuple[datetime, date]]:
        """The distinct (published at, deadline) pairs of the subtree's tasks in the term."""
        query = select(Task.created_at, Task.deadline).where(self._in_term).distinct()
        return [(created, deadline) for created, deadline in self.session.execute(query)]

    def seconded_schools(self, statuses: Sequence[str]) -> list[tuple[Secondment, str]]:
        """The secondments (of these statuses) taking teachers from the subtree's schools, with each school."""
        query = (
            select(Secondment, SecondedTeacher.school_code)
            .join(SecondedTeacher, SecondedTeacher.secondment_id == Secondment.id)
            .where(
                Secondment.status.in_(statuses),
                school_within(SecondedTeacher.__table__.c.school_code, self.division),
            )
        )
        return [(s, code) for s, code in self.session.execute(query)]

    def tasked(self, condition: ColumnElement[bool] | None = None) -> ColumnElement[bool]:
        """Schools (schools.code) with a task in the term meeting `condition` (any task when None)."""
        where = self._in_term if condition is None else and_(self._in_term, condition)
        return schools_table.c.code.in_(select(Task.school_code).where(where))

    def unapproved(self) -> ColumnElement[bool]:
        """Tasks of a request without an approval number (批准文号)."""
        unapproved = select(DataRequest.id).where(
            func.coalesce(func.trim(DataRequest.approval_number), "") == ""
        )
        return Task.request_id.in_(unapproved)

    def asking(self, gathered: dict[int, set[str]]) -> ColumnElement[bool]:
        """Tasks asking an element their request found gathered (`gathered`: request id → elements)."""
        if not gathered:
            return false()
        fields = json_values(Task.fields, self.dialect)
        return or_(
            *[
                and_(
                    Task.request_id == request_id,
                    exists(select(1).select_from(fields).where(fields.c.value.in_(sorted(elements)))),
                )
                for request_id, elements in sorted(gathered.items())
            ]
        )

    def groups(self, sets: dict[str, ColumnElement[bool]], *, per_school: bool) -> list[RollupGroup]:
        """Per county (per school when `per_school`, and for schools of no division), the schools of
        the subtree and how many of them each of `sets` (conditions on schools.code) holds."""
        school = schools_table.c
        key = school.code if per_school else case((school.division_code.is_(None), school.code), else_=None)
        columns = [func.sum(case((condition, 1), else_=0)).label(name) for name, condition in sets.items()]
        query = (
            select(
                school.division_code, key.label("school_code"), func.max(school.name), func.count(), *columns
            )
            .where(within(school.division_code, self.division))
            .group_by(school.division_code, key)
        )
        out = []
        for division, code, name, count, *figures in self.session.execute(query):
            out.append(
                RollupGroup(
                    division=division,
                    school_code=code,
                    school_name=name,
                    schools=int(count),
                    counts={n: int(v or 0) for n, v in zip(sets, figures, strict=True)},
                )
            )
        return out

    def submitted(
        self, term: str, number: int | None = None, finding: str | None = None
    ) -> ColumnElement[bool]:
        """Schools that submitted the term's 自查表 (answering item `number` with `finding`, when given)."""
        query = select(SelfCheckSubmission.school_code).where(SelfCheckSubmission.term == term)
        if number is not None:
            query = query.where(SelfCheckSubmission.answers[str(number)]["finding"].as_string() == finding)
        return schools_table.c.code.in_(query)

    def in_codes(self, codes: set[str]) -> ColumnElement[bool]:
        return in_codes(schools_table.c.code, sorted(codes), self.dialect)
