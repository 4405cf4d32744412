"""SQL sources against real SQLite, PostgreSQL and MariaDB: batches, incremental reads, quoting."""

from __future__ import annotations

import sqlite3
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from connectors.errors import SourceConfigError
from connectors.sql import (
    Dialect,
    SqlSource,
    SqlSourceError,
    parse_database_url,
    quote_identifier,
    read_batches,
)

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MARIADB_URL = "mysql+pymysql://root@127.0.0.1:3306/test"

# id, 姓名, id_number, birth_date, salary, note, updated_at
ROWS: list[tuple[Any, ...]] = [
    (1, "李堃", "11010519491231002X", "1949-12-31", "5432.10", None, "2024-05-01 08:00:00"),
    (2, "王芳", "110101199003070014", "1990-03-07", "6100.00", "班主任", "2024-05-01 09:00:00"),
    (3, "刘䶮", "110101198512120036", "1985-12-12", "4800.50", None, "2024-05-02 10:00:00"),
    (4, "赵敏", "110101197701010018", "1977-01-01", "7000.00", None, "2024-05-03 11:00:00"),
    (5, "孙立", "110101200001010011", "2000-01-01", "3900.00", None, "2024-05-04 12:00:00"),
    (6, "周杰", "110101199512310017", "1995-12-31", "4100.00", None, "2024-05-05 13:00:00"),
    (7, "吴桐", "110101198808080019", "1988-08-08", "5200.00", None, "2024-05-06 14:00:00"),
]


@dataclass
class Database:
    dialect: Dialect
    url: str
    table: str
    run: Callable[[str, Sequence[Any]], None]
    count: Callable[[str], int]
    extra_tables: list[str] = field(default_factory=list)  # dropped after the test, like table

    def q(self, name: str) -> str:
        return quote_identifier(name, self.dialect)

    @property
    def mark(self) -> str:
        return "?" if self.dialect == "sqlite" else "%s"


def _ddl(dialect: Dialect, table: str) -> str:
    text, date, money, stamp = {
        "sqlite": ("TEXT", "TEXT", "NUMERIC", "TEXT"),
        "postgresql": ("TEXT", "DATE", "NUMERIC(10,2)", "TIMESTAMP"),
        "mysql": ("VARCHAR(100)", "DATE", "DECIMAL(10,2)", "DATETIME(6)"),
    }[dialect]
    quote = "`" if dialect == "mysql" else '"'
    columns = [
        "id INTEGER PRIMARY KEY",
        f"{quote}姓名{quote} {text}",
        f"id_number {text}",
        f"birth_date {date}",
        f"salary {money}",
        f"note {text}",
        f"updated_at {stamp}",
    ]
    return f"CREATE TABLE {table} ({', '.join(columns)})"


def _sqlite(tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "hr.db"
    connection = sqlite3.connect(path)

    def run(sql: str, params: Sequence[Any] = ()) -> None:
        connection.execute(sql, params)
        connection.commit()

    def count(table: str) -> int:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    yield Database("sqlite", f"sqlite:///{path}", "teachers", run, count)
    connection.close()


def _postgresql() -> Iterator[Database]:
    psycopg = pytest.importorskip("psycopg")
    try:
        connection = psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3, autocommit=True
        )
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable: {error}")
    table = f"yici_conn_{uuid.uuid4().hex[:10]}"

    def run(sql: str, params: Sequence[Any] = ()) -> None:
        connection.execute(sql, params or None)

    def count(name: str) -> int:
        return int(connection.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0])

    database = Database("postgresql", PG_URL, table, run, count)
    yield database
    for name in [table, *database.extra_tables]:
        connection.execute(f"DROP TABLE IF EXISTS {name}")
    connection.close()


