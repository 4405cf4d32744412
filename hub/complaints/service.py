"""举报 (高平方案 四、强化监管督导): schools flag demands that break the 减负清单; the education bureau answers.

A school sees only its own complaints (another school's is "not found", as if it did not exist);
the education bureau and admins see all; departments and the statistics bureau see none, since a
complaint is often about them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from hub.access.models import Principal
from hub.access.roles import Role
from hub.burden.terms import Term, term_of
from hub.complaints import reasons as reason_codes
from hub.complaints.auth import ANSWER, FILE, READ
from hub.complaints.errors import ComplaintClosed, ComplaintNotFound, RequestNotOfSchool
from hub.complaints.models import Complaint
from hub.complaints.payloads import AnswerIn, ComplaintIn
from hub.complaints.repository import ComplaintRepository, principal_names, request_titles, school_names
from hub.requests.models import DataRequest
from hub.requests.repository import RequestRepository


def _readers_only(principal: Principal) -> None:
    READ.check(principal)


def request_concerns(request: DataRequest, school_code: str) -> bool:
    """Whether the request's scope held the school (a request naming no schools concerns them all)."""
    return request.schools is None or school_code in request.schools


def file_complaint(
    session: Session, principal: Principal, payload: ComplaintIn, *, now: datetime
) -> Complaint:
    """A school (or a teacher with the school's token) flags a request of the hub or an outside demand."""
    if not FILE.allows(principal) or not principal.school_code:
        _readers_only(principal)
        FILE.refuse(principal)
    if payload.request_id is not None:
        request = RequestRepository(session).get(payload.request_id)
        if request is None or not request_concerns(request, principal.school_code):
            raise RequestNotOfSchool(
                f"采集需求 {payload.request_id} 不涉及本校，请改填外部要求的说明",
                f"request {payload.request_id} did "
                "not concern this school; describe the outside demand instead",
                detail={"field": "request_id", "value": payload.request_id},
            )
    return ComplaintRepository(session).add(
        Complaint(
            school_code=principal.school_code,
            filed_by=principal.id,
            reason=payload.reason,
            text=payload.text,
            request_id=payload.request_id,
            outside_department=payload.outside_department,
            outside_demand=payload.outside_demand,
            status="open",
            created_at=now,
        )
    )


def list_complaints(
    session: Session,
    principal: Principal,
    *,
    statuses: Sequence[str] | None = None,
    school_code: str | None = None,
    reasons: Sequence[str] | None = None,
    request_id: int | None = None,
    term: Term | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[Complaint]:
    """A school's own complaints, or (education bureau, admin) everyone's, newest first, filtered."""
    _readers_only(principal)
    if principal.role is Role.SCHOOL:
        school_code = principal.school_code or ""
    since, until = term.bounds() if term is not None else (None, None)
    return ComplaintRepository(session).list(
        school_code=school_code,
        statuses=statuses,
        reasons=reasons,
        request_id=request_id,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )


def get_complaint(session: Session, principal: Principal, complaint_id: int) -> Complaint:
    """One complaint its school, the education bureau or an admin may see (404 for another school's)."""
    _readers_only(principal)
    complaint = ComplaintRepository(session).get(complaint_id)
    if complaint is None or (
        principal.role is Role.SCHOOL and complaint.school_code != principal.school_code
    ):
        raise ComplaintNotFound(f"举报 {complaint_id} 不存在", f"complaint {complaint_id} not found")
    return complaint


def answer_complaint(
    session: Session, principal: Principal, complaint_id: int, payload: AnswerIn, *, now: datetime
) -> Complaint:
    """The education bureau answers (status answered, may answer again) or settles (closed, final)."""
    if not ANSWER.allows(principal):
        _readers_only(principal)
        ANSWER.refuse(principal)
    complaint = get_complaint(session, principal, complaint_id)
    if complaint.status == "closed":
        raise ComplaintClosed(
            f"举报 {complaint_id} 已办结，不能再答复",
            f"complaint {complaint_id} is closed and takes no more answers",
            detail={"status": complaint.status},
        )
    complaint.response = payload.response
    complaint.status = payload.status
    complaint.answered_by = principal.id
    complaint.answered_at = now
    session.flush()
    return complaint


@dataclass(frozen=True, kw_only=True)
class ComplaintView:
    """A complaint with the names a reader needs (school, request title, who answered, reason text)."""

    id: int
    school_code: str
    school_name: str | None
    term: str
    reason: str
    reason_zh: str
    reason_en: str
    text: str
    request_id: int | None
    request_title: str | None
    outside_department: str | None
    outside_demand: str | None
    status: str
    response: str | None
    answered_by: str | None
    answered_at: datetime | None
    created_at: datetime


def views(session: Session, complaints: Sequence[Complaint]) -> list[ComplaintView]:
    """Complaints with names looked up in three queries, whatever their number."""
    schools = school_names(session, [c.school_code for c in complaints])
    titles = request_titles(session, [c.request_id for c in complaints if c.request_id is not None])
    answerers = principal_names(session, [c.answered_by for c in complaints if c.answered_by is not None])
    out = []
    for c in complaints:
        reason = reason_codes.reason(c.reason)
        out.append(
            ComplaintView(
                id=c.id,
                school_code=c.school_code,
                school_name=schools.get(c.school_code),
                term=term_of(c.created_at).label,
                reason=c.reason,
                reason_zh=reason.label_zh,
                reason_en=reason.label_en,
                text=c.text,
                request_id=c.request_id,
                request_title=titles.get(c.request_id) if c.request_id is not None else None,
                outside_department=c.outside_department,
                outside_demand=c.outside_demand,
                status=c.status,
                response=c.response,
                answered_by=answerers.get(c.answered_by) if c.answered_by is not None else None,
                answered_at=c.answered_at,
                created_at=c.created_at,
            )
        )
    return out
