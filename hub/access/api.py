from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Query, status

from hub.access import service
from hub.access.auth import Grantor
from hub.access.models import Grant
from hub.access.payloads import (
    GrantCreate,
    GrantOut,
    GrantRenewIn,
    PrincipalCreate,
    PrincipalCreated,
    PrincipalOut,
    RevokeIn,
)
from hub.db import utcnow
from hub.deps import PrincipalDep, SessionDep, SettingsDep
from hub.errors import error_responses
from hub.identity.auth import Admin
from hub.identity.repository import PrincipalRepository
from hub.kit.clock import local_today

router = APIRouter(tags=["principals"])


@router.post(
    "/principals",
    status_code=status.HTTP_201_CREATED,
    response_model=PrincipalCreated,
    responses=error_responses(401, 403, 409, 422),
)
def create_principal(
    payload: PrincipalCreate, session: SessionDep, settings: SettingsDep, admin: Admin
) -> PrincipalCreated:
    """Create a principal (admin only); the token is returned once. `division` (GB/T 2260) bounds
    what it sees: an unknown code is a 422 naming it, one outside the creator's division a 403."""
    principal, token = service.create_principal(
        session,
        settings.secret_key.get_secret_value(),
        payload,
        creator=admin,
        expires_at=utcnow() + timedelta(days=settings.token_days) if settings.token_days else None,
    )
    return PrincipalCreated(**PrincipalOut.model_validate(principal).model_dump(), token=token)


@router.get("/principals", response_model=list[PrincipalOut], responses=error_responses(401, 403))
def list_principals(session: SessionDep, _: Admin) -> list[PrincipalOut]:
    """List every principal (admin only)."""
    return [PrincipalOut.model_validate(p) for p in PrincipalRepository(session).list()]


@router.post(
    "/principals/{principal_id}/revoke",
    response_model=PrincipalOut,
    responses=error_responses(401, 403, 404, 409),
)
def revoke_principal(
    principal_id: int,
    session: SessionDep,
    admin: Admin,
    payload: Annotated[RevokeIn | None, Body()] = None,
) -> PrincipalOut:
    """Revoke a principal: its token stops working at once (admin only); the last active admin is a
    409 `LastAdmin`. `note` says why, in the audit log."""
    revoked = service.revoke_principal(
        session, principal_id, revoker=admin, reason=payload.note if payload else None
    )
    return PrincipalOut.model_validate(revoked)


@router.get("/me", response_model=PrincipalOut, responses=error_responses(401))
def who_am_i(principal: PrincipalDep) -> PrincipalOut:
    """The principal behind the token."""
    return PrincipalOut.model_validate(principal)


def grant_out(session: SessionDep, grant: Grant, *, today: date) -> GrantOut:
    holder = PrincipalRepository(session).get(grant.department_id)
    fields = {name: getattr(grant, name) for name in GrantOut.model_fields if hasattr(grant, name)}
    return GrantOut(
        **{**fields, "department": holder.name if holder else None, "active": grant.active_on(today)}
    )


@router.post(
    "/grants",
    status_code=status.HTTP_201_CREATED,
    response_model=GrantOut,
    tags=["grants"],
    responses=error_responses(401, 403, 422),
)
def create_grant(
    payload: GrantCreate, session: SessionDep, settings: SettingsDep, principal: Grantor
) -> GrantOut:
    """A standing agreement (共享协议): a department may read elements of a scope, for a purpose, on a
    legal basis, until a date (admin, education). Requests it covers are answered at once."""
    today = local_today()
    grant = service.grant_standing_access(
        session, principal, payload, today=today, default_days=settings.agreement_days
    )
    return grant_out(session, grant, today=today)


@router.get("/grants", response_model=list[GrantOut], tags=["grants"], responses=error_responses(401, 403))
def list_grants(
    session: SessionDep, principal: PrincipalDep, department_id: Annotated[int | None, Query()] = None
) -> list[GrantOut]:
    """Grants the caller may see: a holder its own; admins and the education bureau all (or one holder's)."""
    today = local_today()
    grants = service.visible_grants(session, principal, holder_id=department_id)
    return [grant_out(session, g, today=today) for g in grants]


@router.get(
    "/grants/expiring", response_model=list[GrantOut], tags=["grants"], responses=error_responses(401, 403)
)
def expiring_grants(
    session: SessionDep,
    settings: SettingsDep,
    principal: Grantor,
    within_days: Annotated[int | None, Query(ge=1, le=3660)] = None,
) -> list[GrantOut]:
    """Agreements and releases in force that end within `within_days` (default HUB_EXPIRING_DAYS),
    soonest first, to renew or let end (admin, education)."""
    today = local_today()
    days = within_days or settings.expiring_days
    grants = service.expiring_grants(session, principal, today=today, within_days=days)
    return [grant_out(session, g, today=today) for g in grants]


@router.post(
    "/grants/{grant_id}/renew",
    response_model=GrantOut,
    tags=["grants"],
    responses=error_responses(401, 403, 404, 409, 422),
)
def renew_grant(grant_id: int, payload: GrantRenewIn, session: SessionDep, principal: Grantor) -> GrantOut:
    """Give an agreement or a release a new end (never past the approval's 有效期 it rests on)."""
    today = local_today()
    grant = service.renew_grant(
        session, principal, grant_id, payload.valid_until, today=today, reason=payload.note
    )
    return grant_out(session, grant, today=today)


@router.get(
    "/grants/{grant_id}", response_model=GrantOut, tags=["grants"], responses=error_responses(401, 404)
)
def get_grant(grant_id: int, session: SessionDep, principal: PrincipalDep) -> GrantOut:
    """One grant, to its holder, an admin or the education bureau."""
    return grant_out(session, service.visible_grant(session, principal, grant_id), today=local_today())


@router.post(
    "/grants/{grant_id}/revoke",
    response_model=GrantOut,
    tags=["grants"],
    responses=error_responses(401, 403, 404, 409),
)
def revoke_grant(
    grant_id: int,
    session: SessionDep,
    principal: Grantor,
    payload: Annotated[RevokeIn | None, Body()] = None,
) -> GrantOut:
    """Revoke a grant: reads under it stop at once (admin, education); `note` says why, in the audit log."""
    grant = service.revoke_grant(session, principal, grant_id, reason=payload.note if payload else None)
    return grant_out(session, grant, today=local_today())
