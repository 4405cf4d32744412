"""Notices in the browser: marking them read, and a department's webhook (address, secret, deliveries)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep
from hub.errors import HubError
from hub.identity.models import Principal
from hub.notices import service as notices
from hub.notices.auth import SET_WEBHOOK
from hub.notices.models import Webhook
from hub.web.kit import PagePrincipal, PageRoute, lang_of, redirect, render, role

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Owner = Annotated[Principal, role(SET_WEBHOOK)]


@router.post("/notices/read")
def read_notices(session: SessionDep, principal: PagePrincipal) -> Response:
    """Mark every notice of the signed-in principal read."""
    notices.mark_read(session, principal, None, now=utcnow())
    return redirect("/requests", message="notices_read")


def _page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    secret: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "webhook.html",
        {
            "hook": session.get(Webhook, principal.id),
            "deliveries": notices.recent_deliveries(session, principal),
            "secret": secret,
            "error": error,
            "header": notices.SIGNATURE_HEADER,
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/webhook")
def webhook_page(request: Request, session: SessionDep, principal: Owner) -> Response:
    """The department's webhook: where its notices go, and how the latest deliveries went."""
    return _page(request, session, principal)


@router.post("/webhook")
def set_webhook(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Owner,
    url: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    """Set the address (and the secret, or let the hub make one, shown once)."""
    try:
        _, made = notices.set_webhook(
            session,
            principal,
            url=url,
            secret=secret.strip() or None,
            secret_key=settings.secret_key.get_secret_value(),
            active=active == "on",
            now=utcnow(),
        )
    except HubError as exc:
        session.rollback()
        return _page(request, session, principal, error=exc.message_in(lang_of(request)), status_code=422)
    return _page(request, session, principal, secret=made)
