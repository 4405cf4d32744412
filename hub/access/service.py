"""Principals and authentication."""

from __future__ import annotations

import hmac
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.access.models import Grant, Principal
from hub.access.payloads import PrincipalCreate
from hub.access.repository import PrincipalRepository
from hub.db import utcnow
from hub.errors import Conflict, Invalid, NotAuthenticated, NotFound
from hub.kit.tokens import new_token, token_digest
from hub.records.repository import SchoolRepository

BOOTSTRAP_ADMIN_CODE = "bootstrap-admin"


def create_principal(session: Session, secret_key: str, payload: PrincipalCreate) -> tuple[Principal, str]:
    """Create a principal and return it with its clear token (shown once)."""
    repository = PrincipalRepository(session)
    if repository.by_code(payload.code):
        raise Conflict(
            f"代码 {payload.code} 已被使用 / code {payload.code} is already taken", detail={"code": payload.code}
        )
    if payload.kind == "school":
        if not payload.school_code:
            raise Invalid("学校账号须指定 school_code / a school principal needs a school_code")
        if not SchoolRepository(session).exists(payload.school_code):
            raise Invalid(
                f"学校 {payload.school_code} 不在库中 / school {payload.school_code} is not in the store",
                detail={"field": "school_code", "value": payload.school_code},
            )
    elif payload.school_code:
        raise Invalid("只有学校账号可指定 school_code / only school principals carry a school_code")
    token = new_token()
    principal = Principal(
        kind=payload.kind,
        name=payload.name,
        code=payload.code,
        school_code=payload.school_code,
        token_digest=token_digest(secret_key, token),
        active=True,
    )
    return repository.add(principal), token


def revoke_principal(session: Session, principal_id: int) -> Principal:
    principal = PrincipalRepository(session).get(principal_id)
    if principal is None:
        raise NotFound(f"账号 {principal_id} 不存在 / principal {principal_id} not found")
    principal.active = False
    principal.revoked_at = utcnow()
    session.flush()
    return principal


def ensure_bootstrap_admin(session: Session, secret_key: str, admin_token: str) -> Principal:
    """Make HUB_ADMIN_TOKEN a working admin token (rotating it replaces the old digest)."""
    repository = PrincipalRepository(session)
    digest = token_digest(secret_key, admin_token)
    admin = repository.by_code(BOOTSTRAP_ADMIN_CODE)
    if admin is None:
        return repository.add(
            Principal(kind="admin", name="管理员 / administrator", code=BOOTSTRAP_ADMIN_CODE, token_digest=digest)
        )
    if not hmac.compare_digest(admin.token_digest, digest):
        admin.token_digest = digest
        admin.active = True
        session.flush()
    return admin


def authenticate(session: Session, secret_key: str, token: str) -> Principal:
    principal = PrincipalRepository(session).by_token_digest(token_digest(secret_key, token))
    if principal is None or not principal.active:
        raise NotAuthenticated("令牌无效或已吊销 / the token is invalid or revoked")
    return principal


def create_grant(
    session: Session,
    *,
    department_id: int,
    entity: str,
    elements: list[str],
    schools: list[str] | None,
    purpose: str,
    request_id: int | None,
    valid_from: date,
    valid_until: date | None,
    created_by: int | None,
    clear_elements: list[str] | None = None,
) -> Grant:
    grant = Grant(
        department_id=department_id,
        entity=entity,
        elements=elements,
        clear_elements=clear_elements or [],
        schools=schools,
        purpose=purpose,
        request_id=request_id,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by=created_by,
    )
    session.add(grant)
    session.flush()
    return grant


def active_grant(session: Session, *, request_id: int, department_id: int, today: date) -> Grant | None:
    grants = session.scalars(
        select(Grant).where(Grant.request_id == request_id, Grant.department_id == department_id).order_by(Grant.id.desc())
    )
    return next((g for g in grants if g.active_on(today)), None)
