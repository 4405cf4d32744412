"""Onboarding schools on the web: the education bureau opens every school's account at once and prints
the sheet of one-time activation codes; a school types its code at /activate and gets its token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep
from hub.errors import HubError
from hub.identity.models import Principal
from hub.onboarding import service as onboarding
from hub.onboarding.auth import ONBOARD
from hub.onboarding.sheet import sheet_workbook
from hub.web.kit import PageRoute, lang_of, redirect, render, role
from schemas import divisions

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Onboarder = Annotated[Principal, role(ONBOARD)]
ACTIVATE_AT = "/activate"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/onboarding")
def accounts_page(
    request: Request, session: SessionDep, principal: Onboarder, division: str = "", offset: int = 0
) -> Response:
    """Every school of the bureau's division and the state of its account, with the one-step onboarding."""
    listing = onboarding.accounts(
        session, principal, division=division.strip() or None, now=utcnow(), limit=200, offset=max(offset, 0)
    )
    return render(
        request,
        "onboarding.html",
        {"listing": listing, "division": division, "division_name": divisions.full_name},
        principal=principal,
    )


@router.post("/onboarding")
def open_accounts(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Onboarder,
    division: Annotated[str, Form()] = "",
    format: Annotated[str, Form()] = "html",
) -> Response:
    """Open an account for every school that cannot sign in yet and show the sheet of codes once
    (print-ready HTML, or the XLSX workbook)."""
    sheet = onboarding.open_school_accounts(
        session,
        settings.secret_key.get_secret_value(),
        principal,
        division=division.strip() or None,
        now=utcnow(),
    )
    if format == "xlsx":
        return Response(
            sheet_workbook(sheet, activate_at=ACTIVATE_AT),
            status_code=201,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="activation-{sheet.division or "all"}.xlsx"',
                "Cache-Control": "no-store",
            },
        )
    base = str(request.base_url).rstrip("/")
    return render(
        request,
        "onboarding_sheet.html",
        {"sheet": sheet, "lines": sheet.lines, "activate_at": f"{base}{ACTIVATE_AT}"},
        principal=principal,
        status_code=201,
    )


@router.post("/onboarding/{code}/rotate")
def rotate(
    code: str, request: Request, session: SessionDep, settings: SettingsDep, principal: Onboarder
) -> Response:
    """Stop the school's token and print its new one-time code."""
    line = onboarding.rotate_school_token(
        session, settings.secret_key.get_secret_value(), principal, code, now=utcnow()
    )
    base = str(request.base_url).rstrip("/")
    return render(
        request,
        "onboarding_sheet.html",
        {"sheet": None, "lines": [line], "activate_at": f"{base}{ACTIVATE_AT}"},
        principal=principal,
    )


@router.post("/onboarding/{code}/revoke")
def revoke(code: str, session: SessionDep, principal: Onboarder) -> Response:
    """Stop every token and unused code of the school."""
    onboarding.revoke_school_token(session, principal, code, now=utcnow())
    return redirect("/onboarding", message="token_revoked")


@router.get("/activate")
def activate_form(request: Request) -> Response:
    """Where a school types the code of its sheet (no sign-in)."""
    return render(request, "activate.html", {"done": None, "error": None})


@router.post("/activate")
def activate(
    request: Request, session: SessionDep, settings: SettingsDep, code: Annotated[str, Form()] = ""
) -> Response:
    """Trade the one-time code for the school's token, shown once."""
    try:
        done = onboarding.activate(
            session,
            settings.secret_key.get_secret_value(),
            code,
            now=utcnow(),
            token_days=settings.token_days,
        )
    except HubError as exc:
        session.rollback()
        return render(
            request,
            "activate.html",
            {"done": None, "error": exc.message_in(lang_of(request))},
            status_code=exc.status_code,
        )
    return render(request, "activate.html", {"done": done, "error": None}, status_code=201)
