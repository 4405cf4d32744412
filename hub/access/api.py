from __future__ import annotations

from fastapi import APIRouter, status

from hub.access import service
from hub.access.payloads import PrincipalCreate, PrincipalCreated, PrincipalOut
from hub.access.repository import PrincipalRepository
from hub.deps import AdminDep, PrincipalDep, SessionDep, SettingsDep
from hub.errors import error_responses

router = APIRouter(tags=["principals"])


@router.post(
    "/principals",
    status_code=status.HTTP_201_CREATED,
    response_model=PrincipalCreated,
    responses=error_responses(401, 403, 409, 422),
)
def create_principal(payload: PrincipalCreate, session: SessionDep, settings: SettingsDep, _: AdminDep) -> PrincipalCreated:
    """Create a principal (admin only); the token is returned once."""
    principal, token = service.create_principal(session, settings.secret_key.get_secret_value(), payload)
    return PrincipalCreated(**PrincipalOut.model_validate(principal).model_dump(), token=token)


@router.get("/principals", response_model=list[PrincipalOut], responses=error_responses(401, 403))
def list_principals(session: SessionDep, _: AdminDep) -> list[PrincipalOut]:
    """List every principal (admin only)."""
    return [PrincipalOut.model_validate(p) for p in PrincipalRepository(session).list()]


@router.post("/principals/{principal_id}/revoke", response_model=PrincipalOut, responses=error_responses(401, 403, 404))
def revoke_principal(principal_id: int, session: SessionDep, _: AdminDep) -> PrincipalOut:
    """Revoke a principal: its token stops working at once (admin only)."""
    return PrincipalOut.model_validate(service.revoke_principal(session, principal_id))


@router.get("/me", response_model=PrincipalOut, responses=error_responses(401))
def who_am_i(principal: PrincipalDep) -> PrincipalOut:
    """The principal behind the token."""
    return PrincipalOut.model_validate(principal)