def _mariadb() -> Iterator[Database]:
    pymysql = pytest.importorskip("pymysql")
    try:
        connection = pymysql.connect(
            host="127.0.0.1", port=3306, user="root", database="test", connect_timeout=3, autocommit=True
        )
    except pymysql.err.OperationalError as error:
        pytest.skip(f"MariaDB not reachable: {error}")
    table = f"yici_conn_{uuid.uuid4().hex[:10]}"

    def run(sql: str, params: Sequence[Any] = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, tuple(params) or None)

    def count(name: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {name}")
            return int(cursor.fetchone()[0])

    database = Database("mysql", MARIADB_URL, table, run, count)
    yield database
    for name in [table, *database.extra_tables]:
        run(f"DROP TABLE IF EXISTS {name}")
    connection.close()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    factory = {"sqlite": lambda: _sqlite(tmp_path), "postgresql": _postgresql, "mariadb": _mariadb}[
        request.param
    ]
    yield from factory()


@pytest.fixture
def teachers(database: Database) -> Database:
    database.run(_ddl(database.dialect, database.table), ())
    marks = ", ".join([database.mark] * 7)
    for row in ROWS:
        database.run(f"INSERT INTO {database.table} VALUES ({marks})", row)
    return database


def _ids(frames: Sequence[Any]) -> list[int]:
    return [int(value) for frame in frames for value in frame["id"]]


# --- reading ------------------------------------------------------------------------------------


def test_reads_a_table_in_batches_of_text(teachers: Database) -> None:
    source = SqlSource(url=teachers.url, table=teachers.table)

    frames = list(read_batches(source, batch_size=3))

    assert [len(frame) for frame in frames] == [3, 3, 1]
    assert [list(frame.index) for frame in frames] == [[1, 2, 3], [4, 5, 6], [7]]
    assert list(frames[0].columns) == [
        "id",
        "姓名",
        "id_number",
        "birth_date",
        "salary",
        "note",
        "updated_at",
    ]
    first = frames[0].loc[1]
    assert (first["姓名"], first["id_number"], first["birth_date"], first["note"]) == (
        "李堃",
        "11010519491231002X",
        "1949-12-31",
        "",
    )
    # SQLite has no fixed-point type: its NUMERIC keeps 5432.1; the servers keep the declared scale.
    assert first["salary"] == ("5432.1" if teachers.dialect == "sqlite" else "5432.10")
    assert first["updated_at"] == "2024-05-01 08:00:00"
    assert frames[1].loc[5, "姓名"] == "孙立"


def test_selected_columns_and_an_empty_result_keep_their_names(teachers: Database) -> None:
    source = SqlSource(url=teachers.url, table=teachers.table, columns=("id", "姓名"))
    teachers.run(f"DELETE FROM {teachers.table}", ())

    batches = read_batches(source)
    assert list(batches) == []
    assert batches.columns == ("id", "姓名")


def test_incremental_read_returns_rows_changed_since_the_mark(teachers: Database) -> None:
    source = SqlSource(url=teachers.url, table=teachers.table, updated_at_column="updated_at")

    first = read_batches(source, batch_size=4)
    assert _ids(list(first)) == [1, 2, 3, 4, 5, 6, 7]
    assert first.high_water_mark is not None
    assert first.high_water_mark.startswith("2024-05-06 14:00:00")

    table, mark = teachers.table, teachers.mark
    teachers.run(
        f"UPDATE {table} SET note = {mark}, updated_at = {mark} WHERE id = 2", ("调出", "2024-05-07 09:30:00")
    )
    teachers.run(
        f"INSERT INTO {table} VALUES ({', '.join([mark] * 7)})",
        (8, "郑爽", "110101199901010012", "1999-01-01", "3000.00", None, "2024-05-07 10:00:00"),
    )

    # The mark comes back as text, as the hub stores it between runs.
    second = read_batches(source, since=first.high_water_mark)
    frames = list(second)
    # Row 7 sits exactly on the old mark and is read again; rows 1-6 are not.
    assert sorted(_ids(frames)) == [2, 7, 8]
    changed = next(frame for frame in frames if "2" in set(frame["id"]))
    assert changed.loc[changed["id"] == "2", "note"].item() == "调出"
    assert second.high_water_mark is not None and second.high_water_mark.startswith("2024-05-07 10:00:00")

    third = read_batches(source, since=second.high_water_mark)
    assert _ids(list(third)) == [8]
    assert third.high_water_mark == second.high_water_mark


def test_query_source_with_a_percent_sign_and_an_incremental_read(teachers: Database) -> None:
    name = teachers.q("姓名")
    query = f"SELECT id, {name} AS name, updated_at FROM {teachers.table} WHERE id_number LIKE '1101%' AND id > 1;"
    source = SqlSource(url=teachers.url, query=query, updated_at_column="updated_at")

    everything = list(read_batches(source))
    recent = list(read_batches(source, since="2024-05-04 00:00:00"))

    assert _ids(everything) == [2, 3, 4, 5, 6, 7]
    assert list(everything[0].columns) == ["id", "name", "updated_at"]
    assert sorted(_ids(recent)) == [5, 6, 7]


def test_booleans_fixed_width_codes_and_nulls(database: Database) -> None:
    table = f"{database.table}_kinds"
    database.extra_tables.append(table)
    database.run(f"CREATE TABLE {table} (id INTEGER, flag BOOLEAN, code CHAR(12), note VARCHAR(10))", ())
    database.run(f"INSERT INTO {table} VALUES (1, TRUE, '1111000001', NULL), (2, FALSE, '11', '')", ())

    (frame,) = read_batches(SqlSource(url=database.url, table=table))

    # MySQL and SQLite keep booleans as 1/0; PostgreSQL has a boolean type.
    true, false = ("true", "false") if database.dialect == "postgresql" else ("1", "0")
    assert frame.loc[1].tolist() == ["1", true, "1111000001", ""]
    assert frame.loc[2].tolist() == ["2", false, "11", ""]  # CHAR(12) padding is not data


def test_hostile_table_and_column_names_are_quoted(database: Database) -> None:
    name = f'{database.table}"`;DROP TABLE {database.table}--'  # within MySQL's 64-character limit
    column = "出生 日期"
    database.run(f"CREATE TABLE {database.q(name)} (id INTEGER, {database.q(column)} VARCHAR(20))", ())
    database.extra_tables.append(database.q(name))
    database.run(f"INSERT INTO {database.q(name)} VALUES (1, '1990-03-07')", ())

    frames = list(read_batches(SqlSource(url=database.url, table=name, columns=("id", column))))

    assert frames[0].loc[1].tolist() == ["1", "1990-03-07"]
    assert database.count(database.q(name)) == 1


def test_a_source_never_writes(teachers: Database) -> None:
    source = SqlSource(url=teachers.url, query=f"DELETE FROM {teachers.table}")

    with pytest.raises(SqlSourceError):
        list(read_batches(source))

    assert teachers.count(teachers.table) == len(ROWS)


def test_a_missing_table_is_named(database: Database) -> None:
    source = SqlSource(url=database.url, table="no_such_table_here")

    with pytest.raises(SqlSourceError) as raised:
        list(read_batches(source))

    assert "no_such_table_here" in str(raised.value)
    assert isinstance(raised.value, RuntimeError)


def test_a_missing_updated_at_column_is_named(teachers: Database) -> None:
    source = SqlSource(url=teachers.url, table=teachers.table, updated_at_column="modified")

    with pytest.raises(SqlSourceError, match="modified"):
        list(read_batches(source, since="2024-01-01"))


def test_stopping_early_releases_the_connection(teachers: Database) -> None:
    source = SqlSource(url=teachers.url, table=teachers.table)
    with read_batches(source, batch_size=2) as batches:
        assert len(next(batches)) == 2
    # The table can be changed at once: no read lock or open transaction is left behind.
    teachers.run(f"DROP TABLE {teachers.table}", ())


# --- configuration ------------------------------------------------------------------------------


def test_unreachable_server_is_reported_without_the_password() -> None:
    source = SqlSource(url="postgresql+psycopg://hr:s3cret@127.0.0.1:1/hr", table="teachers")

    with pytest.raises(SqlSourceError, match="cannot connect") as raised:
        list(read_batches(source))

    assert "s3cret" not in str(raised.value)
    assert "s3cret" not in repr(source)
    assert "127.0.0.1:1" in str(raised.value)


def test_a_mysql_source_without_its_driver_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As on an install without the [mysql] extra: PyMySQL cannot be imported.
    monkeypatch.setitem(sys.modules, "pymysql", None)
    monkeypatch.setitem(sys.modules, "pymysql.cursors", None)
    source = SqlSource(url="mysql+pymysql://hr:s3cret@127.0.0.1:3306/hr", table="teachers")

    with pytest.raises(SqlSourceError) as raised:
        list(read_batches(source))

    assert "yici-hub[mysql]" in raised.value.message_en and "PyMySQL" in raised.value.message_zh
    assert "s3cret" not in str(raised.value)


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "typo.db"
    with pytest.raises(SqlSourceError):
        list(read_batches(SqlSource(url=f"sqlite:///{path}", table="teachers")))
    assert not path.exists()


def test_database_urls() -> None:
    relative = parse_database_url("sqlite:///data/hr.db")
    absolute = parse_database_url("sqlite:////var/lib/hr.db")
    mysql = parse_database_url("mysql+pymysql://root:p%40ss@db.example/hr?charset=utf8mb4")

    assert (relative.dialect, relative.database) == ("sqlite", "data/hr.db")
    assert absolute.database == "/var/lib/hr.db"
    assert (mysql.dialect, mysql.port, mysql.password, mysql.options) == (
        "mysql",
        3306,
        "p@ss",
        {"charset": "utf8mb4"},
    )
    assert "p@ss" not in mysql.safe and "***" in mysql.safe
    with pytest.raises(SourceConfigError, match="mssql"):
        parse_database_url("mssql+pyodbc://sa@host/db")


@pytest.mark.parametrize(
    "options",
    [{}, {"table": "t", "query": "SELECT 1"}, {"query": "SELECT 1", "columns": ("a",)}, {"table": "a..b"}],
)
def test_impossible_sources_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(SourceConfigError):
        SqlSource(url="sqlite:///hr.db", **options)


def test_since_without_an_updated_at_column_is_refused() -> None:
    with pytest.raises(SourceConfigError, match="updated_at_column"):
        read_batches(SqlSource(url="sqlite:///hr.db", table="t"), since="2024-01-01")


def test_identifiers_double_their_own_quotes() -> None:
    assert quote_identifier('a"b', "postgresql") == '"a""b"'
    assert quote_identifier("a`b", "mysql") == "`a``b`"
    assert quote_identifier("姓名", "sqlite") == '"姓名"'
