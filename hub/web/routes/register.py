"""The register's pages: who is away from which school (借用 / 抽调) and the requests waiting for the bureau."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
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
    DECIDE_SECONDMENT,
    KEEP_WHITELIST,
    PROPOSE_ITEMS,
    SEE_COUNTS,
    SEE_LIST,
    SEE_SECONDMENTS,
)
from hub.register.payloads import (
    ListDecisionIn,
    ListItemIn,
    ListMergeIn,
    SecondmentDecisionIn,
    WhitelistItemIn,
)
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


# --- the annual list (督查检查评比考核清单, seed items 1–3) ----------------------------------------------

ListReader = Annotated[Principal, role(SEE_LIST)]
ListProposer = Annotated[Principal, role(PROPOSE_ITEMS)]
Office = Annotated[Principal, role(APPROVE_LIST)]


def _lines(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,，、;；]+", text) if part.strip()]


def _list_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    year: int | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    today = local_today()
    year = year or today.year
    items = lists.item_views(session, principal, lists.list_items(session, principal, year=year))
    inspections = lists.inspection_views(session, principal, lists.list_inspections(session, principal))
    return render(
        request,
        "annual_list.html",
        {
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
    try:
        payload = ListItemIn.model_validate(
            {
                **{k: v for k, v in form.items() if k not in ("schools", "materials", "window_reason")},
                "schools": _lines(schools) or None,
                "window_reason": window_reason or None,
                "materials": [{"label": label} for label in _lines(materials)],
            }
        )
        lists.propose_item(session, settings, principal, payload, today=local_today(), now=utcnow())
    except ValidationError:
        session.rollback()
        return _list_page(
            request, session, principal, error=i18n.text("error.form", lang), form=form, status_code=422
        )
    except HubError as exc:
        session.rollback()
        return _list_page(
            request, session, principal, error=exc.message_in(lang), form=form, status_code=exc.status_code
        )
    return redirect(f"/list?year={payload.year}", message="item_proposed")


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
    try:
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
    except (ValidationError, ValueError):
        session.rollback()
        return _list_page(request, session, principal, error=i18n.text("error.form", lang), status_code=422)
    except HubError as exc:
        session.rollback()
        return _list_page(
            request, session, principal, error=exc.message_in(lang), status_code=exc.status_code
        )
    return redirect(
        f"/list?year={item.year}", message=f"item_{decision}d" if decision != "merge" else "item_merged"
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
    try:
        payload = WhitelistItemIn.model_validate({**form, "description": description or None})
        whitelist.add_item(session, principal, payload, today=local_today(), now=utcnow())
    except ValidationError:
        session.rollback()
        return _whitelist_page(
            request, session, principal, error=i18n.text("error.form", lang), form=form, status_code=422
        )
    except HubError as exc:
        session.rollback()
        return _whitelist_page(
            request, session, principal, error=exc.message_in(lang), form=form, status_code=exc.status_code
        )
    return redirect(f"/whitelist?year={payload.year}", message="whitelisted")


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
    return render(
        request,
        "counts.html",
        {
            "term": term.label,
            "schools": schools,
            "levels": counts.by_level(schools),
            "names": counts.COUNT_NAMES,
        },
        principal=principal,
    )
