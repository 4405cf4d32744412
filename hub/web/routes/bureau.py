"""The education bureau's desk: the burden dashboard, sources, grants and the audit log."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

import schemas
from hub.access import service as access
from hub.access.auth import HOLD_GRANT
from hub.access.payloads import GrantCreate
from hub.access.scope import bound_division
from hub.audit import service as audit
from hub.burden import service as burden
from hub.burden.auth import SEE_CITY, SET_BASELINE
from hub.burden.workbook import XLSX as BURDEN_XLSX
from hub.burden.workbook import build_workbook as build_burden_workbook
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep, writes
from hub.errors import HubError, halves
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.kit.clock import DEFAULT_TIMEZONE, local_today
from hub.kit.errors import TermInvalid
from hub.kit.terms import Term, TermError, parse_term, term_of
from hub.schools.auth import SEE_SCHOOL
from hub.sources import service as sources
from hub.standard.service import current_standard
from hub.web import charts, i18n
from hub.web.errors import DateMalformed, NumberNotInteger
from hub.web.kit import PageRoute, is_htmx, lang_of, redirect, render, role
from hub.web.repository import AuditViewRepository

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# The education bureau's and an admin's pages: the burden dashboard, sources, grants, the audit log.
Overseer = Annotated[Principal, role(SEE_CITY)]
Education = Annotated[Principal, role(SET_BASELINE)]
SchoolView = Annotated[Principal, role(SEE_SCHOOL)]

COLOURS = {
    "received": "#8fb3dc",
    "satisfied": "#1d7a46",
    "tasks": "#1f5fa8",
    "baseline": "#c7ced6",
    "filled": "#9a6200",
    "spared": "#6cc08b",
}


def chosen_term(term: str | None) -> Term:
    """The term asked for (2026-秋, 2026-autumn …), the current one when none is given."""
    if not term:
        return term_of(local_today())
    try:
        return parse_term(term)
    except TermError as exc:
        raise TermInvalid(*halves(exc), detail={"field": "term", "value": term}) from None


def term_choices(session: Session, current: Term) -> list[Term]:
    """Terms worth offering: from the hub's first up to the next one."""
    today = term_of(local_today())
    return sorted(set(burden.history_terms(session, max(today, current), limit=8)) | {current, today})


# --- burden ------------------------------------------------------------------------------------------


def _term_groups(history: list[Any], lang: str, t: Any) -> tuple[str, str]:
    """Term-by-term small multiples: one chart per measure, each on its own scale, the terms in the same
    order in every one, so a term's 118 fields filled and 200,556 spared are never two bars of one axis."""
    label = (lambda term: parse_term(term).label_en) if lang == "en" else (lambda term: term)
    labels = [label(h.term) for h in history]

    def panels(*measures: tuple[str, str, str]) -> list[charts.Panel]:
        return [
            charts.Panel(name=t(key), colour=COLOURS[colour], values=[getattr(h, field) for h in history])
            for key, colour, field in measures
        ]

    tasks_chart = charts.small_multiples(
        t("burden.chart_terms"),
        labels,
        panels(
            ("burden.received", "received", "requests_received"),
            ("burden.satisfied", "satisfied", "requests_satisfied_without_school"),
            ("burden.tasks", "tasks", "tasks_sent"),
        ),
        scale_note=t("burden.own_scales"),
    )
    fields_chart = charts.small_multiples(
        t("burden.chart_fields"),
        labels,
        panels(("burden.filled", "filled", "fields_filled"), ("burden.spared", "spared", "fields_spared")),
        scale_note=t("burden.own_scales"),
    )
    return tasks_chart, fields_chart


