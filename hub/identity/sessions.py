"""Web sessions: signing in with a token opens one, its opaque id goes in the cookie, signing out ends it.

The cookie never holds the bearer token: a copied cookie dies with its session (sign-out, expiry, the
principal's revocation), and the token stays with the person who typed it. The table keeps the HMAC of
the id, not the id, so a read of the database opens no session either.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from hub.db import utcnow
from hub.identity.errors import TokenInvalid
from hub.identity.models import Principal, WebSession
from hub.kit.tokens import digest, new_token


def _digest(secret_key: str, opaque: str) -> str:
    return digest(secret_key, opaque, purpose="session")


def open_session(
    session: Session, secret_key: str, principal: Principal, *, hours: int, now: datetime | None = None
) -> tuple[str, datetime]:
    """A new session for `principal`: its opaque id (for the cookie, shown nowhere else) and its end."""
    now = now or utcnow()
    opaque = new_token()
    expires = now + timedelta(hours=hours)
    # Expired sessions of anyone go as new ones open: the table holds only live sign-ins.
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    session.add(
        WebSession(
            id_digest=_digest(secret_key, opaque),
            principal_id=principal.id,
            created_at=now,
            expires_at=expires,
        )
    )
    session.flush()
    return opaque, expires


def session_principal(
    session: Session, secret_key: str, opaque: str, *, now: datetime | None = None
) -> Principal:
    """The principal signed in under `opaque`; TokenInvalid when the session ended or never was, or the
    principal was revoked or its token expired since."""
    now = now or utcnow()
    found = session.scalars(
        select(WebSession).where(WebSession.id_digest == _digest(secret_key, opaque))
    ).first()
    if found is None or found.expires_at <= now:
        raise TokenInvalid("登录已失效，请重新登录", "the sign-in has ended: sign in again")
    principal = session.get(Principal, found.principal_id)
    expired = (
        principal is not None and principal.token_expires_at is not None and principal.token_expires_at <= now
    )
    if principal is None or not principal.active or expired:
        raise TokenInvalid("令牌无效或已吊销", "the token is invalid or revoked")
    return principal


def close_session(session: Session, secret_key: str, opaque: str) -> None:
    """Sign out: the session's row goes, so its id opens nothing any more."""
    session.execute(delete(WebSession).where(WebSession.id_digest == _digest(secret_key, opaque)))
