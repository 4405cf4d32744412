from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, status

from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep
from hub.errors import error_responses
from hub.kit.clock import local_today
from hub.register import service
from hub.register.models import Secondment
from hub.register.payloads import (
    AwayOut,
    SecondmentDecisionIn,
    SecondmentIn,
    SecondmentOut,
    SecondmentReturnIn,
)

router = APIRouter(prefix="/register", tags=["register"])
MAX_ID = 2**31 - 1
SecondmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _out(session: SessionDep, principal: PrincipalDep, secondments: list[Secondment]) -> list[SecondmentOut]:
    return [
        SecondmentOut(**asdict(v))
        for v in service.views(session, principal, secondments, today=local_today())
    ]


@router.post(
    "/secondments",
    status_code=status.HTTP_201_CREATED,
    response_model=SecondmentOut,
    responses=error_responses(401, 403, 422),
)
def request_secondment(payload: SecondmentIn, session: SessionDep, principal: PrincipalDep) -> SecondmentOut:
    """A department asks to borrow (借用) or second (抽调) named teachers, or a number of them."""
    secondment = service.request_secondment(session, principal, payload, now=utcnow())
    return _out(session, principal, [secondment])[0]


@router.get("/secondments", response_model=list[SecondmentOut], responses=error_responses(401, 403))
def list_secondments(session: SessionDep, principal: PrincipalDep) -> list[SecondmentOut]:
    """A department's own requests; a bureau's schools' ones; the approved ones a school was informed of."""
    return _out(session, principal, service.list_secondments(session, principal))


@router.get("/away", response_model=list[AwayOut], responses=error_responses(401, 403))
def list_away(session: SessionDep, principal: PrincipalDep) -> list[AwayOut]:
    """Who is away from which school, since when and until when; overruns first and flagged."""
    return [AwayOut(**asdict(a)) for a in service.away(session, principal, today=local_today())]


@router.get(
    "/secondments/{secondment_id}",
    response_model=SecondmentOut,
    responses=error_responses(401, 403, 404, 422),
)
def get_secondment(
    secondment_id: SecondmentId, session: SessionDep, principal: PrincipalDep
) -> SecondmentOut:
    """One borrowing or seconding record."""
    return _out(session, principal, [service.get_secondment(session, principal, secondment_id)])[0]


@router.post(
    "/secondments/{secondment_id}/decision",
    response_model=SecondmentOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def decide_secondment(
    secondment_id: SecondmentId, payload: SecondmentDecisionIn, session: SessionDep, principal: PrincipalDep
) -> SecondmentOut:
    """The education bureau approves (with the Party committee's filing number) or refuses."""
    secondment = service.decide_secondment(session, principal, secondment_id, payload, now=utcnow())
    return _out(session, principal, [secondment])[0]


@router.post(
    "/secondments/{secondment_id}/return",
    response_model=SecondmentOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def return_secondment(
    secondment_id: SecondmentId, payload: SecondmentReturnIn, session: SessionDep, principal: PrincipalDep
) -> SecondmentOut:
    """Every teacher of an approved secondment is back at school on `returned_on`."""
    secondment = service.return_secondment(session, principal, secondment_id, payload.returned_on)
    return _out(session, principal, [secondment])[0]
