from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status

from hub.burden.api import TermQuery
from hub.complaints import service
from hub.complaints.models import Complaint
from hub.complaints.payloads import AnswerIn, ComplaintIn, ComplaintOut, ReasonOut
from hub.complaints.reasons import REASONS
from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep
from hub.errors import error_responses

router = APIRouter(prefix="/complaints", tags=["complaints"])
# Ids are 32-bit in every backend: a larger one is a 422, not a database overflow.
MAX_ID = 2**31 - 1
ComplaintId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _out(session: SessionDep, complaints: list[Complaint]) -> list[ComplaintOut]:
    return [ComplaintOut.model_validate(v, from_attributes=True) for v in service.views(session, complaints)]


@router.get("/reasons", response_model=list[ReasonOut], responses=error_responses(401))
def list_reasons(_: PrincipalDep) -> list[ReasonOut]:
    """The reasons a complaint may give: the seeds' rules (减负清单) it breaks, with their words."""
    return [
        ReasonOut(
            code=r.code, label_zh=r.label_zh, label_en=r.label_en, rule_zh=r.rule_zh, items=list(r.items)
        )
        for r in REASONS
    ]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ComplaintOut,
    responses=error_responses(401, 403, 422),
)
def file_complaint(payload: ComplaintIn, session: SessionDep, principal: PrincipalDep) -> ComplaintOut:
    """A school flags a request that concerned it, or a demand that went around the hub (举报)."""
    complaint = service.file_complaint(session, principal, payload, now=utcnow())
    return _out(session, [complaint])[0]


@router.get("", response_model=list[ComplaintOut], responses=error_responses(401, 403, 422))
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


@router.get("/{complaint_id}", response_model=ComplaintOut, responses=error_responses(401, 403, 404, 422))
def get_complaint(complaint_id: ComplaintId, session: SessionDep, principal: PrincipalDep) -> ComplaintOut:
    """One complaint, with the education bureau's answer once there is one."""
    return _out(session, [service.get_complaint(session, principal, complaint_id)])[0]


@router.post(
    "/{complaint_id}/answer", response_model=ComplaintOut, responses=error_responses(401, 403, 404, 409, 422)
)
def answer_complaint(
    complaint_id: ComplaintId, payload: AnswerIn, session: SessionDep, principal: PrincipalDep
) -> ComplaintOut:
    """The education bureau answers a complaint (answered) or settles it (closed)."""
    complaint = service.answer_complaint(session, principal, complaint_id, payload, now=utcnow())
    return _out(session, [complaint])[0]
