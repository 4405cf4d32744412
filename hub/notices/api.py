"""Notices (an in-hub inbox per principal) and a principal's webhook for them."""

from __future__ import annotations

from fastapi import APIRouter, Response

from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep, SettingsDep
from hub.errors import error_responses
from hub.notices import service
from hub.notices.auth import SET_WEBHOOK
from hub.notices.payloads import DeliveryOut, NoticeOut, NoticesRead, NoticesReadOut, WebhookIn, WebhookOut

router = APIRouter(tags=["notices"])


@router.get("/notices", response_model=list[NoticeOut], responses=error_responses(401))
def list_notices(session: SessionDep, principal: PrincipalDep, unread: bool = False) -> list[NoticeOut]:
    """The caller's notices, newest first (a department's: its requests answered or refused)."""
    return [
        NoticeOut.model_validate(n, from_attributes=True)
        for n in service.notices_for(session, principal, unread_only=unread)
    ]


@router.post("/notices/read", response_model=NoticesReadOut, responses=error_responses(401, 422))
def read_notices(payload: NoticesRead, session: SessionDep, principal: PrincipalDep) -> NoticesReadOut:
    """Mark the caller's notices read (those named, or all)."""
    return NoticesReadOut(marked=service.mark_read(session, principal, payload.ids, now=utcnow()))


def _webhook_out(session: SessionDep, principal: PrincipalDep, secret: str | None = None) -> WebhookOut:
    hook = service.webhook_of(session, principal)
    return WebhookOut(
        url=hook.url,
        active=hook.active,
        signature_header=service.SIGNATURE_HEADER,
        secret=secret,
        deliveries=[
            DeliveryOut.model_validate(d, from_attributes=True)
            for d in service.recent_deliveries(session, principal)
        ],
    )


@router.put("/webhook", response_model=WebhookOut, responses=error_responses(401, 403, 422))
def put_webhook(
    payload: WebhookIn, session: SessionDep, settings: SettingsDep, principal: PrincipalDep
) -> WebhookOut:
    """Set the caller's webhook: each notice is POSTed there as JSON signed with HMAC-SHA256 (the
    secret is kept sealed; one the hub makes is shown in this answer only)."""
    SET_WEBHOOK.check(principal)
    _, made = service.set_webhook(
        session,
        principal,
        url=payload.url,
        secret=payload.secret,
        secret_key=settings.secret_key.get_secret_value(),
        active=payload.active,
        now=utcnow(),
    )
    return _webhook_out(session, principal, made)


@router.get("/webhook", response_model=WebhookOut, responses=error_responses(401, 403, 404))
def get_webhook(session: SessionDep, principal: PrincipalDep) -> WebhookOut:
    """The caller's webhook and its latest deliveries (attempts, last status, last error)."""
    SET_WEBHOOK.check(principal)
    return _webhook_out(session, principal)


@router.delete("/webhook", status_code=204, responses=error_responses(401, 403, 404))
def delete_webhook(session: SessionDep, principal: PrincipalDep) -> Response:
    """Stop sending the caller's notices to its webhook."""
    SET_WEBHOOK.check(principal)
    service.remove_webhook(session, principal)
    return Response(status_code=204)
