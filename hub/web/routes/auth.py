"""Sign-in with a principal's token, sign-out, the start page, and accounts (principals) with their tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from hub.access import service as access
from hub.access.payloads import PrincipalCreate
from hub.access.scope import bound_division
from hub.db import utcnow
from hub.deps import SessionDep, SettingsDep
from hub.errors import HubError, NotAuthenticated
from hub.identity.auth import ADMINISTER, OPEN_ACCOUNTS
from hub.identity.authn import authenticate
from hub.identity.models import Principal
from hub.identity.repository import PrincipalRepository
from hub.identity.roles import Role
from hub.identity.sessions import close_session, open_session
from hub.web import i18n
from hub.web.errors import AccountKindNotAllowed, CannotRevokeSelf
from hub.web.kit import (
    SESSION_COOKIE,
    PagePrincipal,
    PageRoute,
    home_for,
    lang_of,
    redirect,
    render,
    role,
    set_session_cookie,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# What each kind of account may open for others: the education bureau hands tokens to schools and
# departments; only an admin creates bureaus and admins.
CREATABLE: dict[Role, tuple[Role, ...]] = {
    Role.ADMIN: tuple(Role),
    Role.EDUCATION: (Role.SCHOOL, Role.DEPARTMENT),
}


FORM_LABELS = {
    "kind": "principals.kind",
    "name": "principals.name",
    "code": "principals.code",
    "school_code": "principals.school_code",
    "division": "principals.division",
}


def _safe_next(target: str | None) -> str:
    # Only paths of this site: "//evil.example" or "https://…" would turn sign-in into an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/")
def home(principal: PagePrincipal) -> Response:
    """The signed-in principal's start page."""
    return RedirectResponse(home_for(principal), status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": _safe_next(next), "bad": False})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the token and open a server-side session: the HttpOnly, SameSite=Strict cookie holds the
    session's opaque id (Secure behind TLS), never the token, and ends with HUB_SESSION_HOURS."""
    token = token.strip()
    secret = settings.secret_key.get_secret_value()
    try:
        principal = authenticate(session, secret, token)
    except NotAuthenticated:
        return render(request, "login.html", {"next": _safe_next(next), "bad": True}, status_code=401)
    opaque, _ = open_session(session, secret, principal, hours=settings.session_hours)
    target = _safe_next(next)
    response = RedirectResponse(home_for(principal) if target == "/" else target, status_code=303)
    set_session_cookie(request, response, settings, opaque)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Sign out: the session is deleted on the server, so its id opens nothing any more."""
    opaque = request.cookies.get(SESSION_COOKIE)
    if opaque:
        close_session(session, settings.secret_key.get_secret_value(), opaque)
    response = redirect("/login", message="signed_out")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _principals_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    created: Principal | None = None,
    token: str | None = None,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "principals.html",
        {
            "principals": PrincipalRepository(session).list(within_division=bound_division(principal)),
            "kinds": CREATABLE[principal.role],
            "created": created,
            "token": token,
            "error": error,
            "form": form or {"kind": CREATABLE[principal.role][0]},
        },
        principal=principal,
        status_code=status_code,
    )


@router.get("/principals")
def principals(
    request: Request, session: SessionDep, principal: Annotated[Principal, role(OPEN_ACCOUNTS)]
) -> Response:
    """Accounts, and the form that opens one and shows its token once."""
    return _principals_page(request, session, principal)


@router.post("/principals")
def create_principal(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: Annotated[Principal, role(OPEN_ACCOUNTS)],
    kind: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    school_code: Annotated[str, Form()] = "",
    division: Annotated[str, Form()] = "",
) -> Response:
    """Open an account; the page shows its token this once."""
    form = {
        "kind": kind,
        "name": name.strip(),
        "code": code.strip(),
        "school_code": school_code.strip(),
        "division": division.strip(),
    }
    lang = lang_of(request)
    if kind not in CREATABLE[principal.role]:
        raise AccountKindNotAllowed(
            *(
                i18n.text("error.cannot_open", language).format(
                    mine=i18n.text(f"kind.{principal.kind}", language),
                    kind=i18n.text(f"kind.{kind}", language),
                )
                for language in ("zh", "en")
            ),
            detail={"allowed": [i18n.text(f"kind.{k}", lang) for k in CREATABLE[principal.role]]},
        )
    try:
        payload = PrincipalCreate(
            kind=kind,  # type: ignore[arg-type]
            name=form["name"],
            code=form["code"],
            school_code=form["school_code"] or None,
            division=form["division"] or None,
        )
        created, token = access.create_principal(
            session,
            settings.secret_key.get_secret_value(),
            payload,
            creator=principal,
            expires_at=utcnow() + timedelta(days=settings.token_days) if settings.token_days else None,
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{i18n.text(FORM_LABELS.get(str(e['loc'][0]), 'common.name'), lang)}: {i18n.validation_message(e, lang)}"
            for e in exc.errors()
        )
        return _principals_page(request, session, principal, error=problems, form=form, status_code=422)
    except HubError as exc:
        session.rollback()
        return _principals_page(
            request,
            session,
            principal,
            error=exc.message_in(lang),
            form=form,
            status_code=exc.status_code,
        )
    return _principals_page(request, session, principal, created=created, token=token)


@router.post("/principals/{principal_id}/revoke")
def revoke_principal(
    principal_id: int, session: SessionDep, principal: Annotated[Principal, role(ADMINISTER)]
) -> Response:
    """Revoke an account: its token stops working at once (admin only, as in the API)."""
    if principal_id == principal.id:
        raise CannotRevokeSelf(*i18n.pair("error.revoke_self"))
    access.revoke_principal(session, principal_id, revoker=principal)
    return redirect("/principals", message="principal_revoked")
