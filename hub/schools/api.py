from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from hub.deps import PrincipalDep, SessionDep, SettingsDep
from hub.errors import error_responses
from hub.schools import service
from hub.schools.payloads import OverviewOut, SchoolPage, TeacherLookup, TeacherReadsOut, UsageOut

router = APIRouter(prefix="/schools", tags=["schools"])
SchoolCode = Annotated[str, Path(pattern=r"^\d{10}$", description="学校标识码 (10 digits)")]


@router.get("", response_model=SchoolPage, responses=error_responses(401, 403, 404, 422))
def list_schools(
    session: SessionDep,
    principal: PrincipalDep,
    division: Annotated[
        str | None, Query(pattern=r"^\d{6}$", description="Only schools inside this GB/T 2260 code")
    ] = None,
    name: Annotated[str | None, Query(max_length=100, description="Part of the school's name")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SchoolPage:
    """The schools the caller may see (its division's; a school itself), by code, paged."""
    return SchoolPage.model_validate(
        service.directory(session, principal, division=division, name=name, limit=limit, offset=offset)
    )


@router.get("/{code}/usage", response_model=UsageOut, responses=error_responses(401, 403, 404, 422))
def school_usage(
    code: SchoolCode,
    session: SessionDep,
    principal: PrincipalDep,
    start: Annotated[datetime | None, Query(alias="from", description="Reads at or after (ISO 8601)")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="Reads before (ISO 8601)")] = None,
    before: Annotated[int | None, Query(ge=1, description="next_before of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> UsageOut:
    """Who read this school's records: when, which elements, under which request or grant, how many rows."""
    return UsageOut.model_validate(
        service.usage(session, principal, code, start=start, end=end, before=before, limit=limit)
    )


@router.post(
    "/{code}/teachers/reads", response_model=TeacherReadsOut, responses=error_responses(401, 403, 404, 422)
)
def teacher_reads(
    code: SchoolCode, body: TeacherLookup, session: SessionDep, principal: PrincipalDep, settings: SettingsDep
) -> TeacherReadsOut:
    """Every department read that returned one teacher's record: when, who, which elements, under what."""
    return TeacherReadsOut.model_validate(
        service.teacher_reads(
            session,
            principal,
            code,
            id_number=body.id_number,
            secret_key=settings.secret_key.get_secret_value(),
        )
    )


@router.get("/{code}/overview", response_model=OverviewOut, responses=error_responses(401, 403, 404, 422))
def school_overview(code: SchoolCode, session: SessionDep, principal: PrincipalDep) -> OverviewOut:
    """The requests that concerned this school, those satisfied without its input, the fields it did not fill."""
    return OverviewOut.model_validate(service.overview(session, principal, code))
