"""Pages anyone opens without signing in: the public 举报 form and following a report by its code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from hub.complaints import service as complaints
from hub.complaints.payloads import PublicComplaintIn
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep
from hub.errors import HubError, NotFound
from hub.web import i18n
from hub.web.kit import PageRoute, lang_of, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/report")
def report_form(request: Request) -> Response:
    """The public 举报 form: no account, only what happened is required."""
    return render(request, "report.html", {"form": {"to": "education"}, "error": None})


@router.post("/report")
def file_report(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    text: Annotated[str, Form()] = "",
    school_name: Annotated[str, Form()] = "",
    school_code: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    to: Annotated[str, Form()] = "education",
) -> Response:
    """File the report and show its tracking code."""
    form = {
        "text": text,
        "school_name": school_name,
        "school_code": school_code,
        "contact": contact,
        "to": to,
    }
    try:
        payload = PublicComplaintIn(
            text=text,
            school_name=school_name or None,
            school_code=school_code.strip() or None,
            contact=contact or None,
            to=to,  # type: ignore[arg-type]
        )
        complaint = complaints.file_public_complaint(session, payload, now=utcnow(), settings=settings)
    except ValidationError as exc:
        problems = "; ".join(i18n.validation_message(e, lang_of(request)) for e in exc.errors())
        return render(request, "report.html", {"form": form, "error": problems}, status_code=422)
    except HubError as exc:
        session.rollback()
        return render(
            request,
            "report.html",
            {"form": form, "error": i18n.pick(exc.message, lang_of(request))},
            status_code=exc.status_code,
        )
    return redirect(f"/report/{complaint.tracking_code}", message="report_filed")


@router.get("/report/follow")
def follow_form(request: Request, code: str = "") -> Response:
    """Type a tracking code to read a report's state and answer."""
    if code.strip():
        return redirect(f"/report/{code.strip().upper()}")
    return render(request, "report_follow.html", {"complaint": None, "code": ""})


@router.get("/report/{tracking_code}")
def follow_report(request: Request, session: SessionDep, tracking_code: str) -> Response:
    """A report's state and answer; never who filed it."""
    try:
        complaint = complaints.follow_public_complaint(session, tracking_code)
    except NotFound as exc:
        return render(
            request,
            "report_follow.html",
            {"complaint": None, "code": tracking_code, "error": i18n.pick(exc.message, lang_of(request))},
            status_code=404,
        )
    (view,) = complaints.views(session, [complaint])
    return render(request, "report_follow.html", {"complaint": view, "code": view.tracking_code})
