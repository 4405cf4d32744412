"""What every page shares: the signed-in principal from its cookie, the language, CSRF, rendering, error pages.

Pages call the domain services directly in the request's session (SessionDep), so they obey the same
rules as the API; a service's HubError becomes an error page (or, for an htmx call, an error box) in
the reader's language instead of the API's JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import object_session

from hub.burden import auth as burden_auth
from hub.complaints import auth as complaints_auth
from hub.config import Settings
from hub.deps import SessionDep, SettingsDep
from hub.errors import HubError, NotAuthenticated, RoleNotAllowed
from hub.holidays import service as holidays
from hub.holidays.auth import KEEP_CALENDAR
from hub.identity import auth as identity_auth
from hub.identity.models import Principal
from hub.identity.roles import Role, RoleRule
from hub.identity.sessions import session_principal
from hub.kit.clock import DEFAULT_TIMEZONE, local_today
from hub.requests import auth as requests_auth
from hub.tasks import auth as tasks_auth
from hub.web import i18n
from hub.web.errors import CsrfRefused, FormInvalid

SESSION_COOKIE = "hub_session"
LANG_COOKIE = "hub_lang"
TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"

templates = Jinja2Templates(directory=TEMPLATES)
templates.env.globals["pick"] = i18n.pick
templates.env.globals["rule_label"] = i18n.rule_label
templates.env.globals["type_word"] = i18n.type_word
templates.env.globals["confidence_text"] = i18n.confidence_text
# Pages ask the domains' own role rules (`rules.complaints.ANSWER.allows(me)`) and the Role enum, never
# role strings, so who may do what is written once, in each domain's auth.py.
templates.env.globals["Role"] = Role
templates.env.globals["rules"] = SimpleNamespace(
    burden=burden_auth,
    complaints=complaints_auth,
    identity=identity_auth,
    requests=requests_auth,
    tasks=tasks_auth,
)
templates.env.filters["pct"] = lambda value: "–" if value is None else f"{value * 100:.0f}%"
# Stored instants are UTC; people read them on Beijing time.
LOCAL_TIME = ZoneInfo(DEFAULT_TIMEZONE)


def _local(value: datetime | date | None, pattern: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(LOCAL_TIME)
    return value.strftime(pattern)


templates.env.filters["day"] = lambda value: _local(value, "%Y-%m-%d")
templates.env.filters["minute"] = lambda value: _local(value, "%Y-%m-%d %H:%M")


class LoginRequired(Exception):
    """No valid token cookie: the page sends the reader to the sign-in form."""


def lang_of(request: Request) -> str:
    """?lang= wins (and is remembered in a cookie), then the cookie, then Chinese."""
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    return remembered if remembered in i18n.LANGS else i18n.DEFAULT


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def same_origin(request: Request) -> bool:
    """A state-changing request must say it comes from this site (Origin, else Referer).

    The SameSite=Strict cookie already keeps other sites' forms from carrying the token; this check
    also refuses a POST whose origin is foreign or unstated.
    """
    here = f"{request.url.scheme}://{request.url.netloc}"
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.rstrip("/") == here
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == here
    return False


def home_for(principal: Principal) -> str:
    return {
        Role.DEPARTMENT: "/requests",
        Role.STATISTICS: "/review",
        Role.EDUCATION: "/requests",
        Role.SCHOOL: "/tasks",
        Role.OFFICE: "/complaints",
        Role.ADMIN: "/principals",
    }.get(principal.role, "/")


NAV: dict[Role, list[tuple[str, str]]] = {
    Role.DEPARTMENT: [
        ("/requests", "nav.my_requests"),
        ("/requests/new", "nav.new_request"),
        ("/standard", "nav.standard"),
        ("/catalogue", "nav.catalogue"),
        ("/away", "nav.away"),
        ("/list", "nav.list"),
        ("/whitelist", "nav.whitelist"),
        ("/webhook", "nav.webhook"),
    ],
    Role.STATISTICS: [
        ("/review", "nav.review"),
        ("/requests", "nav.all_requests"),
        ("/standard", "nav.standard"),
        ("/catalogue", "nav.catalogue"),
    ],
    Role.EDUCATION: [
        ("/requests", "nav.requests"),
        ("/releases", "nav.releases"),
        ("/burden", "nav.burden"),
        ("/counts", "nav.counts"),
        ("/complaints", "nav.complaints_inbox"),
        ("/away", "nav.away"),
        ("/list", "nav.list"),
        ("/whitelist", "nav.whitelist"),
        ("/imports", "nav.imports"),
        ("/sources", "nav.sources"),
        ("/grants", "nav.grants"),
        ("/standard", "nav.standard"),
        ("/catalogue", "nav.catalogue"),
        ("/audit", "nav.audit"),
        ("/calendar", "nav.calendar"),
        ("/principals", "nav.principals"),
        ("/onboarding", "nav.onboarding"),
    ],
    Role.SCHOOL: [
        ("/tasks", "nav.tasks"),
        ("/school", "nav.school"),
        ("/complaints", "nav.complaints"),
        ("/away", "nav.away"),
        ("/list", "nav.list"),
        ("/whitelist", "nav.whitelist"),
        ("/selfcheck", "nav.selfcheck"),
        ("/standard", "nav.standard"),
    ],
    Role.OFFICE: [
        ("/list", "nav.list"),
        ("/complaints", "nav.complaints_inbox"),
        ("/away", "nav.away"),
        ("/standard", "nav.standard"),
    ],
    Role.ADMIN: [
        ("/principals", "nav.principals"),
        ("/requests", "nav.requests"),
        ("/burden", "nav.burden"),
        ("/grants", "nav.grants"),
        ("/imports", "nav.imports"),
        ("/sources", "nav.sources"),
        ("/standard", "nav.standard"),
        ("/audit", "nav.audit"),
    ],
}


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    principal: Principal | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    lang = lang_of(request)
    message = request.query_params.get("msg")
    values = {
        "lang": lang,
        "t": i18n.translator(lang),
        "me": principal,
        "nav": NAV.get(principal.role, []) if principal else [],
        "path": request.url.path,
        "flash": i18n.text(f"flash.{message}", lang) if message and i18n.has(f"flash.{message}") else None,
        "calendar_missing": _calendar_missing(principal),
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, values, status_code=status_code, headers=headers)


def _calendar_missing(principal: Principal | None) -> int | None:
    """Next year, on the education bureau's pages from November, while its holidays are not entered."""
    if principal is None or not KEEP_CALENDAR.allows(principal):
        return None
    session = object_session(principal)
    return holidays.missing_next_year(session, local_today()) if session is not None else None


