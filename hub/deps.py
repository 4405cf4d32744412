"""FastAPI dependencies: the session that owns the request's transaction, the caller, role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.db import begin_write
from hub.errors import HubError, TokenRequired, halves
from hub.identity.authn import authenticate
from hub.identity.models import Principal
from hub.identity.roles import RoleRule
from hub.kit.errors import TermInvalid
from hub.kit.terms import Term, TermError, parse_term

bearer = HTTPBearer(auto_error=False, description="A principal's token: `Authorization: Bearer <token>`")


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Methods whose requests may write: their transaction begins as a writer (hub.db.begin_write).
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_READ_ONLY = "hub_read_only"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def read_only(endpoint: Endpoint) -> Endpoint:
    """Marks a POST that never writes (a dry run): its transaction stays a reader, so it never waits
    for a writer nor holds one up. It must not write; its session is rolled back."""
    setattr(endpoint, _READ_ONLY, True)
    return endpoint


def _is_read_only(request: Request) -> bool:
    # Starlette's router puts the matched endpoint in the scope before dependencies are solved.
    return bool(getattr(request.scope.get("endpoint"), _READ_ONLY, False))


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the endpoint returns, rolled back when it raises.

    A request that may write (an unsafe method, or a GET marked with `writes`) begins it as a writer;
    a read does not, so a long read never holds up a writer.
    """
    session: Session = request.app.state.session_factory()
    read_only = _is_read_only(request)
    try:
        if request.method in WRITING_METHODS and not read_only:
            begin_write(session)
        yield session
        if read_only:
            session.rollback()
        else:
            session.commit()
    except HubError as error:
        if error.keeps_transition and not read_only:
            session.commit()
        else:
            session.rollback()
        raise
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


def term_param(
    term: Annotated[
        str | None, Query(max_length=32, description="学期, e.g. 2026-秋 (Sep–Jan) or 2026-春 (Feb–Aug)")
    ] = None,
) -> Term | None:
    if term is None:
        return None
    try:
        return parse_term(term)
    except TermError as exc:
        raise TermInvalid(*halves(exc), detail={"field": "term", "value": term}) from None


TermQuery = Annotated[Term | None, Depends(term_param)]
