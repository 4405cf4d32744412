"""The holiday calendar in the browser: every role reads it, the education bureau loads a year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from hub.db import utcnow
from hub.deps import SessionDep
from hub.errors import HubError
from hub.holidays import service as holidays
from hub.holidays.auth import KEEP_CALENDAR, READ_CALENDAR
from hub.identity.models import Principal
from hub.kit.clock import local_today
from hub.web.kit import PageRoute, redirect, render, role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Principal, role(READ_CALENDAR)]
Keeper = Annotated[Principal, role(KEEP_CALENDAR)]


def _lines(days: list[holidays.Day]) -> str:
    return "\n".join(f"{d.day} {d.name}".strip() for d in days)


def _page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    year: int | None = None,
    form: dict[str, str] | None = None,
    error: HubError | None = None,
) -> Response:
    today = local_today()
    years = holidays.overview(session, principal, today)
    chosen = year or holidays.missing_next_year(session, today) or today.year + 1
    current = holidays.schedule(session, principal, chosen)
    return render(
        request,
        "calendar.html",
        {
            "years": years,
            "chosen": current,
            "form": form
            or {
                "holidays": _lines(current.holidays),
                "workdays": _lines(current.workdays),
                "note": current.note,
            },
            "can_keep": KEEP_CALENDAR.allows(principal),
            "error": error,
        },
        principal=principal,
        status_code=error.status_code if error else 200,
    )


@router.get("/calendar")
def calendar_page(
    request: Request, session: SessionDep, principal: Reader, year: int | None = None
) -> Response:
    """Which years' holidays and 调休 the hub knows, and (for the education bureau) a form to load one."""
    return _page(request, session, principal, year=year)


@router.post("/calendar/{year}")
def save_year(
    year: int,
    request: Request,
    session: SessionDep,
    principal: Keeper,
    holidays_text: Annotated[str, Form(alias="holidays")] = "",
    workdays_text: Annotated[str, Form(alias="workdays")] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Load a year's schedule from the form's lines (one day or range and its name a line)."""
    form = {"holidays": holidays_text, "workdays": workdays_text, "note": note}
    try:
        holidays.set_year(
            session,
            principal,
            year,
            holidays=holidays.parse_lines(holidays_text, field_name="holidays"),
            workdays=holidays.parse_lines(workdays_text, field_name="workdays"),
            note=note,
            now=utcnow(),
        )
    except HubError as exc:
        session.rollback()
        return _page(request, session, principal, year=year, form=form, error=exc)
    return redirect(f"/calendar?year={year}", message="calendar_saved")


@router.post("/calendar/{year}/delete")
def delete_year(year: int, session: SessionDep, principal: Keeper) -> Response:
    """Remove the bureau's entry for a year."""
    holidays.delete_year(session, principal, year)
    return redirect(f"/calendar?year={year}", message="calendar_deleted")