def redirect(url: str, *, message: str | None = None) -> RedirectResponse:
    """303 after a POST, so a reload does not post again; `message` is a flash.* key of the catalogue."""
    if message:
        url = f"{url}{'&' if '?' in url else '?'}msg={quote(message)}"
    return RedirectResponse(url, status_code=303)


def error_response(request: Request, error: HubError, *, status_code: int | None = None) -> Response:
    """The page (or htmx box) for an error, in the reader's language."""
    lang = lang_of(request)
    status_code = status_code or error.status_code
    heading_key = f"error.status.{status_code}"
    context = {
        "status": status_code,
        "heading": i18n.text(heading_key if i18n.has(heading_key) else "error.title", lang),
        "message": error.message_in(lang),
        "detail": error.detail,
        "code": error.code,
    }
    if is_htmx(request):
        # htmx leaves 4xx answers unswapped: answer 200 and put the error box where messages go.
        return render(
            request,
            "_error_box.html",
            context,
            headers={"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"},
        )
    return render(request, "error.html", context, status_code=status_code)


class PageRoute(APIRoute):
    """A page: CSRF-checked POSTs, sign-in redirects, service errors as pages, ?lang= remembered."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            if request.method not in ("GET", "HEAD") and not same_origin(request):
                response = error_response(request, CsrfRefused(*i18n.pair("error.csrf")))
            else:
                try:
                    response = await handler(request)
                except LoginRequired:
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    login = f"/login?next={quote(target)}"
                    if is_htmx(request):
                        response = Response(status_code=200, headers={"HX-Redirect": login})
                    else:
                        response = RedirectResponse(login, status_code=303)
                    response.delete_cookie(SESSION_COOKIE, path="/")
                except HubError as exc:
                    response = error_response(request, exc)
                except RequestValidationError as exc:
                    problems = [
                        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg', '')}"
                        for e in exc.errors()
                    ]
                    response = error_response(request, FormInvalid(*i18n.pair("error.form"), detail=problems))
            asked = request.query_params.get("lang")
            if asked in i18n.LANGS:
                response.set_cookie(LANG_COOKIE, asked, max_age=365 * 86400, samesite="strict", path="/")
            return response

        return page


def page_principal(request: Request, session: SessionDep, settings: SettingsDep) -> Principal:
    opaque = request.cookies.get(SESSION_COOKIE)
    if not opaque:
        raise LoginRequired
    try:
        return session_principal(session, settings.secret_key.get_secret_value(), opaque)
    except NotAuthenticated:
        raise LoginRequired from None


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def role(rule: RoleRule) -> Any:
    """A page dependency that lets through only the principals `rule` allows (a 403 page for the others).

    The rule is the domain's own (`hub/<domain>/auth.py`), the one its service checks too.
    """

    def check(request: Request, principal: PagePrincipal) -> Principal:
        if not rule.allows(principal):
            lang = lang_of(request)
            raise RoleNotAllowed(
                *i18n.pair(
                    "error.role",
                    kind_zh=i18n.text(f"kind.{principal.kind}", "zh"),
                    kind_en=i18n.text(f"kind.{principal.kind}", "en"),
                ),
                detail={"allowed": [i18n.text(f"kind.{k}", lang) for k in rule.roles]},
            )
        return principal

    return Depends(check)


def behind_tls(request: Request, settings: Settings) -> bool:
    """Whether the browser reached the hub over TLS: HUB_SECURE_COOKIES when set, else the scheme or the
    X-Forwarded-Proto of the proxy that ended TLS in front of the hub."""
    if settings.secure_cookies is not None:
        return settings.secure_cookies
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def set_session_cookie(request: Request, response: Response, settings: Settings, opaque: str) -> None:
    """The session's opaque id (never the token), for as long as the session lasts."""
    response.set_cookie(
        SESSION_COOKIE,
        opaque,
        max_age=settings.session_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=behind_tls(request, settings),
        path="/",
    )
