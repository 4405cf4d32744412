"""The application's start: what a served hub sets up before its first request."""

from __future__ import annotations

import gc

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
