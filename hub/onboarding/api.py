from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import Response

from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep
from hub.errors import error_responses
from hub.onboarding import service
from hub.onboarding.auth import Onboarder
from hub.onboarding.payloads import (
    AccountsOut,
    ActivationIn,
    ActivationOut,
    OnboardIn,
    RevokedOut,
    SheetLineOut,
    SheetOut,
)
from hub.onboarding.sheet import sheet_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTIVATE_AT = "/activate (POST /api/v1/public/activation)"

router = APIRouter(tags=["onboarding"])
SchoolCode = Annotated[str, Path(pattern=r"^\d{10}$", description="学校标识码 (10 digits)")]


def sheet_out(sheet: service.Sheet) -> SheetOut:
    return SheetOut(
        division=sheet.division,
        division_name=sheet.division_name,
        issued_at=sheet.issued_at,
        schools_in_division=sheet.schools_in_division,
        already_active=sheet.already_active,
        codes_issued=len(sheet.lines),
        activate_at=ACTIVATE_AT,
        lines=[SheetLineOut(**asdict(line)) for line in sheet.lines],
    )


@router.post(
    "/schools/accounts",
    status_code=status.HTTP_201_CREATED,
    response_model=SheetOut,
    responses={**error_responses(401, 403, 404, 422), 201: {"content": {XLSX: {}}}},
)
def open_school_accounts(
    session: SessionDep,
    settings: SettingsDep,
    principal: Onboarder,
    payload: OnboardIn | None = None,
    format: Annotated[Literal["json", "xlsx"], Query(description="xlsx: the printable sheet")] = "json",
) -> SheetOut | Response:
    """Open an account for every school of the caller's division that cannot sign in yet, each with
    a one-time activation code (shown this once; the hub keeps only its HMAC) — JSON or the XLSX sheet."""
    sheet = service.open_school_accounts(
        session,
        settings.secret_key.get_secret_value(),
        principal,
        division=payload.division if payload else None,
        now=utcnow(),
    )
    if format == "xlsx":
        return Response(
            sheet_workbook(sheet, activate_at=ACTIVATE_AT),
            status_code=status.HTTP_201_CREATED,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="activation-{sheet.division or "all"}.xlsx"',
                "Cache-Control": "no-store",
            },
        )
    return sheet_out(sheet)


@router.get("/schools/accounts", response_model=AccountsOut, responses=error_responses(401, 403, 404, 422))
def school_accounts(
    session: SessionDep,
    principal: Onboarder,
    division: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> AccountsOut:
    """The schools of the caller's division and their accounts: active, code issued (not yet used) or none."""
    return AccountsOut.model_validate(
        service.accounts(session, principal, division=division, now=utcnow(), limit=limit, offset=offset)
    )


@router.post(
    "/schools/{code}/token/rotate",
    response_model=SheetLineOut,
    responses=error_responses(401, 403, 404),
)
def rotate_school_token(
    code: SchoolCode, session: SessionDep, settings: SettingsDep, principal: Onboarder
) -> SheetLineOut:
    """The school's token stops at once; a new one-time activation code (shown once) replaces it."""
    line = service.rotate_school_token(
        session, settings.secret_key.get_secret_value(), principal, code, now=utcnow()
    )
    return SheetLineOut(**asdict(line))


@router.post(
    "/schools/{code}/token/revoke", response_model=RevokedOut, responses=error_responses(401, 403, 404)
)
def revoke_school_token(code: SchoolCode, session: SessionDep, principal: Onboarder) -> RevokedOut:
    """Every token and unused activation code of the school stops at once."""
    stopped = service.revoke_school_token(session, principal, code, now=utcnow())
    return RevokedOut(school_code=code, tokens_stopped=stopped)


@router.post(
    "/public/activation",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivationOut,
    responses=error_responses(404, 409, 422),
)
def activate(payload: ActivationIn, session: SessionDep, settings: SettingsDep) -> ActivationOut:
    """A school trades its one-time activation code for its token (no sign-in; 409 once used)."""
    done = service.activate(
        session,
        settings.secret_key.get_secret_value(),
        payload.code,
        now=utcnow(),
        token_days=settings.token_days,
    )
    return ActivationOut(
        school_code=done.principal.school_code or "",
        school_name=done.school_name,
        account=done.principal.code,
        token=done.token,
        token_expires_at=done.principal.token_expires_at,
    )
