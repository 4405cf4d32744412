"""Test database: real PostgreSQL when HUB_TEST_DATABASE_URL is set (CI sets it), SQLite otherwise.

The schema is built once per run by the real Alembic migrations; each test runs inside a transaction
that is rolled back (the app's own commits become savepoint releases).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from hub.app import create_app
from hub.config import Settings
from hub.databases import fresh_engine

ADMIN_TOKEN = "test-admin-token-0123456789"
SECRET = "test-secret-key-not-for-production"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("HUB_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = fresh_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture
def session_maker(connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def session(session_maker: sessionmaker[Session]) -> Iterator[Session]:
    with session_maker() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        admin_token=SecretStr(ADMIN_TOKEN),
        secret_key=SecretStr(SECRET),
        scheduler_enabled=False,
    )


@pytest.fixture
def client(settings: Settings, session_maker: sessionmaker[Session]) -> Iterator[TestClient]:
    app = create_app(settings, factory=session_maker)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated SQLite file of its own, named by HUB_DATABASE_URL, as an operator's `hub …` command finds it."""
    from hub.config import get_settings
    from hub.db import engine_for
    from hub.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'hub.db'}"
    monkeypatch.setenv("HUB_DATABASE_URL", url)
    monkeypatch.setenv("HUB_SECRET_KEY", "a-test-secret-for-the-cli")
    get_settings.cache_clear()
    engine = engine_for(url)
    upgrade(engine)
    yield engine
    engine.dispose()
    get_settings.cache_clear()
