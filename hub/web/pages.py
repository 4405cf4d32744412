"""Mount the web pages at the site root (the API lives under /api/v1) and the static files under /static."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from hub.web.kit import STATIC
from hub.web.routes import auth, bureau, complaints, requests, school


def mount(app: FastAPI) -> None:
    """Add every page router and /static to `app` (called once by hub.app.create_app)."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, requests, school, bureau, complaints):
        app.include_router(module.router)
