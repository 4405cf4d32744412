from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status

from hub.complaints import service
from hub.complaints.models import Complaint
from hub.complaints.payloads import (
    AnswerIn,
    ComplaintIn,
    ComplaintOut,
    PublicComplaintCreated,
    PublicComplaintIn,
    PublicComplaintOut,
    QueueStatisticsOut,
    ReasonOut,
    RouteIn,
)
from hub.complaints.reasons import REASONS
from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep, SettingsDep, TermQuery
from hub.errors import error_responses
from hub.kit.clock import local_today

complaints_router = APIRouter(prefix="/complaints", tags=["complaints"])
# Open to anyone, without a token (高平方案（四）: 举报 from staff and the public).
public_router = APIRouter(prefix="/public/complaints", tags=["complaints"])
TrackingCode = Annotated[str, Path(min_length=8, max_length=20, pattern=r"^[A-Za-z0-9-]+$")]
# Ids are 32-bit in every backend: a larger one is a 422, not a database overflow.
MAX_ID = 2**31 - 1
ComplaintId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _out(session: SessionDep, complaints: list[Complaint]) -> list[ComplaintOut]:
    return [ComplaintOut.model_validate(v, from_attributes=True) for v in service.views(session, complaints)]


@complaints_router.get("/reasons", response_model=list[ReasonOut], responses=error_responses(401))
def list_reasons(_: PrincipalDep) -> list[ReasonOut]:
    """The reasons a complaint may give: the seeds' rules (减负清单) it breaks, with their words."""
    return [
        ReasonOut(
            code=r.code, label_zh=r.label_zh, label_en=r.label_en, rule_zh=r.rule_zh, items=list(r.items)
        )
        for r in REASONS
    ]


@complaints_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ComplaintOut,
    responses=error_responses(401, 403, 422),
)
def file_complaint(
    payload: ComplaintIn, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> ComplaintOut:
    """A school flags a request that concerned it, or a demand that went around the hub (举报)."""
    complaint = service.file_complaint(session, principal, payload, now=utcnow(), settings=settings)
    return _out(session, [complaint])[0]


@complaints_router.get(
    "/statistics", response_model=list[QueueStatisticsOut], responses=error_responses(401, 403)
)
def complaint_statistics(session: SessionDep, principal: PrincipalDep) -> list[QueueStatisticsOut]:
    """Per queue the caller handles: filed, public, open, answered, closed, overdue, answered in time."""
    return [
        QueueStatisticsOut(**asdict(c)) for c in service.statistics(session, principal, today=local_today())
    ]


@complaints_router.get("", response_model=list[ComplaintOut], responses=error_responses(401, 403, 422))
def list_complaints(
    session: SessionDep,
    principal: PrincipalDep,
    term: TermQuery = None,
    status_filter: Annotated[
        list[Literal["open", "answered", "closed"]] | None, Query(alias="status")
    ] = None,
    school_code: Annotated[str | None, Query(pattern=r"^\d{10}$")] = None,
    reason: Annotated[list[str] | None, Query()] = None,
    request_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[ComplaintOut]:
    """A school's own complaints; the education bureau's view of all of them, newest first."""
    complaints = service.list_complaints(
        session,
        principal,
        statuses=status_filter,
        school_code=school_code,
        reasons=reason,
        request_id=request_id,
        term=term,
        limit=limit,
        offset=offset,
    )
    return _out(session, complaints)


@complaints_router.get(
    "/{complaint_id}", response_model=ComplaintOut, responses=error_responses(401, 403, 404, 422)
)
def get_complaint(complaint_id: ComplaintId, session: SessionDep, principal: PrincipalDep) -> ComplaintOut:
    """One complaint, with the education bureau's answer once there is one."""
    return _out(session, [service.get_complaint(session, principal, complaint_id)])[0]


@complaints_router.post(
    "/{complaint_id}/answer", response_model=ComplaintOut, responses=error_responses(401, 403, 404, 409, 422)
)
def answer_complaint(
    complaint_id: ComplaintId, payload: AnswerIn, session: SessionDep, principal: PrincipalDep
) -> ComplaintOut:
    """The education bureau answers a complaint (answered) or settles it (closed)."""
    complaint = service.answer_complaint(session, principal, complaint_id, payload, now=utcnow())
    return _out(session, [complaint])[0]


@complaints_router.post(
    "/{complaint_id}/route", response_model=ComplaintOut, responses=error_responses(401, 403, 404, 422)
)
def route_complaint(
    complaint_id: ComplaintId, payload: RouteIn, session: SessionDep, principal: PrincipalDep
) -> ComplaintOut:
    """The handling queue hands a report to the other one (the education bureau to 纪检监察, or back)."""
    return _out(session, [service.route_complaint(session, principal, complaint_id, payload.queue)])[0]


@public_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PublicComplaintCreated,
    responses=error_responses(422),
)
def file_public_complaint(
    payload: PublicComplaintIn, session: SessionDep, settings: SettingsDep
) -> PublicComplaintCreated:
    """Anyone (a teacher, a parent) files a 举报 without signing in and gets a tracking code to follow it."""
    complaint = service.file_public_complaint(session, payload, now=utcnow(), settings=settings)
    return PublicComplaintCreated(
        tracking_code=complaint.tracking_code, status="open", due_on=complaint.due_on
    )


@public_router.get("/{tracking_code}", response_model=PublicComplaintOut, responses=error_responses(404, 422))
def follow_public_complaint(tracking_code: TrackingCode, session: SessionDep) -> PublicComplaintOut:
    """A report's state and answer, by its tracking code; never who filed it or how to reach them."""
    complaint = service.follow_public_complaint(session, tracking_code)
    (view,) = service.views(session, [complaint])
    return PublicComplaintOut(
        tracking_code=view.tracking_code,
        status=view.status,  # type: ignore[arg-type]
        queue=view.queue,  # type: ignore[arg-type]
        text=view.text,
        school_name=view.school_name,
        created_at=view.created_at,
        due_on=view.due_on,
        overdue=view.overdue,
        response=view.response,
        answered_at=view.answered_at,
    )


router = APIRouter()
router.include_router(complaints_router)
router.include_router(public_router)
