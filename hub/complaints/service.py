"""举报 (高平方案 四、强化监管督导): schools, and anyone through the public form, flag demands that break
the 减负清单; the queue it was sent to answers it, within a deadline.

A school sees only its own complaints (another school's is "not found", as if it did not exist), never
a public report; the education bureau sees its queue, and the discipline-inspection (纪检监察) queue is
read by the Party-committee office's principals (`office`) and admins only, since a report may be about
the education bureau itself; departments and the statistics bureau see none, since a complaint is often
about them. A public reporter's contact is shown to the handling queue alone, never on the follow-up page.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from hub.access.scope import bound_division
from hub.audit import service as audit
from hub.complaints import reasons as reason_codes
from hub.complaints.auth import ANSWER, FILE, HANDLE, READ
from hub.complaints.errors import (
    ComplaintClosed,
    ComplaintNotFound,
    ReportSchoolUnknown,
    ReportTextEmpty,
    RequestNotOfSchool,
    TrackingCodeNotFound,
)
from hub.complaints.models import Complaint
from hub.complaints.payloads import AnswerIn, ComplaintIn, PublicComplaintIn
from hub.complaints.repository import (
    ComplaintRepository,
    QueueCounts,
    principal_names,
    request_titles,
    school_names,
)
from hub.config import Settings
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_date, local_today
from hub.kit.terms import Term, term_of
from hub.kit.workdays import add_working_days
from hub.records.repository import SchoolRepository
from hub.requests.models import DataRequest
from hub.requests.repository import RequestRepository

# The queue each handler reads; an admin reads both.
QUEUE_OF = {Role.EDUCATION: "education", Role.OFFICE: "discipline"}
# The seed item a 举报 rests on, named when one is refused.
SEED_ITEM = "高平方案（四）强化监管督导：鼓励学校教职工向教育局或纪检监察部门反映教师减负问题"
# No 0/O, 1/I/L: a code read over the phone or copied by hand stays right.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_code() -> str:
    """JB-XXXX-XXXX-XXXX: 12 random characters (~59 bits), not guessable, easy to copy."""
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"JB-{body[:4]}-{body[4:8]}-{body[8:]}"


def answer_due(settings: Settings, filed: date) -> date:
    overrides = {"extra_holidays": settings.extra_holidays, "extra_workdays": settings.extra_workdays}
    return add_working_days(filed, settings.complaint_answer_working_days, **overrides)


def is_overdue(complaint: Complaint, today: date) -> bool:
    return complaint.status == "open" and complaint.due_on is not None and today > complaint.due_on


def _readers_only(principal: Principal) -> None:
    READ.check(principal)


def request_concerns(request: DataRequest, school_code: str) -> bool:
    """Whether the request's scope held the school (a request naming no schools concerns them all)."""
    return request.schools is None or school_code in request.schools


