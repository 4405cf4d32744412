"""SQL sources: read a table or a query from SQLite, PostgreSQL or MySQL/MariaDB in batches.

HR, payroll and school management systems keep teacher data in databases. A source is given as a
SQLAlchemy-style URL (``sqlite:///hr.db``, ``postgresql+psycopg://user@host:5432/hr``,
``mysql+pymysql://user@host:3306/hr``) but read with the plain DB-API drivers (sqlite3, psycopg 3,
PyMySQL): this library stays free of SQLAlchemy. Rows stream through a server-side cursor in
batches, so a million-row table never sits in memory at once, and the connection is read-only:
a source never writes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pandas as pd

from connectors._text import float_to_text, value_to_text
from connectors.errors import SourceConfigError

__all__ = [
    "DatabaseUrl",
    "Dialect",
    "SqlBatches",
    "SqlSource",
    "SqlSourceError",
    "parse_database_url",
    "quote_identifier",
    "read_batches",
]

Dialect = Literal["sqlite", "postgresql", "mysql"]

_SCHEMES: dict[str, Dialect] = {
    "sqlite": "sqlite",
    "sqlite+pysqlite": "sqlite",
    "postgresql": "postgresql",
    "postgresql+psycopg": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mysql+pymysql": "mysql",
    "mariadb": "mysql",
    "mariadb+pymysql": "mysql",
}
_DEFAULT_PORTS: dict[Dialect, int] = {"postgresql": 5432, "mysql": 3306}
_CONNECT_TIMEOUT_SECONDS = 10


# --- configuration ------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DatabaseUrl:
    """The parts of a database URL; ``password`` is kept out of ``repr`` and ``safe``."""

    dialect: Dialect
    username: str | None
    password: str | None = field(repr=False)
    host: str | None
    port: int | None
    database: str
    options: Mapping[str, str]

    @property
    def safe(self) -> str:
        """The URL with any password masked, fit for logs and error messages."""
        if self.dialect == "sqlite":
            return f"sqlite:///{self.database}"
        user = quote(self.username or "", safe="")
        credentials = f"{user}{':***' if self.password else ''}@" if self.username else ""
        port = f":{self.port}" if self.port else ""
        return f"{self.dialect}://{credentials}{self.host or ''}{port}/{self.database}"


def parse_database_url(url: str) -> DatabaseUrl:
    """Parse a SQLAlchemy-style database URL, raising :class:`SourceConfigError` if unsupported."""
    parts = urlsplit(url)
    dialect = _SCHEMES.get(parts.scheme.lower())
    if dialect is None:
        supported = "sqlite, postgresql(+psycopg), mysql(+pymysql), mariadb(+pymysql)"
        raise SourceConfigError("url", f"unsupported database {parts.scheme!r}; supported: {supported}")
    options = dict(parse_qsl(parts.query))
    if dialect == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy reads them.
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path or path == ":memory:":
            raise SourceConfigError("url", "a SQLite source needs a database file path (sqlite:///path.db)")
        return DatabaseUrl(
            dialect=dialect,
            username=None,
            password=None,
            host=None,
            port=None,
            database=path,
            options=options,
        )
    database = unquote(parts.path.lstrip("/"))
    if not database:
        raise SourceConfigError("url", f"the URL names no database: {parts.scheme}://host:port/<database>")
    try:
        port = parts.port
    except ValueError as error:
        raise SourceConfigError("url", f"bad port: {error}") from error
    return DatabaseUrl(
        dialect=dialect,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        host=parts.hostname or "localhost",
        port=port or _DEFAULT_PORTS[dialect],
        database=database,
        options=options,
    )


@dataclass(frozen=True, kw_only=True, repr=False)
class SqlSource:
    """A table or query in a database.

    Give ``table`` (optionally "schema.table", with ``columns`` to select) or ``query`` (a SELECT).
    ``updated_at_column`` enables incremental reads: ``read_batches(source, since=mark)`` returns
    rows changed at or after ``mark``. ``password`` may be given apart from the URL so that the URL
    can be shown; it is never part of ``repr``.
    """

    url: str
    table: str | None = None
    query: str | None = None
    columns: tuple[str, ...] = ()
    updated_at_column: str | None = None
    password: str | None = None

    def __post_init__(self) -> None:
        if (self.table is None) == (self.query is None):
            raise SourceConfigError("table", "give either a table or a query, not both and not neither")
        if self.query is not None and self.columns:
            raise SourceConfigError("columns", "columns apply to a table; select them in the query instead")
        for name in (self.table or "").split(".") if self.table is not None else ():
            _check_identifier(name, "table")
        for name in (*self.columns, *((self.updated_at_column,) if self.updated_at_column else ())):
            _check_identifier(name, "columns")
        parse_database_url(self.url)

    @property
    def database_url(self) -> DatabaseUrl:
        """The parsed URL, with ``password`` applied."""
        parsed = parse_database_url(self.url)
        if self.password is None:
            return parsed
        return DatabaseUrl(
            dialect=parsed.dialect,
            username=parsed.username,
            password=self.password,
            host=parsed.host,
            port=parsed.port,
            database=parsed.database,
            options=parsed.options,
        )

    def __repr__(self) -> str:
        what = f"table={self.table!r}" if self.table is not None else f"query={self.query!r}"
        return (
            f"SqlSource(url={self.database_url.safe!r}, {what}, updated_at_column={self.updated_at_column!r})"
        )


class SqlSourceError(RuntimeError):
    """Reading a SQL source failed; the message names the database (password masked) and the cause."""

    def __init__(self, *, url: str, reason_zh: str, reason_en: str, detail: str = "") -> None:
        self.url = url
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        self.detail = detail
        suffix = f": {detail}" if detail else ""
        self.message_zh = f"读取数据库 {url} 失败：{reason_zh}"
        self.message_en = f"reading database {url} failed: {reason_en}{suffix}"
        super().__init__(f"{self.message_en} / {self.message_zh}")


# --- identifiers --------------------------------------------------------------------------------


def quote_identifier(name: str, dialect: Dialect) -> str:
    """Quote a table or column name for ``dialect``, doubling any quote character inside it.

    Quoting (rather than checking names against a pattern) keeps 姓名, names with spaces, and
    reserved words usable, and no name can end the quoted identifier early.
    """
    _check_identifier(name, "identifier")
    if dialect == "mysql":
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def _check_identifier(name: str, setting: str) -> None:
    if not name or not name.strip():
        raise SourceConfigError(setting, "a table or column name is empty")
    if "\x00" in name:
        raise SourceConfigError(setting, f"a name contains a NUL character: {name!r}")


# --- reading ------------------------------------------------------------------------------------


def read_batches(source: SqlSource, since: object | None = None, batch_size: int = 10_000) -> SqlBatches:
    """Read the source in DataFrames of at most ``batch_size`` rows of text cells.

    Cells are text as in files (ISO dates, ``""`` for NULL); the index, named ``record``, counts rows
    from 1 across batches. With ``since``, only rows whose ``updated_at_column`` is at or after it
    are read: rows stamped exactly at the previous mark are read again, since rows committed later
    with that same timestamp would otherwise be missed (ingestion is idempotent). After the batches
    are consumed, :attr:`SqlBatches.high_water_mark` holds the mark to pass as ``since`` next time.
    """
    if batch_size < 1:
        raise SourceConfigError("batch_size", "must be at least 1")
    if since is not None and source.updated_at_column is None:
        raise SourceConfigError(
            "updated_at_column", "an incremental read (since=...) needs updated_at_column"
        )
    return SqlBatches(source, since=since, batch_size=batch_size)


class SqlBatches:
    """An iterator of DataFrame batches over one read; also a context manager that closes it.

    ``columns`` is known once iteration has begun (even when no row matches). ``high_water_mark``
    is the largest ``updated_at_column`` value read so far as text (``since`` until rows arrive);
    it is final once the iterator is exhausted.
    """

    def __init__(self, source: SqlSource, *, since: object | None, batch_size: int) -> None:
        self.source = source
        self.since = since
        self.batch_size = batch_size
        self.columns: tuple[str, ...] = ()
        self.rows_read = 0
        self._mark: Any = since
        self._batches: Iterator[pd.DataFrame] | None = None

    @property
    def high_water_mark(self) -> str | None:
        return None if self._mark is None else value_to_text(self._mark)

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> pd.DataFrame:
        if self._batches is None:
            self._batches = self._read()
        return next(self._batches)

    def close(self) -> None:
        """Stop reading and release the connection."""
        if self._batches is not None and hasattr(self._batches, "close"):
            self._batches.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def _read(self) -> Iterator[pd.DataFrame]:
        database = self.source.database_url
        sql, params = _build_query(self.source, database.dialect, self.since)
        with _Connection(database) as connection:
            if database.dialect == "postgresql":
                yield from self._read_postgresql(connection, database, sql, params)
            else:
                yield from self._read_cursor(connection.cursor(), database, sql, params)

    def _read_cursor(
        self, cursor: Any, database: DatabaseUrl, sql: str, params: list[Any]
    ) -> Iterator[pd.DataFrame]:
        try:
            if params:
                cursor.execute(sql, params)
            else:
                cursor.execute(sql)  # without parameters the drivers leave % in the query alone
            names = [str(column[0]) for column in cursor.description or ()]
        except Exception as error:  # each driver has its own error classes; all mean the query failed
            raise _query_error(database, self.source, error) from error
        self.columns = _unique(names)
        mark_index = _column_index(names, self.source.updated_at_column, database, self.source)
        converters: list[Callable[[Sequence[Any]], list[str]]] | None = None
        while True:
            try:
                rows = cursor.fetchmany(self.batch_size)
            except Exception as error:  # a dropped connection mid-read
                raise _query_error(database, self.source, error) from error
            if not rows:
                return
            columns = list(zip(*rows, strict=True))
            if mark_index is not None:
                self._advance_mark(columns[mark_index])
            converters = converters or [_converter(values) for values in columns]
            yield self._frame(
                [convert(values) for convert, values in zip(converters, columns, strict=True)], len(rows)
            )

    def _read_postgresql(
        self, connection: Any, database: DatabaseUrl, sql: str, params: list[Any]
    ) -> Iterator[pd.DataFrame]:
        """Stream with COPY … TO STDOUT in CSV, parsed by pandas' C reader.

        Several times faster than fetching Python objects through a cursor: values arrive already
        as PostgreSQL's text (ISO dates, exact numerics). The high-water mark is the server's max()
        within the same REPEATABLE READ snapshot, so it matches exactly the rows sent.
        """
        arguments = params or None
        cursor = connection.cursor()
        try:
            cursor.execute(f"SELECT * FROM ({sql}) AS yici_columns LIMIT 0", arguments)
            description = list(cursor.description or ())
        except Exception as error:  # psycopg.Error and its many subclasses
            raise _query_error(database, self.source, error) from error
        names = [str(column.name) for column in description]
        self.columns = _unique(names)
        mark_index = _column_index(names, self.source.updated_at_column, database, self.source)
        strip = [
            position for position, column in enumerate(description) if column.type_code in _PG_PADDED_TYPES
        ]
        booleans = [position for position, column in enumerate(description) if column.type_code == _PG_BOOL]
        try:
            with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", arguments) as copy:
                chunks = pd.read_csv(
                    io.BufferedReader(_ChunkReader(iter(copy)), buffer_size=1 << 20),
                    header=None,
                    names=list(range(len(names))),
                    dtype=str,
                    na_filter=False,
                    skip_blank_lines=False,
                    engine="c",
                    encoding="utf-8",
                    chunksize=self.batch_size,
                )
                for chunk in chunks:
                    if chunk.empty:
                        continue  # pandas yields one empty chunk for an empty result
                    for position in strip:
                        chunk[position] = chunk[position].str.strip()
                    for position in booleans:
                        chunk[position] = chunk[position].map(_PG_BOOLEAN_TEXT).astype("str")
                    chunk.index = pd.RangeIndex(
                        self.rows_read + 1, self.rows_read + len(chunk) + 1, name="record"
                    )
                    chunk.columns = pd.Index(self.columns, dtype=object)
                    self.rows_read += len(chunk)
                    yield chunk
            if mark_index is not None:
                column = quote_identifier(names[mark_index], "postgresql")
                cursor.execute(f"SELECT max({column}) FROM ({sql}) AS yici_mark", arguments)
                row = cursor.fetchone()
                if row is not None and row[0] is not None:
                    self._advance_mark([row[0]])
        except SqlSourceError:
            raise
        except Exception as error:  # psycopg.Error, or a parse error on a broken stream
            raise _query_error(database, self.source, error) from error

    def _frame(self, columns: list[list[str]], length: int) -> pd.DataFrame:
        frame = pd.DataFrame(
            {position: pd.array(values, dtype="str") for position, values in enumerate(columns)},
            index=pd.RangeIndex(self.rows_read + 1, self.rows_read + length + 1, name="record"),
        )
        frame.columns = pd.Index(self.columns, dtype=object)
        self.rows_read += length
        return frame

    def _advance_mark(self, values: Sequence[Any]) -> None:
        present = [value for value in values if value is not None]
        if not present:
            return
        try:
            batch_max = max(present)
            if self._mark is None or batch_max > self._mark:
                self._mark = batch_max
        except TypeError:
            # Mixed types (SQLite stores what it is given; ``since`` may be text): compare as text.
            texts = [value_to_text(value) for value in present]
            current = value_to_text(self._mark) if self._mark is not None else ""
            self._mark = max([current, *texts])


def _build_query(source: SqlSource, dialect: Dialect, since: object | None) -> tuple[str, list[Any]]:
    def q(name: str) -> str:
        return quote_identifier(name, dialect)

    if source.table is not None:
        table = ".".join(q(part) for part in source.table.split("."))
        selected = ", ".join(q(column) for column in source.columns) if source.columns else "*"
        sql = f"SELECT {selected} FROM {table}"
    else:
        assert source.query is not None
        sql = source.query.strip().rstrip(";")
    if since is None:
        return sql, []
    placeholder = "?" if dialect == "sqlite" else "%s"
    if source.query is not None:
        if dialect != "sqlite":
            sql = sql.replace("%", "%%")  # with parameters, psycopg and PyMySQL read % as a placeholder
        sql = f"SELECT * FROM ({sql}) AS yici_source"
    assert source.updated_at_column is not None
    parameter = value_to_text(since) if dialect == "sqlite" else since
    return f"{sql} WHERE {q(source.updated_at_column)} >= {placeholder}", [parameter]


def _column_index(
    names: list[str], column: str | None, database: DatabaseUrl, source: SqlSource
) -> int | None:
    if column is None:
        return None
    for index, name in enumerate(names):
        if name == column:
            return index
    lowered = [name.lower() for name in names]
    if column.lower() in lowered:
        return lowered.index(column.lower())
    raise SqlSourceError(
        url=database.safe,
        reason_zh=f"查询结果中没有增量字段“{column}”（现有字段：{'、'.join(names)}）",
        reason_en=f"the result has no updated_at column {column!r} (it has: {', '.join(names)})",
    )


def _converter(values: Sequence[Any]) -> Callable[[Sequence[Any]], list[str]]:
    """A text conversion for one column, specialised to the type of its first value.

    A database column holds one type, so checking ``type(value) is kind`` is enough to keep the
    general (slower) conversion for NULLs and for SQLite's mixed columns.
    """
    kind = next((type(value) for value in values if value is not None), None)
    render = _RENDERERS.get(kind) if kind is not None else None
    if kind is None or render is None:
        return _values_to_text

    def convert(column: Sequence[Any]) -> list[str]:
        return [render(value) if type(value) is kind else value_to_text(value) for value in column]

    return convert


_RENDERERS: dict[type, Callable[[Any], str]] = {
    str: str.strip,
    int: str,
    float: float_to_text,
    Decimal: lambda value: format(value, "f"),
    dt.datetime: lambda value: value.isoformat(sep=" "),
    dt.date: dt.date.isoformat,
}


def _values_to_text(values: Sequence[Any]) -> list[str]:
    return [value_to_text(value) for value in values]


def _unique(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    unique: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        candidate = name if seen[name] == 1 else f"{name}_{seen[name]}"
        while candidate in seen and candidate != name:
            seen[name] += 1
            candidate = f"{name}_{seen[name]}"
        if candidate != name:
            seen[candidate] = 1
        unique.append(candidate)
    return tuple(unique)


def _query_error(database: DatabaseUrl, source: SqlSource, error: Exception) -> SqlSourceError:
    target = f"表 {source.table}" if source.table is not None else "查询"
    target_en = f"table {source.table!r}" if source.table is not None else "the query"
    return SqlSourceError(
        url=database.safe,
        reason_zh=f"读取{target}出错，请检查表名、字段名和查询语句",
        reason_en=f"reading {target_en} failed; check the table, column names and query",
        detail=f"{type(error).__name__}: {error}".strip(),
    )


# --- connections --------------------------------------------------------------------------------


class _ChunkReader(io.RawIOBase):
    """A readable file over an iterator of byte blocks (a COPY stream), for pandas to parse."""

    def __init__(self, blocks: Iterator[bytes | memoryview]) -> None:
        self._blocks = blocks
        self._pending = bytearray()

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        size = len(target)
        while len(self._pending) < size:
            block = next(self._blocks, None)
            if block is None:
                break
            self._pending += block
        count = min(size, len(self._pending))
        target[:count] = self._pending[:count]
        del self._pending[:count]
        return count


# PostgreSQL type OIDs: bpchar (char(n), which pads with blanks) and boolean. Other text is sent as
# stored; stripping every text column would cost a third of the read.
_PG_PADDED_TYPES = frozenset({1042})
_PG_BOOL = 16
_PG_BOOLEAN_TEXT = {"t": "true", "f": "false", "": ""}


class _Connection:
    """A read-only connection to the source database, closed on exit."""

    def __init__(self, database: DatabaseUrl) -> None:
        self.database = database
        self.connection: Any = None

    def __enter__(self) -> Any:
        database = self.database
        try:
            if database.dialect == "sqlite":
                self.connection = self._sqlite()
            elif database.dialect == "postgresql":
                self.connection = self._postgresql()
            else:
                self.connection = self._mysql()
        except ModuleNotFoundError as error:
            raise SqlSourceError(
                url=database.safe,
                reason_zh="读取 MySQL/MariaDB 数据源需要 PyMySQL 驱动，请安装：pip install 'yici-hub[mysql]'",
                reason_en="a MySQL/MariaDB source needs the PyMySQL driver: pip install 'yici-hub[mysql]'",
                detail=f"{type(error).__name__}: {error}",
            ) from error
        except Exception as error:  # each driver has its own connection error classes
            raise SqlSourceError(
                url=database.safe,
                reason_zh="无法连接数据库，请检查地址、端口、用户名、密码和数据库名",
                reason_en="cannot connect; check host, port, user, password and database name",
                detail=f"{type(error).__name__}: {str(error).strip()}",
            ) from error
        return self.connection

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            # PyMySQL would drain the rest of an unbuffered result (maybe a million rows) when a read
            # stops early, and fails doing so once the socket is closed; the server discards it anyway.
            result = getattr(self.connection, "_result", None)
            if result is not None and getattr(result, "unbuffered_active", False):
                result.unbuffered_active = False
            # Closing a connection that is already broken must not hide the error that broke it.
            with contextlib.suppress(Exception):
                self.connection.close()

    def _sqlite(self) -> Any:
        # mode=ro: the source never writes, and a mistyped path fails instead of creating an empty file.
        path = self.database.database
        return sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, check_same_thread=False)

    def _postgresql(self) -> Any:
        import psycopg

        database = self.database
        options = dict(database.options)
        options.setdefault("connect_timeout", str(_CONNECT_TIMEOUT_SECONDS))
        options.setdefault("client_encoding", "UTF8")
        conninfo = psycopg.conninfo.make_conninfo(
            "",
            host=database.host,
            port=database.port,
            user=database.username,
            password=database.password,
            dbname=database.database,
            **options,
        )
        connection = psycopg.connect(conninfo)
        connection.read_only = True
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        return connection

    def _mysql(self) -> Any:
        import pymysql
        import pymysql.cursors

        database = self.database
        connection = pymysql.connect(
            host=database.host or "localhost",
            port=database.port or 3306,
            user=database.username or "",
            password=database.password or "",
            database=database.database,
            charset=database.options.get("charset", "utf8mb4"),
            connect_timeout=_CONNECT_TIMEOUT_SECONDS,
            cursorclass=pymysql.cursors.SSCursor,  # unbuffered: rows stream from the server
        )
        with connection.cursor(pymysql.cursors.Cursor) as setup:
            setup.execute("START TRANSACTION READ ONLY")
        return connection
