"""The register's pages: who is away from which school (借用 / 抽调) and the requests waiting for the bureau."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hub.db import utcnow
from hub.deps import SessionDep
from hub.errors import HubError
from hub.identity.models import Principal
from hub.kit.clock import local_today
from hub.register import service as register
from hub.register.auth import DECIDE_SECONDMENT, SEE_SECONDMENTS
from hub.register.payloads import SecondmentDecisionIn
from hub.web import i18n
from hub.web.kit import PageRoute, lang_of, redirect, render, role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Principal, role(SEE_SECONDMENTS)]
Bureau = Annotated[Principal, role(DECIDE_SECONDMENT)]


def _away_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    today = local_today()
    away = register.away(session, principal, today=today)
    waiting = [s for s in register.list_secondments(session, principal) if s.status == "requested"]
    return render(
        request,
        "away.html",
        {
            "away": away,
            "overruns": sum(a.overrun for a in away),
            "teachers_away": sum(a.headcount for a in away),
            "waiting": register.views(session, principal, waiting, today=today),
            "may_decide": DECIDE_SECONDMENT.allows(principal),
            "error": error,
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/away")
def away_page(request: Request, session: SessionDep, principal: Reader) -> Response:
    """Who is away from which school, since and until when; overruns flagged; requests to decide."""
    return _away_page(request, session, principal)


@router.post("/away/{secondment_id}/decision")
def decide(
    secondment_id: int,
    request: Request,
    session: SessionDep,
    principal: Bureau,
    decision: Annotated[str, Form()] = "",
    filing_number: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """The education bureau approves a request with the Party committee's filing number, or refuses it."""
    lang = lang_of(request)
    try:
        payload = SecondmentDecisionIn(
            decision=decision,  # type: ignore[arg-type]
            filing_number=filing_number,
            note=note,
        )
        register.decide_secondment(session, principal, secondment_id, payload, now=utcnow())
    except ValidationError:
        session.rollback()
        return _away_page(request, session, principal, error=i18n.text("error.form", lang), status_code=422)
    except HubError as exc:
        session.rollback()
        return _away_page(
            request, session, principal, error=exc.message_in(lang), status_code=exc.status_code
        )
    return redirect("/away", message="secondment_approved" if decision == "approve" else "secondment_refused")
