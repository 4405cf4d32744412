"""The holiday calendar: read any year; the education bureau loads a year the package does not know."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep
from hub.errors import error_responses
from hub.holidays import service
from hub.holidays.payloads import DayOut, YearIn, YearOut
from hub.kit.clock import local_today

router = APIRouter(tags=["calendar"])
Year = Annotated[int, Path(ge=2000, le=2100, description="公历年份, e.g. 2027")]


def _out(found: service.Schedule) -> YearOut:
    return YearOut(
        year=found.year,
        known=found.known,
        source=found.source,
        holidays=[DayOut(day=d.day, name=d.name) for d in found.holidays],
        workdays=[DayOut(day=d.day, name=d.name) for d in found.workdays],
        note=found.note,
        set_at=found.set_at,
    )


@router.get("/calendar", response_model=list[YearOut], responses=error_responses(401, 403))
def list_years(session: SessionDep, principal: PrincipalDep) -> list[YearOut]:
    """Last year to two years ahead, and every year the bureau loaded: which are known, and from where."""
    return [_out(s) for s in service.overview(session, principal, local_today())]


@router.get("/calendar/{year}", response_model=YearOut, responses=error_responses(401, 403))
def get_year(year: Year, session: SessionDep, principal: PrincipalDep) -> YearOut:
    """A year's days off and 调休 working days (the bureau's entry, else chinese-calendar's, else none)."""
    return _out(service.schedule(session, principal, year))


@router.put("/calendar/{year}", response_model=YearOut, responses=error_responses(401, 403, 422))
def put_year(year: Year, payload: YearIn, session: SessionDep, principal: PrincipalDep) -> YearOut:
    """Load or replace a year's schedule as announced (education bureau); deadlines count by it at once."""
    found = service.set_year(
        session,
        principal,
        year,
        holidays=[service.Day(day=d.day, name=d.name) for d in payload.holidays],
        workdays=[service.Day(day=d.day, name=d.name) for d in payload.workdays],
        note=payload.note,
        now=utcnow(),
    )
    return _out(found)


@router.delete(
    "/calendar/{year}", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 403, 404)
)
def delete_year(year: Year, session: SessionDep, principal: PrincipalDep) -> None:
    """Remove the bureau's entry for a year (the package's schedule applies again where it has one)."""
    service.delete_year(session, principal, year)
