from __future__ import annotations

from dataclasses import asdict
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from hub.burden.api import DivisionQuery, SchoolCode
from hub.burden.payloads import SchoolBurdenOut
from hub.config import Settings
from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep, SettingsDep, TermQuery
from hub.errors import error_responses
from hub.kit.clock import local_today
from hub.kit.terms import Term, term_of
from hub.selfcheck import service
from hub.selfcheck.items import title_for
from hub.selfcheck.payloads import (
    RollupItemOut,
    RollupRowOut,
    SelfCheckItemOut,
    SelfCheckOut,
    SelfCheckRollupOut,
    SelfCheckSubmissionIn,
    SelfCheckSummaryOut,
)
from hub.selfcheck.workbook import build_workbook

router = APIRouter(tags=["selfcheck"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check(
    session: SessionDep, settings: SettingsDep, principal: PrincipalDep, code: str, term: Term | None
) -> service.SelfCheck:
    today = local_today()
    return service.self_check(session, settings, principal, code, term or term_of(today), today=today)


def _out(check: service.SelfCheck, settings: Settings, code: str) -> SelfCheckOut:
    return SelfCheckOut(
        title=title_for(settings.city_name),
        school_code=check.school_code,
        school_name=check.school_name,
        term=check.term.label,
        term_start=check.term.start,
        term_end=check.term.end,
        filled_on=check.filled_on,
        items=[
            SelfCheckItemOut(
                number=row.item.number,
                group=row.item.group,
                content=row.item.content,
                source=row.answer.source,  # type: ignore[arg-type]
                finding=row.answer.finding,  # type: ignore[arg-type]
                answer=row.answer.text,
                answer_en=row.answer.text_en,
                note=row.answer.note,
                evidence=row.answer.evidence,
            )
            for row in check.rows
        ],
        summary=SelfCheckSummaryOut(**check.summary),
        burden=SchoolBurdenOut(**asdict(check.burden)),
        xlsx_url=f"/api/v1/schools/{code}/selfcheck.xlsx?term={quote(check.term.label)}",
        submitted_at=check.submitted_at,
        submittable_from=check.submittable_from,
        open_items=check.open_items,
    )


@router.get(
    "/schools/{code}/selfcheck", response_model=SelfCheckOut, responses=error_responses(401, 403, 404, 422)
)
def school_selfcheck(
    code: SchoolCode,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    term: TermQuery = None,
) -> SelfCheckOut:
    """The 21-item 自查表 (高平方案 附件2) of a school for a term, answered from the hub's records where it can be,
    and by the school where it submitted its answers."""
    return _out(_check(session, settings, principal, code, term), settings, code)


@router.post(
    "/schools/{code}/selfcheck/submission",
    status_code=201,
    response_model=SelfCheckOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def submit_selfcheck(
    code: SchoolCode,
    payload: SelfCheckSubmissionIn,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    term: TermQuery = None,
) -> SelfCheckOut:
    """The school submits its term's 自查表 at term end: an answer to each item its records leave open."""
    today = local_today()
    check = service.submit(
        session,
        settings,
        principal,
        code,
        term or term_of(today),
        [service.SchoolAnswer(number=a.number, finding=a.finding, text=a.text) for a in payload.answers],
        today=today,
        now=utcnow(),
    )
    return _out(check, settings, code)


@router.get(
    "/schools/{code}/selfcheck.xlsx",
    responses={**error_responses(401, 403, 404, 422), 200: {"content": {XLSX: {}}}},
    response_class=Response,
)
def school_selfcheck_xlsx(
    code: SchoolCode,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    term: TermQuery = None,
) -> Response:
    """The 自查表 as an XLSX to print, stamp and send to the education bureau at the end of term."""
    check = _check(session, settings, principal, code, term)
    filename = f"{title_for(settings.city_name)}-{check.school_code}-{check.term.label}.xlsx"
    return Response(
        build_workbook(check, title=title_for(settings.city_name)),
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="selfcheck-{check.school_code}.xlsx"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )


@router.get("/selfcheck", response_model=SelfCheckRollupOut, responses=error_responses(401, 403, 404, 422))
def selfcheck_rollup(
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    term: TermQuery = None,
    division: DivisionQuery = None,
) -> SelfCheckRollupOut:
    """The 自查表 of every school of the caller's subtree (or `division` inside it) rolled up one level
    below: per item, how many schools' records show a breach and how many answer it themselves."""
    today = local_today()
    rollup = service.rollup(
        session, settings, principal, term or term_of(today), division=division, today=today
    )
    return SelfCheckRollupOut(
        title=title_for(settings.city_name),
        division=rollup.division,
        term=rollup.term.label,
        items=[RollupItemOut(number=i.number, group=i.group, content=i.content) for i in rollup.items],
        rows=[
            RollupRowOut(
                code=r.code,
                name=r.name,
                level=r.level,  # type: ignore[arg-type]
                schools=r.schools,
                submitted=r.submitted,
                schools_with_violation=r.schools_with_violation,
                violations=r.violations,
                unknown=r.unknown,
            )
            for r in rollup.rows
        ],
    )
