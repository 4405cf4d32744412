"""The application's start: what a served hub sets up before its first request."""

from __future__ import annotations

import gc
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from hub.app import create_app
from hub.config import Settings


def test_a_served_hub_freezes_what_startup_built_and_tests_do_not(
    settings: Settings, session_maker: sessionmaker[Session]
) -> None:
    """Long-lived startup objects are moved out of the collector's way (no 200 ms full collections in
    requests); under test, where every test starts an app, nothing is frozen."""
    gc.unfreeze()
    try:
        with TestClient(create_app(settings, session_maker)) as client:
            assert client.get("/health").status_code == 200
        assert gc.get_freeze_count() == 0
        served = settings.model_copy(update={"env": "development"})
        with TestClient(create_app(served, session_maker)) as client:
            assert client.get("/health").status_code == 200
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()


def test_docs_and_redoc_load_only_from_the_hub_itself(
    settings: Settings, session_maker: sessionmaker[Session]
) -> None:
    """Bureau intranets have no internet: /docs and /redoc name no outside host, and every script, style
    sheet and icon they load is served by the hub."""
    with TestClient(create_app(settings, session_maker)) as client:
        for page in ("/docs", "/redoc"):
            answer = client.get(page)
            assert answer.status_code == 200
            assert re.findall(r"https?://[\w.-]+", answer.text) == [], page
            assets = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
            assert any(a.endswith(".js") for a in assets), page
            for asset in assets:
                loaded = client.get(asset)
                assert loaded.status_code == 200 and len(loaded.content) > 1000, asset
        assert client.get("/openapi.json").json()["info"]["title"].startswith("Yici Hub")


def test_large_answers_are_gzipped_for_clients_that_accept_it(
    settings: Settings, session_maker: sessionmaker[Session]
) -> None:
    """A bureau on a slow link gets large bodies compressed; small ones are sent as they are."""
    with TestClient(create_app(settings, session_maker)) as client:
        plain = client.get("/openapi.json", headers={"Accept-Encoding": "identity"})
        packed = client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
        small = client.get("/health", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.json() == plain.json()  # the client decodes it back to the same document
    assert int(packed.headers["content-length"]) < len(plain.content) / 3
    assert "content-encoding" not in small.headers
