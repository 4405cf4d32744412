"""The application's start: what a served hub sets up before its first request."""

from __future__ import annotations

import gc
import importlib
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

import hub
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


def _domain_modules(kind: str) -> list[str]:
    """`hub.<domain>.<kind>` for every domain package that has such a file, from the source tree."""
    root = Path(hub.__file__).parent
    return sorted(
        f"hub.{package.name}.{kind}"
        for package in root.iterdir()
        if (package / "__init__.py").is_file() and (package / f"{kind}.py").is_file()
    )


def test_every_domain_router_is_mounted() -> None:
    """A domain's api.py left out of app.API_ROUTERS would answer 404 for all its paths: fail here instead."""
    from hub.app import API_ROUTERS

    listed = {id(router) for router in API_ROUTERS}
    missing = [
        name for name in _domain_modules("api") if id(importlib.import_module(name).router) not in listed
    ]
    assert missing == []


def test_every_domain_model_and_command_is_listed() -> None:
    """A models.py missing from hub.models is a table Alembic never sees; a cli.py missing from hub.cli a
    command nobody can run."""
    from hub.cli import DOMAIN_COMMANDS
    from hub.models import MODEL_MODULES

    assert sorted(module.__name__ for module in MODEL_MODULES) == _domain_modules("models")
    assert sorted(module.__name__ for module in DOMAIN_COMMANDS) == _domain_modules("cli")


def test_the_hub_wires_its_own_code_by_plain_imports() -> None:
    """No module of the hub reaches another through importlib: every dependency is visible to lint-imports."""
    root = Path(hub.__file__).parent
    hidden = [
        f"{path.relative_to(root.parent)}:{number}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bimport_module\(|\bfind_spec\(|\b__import__\(", line)
    ]
    assert hidden == []
