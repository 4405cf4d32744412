"""The education bureau's release queue (有条件共享): gathered data requests wait for, decided in bulk,
and the agreements and releases that end soon, renewed or ended."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from hub.access import service as access
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep
from hub.errors import HubError
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.kit.clock import local_today
from hub.requests import service as requests
from hub.requests.auth import RELEASE
from hub.requests.payloads import ReleaseIn
from hub.standard.service import current_standard
from hub.web import i18n
from hub.web.kit import PageRoute, lang_of, redirect, render, role
from hub.web.routes.requests import form_items

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Releaser = Annotated[Principal, role(RELEASE)]


def _page(
    request: Request,
    session: Session,
    settings: Any,
    principal: Principal,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    today = local_today()
    waiting = requests.visible_requests(session, principal, statuses=["pending_release"])
    items = [
        requests.release_review(session, principal, r.id, today=today)
        for r in sorted(waiting, key=lambda r: r.id)
    ]
    expiring = access.expiring_grants(session, principal, today=today, within_days=settings.expiring_days)
    holders = PrincipalRepository(session)
    names = {g.department_id: (holders.get(g.department_id) or principal).name for g in expiring}
    std = current_standard(session)
    return render(
        request,
        "releases.html",
        {
            "items": items,
            "expiring": expiring,
            "names": names,
            "labels": {e.code: e.label_zh for e in std.elements},
            "default_until": today.fromordinal(today.toordinal() + settings.release_days),
            "today": today,
            "error": error,
            "expiring_days": settings.expiring_days,
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/releases")
def release_queue(
    request: Request, session: SessionDep, settings: SettingsDep, principal: Releaser
) -> Response:
    """Requests whose gathered data wait for a release, each with what would leave; expiring grants."""
    return _page(request, session, settings, principal)


@router.post("/releases")
def decide_releases(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Releaser,
    values: Annotated[dict[str, str], Depends(form_items)],
    decision: Annotated[str, Form()] = "",
    valid_until: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Release or refuse every ticked request at once (all or none)."""
    lang = lang_of(request)
    chosen = [
        int(key.split("|")[1]) for key in values if key.startswith("pick|") and key.split("|")[1].isdigit()
    ]
    if not chosen:
        return _page(
            request, session, settings, principal, error=i18n.text("releases.pick_one", lang), status_code=422
        )
    try:
        payload = ReleaseIn(
            decision=decision,  # type: ignore[arg-type]
            valid_until=date.fromisoformat(valid_until) if valid_until.strip() else None,
            note=note.strip() or None,
        )
        for request_id in chosen:
            requests.release_request(session, settings, principal, request_id, payload, now=utcnow())
    except (ValidationError, ValueError):
        session.rollback()
        return _page(
            request, session, settings, principal, error=i18n.text("error.form", lang), status_code=422
        )
    except HubError as exc:
        session.rollback()
        return _page(request, session, settings, principal, error=exc.message_in(lang), status_code=422)
    return redirect("/releases", message="released" if decision == "approve" else "release_refused")


@router.post("/grants/{grant_id}/renew")
def renew(
    grant_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Releaser,
    valid_until: Annotated[str, Form()] = "",
) -> Response:
    """Give an expiring agreement or release a new end."""
    lang = lang_of(request)
    try:
        access.renew_grant(session, principal, grant_id, date.fromisoformat(valid_until), today=local_today())
    except ValueError:
        return _page(
            request, session, settings, principal, error=i18n.text("error.form", lang), status_code=422
        )
    except HubError as exc:
        if exc.status_code == 404:  # a grant outside the bureau's level: a 404 page, as on the API
            raise
        session.rollback()
        return _page(request, session, settings, principal, error=exc.message_in(lang), status_code=422)
    return redirect("/releases", message="renewed")
