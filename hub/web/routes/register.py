"""The register's pages: who is away from which school (借用 / 抽调) and the requests waiting for the bureau."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hub.access.scope import bound_division
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep
from hub.errors import HubError
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_today
from hub.kit.terms import term_of
from hub.register import counts, lists, whitelist
from hub.register import service as register
from hub.register.auth import (
    APPROVE_LIST,
    BRING_SOCIAL_DEMAND,
    DECIDE_SECONDMENT,
    HOLD_INSPECTION,
    KEEP_WHITELIST,
    PROPOSE_ITEMS,
    SEE_COUNTS,
    SEE_LIST,
    SEE_SECONDMENTS,
)
from hub.register.payloads import (
    InspectionIn,
    ListApprovalIn,
    ListDecisionIn,
    ListItemIn,
    ListMergeIn,
    SecondmentDecisionIn,
    SocialDemandIn,
    WhitelistItemIn,
)
from hub.web import charts, i18n
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

    def act() -> Response:
        payload = SecondmentDecisionIn(
            decision=decision,  # type: ignore[arg-type]
            filing_number=filing_number,
            note=note,
        )
        register.decide_secondment(session, principal, secondment_id, payload, now=utcnow())
        return redirect(
            "/away", message="secondment_approved" if decision == "approve" else "secondment_refused"
        )

    return _submitted(
        session,
        lang,
        act,
        lambda error, status: _away_page(request, session, principal, error=error, status_code=status),
    )


# --- the annual list (督查检查评比考核清单, seed items 1–3) ----------------------------------------------

ListReader = Annotated[Principal, role(SEE_LIST)]
ListProposer = Annotated[Principal, role(PROPOSE_ITEMS)]
Office = Annotated[Principal, role(APPROVE_LIST)]


def _lines(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,，、;；]+", text) if part.strip()]


def _problems(exc: ValidationError, lang: str, labels: dict[str, str]) -> str:
    """Each field the form got wrong, by its label on the page, with the reason in the reader's words."""
    return "；".join(
        f"{i18n.text(labels.get(str(e['loc'][0]), 'error.form'), lang) if e['loc'] else ''}："
        f"{i18n.validation_message(e, lang)}"
        for e in exc.errors()
    )


def _item_id(value: str) -> int | None:
    """The list or whitelist item a form names: none ("", the "not on the list" choice), or its number."""
    value = value.strip().lstrip("#")
    return int(value) if value.isdigit() else None


def _submitted(
    session: Session,
    lang: str,
    act: Callable[[], Response],
    again: Callable[[str, int], Response],
    *,
    labels: dict[str, str] | None = None,
    invalid: tuple[type[Exception], ...] = (ValidationError,),
) -> Response:
    """A form's act (it answers with where to go next), or its page again with why it was refused: the
    form's mistakes (each by its label on the page, when `labels` are given), or the hub's refusal in
    the reader's language. A refused act keeps nothing."""
    try:
        return act()
    except invalid as exc:
        session.rollback()
        if labels is not None and isinstance(exc, ValidationError):
            return again(_problems(exc, lang, labels), 422)
        return again(i18n.text("error.form", lang), 422)
    except HubError as exc:
        session.rollback()
        return again(exc.message_in(lang), exc.status_code)


INSPECTION_LABELS = {
    "item_id": "list.item",
    "title": "list.unlisted_title",
    "schools": "list.inspect_schools",
    "starts_on": "list.window_from",
    "ends_on": "list.window_to",
    "evidence": "list.evidence",
    "note": "list.note",
}
DEMAND_LABELS = {
    "item_id": "list.item",
    "category": "whitelist.category",
    "title": "whitelist.demand_title",
    "schools": "list.inspect_schools",
    "held_on": "whitelist.held_on",
    "note": "list.note",
}


