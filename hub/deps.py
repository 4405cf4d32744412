"""FastAPI dependencies: the session that owns the request's transaction, the caller, role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from hub.access.models import Principal
from hub.access.roles import RoleRule
from hub.access.service import authenticate
from hub.config import Settings
from hub.db import begin_write
from hub.errors import TokenRequired

bearer = HTTPBearer(auto_error=False, description="A principal's token: `Authorization: Bearer <token>`")


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Methods whose requests may write: their transaction begins as a writer (hub.db.begin_write).
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the endpoint returns, rolled back when it raises.

    A request that may write (an unsafe method, or a GET marked with `writes`) begins it as a writer;
    a read does not, so a long read never holds up a writer.
    """
    session: Session = request.app.state.session_factory()
    try:
        if request.method in WRITING_METHODS:
            begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def writes(request: Request, session: SessionDep) -> None:
    """For a GET that writes too, an audited read: `@router.get(..., dependencies=[Depends(writes)])`.

    Its transaction begins as a writer, as a POST's does. FastAPI solves the decorator's dependencies
    before the endpoint's own, so this comes before the first read (the caller's token).
    """
    if request.method not in WRITING_METHODS:
        begin_write(session)


def current_principal(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise TokenRequired
    return authenticate(session, settings.secret_key.get_secret_value(), credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require(rule: RoleRule) -> Callable[[Principal], Principal]:
    """A dependency that lets through only the principals `rule` allows (403 for the others).

    Each domain's `auth.py` names its dependencies with it, beside the rules its services check.
    """

    def check(principal: PrincipalDep) -> Principal:
        rule.check(principal)
        return principal

    return check
