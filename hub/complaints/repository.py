"""Every query of the complaints domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from hub.access.models import Principal
from hub.complaints.models import Complaint
from hub.records.models import schools_table
from hub.requests.models import DataRequest


class ComplaintRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, complaint_id: int) -> Complaint | None:
        return self.session.get(Complaint, complaint_id)

    def add(self, complaint: Complaint) -> Complaint:
        self.session.add(complaint)
        self.session.flush()
        return complaint

    def list(
        self,
        *,
        school_code: str | None = None,
        statuses: Sequence[str] | None = None,
        reasons: Sequence[str] | None = None,
        request_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[Complaint]:
        """Newest first; `since`/`until` bound `created_at` as [since, until)."""
        query = select(Complaint).order_by(Complaint.id.desc())
        if school_code is not None:
            query = query.where(Complaint.school_code == school_code)
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

    def counts_by_school(
        self, since: datetime, until: datetime, *, school_code: str | None = None
    ) -> dict[str, tuple[int, int]]:
        """School code → (complaints filed in [since, until), of which still open)."""
        query = (
            select(
                Complaint.school_code,
                func.count(),
                func.coalesce(func.sum(case((Complaint.status == "open", 1), else_=0)), 0),
            )
            .where(Complaint.created_at >= since, Complaint.created_at < until)
            .group_by(Complaint.school_code)
        )
        if school_code is not None:
            query = query.where(Complaint.school_code == school_code)
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
