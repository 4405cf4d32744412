"""Engine, sessions and the declarative base. The request (or the job) owns the transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, `||` merges), plain JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and read back timezone-aware on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Execution option of a connection whose transaction will write (see `begin_write`).
WRITE_OPTION = "hub_write"


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        # timeout: how long a writer waits for another to commit (SQLite's busy timeout).
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
            # Let SQLAlchemy, not pysqlite, issue BEGIN: pysqlite's own transaction handling breaks
            # SAVEPOINTs (which tests and nested units of work rely on).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # A deferred transaction that has read cannot start writing once another connection has
            # committed: SQLite refuses at once ("database is locked"), busy timeout or not. One that
            # will write takes the write lock up front and waits its turn (the connect timeout) instead.
            # Reads stay deferred, so a long read never holds up a writer.
            writes = connection.get_execution_options().get(WRITE_OPTION, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


@lru_cache
def engine_for(url: str) -> Engine:
    return make_engine(url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def begin_write(session: Session) -> None:
    """Begin the session's transaction as one that will write: on SQLite it takes the write lock now
    (BEGIN IMMEDIATE), waiting for another writer to finish, so its reads and writes see one state.

    Call it before the session's first statement. No effect on PostgreSQL, whose writers do not
    exclude each other.
    """
    connection = session.connection(execution_options={WRITE_OPTION: True})
    if not connection.get_execution_options().get(WRITE_OPTION):
        raise RuntimeError("begin_write() after the transaction began: it has to come before the first read")


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A unit of work for jobs and CLI commands: commit on success, roll back on error.

    `write=True` for one that writes (see `begin_write`). Leave it off for one that only reads, or that
    writes through connections of its own, like `sync_jobs` through the scheduler's job store: holding
    the write lock there would make those writes wait for this transaction, which waits for them.
    """
    with session_factory(engine).begin() as session:
        if write:
            begin_write(session)
        yield session