def file_complaint(
    session: Session, principal: Principal, payload: ComplaintIn, *, now: datetime, settings: Settings
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
            tracking_code=new_tracking_code(),
            channel="school",
            queue=payload.to,
            due_on=answer_due(settings, local_date(now)),
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


def file_public_complaint(
    session: Session, payload: PublicComplaintIn, *, now: datetime, settings: Settings
) -> Complaint:
    """Anyone files a 举报 without an account; the tracking code is the only way back to it."""
    if not payload.text:
        raise ReportTextEmpty(
            f"举报内容不能为空：请说明反映的问题（{SEED_ITEM}）；未保存任何内容",
            "a report needs a text saying what happened (Gaoping plan, part 4: staff report teacher-burden "
            "problems to the education bureau or the discipline-inspection department); nothing was stored",
            detail={"field": "text", "value": "", "seed_item": "高平方案（四）"},
        )
    school_name = payload.school_name or None
    if payload.school_code is not None:
        school = SchoolRepository(session).get(payload.school_code)
        if school is None:
            raise ReportSchoolUnknown(
                f"学校标识码 {payload.school_code} 不存在，可只填学校名称",
                f"no school has the code {payload.school_code}; give the school's name instead",
                detail={"field": "school_code", "value": payload.school_code},
            )
        school_name = school_name or school.get("name")
    return ComplaintRepository(session).add(
        Complaint(
            tracking_code=new_tracking_code(),
            channel="public",
            queue=payload.to,
            due_on=answer_due(settings, local_date(now)),
            school_code=payload.school_code,
            school_name=school_name,
            filed_by=None,
            contact=payload.contact or None,
            reason=payload.reason,
            text=payload.text,
            status="open",
            created_at=now,
        )
    )


def follow_public_complaint(session: Session, tracking_code: str) -> Complaint:
    """The report a tracking code names (404 for any other code, the same for a wrong one as for none)."""
    complaint = ComplaintRepository(session).by_tracking_code(tracking_code.strip().upper())
    if complaint is None:
        raise TrackingCodeNotFound(
            f"没有查询码为 {tracking_code} 的举报", f"no report has the tracking code {tracking_code}"
        )
    return complaint


def _queues(principal: Principal) -> list[str] | None:
    """The queues a handler reads (None: every queue, for an admin)."""
    if principal.role is Role.ADMIN:
        return None
    return [QUEUE_OF[principal.role]] if principal.role in QUEUE_OF else []


def _traced(complaint: Complaint) -> dict[str, object]:
    """What the audit log says of a report: the school and request for the education bureau's queue, nothing
    that names the reporter for the 纪检监察 queue, since the bureau reads the log and may be the one reported."""
    if complaint.queue == "discipline":
        return {}
    return {"school_code": complaint.school_code, "request_id": complaint.request_id}


def route_complaint(session: Session, principal: Principal, complaint_id: int, queue: str) -> Complaint:
    """The handling queue hands a report over: the education bureau to 纪检监察, or back."""
    HANDLE.check(principal)
    complaint = get_complaint(session, principal, complaint_id)
    before = complaint.queue
    complaint.queue = queue
    session.flush()
    audit.record_act(
        session,
        principal,
        "complaint.route",
        target={"kind": "complaint", "id": complaint.id, "from": before, "to": queue},
        detail=_traced(complaint),
    )
    return complaint


def statistics(session: Session, principal: Principal, *, today: date) -> list[QueueCounts]:
    """Per queue the handler reads: filed, public, open, answered, closed, overdue, answered in time."""
    HANDLE.check(principal)
    return ComplaintRepository(session).queue_counts(
        _queues(principal), today=today, within_division=bound_division(principal)
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
    channel = None
    if principal.role is Role.SCHOOL:
        school_code, channel = principal.school_code or "", "school"
    since, until = term.bounds() if term is not None else (None, None)
    return ComplaintRepository(session).list(
        school_code=school_code,
        channel=channel,
        queues=None if principal.role is Role.SCHOOL else _queues(principal),
        statuses=statuses,
        reasons=reasons,
        request_id=request_id,
        since=since,
        until=until,
        within_division=None if principal.role is Role.SCHOOL else bound_division(principal),
        limit=limit,
        offset=offset,
    )


def get_complaint(session: Session, principal: Principal, complaint_id: int) -> Complaint:
    """One complaint its school, the education bureau or an admin may see (404 for another school's)."""
    _readers_only(principal)
    within_division = None if principal.role is Role.SCHOOL else bound_division(principal)
    complaint = ComplaintRepository(session).get(complaint_id, within_division=within_division)
    if principal.role is Role.SCHOOL:
        visible = complaint is not None and (
            complaint.channel == "school" and complaint.school_code == principal.school_code
        )
    else:
        queues = _queues(principal)
        visible = complaint is not None and (queues is None or complaint.queue in queues)
    if complaint is None or not visible:
        raise ComplaintNotFound(f"举报 {complaint_id} 不存在", f"complaint {complaint_id} not found")
    return complaint


def answer_complaint(
    session: Session, principal: Principal, complaint_id: int, payload: AnswerIn, *, now: datetime
) -> Complaint:
    """The handling queue answers (status answered, may answer again) or settles (closed, final): the
    education bureau its own, the office's principals the discipline-inspection queue's."""
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
    audit.record_act(
        session,
        principal,
        "complaint.answer",
        target={
            "kind": "complaint",
            "id": complaint.id,
            "queue": complaint.queue,
            "status": complaint.status,
        },
        reason=payload.response,
        detail=_traced(complaint),
    )
    return complaint


@dataclass(frozen=True, kw_only=True)
class ComplaintView:
    """A complaint with the names a reader needs (school, request title, who answered, reason text)."""

    id: int
    tracking_code: str
    channel: str
    queue: str
    school_code: str | None
    school_name: str | None
    contact: str | None
    due_on: date | None
    overdue: bool
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


def views(
    session: Session, complaints: Sequence[Complaint], *, today: date | None = None
) -> list[ComplaintView]:
    """Complaints with names looked up in three queries, whatever their number."""
    today = today or local_today()
    schools = school_names(session, [c.school_code for c in complaints if c.school_code is not None])
    titles = request_titles(session, [c.request_id for c in complaints if c.request_id is not None])
    answerers = principal_names(session, [c.answered_by for c in complaints if c.answered_by is not None])
    out = []
    for c in complaints:
        reason = reason_codes.reason(c.reason)
        out.append(
            ComplaintView(
                id=c.id,
                tracking_code=c.tracking_code,
                channel=c.channel,
                queue=c.queue,
                school_code=c.school_code,
                school_name=(schools.get(c.school_code) if c.school_code else None) or c.school_name,
                contact=c.contact,
                due_on=c.due_on,
                overdue=is_overdue(c, today),
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