def _year_chart(report: Any, t: Any) -> str:
    """This year's demands against last year's baseline, per level below the viewer's and for the total,
    on one scale (the two bars of a level are the comparison), with the −50 % line."""
    series = [
        charts.Series(name=t("burden.demands_in_year", year=report.totals.year), colour=COLOURS["tasks"]),
        charts.Series(name=t("burden.baseline_of", year=report.totals.year - 1), colour=COLOURS["baseline"]),
    ]
    groups = [
        charts.Group(
            # Without a baseline the level's every demand is drawn (no comparison, no goal line).
            label=name,
            values=[
                totals.demands_in_year if totals.schools_with_baseline else totals.demands_in_year_all,
                totals.baseline_demands or None,
            ],
            mark=totals.baseline_demands * (1 - burden.REDUCTION_GOAL) if totals.baseline_demands else None,
            mark_label=t("burden.goal", goal=f"{burden.REDUCTION_GOAL:.0%}"),
        )
        for name, totals in burden.levels_of(report)
    ]
    return charts.grouped_bars(t("burden.chart_year"), series, groups)


@router.get("/burden")
def burden_dashboard(
    request: Request, session: SessionDep, principal: Overseer, term: str | None = None, division: str = ""
) -> Response:
    """Per school and term: requests received, answered without the school, tasks, fields filled and
    spared, against the baseline of rule 2 (−50%), with charts; rolled up one level below the viewer
    (a province per city, a city per county, a county per school), each row opening the level below."""
    lang = lang_of(request)
    t = i18n.translator(lang)
    current = chosen_term(term)
    report = burden.division_burden(session, principal, current, division.strip() or None)
    history = burden.city_history(session, principal, current)
    tasks_chart, fields_chart = _term_groups(history, lang, t)
    year_chart = _year_chart(report, t)
    schools = sorted(report.schools, key=lambda s: (-s.tasks_sent, -s.requests_received, s.school_code))
    return render(
        request,
        "burden.html",
        {
            "report": report,
            "term": current,
            "terms": term_choices(session, current),
            "schools": schools,
            "tasks_chart": tasks_chart,
            "fields_chart": fields_chart,
            "year_chart": year_chart,
            "meter": charts.meter,
            "goal": burden.REDUCTION_GOAL,
            "baselines": burden.list_baselines(session, principal),
            "levels": burden.rollup(report),
        },
        principal=principal,
    )


@router.get("/burden.xlsx")
def burden_xlsx(session: SessionDep, principal: Overseer, term: str | None = None) -> Response:
    """The dashboard as Excel: every school, each county and the total."""
    current = chosen_term(term)
    report = burden.city_burden(session, principal, current)
    season = "spring" if current.season == "春" else "autumn"
    return Response(
        build_burden_workbook(report),
        media_type=BURDEN_XLSX,
        headers={"Content-Disposition": f'attachment; filename="burden-{current.year}-{season}.xlsx"'},
    )


@router.get("/burden/{code}")
def school_burden(
    code: str, request: Request, session: SessionDep, principal: SchoolView, term: str | None = None
) -> Response:
    """One school's figures for a term and the terms before it."""
    lang = lang_of(request)
    t = i18n.translator(lang)
    current = chosen_term(term)
    figures = burden.school_burden(session, principal, code, current)
    history = burden.school_history(session, principal, code, current)
    tasks_chart, fields_chart = _term_groups(history, lang, t)
    return render(
        request,
        "burden_school.html",
        {
            "s": figures,
            "term": current,
            "terms": term_choices(session, current),
            "tasks_chart": tasks_chart,
            "fields_chart": fields_chart,
            "goal": burden.REDUCTION_GOAL,
        },
        principal=principal,
    )


