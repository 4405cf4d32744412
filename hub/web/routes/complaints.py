"""举报 from a school and the education bureau's answers; the term's 自查表 with its Excel export."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hub.complaints import service as complaints
from hub.complaints.auth import ANSWER, FILE, HANDLE, READ
from hub.complaints.models import QUEUES
from hub.complaints.payloads import AnswerIn, ComplaintIn
from hub.complaints.reasons import REASONS
from hub.config import Settings
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep
from hub.errors import HubError
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import local_today
from hub.schools.repository import SchoolViewRepository
from hub.selfcheck import service as selfcheck
from hub.selfcheck.items import title_for
from hub.selfcheck.workbook import build_workbook
from hub.web import i18n
from hub.web.errors import AnswerEmpty, FormInvalid, SchoolNotNamed
from hub.web.kit import PageRoute, lang_of, redirect, render, role
from hub.web.routes.bureau import chosen_term, term_choices
from hub.web.routes.requests import form_items
from schemas import divisions

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Principal, role(READ)]
School = Annotated[Principal, role(FILE)]
Education = Annotated[Principal, role(ANSWER)]
Handler = Annotated[Principal, role(HANDLE)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUSES = ("open", "answered", "closed")


@router.get("/complaints")
def complaint_list(
    request: Request, session: SessionDep, principal: Reader, status: str | None = None
) -> Response:
    """A school's own complaints with the answers; the education bureau's inbox of all of them."""
    statuses = [status] if status in STATUSES else None
    found = complaints.list_complaints(session, principal, statuses=statuses, limit=200)
    handles = HANDLE.allows(principal)
    return render(
        request,
        "complaints.html",
        {
            "statistics": complaints.statistics(session, principal, today=local_today()) if handles else [],
            "may_route": handles and principal.role is not Role.ADMIN,
            "complaints": complaints.views(session, found),
            "status": status if statuses else None,
            "statuses": STATUSES,
        },
        principal=principal,
    )


def _new_page(
    request: Request,
    session: Session,
    principal: Principal,
    form: dict[str, str],
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    concerned = SchoolViewRepository(session).requests_concerning(principal.school_code or "", limit=200)
    return render(
        request,
        "complaint_new.html",
        {"reasons": REASONS, "requests": concerned, "form": form, "error": error},
        principal=principal,
        status_code=status_code,
    )


@router.get("/complaints/new")
def new_complaint(request: Request, session: SessionDep, principal: School, request_id: str = "") -> Response:
    """The form a school flags a request (or a demand that went around the hub) with."""
    return _new_page(request, session, principal, {"request_id": request_id, "reason": "rule 14"})


@router.post("/complaints")
def file_complaint(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: School,
    reason: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    request_id: Annotated[str, Form()] = "",
    outside_department: Annotated[str, Form()] = "",
    outside_demand: Annotated[str, Form()] = "",
    to: Annotated[str, Form()] = "education",
) -> Response:
    """File the complaint; the education bureau (or the 纪检监察 queue) sees it and answers."""
    lang = lang_of(request)
    form = {
        "reason": reason,
        "text": text,
        "request_id": request_id,
        "outside_department": outside_department,
        "outside_demand": outside_demand,
        "to": to,
    }
    try:
        payload = ComplaintIn(
            to=to,  # type: ignore[arg-type]
            reason=reason,
            text=text,
            request_id=int(request_id) if request_id.strip().isdigit() else None,
            outside_department=outside_department or None,
            outside_demand=outside_demand or None,
        )
        complaints.file_complaint(session, principal, payload, now=utcnow(), settings=settings)
    except ValidationError as exc:
        problems = "; ".join(i18n.validation_message(e, lang) for e in exc.errors())
        return _new_page(request, session, principal, form, error=problems, status_code=422)
    except HubError as exc:
        session.rollback()
        return _new_page(
            request, session, principal, form, error=exc.message_in(lang), status_code=exc.status_code
        )
    return redirect("/complaints", message="complaint_filed")


@router.post("/complaints/{complaint_id}/answer")
def answer_complaint(
    complaint_id: int,
    session: SessionDep,
    principal: Education,
    response: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "answered",
) -> Response:
    """The education bureau answers (may answer again) or closes a complaint."""
    try:
        payload = AnswerIn(response=response, status=status)  # type: ignore[arg-type]
    except ValidationError:
        raise AnswerEmpty(*i18n.pair("error.empty_answer"), detail={"field": "response"}) from None
    complaints.answer_complaint(session, principal, complaint_id, payload, now=utcnow())
    return redirect("/complaints", message="complaint_answered")


@router.post("/complaints/{complaint_id}/route")
def route_complaint(
    complaint_id: int,
    session: SessionDep,
    principal: Handler,
    queue: Annotated[str, Form()] = "",
) -> Response:
    """The handling queue hands a report over: the education bureau to 纪检监察, or back."""
    if queue not in QUEUES:
        raise FormInvalid(*i18n.pair("error.form"), detail={"field": "queue", "value": queue})
    complaints.route_complaint(session, principal, complaint_id, queue)
    return redirect("/complaints", message="complaint_routed")


# --- 自查表 -------------------------------------------------------------------------------------------


def _school_code(principal: Principal, school: str) -> str:
    if principal.role is Role.SCHOOL:
        return principal.school_code or ""
    if not school.strip():
        raise SchoolNotNamed(
            *i18n.pair("error.name_school"),
            detail={"field": "school", "value": school},
        )
    return school.strip()


def _check(
    session: Session, settings: Settings, principal: Principal, school: str, term: str | None
) -> selfcheck.SelfCheck:
    today = local_today()
    code = _school_code(principal, school)
    return selfcheck.self_check(session, settings, principal, code, chosen_term(term), today=today)


@router.get("/selfcheck")
def selfcheck_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Reader,
    term: str | None = None,
    school: str = "",
    division: str = "",
) -> Response:
    """The 21-item 自查表 of the 高平 plan (附件2) for a school and term, answered from the hub's records;
    for a bureau without a school, every school of its subtree rolled up one level below."""
    if principal.role is not Role.SCHOOL and not school.strip():
        # The bureau sees its roll-up and picks a row or a school (its burden dashboard links here too).
        current = chosen_term(term)
        rollup = selfcheck.rollup(
            session, settings, principal, current, division=division.strip() or None, today=local_today()
        )
        return render(
            request,
            "selfcheck_pick.html",
            {
                "term": current,
                "rollup": rollup,
                "terms": term_choices(session, current),
                "division_name": divisions.full_name,
            },
            principal=principal,
        )
    check = _check(session, settings, principal, school, term)
    return _selfcheck_page(request, settings, session, principal, check)


def _selfcheck_page(
    request: Request,
    settings: Settings,
    session: Session,
    principal: Principal,
    check: selfcheck.SelfCheck,
    *,
    error: str | None = None,
    given: dict[int, selfcheck.SchoolAnswer] | None = None,
    status_code: int = 200,
) -> Response:
    export = f"/selfcheck.xlsx?term={quote(check.term.label)}"
    if principal.role is not Role.SCHOOL:
        export += f"&school={check.school_code}"
    may_submit = principal.role is Role.SCHOOL and check.submitted_at is None
    return render(
        request,
        "selfcheck.html",
        {
            "check": check,
            "city_title": title_for(settings.city_name),
            "term": check.term,
            "terms": term_choices(session, check.term),
            "export": export,
            "school": check.school_code if principal.role is not Role.SCHOOL else "",
            "may_submit": may_submit,
            "submit_open": local_today() >= check.submittable_from,
            "given": given or {},
            "error": error,
        },
        principal=principal,
        status_code=status_code,
    )


@router.post("/selfcheck/submission")
def submit_selfcheck(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: School,
    values: Annotated[dict[str, str], Depends(form_items)],
    term: Annotated[str, Form()] = "",
) -> Response:
    """The school answers the items its records leave open and submits its 自查表 at term end."""
    lang = lang_of(request)
    # finding-5=compliant|violation and text-5=… for each item the school answers.
    answers = [
        selfcheck.SchoolAnswer(
            number=int(number), finding=value, text=values.get(f"text-{number}", "").strip()
        )
        for key, value in values.items()
        if (number := key.removeprefix("finding-")) != key
        and number.isdigit()
        and value in ("compliant", "violation")
    ]
    chosen = chosen_term(term or None)
    try:
        selfcheck.submit(
            session,
            settings,
            principal,
            principal.school_code or "",
            chosen,
            answers,
            today=local_today(),
            now=utcnow(),
        )
    except HubError as exc:
        session.rollback()
        check = _check(session, settings, principal, "", chosen.label)
        return _selfcheck_page(
            request,
            settings,
            session,
            principal,
            check,
            error=exc.message_in(lang),
            given={a.number: a for a in answers},
            status_code=exc.status_code,
        )
    return redirect(f"/selfcheck?term={quote(chosen.label)}", message="selfcheck_submitted")


@router.get("/selfcheck.xlsx")
def selfcheck_xlsx(
    session: SessionDep, settings: SettingsDep, principal: Reader, term: str | None = None, school: str = ""
) -> Response:
    """The 自查表 as Excel, to print, stamp and send to the education bureau."""
    check = _check(session, settings, principal, school, term)
    filename = f"自查表-{check.school_code}-{check.term.label}.xlsx"
    return Response(
        build_workbook(check, title=title_for(settings.city_name)),
        media_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="selfcheck-{check.school_code}.xlsx"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )
