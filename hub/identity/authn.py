"""Who a bearer token belongs to: the one lookup every request makes, needing nothing beyond identity."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hub.identity.errors import TokenInvalid
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.kit.tokens import token_digest


def authenticate(session: Session, secret_key: str, token: str) -> Principal:
    principal = PrincipalRepository(session).by_token_digest(token_digest(secret_key, token))
    if principal is None or not principal.active:
        raise TokenInvalid("令牌无效或已吊销", "the token is invalid or revoked")
    return principal
