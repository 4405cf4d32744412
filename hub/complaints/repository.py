"""Every query of the complaints domain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from hub.access.scope import school_within
from hub.complaints.models import Complaint
from hub.identity.models import Principal
from hub.records.models import schools_table
from hub.requests.models import DataRequest


@dataclass(frozen=True, kw_only=True)
class QueueCounts:
    queue: str
    filed: int = 0
    public: int = 0
    open: int = 0
    answered: int = 0
    closed: int = 0
    overdue: int = 0
    answered_in_time: int = 0


class ComplaintRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, complaint_id: int, *, within_division: str | None = None) -> Complaint | None:
        """The complaint, if it names a school inside `within_division` (None: any complaint)."""
        if within_division is None:
            return self.session.get(Complaint, complaint_id)
        query = select(Complaint).where(
            Complaint.id == complaint_id, school_within(Complaint.school_code, within_division)
        )
        return self.session.scalars(query).first()

    def add(self, complaint: Complaint) -> Complaint:
        self.session.add(complaint)
        self.session.flush()
        return complaint

    def list(
        self,
        *,
        school_code: str | None = None,
        channel: str | None = None,
        queues: Sequence[str] | None = None,
        statuses: Sequence[str] | None = None,
        reasons: Sequence[str] | None = None,
        request_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        within_division: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[Complaint]:
        """Newest first; `since`/`until` bound `created_at` as [since, until); only complaints naming a
        school inside `within_division` (None: all)."""
        query = (
            select(Complaint)
            .where(school_within(Complaint.school_code, within_division))
            .order_by(Complaint.id.desc())
        )
        if school_code is not None:
            query = query.where(Complaint.school_code == school_code)
        if channel is not None:
            query = query.where(Complaint.channel == channel)
        if queues is not None:
            query = query.where(Complaint.queue.in_(list(queues)))
        if statuses:
            query = query.where(Complaint.status.in_(list(statuses)))
        if reasons:
            query = query.where(Complaint.reason.in_(list(reasons)))
        if request_id is not None:
            query = query.where(Complaint.request_id == request_id)
        if since is not None:
            query = query.where(Complaint.created_at >= since)
        if until is not None:
            query = query.where(Complaint.created_at < until)
        return list(self.session.scalars(query.limit(limit).offset(offset)))

    def by_tracking_code(self, code: str) -> Complaint | None:
        return self.session.scalar(select(Complaint).where(Complaint.tracking_code == code))

    def queue_counts(
        self, queues: Sequence[str] | None, *, today: date, within_division: str | None = None
    ) -> list[QueueCounts]:
        """Per queue (all of `queues`, or every queue): one grouped query."""
        answered_day = func.date(Complaint.answered_at)
        query = select(
            Complaint.queue,
            func.count(),
            func.sum(case((Complaint.channel == "public", 1), else_=0)),
            func.sum(case((Complaint.status == "open", 1), else_=0)),
            func.sum(case((Complaint.status == "answered", 1), else_=0)),
            func.sum(case((Complaint.status == "closed", 1), else_=0)),
            func.sum(case(((Complaint.status == "open") & (Complaint.due_on < today), 1), else_=0)),
            func.sum(
                case(((Complaint.answered_at.is_not(None)) & (answered_day <= Complaint.due_on), 1), else_=0)
            ),
        ).group_by(Complaint.queue)
        query = query.where(school_within(Complaint.school_code, within_division))
        if queues is not None:
            query = query.where(Complaint.queue.in_(list(queues)))
        found = {
            row[0]: QueueCounts(
                queue=row[0],
                filed=int(row[1]),
                public=int(row[2] or 0),
                open=int(row[3] or 0),
                answered=int(row[4] or 0),
                closed=int(row[5] or 0),
                overdue=int(row[6] or 0),
                answered_in_time=int(row[7] or 0),
            )
            for row in self.session.execute(query)
        }
        shown = queues if queues is not None else ("education", "discipline")
        return [found.get(q, QueueCounts(queue=q)) for q in shown]

    def counts_by_school(
        self, since: datetime, until: datetime, *, school_code: str | None = None, division: str | None = None
    ) -> dict[str, tuple[int, int]]:
        """School code → (complaints filed in [since, until), of which still open)."""
        query = (
            select(
                Complaint.school_code,
                func.count(),
                func.coalesce(func.sum(case((Complaint.status == "open", 1), else_=0)), 0),
            )
            # The school's own filings to the education bureau: a public report naming it is not the school's
            # doing, and one sent to 纪检监察 never shows on the bureau's pages (it may be about the bureau).
            .where(
                Complaint.created_at >= since,
                Complaint.created_at < until,
                Complaint.channel == "school",
                Complaint.queue == "education",
            )
            .group_by(Complaint.school_code)
        )
        if school_code is not None:
            query = query.where(Complaint.school_code == school_code)
        query = query.where(school_within(Complaint.school_code, division))
        return {
            code: (int(total), int(still_open)) for code, total, still_open in self.session.execute(query)
        }


def school_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    query = select(schools_table.c.code, schools_table.c.name).where(schools_table.c.code.in_(wanted))
    return {code: name for code, name in session.execute(query)}


def request_titles(session: Session, ids: Sequence[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(DataRequest.id, DataRequest.title).where(DataRequest.id.in_(wanted))
    return {request_id: title for request_id, title in session.execute(query)}


def principal_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {
        pid: name
        for pid, name in session.execute(select(Principal.id, Principal.name).where(Principal.id.in_(wanted)))
    }
