from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from hub.burden import service
from hub.burden.payloads import (
    BaselineIn,
    BaselineOut,
    BurdenTotalsOut,
    CityBurdenOut,
    LevelRowOut,
    SchoolBurdenOut,
    SchoolBurdenReportOut,
)
from hub.burden.workbook import XLSX, build_workbook
from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep, TermQuery
from hub.errors import error_responses
from hub.kit.clock import local_today
from hub.kit.terms import SPRING, Term

router = APIRouter(tags=["burden"])
DivisionQuery = Annotated[
    str | None, Query(pattern=r"^\d{6}$", description="Only this GB/T 2260 division, inside the caller's own")
]
SchoolCode = Annotated[str, Path(pattern=r"^\d{10}$", description="学校标识码 (10 digits)")]


def _term_or_current(term: Term | None) -> Term:
    return term or service.today_term(local_today())


@router.get("/burden", response_model=CityBurdenOut, responses=error_responses(401, 403, 404, 422))
def city_burden(
    session: SessionDep, principal: PrincipalDep, term: TermQuery = None, division: DivisionQuery = None
) -> CityBurdenOut:
    """Every school's burden figures of the caller's subtree (or of `division` inside it) and their totals
    for a term (default: the current one), against rule 2, rolled up one level below."""
    chosen = _term_or_current(term)
    report = service.division_burden(session, principal, chosen, division)
    history = service.city_history(session, principal, chosen, current=report.totals)
    return CityBurdenOut(
        division=report.division,
        levels=[
            LevelRowOut(code=r.code, name=r.name, level=r.level, totals=BurdenTotalsOut(**asdict(r.totals)))  # type: ignore[arg-type]
            for r in service.rollup(report)
        ],
        term=chosen.label,
        term_start=chosen.start.isoformat(),
        term_end=chosen.end.isoformat(),
        goal=report.goal,
        first_term=report.first_term,
        totals=BurdenTotalsOut(**asdict(report.totals)),
        schools=[SchoolBurdenOut(**asdict(s)) for s in report.schools],
        history=[BurdenTotalsOut(**asdict(t)) for t in history],
    )


@router.get(
    "/burden/export.xlsx",
    responses={**error_responses(401, 403, 422), 200: {"content": {XLSX: {}}}},
    response_class=Response,
)
def city_burden_xlsx(
    session: SessionDep, principal: PrincipalDep, term: TermQuery = None, division: DivisionQuery = None
) -> Response:
    """The dashboard as an XLSX: every school's figures, and the roll-up one level below with the total."""
    chosen = _term_or_current(term)
    report = service.division_burden(session, principal, chosen, division)
    season = "spring" if chosen.season == SPRING else "autumn"
    return Response(
        build_workbook(report),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="burden-{chosen.year}-{season}.xlsx"'},
    )


@router.get(
    "/schools/{code}/burden",
    response_model=SchoolBurdenReportOut,
    responses=error_responses(401, 403, 404, 422),
)
def school_burden(
    code: SchoolCode, session: SessionDep, principal: PrincipalDep, term: TermQuery = None
) -> SchoolBurdenReportOut:
    """One school's burden figures for a term, with its earlier terms for comparison."""
    chosen = _term_or_current(term)
    figures = service.school_burden(session, principal, code, chosen)
    history = service.school_history(session, principal, code, chosen, current=figures)
    return SchoolBurdenReportOut(
        **asdict(figures),
        term_start=chosen.start.isoformat(),
        term_end=chosen.end.isoformat(),
        goal=service.REDUCTION_GOAL,
        history=[SchoolBurdenOut(**asdict(h)) for h in history],
    )


@router.get("/burden/baselines", response_model=list[BaselineOut], responses=error_responses(401, 403))
def list_baselines(session: SessionDep, principal: PrincipalDep) -> list[BaselineOut]:
    """The baselines the education bureau set (demands per school in a past year, per division)."""
    return [
        BaselineOut.model_validate(b, from_attributes=True)
        for b in service.list_baselines(session, principal)
    ]


@router.put("/burden/baselines", response_model=BaselineOut, responses=error_responses(401, 403, 404, 422))
def set_baseline(payload: BaselineIn, session: SessionDep, principal: PrincipalDep) -> BaselineOut:
    """Set how many demands reached each school of a division (or every school) in a past year."""
    baseline = service.set_baseline(
        session,
        principal,
        year=payload.year,
        division=payload.division,
        demands=payload.demands,
        items=payload.items,
        note=payload.note,
        now=utcnow(),
    )
    return BaselineOut.model_validate(baseline, from_attributes=True)


@router.delete(
    "/burden/baselines", status_code=status.HTTP_204_NO_CONTENT, responses=error_responses(401, 403, 404, 422)
)
def delete_baseline(
    session: SessionDep,
    principal: PrincipalDep,
    year: Annotated[int, Query(ge=2000, le=2100)],
    division: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None,
) -> None:
    """Remove a baseline (its schools fall back to a broader level's, or to none: no reduction)."""
    service.delete_baseline(session, principal, year=year, division=division)