def _list_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    inspect_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    today = local_today()
    year = year or today.year
    items = lists.item_views(session, principal, lists.list_items(session, principal, year=year))
    inspections = lists.inspection_views(session, principal, lists.list_inspections(session, principal))
    holdable = (
        lists.holdable_items(session, principal, today=today) if HOLD_INSPECTION.allows(principal) else []
    )
    return render(
        request,
        "annual_list.html",
        {
            "holdable": holdable,
            "may_hold": HOLD_INSPECTION.allows(principal),
            "today": today,
            "inspect_form": inspect_form or {},
            "year": year,
            "years": [today.year - 1, today.year, today.year + 1],
            "items": items,
            "approved": [i for i in items if i.status == "approved"],
            "proposed": [i for i in items if i.status == "proposed"],
            "closed": [i for i in items if i.status in ("merged", "refused")],
            "inspections": [i for i in inspections if i.starts_on.year == year],
            "may_propose": PROPOSE_ITEMS.allows(principal),
            "may_approve": APPROVE_LIST.allows(principal),
            "kinds": list(lists.KIND_ZH),
            "form": form or {},
            "error": error,
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/list")
def list_page(
    request: Request, session: SessionDep, principal: ListReader, year: int | None = None
) -> Response:
    """The year's list: published items (a school: those concerning it), proposals, merges to decide."""
    return _list_page(request, session, principal, year=year if year and 2000 <= year <= 2100 else None)


@router.post("/list")
def propose(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: ListProposer,
    year: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    inspected: Annotated[str, Form()] = "",
    schools: Annotated[str, Form()] = "",
    frequency: Annotated[str, Form()] = "",
    method: Annotated[str, Form()] = "",
    window_starts: Annotated[str, Form()] = "",
    window_ends: Annotated[str, Form()] = "",
    window_reason: Annotated[str, Form()] = "",
    materials: Annotated[str, Form()] = "",
) -> Response:
    """A department proposes an item for a year's list."""
    lang = lang_of(request)
    form = {
        "year": year,
        "kind": kind,
        "title": title,
        "inspected": inspected,
        "schools": schools,
        "frequency": frequency,
        "method": method,
        "window_starts": window_starts,
        "window_ends": window_ends,
        "window_reason": window_reason,
        "materials": materials,
    }

    def act() -> Response:
        payload = ListItemIn.model_validate(
            {
                **{k: v for k, v in form.items() if k not in ("schools", "materials", "window_reason")},
                "schools": _lines(schools) or None,
                "window_reason": window_reason or None,
                "materials": [{"label": label} for label in _lines(materials)],
            }
        )
        lists.propose_item(session, settings, principal, payload, today=local_today(), now=utcnow())
        return redirect(f"/list?year={payload.year}", message="item_proposed")

    return _submitted(
        session,
        lang,
        act,
        lambda error, status: _list_page(
            request, session, principal, error=error, form=form, status_code=status
        ),
    )


@router.post("/list/{item_id}/decision")
def decide_item(
    item_id: int,
    request: Request,
    session: SessionDep,
    principal: Office,
    decision: Annotated[str, Form()] = "",
    into: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """The Party committee office approves, refuses or merges a proposed item."""
    lang = lang_of(request)

    def act() -> Response:
        if decision == "merge":
            item = lists.merge_item(
                session, principal, item_id, ListMergeIn(into=int(into or 0), note=note or None), now=utcnow()
            )
        else:
            item = lists.decide_item(
                session,
                principal,
                item_id,
                ListDecisionIn(decision=decision, note=note),  # type: ignore[arg-type]
                now=utcnow(),
            )
        return redirect(
            f"/list?year={item.year}", message=f"item_{decision}d" if decision != "merge" else "item_merged"
        )

    return _submitted(
        session,
        lang,
        act,
        lambda error, status: _list_page(request, session, principal, error=error, status_code=status),
        invalid=(ValidationError, ValueError),
    )


@router.post("/list/{year}/approval")
def approve_list(
    year: int,
    request: Request,
    session: SessionDep,
    principal: Office,
    expected: Annotated[list[str] | None, Form()] = None,
    refuse: Annotated[list[str] | None, Form()] = None,
    keep_apart: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """The Party committee office approves the year's whole list in one act, refusing the items ticked."""
    lang = lang_of(request)

    def act() -> Response:
        payload = ListApprovalIn(
            expected=[i for v in expected or [] if (i := _item_id(v)) is not None],
            refuse=[i for v in refuse or [] if (i := _item_id(v)) is not None],
            keep_apart=keep_apart == "on",
            note=note or None,
        )
        lists.approve_list(session, principal, year, payload, now=utcnow())
        return redirect(f"/list?year={year}", message="list_approved")

    return _submitted(
        session,
        lang,
        act,
        lambda error, status: _list_page(
            request, session, principal, year=year, error=error, status_code=status
        ),
        labels={},
    )


@router.post("/list/inspections")
def hold_inspection(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, role(HOLD_INSPECTION)],
    item_id: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    schools: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form()] = "",
    ends_on: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """A department registers an inspection reaching schools under an approved item of this year."""
    lang = lang_of(request)
    form = {
        "item_id": item_id,
        "title": title,
        "schools": schools,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "evidence": evidence,
        "note": note,
    }

    def act() -> Response:
        payload = InspectionIn.model_validate(
            {
                "item_id": _item_id(item_id),
                "title": title or None,
                "schools": _lines(schools),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "evidence": evidence or None,
                "note": note or None,
            }
        )
        lists.hold_inspection(session, principal, payload, today=local_today(), now=utcnow())
        return redirect(f"/list?year={payload.starts_on.year}", message="inspection_registered")

    return _submitted(
        session,
        lang,
        act,
        lambda error, status: _list_page(
            request, session, principal, error=error, inspect_form=form, status_code=status
        ),
        labels=INSPECTION_LABELS,
    )


# --- the 进校园 whitelist (seed items 4–9) -----------------------------------------------------------

Whitelister = Annotated[Principal, role(KEEP_WHITELIST)]


def _whitelist_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    demand_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    today = local_today()
    year = year or today.year
    per_item, per_school = whitelist.counts(session, principal, year=year)
    found = [d for d in whitelist.demands(session, principal) if d.held_on.year == year]
    return render(
        request,
        "whitelist.html",
        {
            "year": year,
            "years": [today.year - 1, today.year, today.year + 1],
            "items": per_item,
            "schools": per_school,
            "demands": whitelist.demand_views(session, principal, found),
            "categories": list(whitelist.CATEGORY_ZH),
            "may_keep": KEEP_WHITELIST.allows(principal),
            "may_bring": BRING_SOCIAL_DEMAND.allows(principal),
            "usable": whitelist.items(session, principal, year=today.year)
            if BRING_SOCIAL_DEMAND.allows(principal)
            else [],
            "today": today,
            "demand_form": demand_form or {},
            "form": form or {},
            "error": error,
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/whitelist")
def whitelist_page(
    request: Request, session: SessionDep, principal: ListReader, year: int | None = None
) -> Response:
    """The year's 进校园 whitelist with demands per item and per school, and the demands that entered."""
    return _whitelist_page(request, session, principal, year=year if year and 2000 <= year <= 2100 else None)


@router.post("/whitelist")
def add_whitelist_item(
    request: Request,
    session: SessionDep,
    principal: Whitelister,
    year: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    organiser: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    """The education bureau adds an item to a year's whitelist."""
    lang = lang_of(request)
    form = {
        "year": year,
        "category": category,
        "title": title,
        "organiser": organiser,
        "description": description,
    }

    def act() -> Response:
        payload = WhitelistItemIn.model_validate({**form, "description": description or None})
        whitelist.add_item(session, principal, payload, today=local_today(), now=utcnow())
        return redirect(f"/whitelist?year={payload.year}", message="whitelisted")

    return _submitted(
        session,
        lang,
        act,
        lambda error, status: _whitelist_page(
            request, session, principal, error=error, form=form, status_code=status
        ),
    )


@router.post("/whitelist/demands")
def register_social_demand(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, role(BRING_SOCIAL_DEMAND)],
    item_id: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    schools: Annotated[str, Form()] = "",
    held_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """A department registers a social affair entering schools under a whitelist item of its year."""
    lang = lang_of(request)
    form = {
        "item_id": item_id,
        "category": category,
        "title": title,
        "schools": schools,
        "held_on": held_on,
        "note": note,
    }

    def act() -> Response:
        payload = SocialDemandIn.model_validate(
            {
                "item_id": _item_id(item_id),
                "category": category or None,
                "title": title,
                "schools": _lines(schools),
                "held_on": held_on,
                "note": note or None,
            }
        )
        whitelist.register_demand(session, principal, payload, now=utcnow())
        return redirect(f"/whitelist?year={payload.held_on.year}", message="demand_registered")

    return _submitted(
        session,
        lang,
        act,
        lambda error, status: _whitelist_page(
            request, session, principal, error=error, demand_form=form, status_code=status
        ),
        labels=DEMAND_LABELS,
    )


# --- one definition of each count --------------------------------------------------------------------

CountsReader = Annotated[Principal, role(SEE_COUNTS)]


@router.get("/counts")
def counts_page(request: Request, session: SessionDep, principal: CountsReader) -> Response:
    """Per county and per school, the counts every page shares, with the XLSX export."""
    today = local_today()
    term = term_of(today)
    school = principal.school_code if principal.role == Role.SCHOOL else None
    schools = counts.term_schools(
        session,
        term.start,
        term.end + timedelta(days=1),
        year=term.year,
        today=today,
        school_code=school,
        division=bound_division(principal) if school is None else None,
    )
    levels = counts.by_level(schools)
    return render(
        request,
        "counts.html",
        {
            "term": term.label,
            "schools": schools,
            "levels": levels,
            "names": counts.COUNT_NAMES,
            "county_name": counts.county_name,
            "charts": _counts_charts(schools, levels, i18n.translator(lang_of(request))),
        },
        principal=principal,
    )


COUNT_COLOURS = {
    "demands_reached": "#1f5fa8",
    "tasks_sent": "#8fb3dc",
    "inspections": "#7a4fa3",
    "social_demands": "#b36b00",
    "fields_filled": "#9a6200",
    "fields_spared": "#1d7a46",
    "items": "#5b6770",
    "borrowed_teacher_days": "#b3261e",
}
CHART_SCHOOLS = 12


def _counts_charts(
    schools: list[counts.CountedSchool], levels: list[counts.LevelCounts], t: Callable[..., str]
) -> Markup:
    """Small multiples, one chart per measure on its own scale: the counties side by side where there are
    several, else the schools most demanded of."""
    counties = [level for level in levels if level.level == "county"]
    if len(counties) > 1:
        title = t("counts.chart_levels")
        labels = [level.division_name for level in counties]
        rows: list[Any] = counties
    else:
        busiest = sorted(schools, key=lambda s: (-s.counts.demands_reached, s.school_code))[:CHART_SCHOOLS]
        title = t("counts.chart_schools", n=len(busiest))
        labels = [s.school_name or s.school_code for s in busiest]
        rows = [s.counts for s in busiest]
    panels = [
        charts.Panel(
            name=t(f"counts.{name}"),
            colour=COUNT_COLOURS[name],
            values=[getattr(row, name) for row in rows],
        )
        for name in counts.COUNT_NAMES
    ]
    return Markup("<h3>{}</h3>").format(title) + charts.small_multiples(
        title, labels, panels, scale_note=t("counts.own_scales")
    )
