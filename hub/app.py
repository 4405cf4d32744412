"""The FastAPI application: /health, /openapi.json, every API path under /api/v1, web pages at /."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from hub.access import api as access_api
from hub.access.service import ensure_bootstrap_admin
from hub.audit import api as audit_api
from hub.burden import api as burden_api
from hub.complaints import api as complaints_api
from hub.config import Settings, get_settings
from hub.db import begin_write, engine_for, session_factory
from hub.errors import BodyTooLarge, ServiceBusy, install_error_handlers
from hub.holidays import api as holidays_api
from hub.kit.admission import Admission
from hub.kit.guards import BodyLimit, SecurityHeaders
from hub.notices import api as notices_api
from hub.onboarding import api as onboarding_api
from hub.reads import api as reads_api
from hub.records import api as records_api
from hub.register import api as register_api
from hub.requests import api as requests_api
from hub.schools import api as schools_api
from hub.selfcheck import api as selfcheck_api
from hub.sources import api as sources_api
from hub.standard import api as standard_api
from hub.tasks import api as tasks_api
from hub.web.pages import mount as mount_web_pages

# Every domain's API, mounted under /api/v1 in this order (the first route matching a path wins, so a
# fixed path such as /requests/releases must come before /requests/{request_id}/… of a later router).
# tests/hub/test_app.py fails when a domain's api.py is missing here.
API_ROUTERS: tuple[APIRouter, ...] = (
    access_api.router,
    audit_api.router,
    burden_api.router,
    complaints_api.router,
    holidays_api.router,
    notices_api.router,
    onboarding_api.router,
    reads_api.router,
    records_api.router,
    register_api.router,
    requests_api.router,
    schools_api.router,
    selfcheck_api.router,
    sources_api.router,
    standard_api.router,
    tasks_api.router,
)


def create_app(settings: Settings | None = None, factory: sessionmaker[Session] | None = None) -> FastAPI:
    settings = settings or get_settings()
    factory = factory or session_factory(engine_for(settings.database_url, pool_size=settings.db_pool_size))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.admin_token is not None:
            with factory.begin() as session:
                begin_write(session)
                ensure_bootstrap_admin(
                    session, settings.secret_key.get_secret_value(), settings.admin_token.get_secret_value()
                )
        _warm_matcher(factory)
        if settings.env != "test":
            # Startup leaves ~half a million objects that live as long as the process (the matcher's
            # dictionaries, pypinyin's tables). A full collection walks them all, ~200 ms, in the middle
            # of whichever request set it off; frozen, collections see only what requests create.
            # (Not in tests, where every test starts an app and frozen objects would pile up.)
            gc.freeze()
        yield

    # /docs and /redoc load Swagger UI and ReDoc from files shipped in the package, never from a CDN:
    # bureau intranets have no internet.
    app = FastAPIOffline(
        title="Yici Hub 一次",
        summary="一次采集、多次使用 — collect teacher and school data once, use it many times",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.session_factory = factory
    install_error_handlers(app)
    # As many requests at once as the pool has connections; /health answers even when all are taken.
    app.add_middleware(
        Admission,
        limit=settings.db_pool_size,
        wait_seconds=settings.admission_wait_seconds,
        busy_body=ServiceBusy().body(),
        exempt=frozenset({"/health"}),
    )
    app.add_middleware(
        BodyLimit,
        json_bytes=settings.max_json_bytes,
        upload_bytes=settings.max_upload_bytes,
        body_of=lambda limit, kind: BodyTooLarge(limit, kind).body(),
    )
    app.add_middleware(SecurityHeaders)
    # A 10k-row JSON page is ~3.4 MB and ~0.5 MB gzipped; bureau links are often slow. Outermost, so
    # what the other middleware answers (a 503, a 413) is compressed too when it is large.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness and database reachability."""
        with factory() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok"}

    api = APIRouter(prefix="/api/v1")
    for router in API_ROUTERS:
        api.include_router(router)
    app.include_router(api)
    # Web pages live at the site root, not under /api/v1.
    mount_web_pages(app)
    return app


def _warm_matcher(factory: sessionmaker[Session]) -> None:
    """Build the dedup index before the first request instead of during it (a few seconds)."""
    from sqlalchemy.exc import SQLAlchemyError

    from hub.requests.service import matcher_for

    try:
        with factory() as session:
            matcher_for(session)
    except SQLAlchemyError:  # an unmigrated database: the first request will say so
        pass
