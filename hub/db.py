"""Engine, sessions and the declarative base. The request (or the job) owns the transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from hub.kit.turns import Turns

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


# How long a writer waits for the one before it (SQLite's busy timeout, and the in-process queue below).
SQLITE_WRITER_WAIT_SECONDS = 30

# Key in a connection's `info` while it holds the engine's writer lock (see `_serialise_writers`).
_HOLDS_WRITER_LOCK = "hub_holds_writer_lock"


class WriterQueueTimeout(TimeoutError):
    """A writer waited longer than SQLITE_WRITER_WAIT_SECONDS for the writers before it."""


def shown_url(url: str) -> str:
    """A database URL fit to print: its password masked (a URL without one is shown as it is)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can parse: show none of it rather than a secret
        return "(unparsable database URL)"


def make_engine(url: str, *, pool_size: int | None = None, **kwargs: Any) -> Engine:
    """The engine for `url`. `pool_size` bounds the connections kept open; as many again may be
    opened for a burst (a streamed answer holds a second connection beside its request's)."""
    in_memory = url.startswith("sqlite") and (":memory:" in url or url.rstrip("/") in {"sqlite:", "sqlite:/"})
    if pool_size is not None and not in_memory:
        kwargs.setdefault("pool_size", pool_size)
        kwargs.setdefault("max_overflow", pool_size)
        # Past this, a request gets a 503 to retry (hub.kit.admission) rather than a 30 s wait.
        kwargs.setdefault("pool_timeout", 10)
    if url.startswith("sqlite"):
        # timeout: how long a writer waits for another to commit (SQLite's busy timeout).
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": SQLITE_WRITER_WAIT_SECONDS})
        engine = create_engine(url, **kwargs)
        _serialise_writers(engine)

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


def _serialise_writers(engine: Engine) -> None:
    """Writers of one process take their turn in a queue of the process's own.

    SQLite lets one writer in at a time. Left to itself, every waiting writer polls the file lock with
    growing sleeps, and under a few dozen concurrent writers some wait past the busy timeout and fail
    with "database is locked" although the database was never stuck. A first-come-first-served queue
    in the process hands the turn straight to the next writer; the busy timeout stays for writers of other processes (the CLI,
    a second worker). The lock is taken at BEGIN IMMEDIATE and given back when the transaction ends.
    """
    lock = Turns()

    @event.listens_for(engine, "begin")
    def _take_turn(connection: Any) -> None:
        if connection.get_execution_options().get(WRITE_OPTION, False):
            if not lock.acquire(timeout=SQLITE_WRITER_WAIT_SECONDS):
                raise WriterQueueTimeout(
                    f"waited {SQLITE_WRITER_WAIT_SECONDS} s for the writers before this one"
                )
            connection.info[_HOLDS_WRITER_LOCK] = True

    def _give_turn(connection: Any) -> None:
        if connection.info.pop(_HOLDS_WRITER_LOCK, False):
            lock.release()

    event.listen(engine, "commit", _give_turn)
    event.listen(engine, "rollback", _give_turn)

    @event.listens_for(engine, "checkin")
    def _never_keep_turn(dbapi_connection: Any, record: Any) -> None:
        # A connection returned to the pool mid-transaction (closed without commit or rollback).
        if record.info.pop(_HOLDS_WRITER_LOCK, False):
            lock.release()


@lru_cache
def engine_for(url: str, *, pool_size: int | None = None) -> Engine:
    return make_engine(url, pool_size=pool_size)


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


# Below this many rows written at once, the planner's statistics of a table stay good enough.
BULK_ROWS = 50_000
# The tables a bureau's subtree is found through (schools by division, tasks by request and school) are
# small, one row per school, and every county's page joins them: their statistics are refreshed from
# this many rows written (ANALYZE of 10,000 schools takes milliseconds). Left stale, the planner reads
# a county's 100 schools as 1 and joins the county's 10,000 task rows to the teachers row by row.
SMALL_TABLE_ROWS = 1_000


def refresh_statistics(
    session: Session,
    *tables: str,
    rows: int,
    columns: Sequence[str] | None = None,
    threshold: int = BULK_ROWS,
) -> None:
    """After a bulk write of `rows` rows on PostgreSQL, refresh the planner's statistics of `tables`
    (ANALYZE, in the caller's transaction, which counts its own rows). Autovacuum would, later: until
    then a table just filled with a million teachers looks empty to the planner, and a county's page
    joining it becomes a sequential scan of the province (bench/levels.py: 1.9 s instead of ~0.1 s).
    `columns` (the keys the pages join and filter by) bound the work: the row count is refreshed all
    the same, and analysing 2 columns of a 60-column table costs a tenth of analysing them all (4.3 s
    against 0.4 s at 200k teachers); autovacuum refreshes the others later."""
    bind = session.get_bind()
    if rows < threshold or bind.dialect.name != "postgresql":
        return
    for table in tables:
        session.execute(text(f"ANALYZE {table}" + (f" ({', '.join(columns)})" if columns else "")))
