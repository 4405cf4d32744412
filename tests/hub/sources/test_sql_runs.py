"""SQL sources (SQLite, PostgreSQL, MariaDB), read incrementally by an updated-at column."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.records.models import RecordHistory, teachers_table
from hub.sources.models import Source
from hub.sources.service import run_source
from tests.hub.factories import create_city
from tests.hub.sources.factories import SQL_MAPPING, create_source, upstream_teachers

T0 = datetime(2026, 3, 1, 8, 0, 0)


class SourceTable:
    """An HR database table on a real server: the test writes rows, the source reads them."""

    def __init__(
        self, url: str, table: str, execute: Callable[[str, list[tuple[Any, ...]]], None], marker: str
    ) -> None:
        self.url = url
        self.table = table
        self._execute = execute
        self.marker = marker

    def create(self) -> None:
        self._execute(
            f"CREATE TABLE {self.table} (sfzh VARCHAR(18) PRIMARY KEY, xm VARCHAR(50), xb VARCHAR(4), "
            "csrq DATE, dwdm VARCHAR(10), updated_at TIMESTAMP NULL)",
            [],
        )

    def insert(self, teachers: pd.DataFrame, stamps: list[datetime]) -> None:
        m = self.marker
        rows = [
            (r.id_number, r.name, r.gender, r.birth_date, r.school_code, stamp)
            for r, stamp in zip(teachers.itertuples(index=False), stamps, strict=True)
        ]
        self._execute(f"INSERT INTO {self.table} VALUES ({m}, {m}, {m}, {m}, {m}, {m})", rows)

    def rename(self, id_number: str, name: str, stamp: datetime) -> None:
        m = self.marker
        self._execute(
            f"UPDATE {self.table} SET xm = {m}, updated_at = {m} WHERE sfzh = {m}", [(name, stamp, id_number)]
        )


@pytest.fixture
def sqlite_table(tmp_path: Path) -> SourceTable:
    path = tmp_path / "hr.db"

    def execute(sql: str, rows: list[tuple[Any, ...]]) -> None:
        with sqlite3.connect(path) as connection:
            rows_text = [
                tuple(v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in row) for row in rows
            ]
            connection.executemany(sql, rows_text) if rows else connection.execute(sql)

    return SourceTable(f"sqlite:///{path}", "hr_staff", execute, "?")


@pytest.fixture
def postgresql_table(pg_source_table: tuple[str, str]) -> SourceTable:
    url, table = pg_source_table

    def execute(sql: str, rows: list[tuple[Any, ...]]) -> None:
        with (
            psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as connection,
            connection.cursor() as cursor,
        ):
            cursor.executemany(sql, rows) if rows else cursor.execute(sql)

    return SourceTable(url, table, execute, "%s")


@pytest.fixture
def mariadb_table() -> Iterator[SourceTable]:
    pymysql = pytest.importorskip("pymysql")
    try:
        pymysql.connect(host="127.0.0.1", user="root", database="test", connect_timeout=2).close()
    except pymysql.Error:
        pytest.skip("MariaDB is not running on 127.0.0.1:3306")
    table = f"hr_staff_{uuid.uuid4().hex[:10]}"

    def execute(sql: str, rows: list[tuple[Any, ...]]) -> None:
        connection = pymysql.connect(
            host="127.0.0.1", user="root", database="test", autocommit=True, charset="utf8mb4"
        )
        with connection, connection.cursor() as cursor:
            cursor.executemany(sql, rows) if rows else cursor.execute(sql)

    yield SourceTable("mysql+pymysql://root@127.0.0.1:3306/test", table, execute, "%s")
    execute(f"DROP TABLE IF EXISTS {table}", [])


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def source_table(request: pytest.FixtureRequest) -> SourceTable:
    table: SourceTable = request.getfixturevalue(f"{request.param}_table")
    table.create()
    return table


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=2, teachers=0)


def history(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RecordHistory)) or 0


def test_an_incremental_source_reads_only_what_changed_since_its_mark(
    session: Session,
    settings: Settings,
    city,
    source_table: SourceTable,  # type: ignore[no-untyped-def]
) -> None:
    teachers = upstream_teachers(city, 11)
    first, later = teachers.iloc[:10], teachers.iloc[10:]
    source_table.insert(first, [T0 + timedelta(minutes=i) for i in range(10)])
    create_source(
        session, name="hr-db", kind="sql", mapping=SQL_MAPPING,
        settings={"url": source_table.url, "table": source_table.table, "updated_at_column": "updated_at"},
    )  # fmt: skip

    run = run_source(session, settings, "hr-db", actor=None)

    assert run.status == "succeeded", run.error
    assert (run.rows_read, run.accepted, run.inserted) == (10, 10, 10)
    assert run.high_water_mark_from is None
    assert run.high_water_mark is not None and run.high_water_mark.startswith("2026-03-01 08:09")
    assert session.scalar(select(func.count()).select_from(teachers_table)) == 10

    # Upstream: one teacher renamed, one hired; everything else untouched.
    renamed = first.iloc[2]
    source_table.rename(renamed.id_number, "司马文静", T0 + timedelta(hours=1))
    source_table.insert(later, [T0 + timedelta(hours=2)])
    before = history(session)

    second = run_source(session, settings, "hr-db", actor=None)

    assert second.status == "succeeded", second.error
    assert second.high_water_mark_from == run.high_water_mark
    assert second.high_water_mark is not None and second.high_water_mark.startswith("2026-03-01 10:00")
    # Rows at or after the mark: the renamed, the hired, and the one stamped exactly at the old mark.
    assert second.rows_read == 3
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 1)
    assert history(session) == before + 2
    assert "司马文静" in set(session.scalars(select(teachers_table.c.name)))

    third = run_source(session, settings, "hr-db", actor=None)
    assert (third.inserted, third.updated) == (0, 0)
    assert third.high_water_mark == second.high_water_mark
    assert history(session) == before + 2


def test_a_query_source_without_a_mark_reads_everything_each_time(
    session: Session,
    settings: Settings,
    city,
    sqlite_table: SourceTable,  # type: ignore[no-untyped-def]
) -> None:
    sqlite_table.create()
    sqlite_table.insert(upstream_teachers(city, 4), [T0] * 4)
    create_source(
        session, name="hr-db", kind="sql", mapping=SQL_MAPPING,
        settings={"url": sqlite_table.url, "query": f"SELECT sfzh, xm, xb, csrq, dwdm FROM {sqlite_table.table} WHERE xm <> ''"},
    )  # fmt: skip

    first = run_source(session, settings, "hr-db", actor=None)
    second = run_source(session, settings, "hr-db", actor=None)

    assert (first.accepted, first.inserted) == (4, 4)
    assert (second.rows_read, second.unchanged, second.inserted, second.updated) == (4, 4, 0, 0)
    assert second.high_water_mark is None


def test_a_missing_table_fails_the_run_and_the_mark_stays(
    session: Session,
    settings: Settings,
    city,
    sqlite_table: SourceTable,  # type: ignore[no-untyped-def]
) -> None:
    sqlite_table.create()
    sqlite_table.insert(upstream_teachers(city, 2), [T0, T0])
    create_source(
        session, name="hr-db", kind="sql", mapping=SQL_MAPPING,
        settings={"url": sqlite_table.url, "table": sqlite_table.table, "updated_at_column": "updated_at"},
    )  # fmt: skip
    good = run_source(session, settings, "hr-db", actor=None)
    source = session.get(Source, good.source_id)
    assert source is not None
    source.settings = {**source.settings, "table": "hr_staff_renamed"}

    failed = run_source(session, settings, "hr-db", actor=None)

    assert failed.status == "failed"
    assert "hr_staff_renamed" in (failed.error or "")
    assert source.high_water_mark == good.high_water_mark
