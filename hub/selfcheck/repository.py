"""Queries of the 自查表: one school's requests, tasks and complaints in a term."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hub.access.scope import school_within
from hub.burden.repository import BurdenRepository
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
