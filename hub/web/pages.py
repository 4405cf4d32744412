"""Mount the web pages at the site root (the API lives under /api/v1) and the static files under /static."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from hub.errors import http_error
from hub.web import i18n
from hub.web.errors import PageNotFound
from hub.web.kit import STATIC, error_response
from hub.web.routes import (
    auth,
    bureau,
    calendar,
    catalogue,
    complaints,
    imports,
    notices,
    onboarding,
    public,
    register,
    releases,
    requests,
    school,
    sources,
    standard,
)

# Paths that answer machines: their errors keep the API's JSON.
MACHINE_PATHS = ("/api/", "/openapi.json", "/docs", "/redoc", "/health", "/static/")


def mount(app: FastAPI) -> None:
    """Add every page router and /static to `app` (called once by hub.app.create_app)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        auth,
        public,
        requests,
        releases,
        school,
        bureau,
        complaints,
        notices,
        calendar,
        catalogue,
        register,
        sources,
        imports,
        standard,
        onboarding,
    ):
        app.include_router(module.router)

    async def not_a_page(request: Request, exc: Exception) -> Response:
        # An unknown address or a wrong method on a page gets a page a person can read, not JSON.
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith(MACHINE_PATHS) or exc.status_code not in (404, 405):
            return await http_error(request, exc)
        key = "error.not_found" if exc.status_code == 404 else "error.method"
        return error_response(request, PageNotFound(*i18n.pair(key)), status_code=exc.status_code)

    app.add_exception_handler(HTTPException, not_a_page)
