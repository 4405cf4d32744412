"""Who a bearer token belongs to: the one lookup every request makes, needing nothing beyond identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hub.db import utcnow
from hub.identity.errors import TokenExpired, TokenInvalid
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.kit.tokens import token_digest


def authenticate(session: Session, secret_key: str, token: str, *, now: datetime | None = None) -> Principal:
    principal = PrincipalRepository(session).by_token_digest(token_digest(secret_key, token))
    if principal is None or not principal.active:
        raise TokenInvalid("令牌无效或已吊销", "the token is invalid or revoked")
    expires = principal.token_expires_at
    if expires is not None and expires <= (now or utcnow()):
        day = expires.date().isoformat()
        raise TokenExpired(
            f"令牌已于 {day} 过期，请向教育局申请新的激活码",
            f"the token expired on {day}; ask the education bureau for a new activation code",
            detail={"expired_at": expires.isoformat()},
        )
    return principal
