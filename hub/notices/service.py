"""Notices and their webhooks: a notice is written in the transaction that answers a request; its
webhook delivery waits in an outbox and is sent afterwards, so a slow or broken endpoint never holds up
or undoes an answer. Each body is signed: `X-Yici-Signature-256: sha256=<HMAC-SHA256 of the body>`."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub.identity.models import Principal
from hub.notices import sealing
from hub.notices.errors import WebhookNotSet, WebhookSecretTooShort, WebhookUrlInvalid
from hub.notices.models import Notice, Webhook, WebhookDelivery

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Yici-Signature-256"
EVENT_HEADER = "X-Yici-Event"
DELIVERY_HEADER = "X-Yici-Delivery"
# Pauses before the 2nd … 6th attempt; after the 6th failure the delivery is given up (status failed).
RETRY_PAUSES = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_PAUSES) + 1
TIMEOUT_SECONDS = 5.0


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for `body`: what a receiver recomputes with the shared secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notify(
    session: Session,
    *,
    principal_id: int,
    event: str,
    message_zh: str,
    message_en: str,
    link: str = "",
    request_id: int | None = None,
    data: dict[str, object] | None = None,
    now: datetime,
) -> Notice:
    """Tell `principal_id` something: a notice in the hub and, with a webhook set, a signed delivery
    (both written by the caller's next flush)."""
    notice = Notice(
        principal_id=principal_id,
        event=event,
        request_id=request_id,
        message_zh=message_zh,
        message_en=message_en,
        link=link,
        created_at=now,
    )
    # No flush here: this runs inside the flush that answers a request (hub.requests.notify).
    session.add(notice)
    hook = session.get(Webhook, principal_id)
    if hook is not None and hook.active:
        body = {
            "event": event,
            "request_id": request_id,
            "message_zh": message_zh,
            "message_en": message_en,
            "link": link,
            "created_at": now.isoformat(),
            **(data or {}),
        }
        session.add(
            WebhookDelivery(
                principal_id=principal_id,
                notice=notice,
                url=hook.url,
                body=json.dumps(body, ensure_ascii=False, sort_keys=True),
                next_attempt_at=now,
                created_at=now,
            )
        )
    return notice


def notices_for(
    session: Session, principal: Principal, *, unread_only: bool = False, limit: int = 50
) -> list[Notice]:
    """The principal's notices, newest first."""
    query = select(Notice).where(Notice.principal_id == principal.id)
    if unread_only:
        query = query.where(Notice.read_at.is_(None))
    return list(session.scalars(query.order_by(Notice.id.desc()).limit(limit)))


def mark_read(session: Session, principal: Principal, ids: list[int] | None, *, now: datetime) -> int:
    """Mark the principal's notices read (those named, or all); another principal's ids change nothing."""
    query = update(Notice).where(Notice.principal_id == principal.id, Notice.read_at.is_(None))
    if ids is not None:
        query = query.where(Notice.id.in_(ids))
    result = session.execute(query.values(read_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- webhooks ------------------------------------------------------------------------------------


def _checked_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookUrlInvalid(
            f"回调地址“{url}”不是有效的 http(s) 地址",
            f"the webhook address {url!r} is not an http(s) URL with a host",
            detail={"field": "url", "value": url, "reason": "http or https with a host"},
        )
    return url.strip()


def set_webhook(
    session: Session,
    principal: Principal,
    *,
    url: str,
    secret: str | None,
    secret_key: str,
    active: bool = True,
    now: datetime,
) -> tuple[Webhook, str | None]:
    """Set (or change) the principal's webhook; without a secret the hub makes one and returns it once."""
    if secret is not None and len(secret) < 16:
        raise WebhookSecretTooShort(
            "回调密钥至少 16 个字符（留空则由系统生成）",
            "a webhook secret has at least 16 characters (leave it empty and the hub makes one)",
            detail={"field": "secret", "reason": "shorter than 16 characters"},
        )
    made = None if secret else secrets.token_urlsafe(32)
    hook = session.get(Webhook, principal.id)
    if hook is None:
        hook = Webhook(principal_id=principal.id, created_at=now)
        session.add(hook)
    hook.url = _checked_url(url)
    if secret or made:
        hook.secret_sealed = sealing.seal(secret_key, principal.id, secret or made or "")
    hook.active = active
    hook.updated_at = now
    session.flush()
    return hook, made


def webhook_of(session: Session, principal: Principal) -> Webhook:
    hook = session.get(Webhook, principal.id)
    if hook is None:
        raise WebhookNotSet("尚未设置回调地址", "no webhook is set", detail={"principal_id": principal.id})
    return hook


def remove_webhook(session: Session, principal: Principal) -> None:
    session.delete(webhook_of(session, principal))
    session.flush()


def recent_deliveries(session: Session, principal: Principal, *, limit: int = 20) -> list[WebhookDelivery]:
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.principal_id == principal.id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


# --- sending (outside any transaction that answers a request) -------------------------------------


@dataclass(frozen=True, kw_only=True)
class Due:
    id: int
    url: str
    body: str
    secret: str | None  # None: this hub's key does not open it (HUB_SECRET_KEY changed)
    event: str


@dataclass(frozen=True, kw_only=True)
class Outcome:
    id: int
    delivered: bool
    status_code: int | None
    error: str


def _opened(secret_key: str, principal_id: int, sealed: str) -> str | None:
    try:
        return sealing.unseal(secret_key, principal_id, sealed)
    except sealing.SecretUnreadable:
        log.warning("webhook secret of principal %s does not open under this key", principal_id)
        return None


def due_deliveries(session: Session, *, secret_key: str, now: datetime, limit: int = 50) -> list[Due]:
    """Deliveries whose next attempt is due, with the secret to sign each (read, no lock held)."""
    rows = session.execute(
        select(WebhookDelivery, Webhook.secret_sealed)
        .join(Webhook, Webhook.principal_id == WebhookDelivery.principal_id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.id)
        .limit(limit)
    ).all()
    return [
        Due(
            id=d.id,
            url=d.url,
            body=d.body,
            secret=_opened(secret_key, d.principal_id, sealed),
            event=json.loads(d.body).get("event", ""),
        )
        for d, sealed in rows
    ]


def send(due: Due, client: httpx.Client) -> Outcome:
    """POST one signed body; a 2xx is delivered, anything else (or no answer) an error to retry."""
    if due.secret is None:
        return Outcome(
            id=due.id,
            delivered=False,
            status_code=None,
            error="回调密钥无法解开（HUB_SECRET_KEY 已更换），请重新设置回调 / the webhook secret does not open "
            "under the hub's key (HUB_SECRET_KEY changed): set the webhook again",
        )
    body = due.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        SIGNATURE_HEADER: sign(due.secret, body),
        EVENT_HEADER: due.event,
        DELIVERY_HEADER: str(due.id),
        "User-Agent": "yici-hub-webhook",
    }
    try:
        answer = client.post(due.url, content=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        return Outcome(
            id=due.id, delivered=False, status_code=None, error=f"{type(exc).__name__}: {exc}"[:500]
        )
    if 200 <= answer.status_code < 300:
        return Outcome(id=due.id, delivered=True, status_code=answer.status_code, error="")
    return Outcome(
        id=due.id,
        delivered=False,
        status_code=answer.status_code,
        error=f"HTTP {answer.status_code}: {answer.text[:200]}",
    )


def record_outcomes(session: Session, outcomes: list[Outcome], *, now: datetime) -> None:
    """Write what each attempt gave: delivered, retried after a pause, or given up after the last one."""
    for outcome in outcomes:
        delivery = session.get(WebhookDelivery, outcome.id)
        if delivery is None:
            continue
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        if outcome.delivered:
            delivery.status, delivery.delivered_at = "delivered", now
            continue
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
            log.error(
                "webhook delivery %s to %s given up after %s attempts: %s",
                delivery.id,
                delivery.url,
                delivery.attempts,
                outcome.error,
            )
            continue
        delivery.next_attempt_at = now + RETRY_PAUSES[delivery.attempts - 1]
        log.warning(
            "webhook delivery %s to %s failed (attempt %s), next at %s: %s",
            delivery.id, delivery.url, delivery.attempts, delivery.next_attempt_at.isoformat(), outcome.error,
        )  # fmt: skip
    session.flush()