def _whole_number(field: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise NumberNotInteger(
            *i18n.pair("error.whole_number", field=field, value=value),
            detail={"field": field, "value": value},
        ) from None


@router.post("/burden/baselines")
def set_baseline(
    request: Request,
    session: SessionDep,
    principal: Education,
    year: Annotated[str, Form()] = "",
    division: Annotated[str, Form()] = "",
    demands: Annotated[str, Form()] = "",
    items: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """The education bureau records how many demands reached each school of a division in a past year."""
    burden.set_baseline(
        session,
        principal,
        year=_whole_number("year", year),
        division=division.strip() or None,
        demands=_whole_number("demands", demands),
        items=_whole_number("items", items) if items.strip() else None,
        note=note.strip(),
        now=utcnow(),
    )
    return redirect("/burden", message="baseline_set")


# --- sources -----------------------------------------------------------------------------------------


def _sources_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    run: Any = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "sources.html",
        {"sources": sources.list_sources(session, viewer=principal), "run": run, "error": error},
        principal=principal,
        status_code=status_code,
    )


@router.get("/sources")
def source_list(request: Request, session: SessionDep, principal: Overseer) -> Response:
    """Sources with their schedule and last run."""
    return _sources_page(request, session, principal)


@router.post("/sources/{name}/run")
def run_source(
    name: str, request: Request, session: SessionDep, settings: SettingsDep, principal: Overseer
) -> Response:
    """Run a source now and show how it went (a failed run is an answer too)."""
    try:
        run = sources.run_source(session, settings, name, trigger="web", actor=principal)
    except HubError as exc:
        session.rollback()
        message = exc.message_in(lang_of(request))
        return _sources_page(request, session, principal, error=message, status_code=exc.status_code)
    return _sources_page(request, session, principal, run=sources.run_out(run, name, with_rejections=True))


# --- grants ------------------------------------------------------------------------------------------


def _element_names(std: schemas.Standard, entity: str, text: str) -> list[str]:
    """Element codes or names, one per line or comma-separated; a zh label is accepted for its element."""
    by_label = {e.label_zh: e.name for e in std.elements_for(entity)}
    tokens = [x.strip() for x in re.split(r"[\n,，、;；]+", text) if x.strip()]
    return [by_label.get(x, x) for x in tokens]


def _codes(text: str) -> list[str] | None:
    tokens = [x.strip() for x in re.split(r"[\s,，、;；]+", text) if x.strip()]
    return tokens or None


def _grants_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    today = local_today()
    grants = access.visible_grants(session, principal, holder_id=None)
    # A bounded bureau offers and names only the holders of its own subtree.
    principals = PrincipalRepository(session).list(within_division=bound_division(principal))
    holders = [p for p in principals if HOLD_GRANT.allows(p) and p.active and p.id != principal.id]
    names = {p.id: p.name for p in principals}
    bound = bound_division(principal)
    # A grant held above the bureau (shown because it reaches into its subtree) is managed up there.
    above = {g.department_id for g in grants if bound is not None and g.department_id not in names}
    held_above = {p.id: p.name for p in PrincipalRepository(session).by_ids(above)}
    return render(
        request,
        "grants.html",
        {
            "grants": [
                {
                    "g": g,
                    "holder": names.get(g.department_id) or held_above.get(g.department_id),
                    "active": g.active_on(today),
                    "managed": g.department_id not in held_above,
                }
                for g in grants
            ],
            "holders": holders,
            "element_labels": {
                e.code: e.label_en if lang_of(request) == "en" else e.label_zh
                for e in current_standard(session).elements
            },
            "error": error,
            "form": form or {"entity": "teacher"},
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/grants")
def grant_list(request: Request, session: SessionDep, principal: Overseer) -> Response:
    """Every grant (from approved requests and standing ones), and the form that grants standing access."""
    return _grants_page(request, session, principal)


@router.post("/grants")
def create_grant(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Overseer,
    department_id: Annotated[str, Form()] = "",
    entity: Annotated[str, Form()] = "teacher",
    elements: Annotated[str, Form()] = "",
    clear_elements: Annotated[str, Form()] = "",
    schools: Annotated[str, Form()] = "",
    divisions: Annotated[str, Form()] = "",
    purpose: Annotated[str, Form()] = "",
    legal_basis: Annotated[str, Form()] = "",
    valid_until: Annotated[str, Form()] = "",
) -> Response:
    """Make a standing agreement (共享协议) with a department: elements of a scope, for a purpose, on a
    legal basis, until a date."""
    lang = lang_of(request)
    form = {
        "department_id": department_id,
        "entity": entity,
        "elements": elements,
        "clear_elements": clear_elements,
        "schools": schools,
        "divisions": divisions,
        "purpose": purpose,
        "legal_basis": legal_basis,
        "valid_until": valid_until,
    }
    std = current_standard(session)
    try:
        payload = GrantCreate(
            department_id=int(department_id) if department_id.isdigit() else 0,
            entity=entity,  # type: ignore[arg-type]
            elements=_element_names(std, entity if entity in ("teacher", "school") else "teacher", elements),
            clear_elements=_element_names(
                std, entity if entity in ("teacher", "school") else "teacher", clear_elements
            ),
            schools=_codes(schools),
            divisions=_codes(divisions),
            purpose=purpose.strip(),
            legal_basis=legal_basis.strip(),
            valid_until=date.fromisoformat(valid_until) if valid_until.strip() else None,
        )
        access.grant_standing_access(
            session, principal, payload, today=local_today(), default_days=settings.agreement_days
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {i18n.validation_message(e, lang)}" for e in exc.errors()
        )
        return _grants_page(request, session, principal, error=problems, form=form, status_code=422)
    except ValueError:
        return _grants_page(
            request,
            session,
            principal,
            error=f"{i18n.text('requests.valid_until', lang)}：{valid_until}",
            form=form,
            status_code=422,
        )
    except HubError as exc:
        session.rollback()
        return _grants_page(
            request,
            session,
            principal,
            error=exc.message_in(lang),
            form=form,
            status_code=exc.status_code,
        )
    return redirect("/grants", message="granted")


@router.post("/grants/{grant_id}/revoke")
def revoke_grant(grant_id: int, session: SessionDep, principal: Overseer) -> Response:
    """Revoke a grant: reads under it stop at once."""
    access.revoke_grant(session, principal, grant_id)
    return redirect("/grants", message="grant_revoked")


# --- audit ---------------------------------------------------------------------------------------------


def _day(value: str, *, end: bool = False) -> datetime | None:
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise DateMalformed(*i18n.pair("error.date", value=value), detail={"value": value}) from None
    # A day on the page is a Beijing day, as deadlines and terms are (hub.kit.clock).
    return datetime.combine(
        day + timedelta(days=1) if end else day, time.min, tzinfo=ZoneInfo(DEFAULT_TIMEZONE)
    )


@router.get("/audit", dependencies=[Depends(writes)])
def audit_log(
    request: Request,
    session: SessionDep,
    principal: Overseer,
    principal_id: str = "",
    school: str = "",
    element: str = "",
    action: str = "",
    start: str = "",
    end: str = "",
    before: int | None = None,
) -> Response:
    """The audit log filtered by who, school, element and period, with the hash chain's check."""
    limit = 100
    entries = AuditViewRepository(session).entries(
        principal_id=int(principal_id) if principal_id.isdigit() else None,
        school_code=school.strip() or None,
        element=element.strip() or None,
        actions=[action] if action else None,
        start=_day(start),
        end=_day(end, end=True),
        before_id=before,
        within_division=bound_division(principal),
        limit=limit,
    )
    principals = PrincipalRepository(session).list(within_division=bound_division(principal))
    filters = {
        "principal_id": principal_id,
        "school": school.strip(),
        "element": element.strip(),
        "action": action,
        "start": start,
        "end": end,
    }
    audit.log_read(session, principal, filters={**filters, "before": before}, shown=entries)
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "principals": principals,
            "names": {p.id: p.name for p in principals},
            "element_labels": {
                e.code: (e.label_en if lang_of(request) == "en" else e.label_zh)
                for e in current_standard(session).elements
            },
            "filters": filters,
            "actions": [*audit.READ_ACTIONS, *audit.WRITE_ACTIONS, *audit.ACT_ACTIONS],
            "next_before": entries[-1].id if len(entries) == limit else None,
            "query": urlencode({k: v for k, v in filters.items() if v}),
        },
        principal=principal,
    )


@router.get("/audit/verify", dependencies=[Depends(writes)])
def audit_verify(request: Request, session: SessionDep, principal: Overseer) -> Response:
    """`hub audit verify`: walk the whole chain, name the first broken entry."""
    template = "_verify.html" if is_htmx(request) else "verify.html"
    result = audit.verify(session)
    audit.log_read(session, principal, filters={}, shown=[], verify=True)
    return render(request, template, {"result": result}, principal=principal)


@router.get("/sources/{name}/run")
def back_to_sources(name: str) -> Response:
    """A reload of a run's answer page goes back to the list (it never runs the source again)."""
    return redirect("/sources")
