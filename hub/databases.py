"""Throwaway databases for tests, benchmarks and evaluations: create one if missing, empty it, migrate it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from hub.db import make_engine
from hub.migrate import upgrade


def _admin_dsn(url: str) -> str:
    """The server's maintenance database, through plain psycopg, for CREATE/DROP DATABASE."""
    return (
        make_url(url).set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    )


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database `url` names if the server lacks it (no-op for SQLite)."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    with psycopg.connect(_admin_dsn(url), autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{target.database}"')


def drop_database(url: str) -> None:
    """Drop the PostgreSQL database `url` names, sessions and all (no-op for SQLite)."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    with psycopg.connect(_admin_dsn(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')


def empty_schema(engine: Engine) -> None:
    """Drop every table (PostgreSQL: the public schema) so migrations start from nothing."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


def fresh_engine(url: str) -> Engine:
    """An engine on an empty database migrated to the latest schema."""
    ensure_database(url)
    engine = make_engine(url)
    empty_schema(engine)
    upgrade(engine)
    return engine


def bench_database_url(name: str) -> str:
    """Where a benchmark runs: HUB_BENCH_DATABASE_URL; else a database `name` on the test server (the test
    database itself is left alone); else a SQLite file in a temporary folder."""
    if url := os.environ.get("HUB_BENCH_DATABASE_URL"):
        return url
    if url := os.environ.get("HUB_TEST_DATABASE_URL"):
        return make_url(url).set(database=name).render_as_string(hide_password=False)
    return f"sqlite:///{Path(tempfile.mkdtemp()) / f'{name}.db'}"
