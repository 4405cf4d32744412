"""Scratch hub databases of their own, for what commits: the scheduler, its jobs and the CLI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from hub.db import make_engine
from hub.migrate import upgrade

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def scratch_database_url(tmp_path: Path) -> Iterator[str]:
    """A hub database of its own, migrated and committed to (for the scheduler and the CLI).

    PostgreSQL (a database created for the test and dropped after) when the suite runs on PostgreSQL,
    a SQLite file otherwise.
    """
    if os.environ.get("HUB_TEST_DATABASE_URL", "").startswith("postgresql"):
        name = f"test_sources_{uuid.uuid4().hex[:10]}"
        base = make_url(os.environ["HUB_TEST_DATABASE_URL"])
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)
        try:
            yield url
        finally:
            from hub.db import engine_for

            engine_for(url).dispose()
            with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'hub.db'}"


@pytest.fixture
def scratch_engine(scratch_database_url: str) -> Iterator[Engine]:
    engine = make_engine(scratch_database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
