"""Where the connectors library meets a source config: settings in, frames of text cells out.

Each reader yields `Chunk`s: a frame whose columns are the source's own column names and whose index
is the row (file row, feed record, query row) a person can look up; the service maps the columns to
elements and sends every chunk through the one ingestion path.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from connectors.errors import SourceConfigError
from connectors.files import SUPPORTED_SUFFIXES, FileReadError, read_table
from connectors.http import FeedError, HttpJsonSource, fetch_pages, flatten_record, read_feed
from connectors.sql import SqlSource, SqlSourceError, read_batches

FOLDER_SETTINGS = ("path", "pattern", "sheet", "min_age_seconds")
HTTP_SETTINGS = tuple(f.name for f in dataclasses.fields(HttpJsonSource))
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SourceSettingsError(ValueError):
    """A setting of a source config that cannot work; `field` names it, the message says why in zh and en."""

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"settings.{field}: {message_zh} / {message_en}")


@dataclass(frozen=True, kw_only=True, eq=False)
class Chunk:
    """Rows from a source: `frame` of text cells; for a folder, the file they came from (or why it failed)."""

    frame: pd.DataFrame | None
    filename: str | None = None
    sha256: str | None = None
    error: str | None = None
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, eq=False)
class SqlChunk(Chunk):
    """Rows of an incremental SQL read and the largest updated-at value among them (as text)."""

    high_water_mark: str | None = None


def expand_environment(value: Any) -> Any:
    """Replace `${NAME}` in string settings by the environment variable, so secrets can stay out of the hub."""
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise SourceSettingsError(
                    name, f"环境变量 {name} 未设置", f"environment variable {name} is not set"
                )
            return os.environ[name]

        return _ENV_REFERENCE.sub(lookup, value)
    if isinstance(value, dict):
        return {key: expand_environment(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand_environment(item) for item in value]
    return value


def has_environment_reference(value: Any) -> bool:
    if isinstance(value, str):
        return _ENV_REFERENCE.search(value) is not None
    if isinstance(value, dict):
        return any(has_environment_reference(item) for item in value.values())
    if isinstance(value, list):
        return any(has_environment_reference(item) for item in value)
    return False


def check_keys(kind: str, settings: dict[str, Any], allowed: Iterable[str], required: Iterable[str]) -> None:
    allowed = tuple(allowed)
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        raise SourceSettingsError(
            unknown[0],
            f"{kind} 数据源没有设置项 {'、'.join(unknown)}（可用：{'、'.join(allowed)}）",
            f"a {kind} source has no setting {', '.join(unknown)} (known: {', '.join(allowed)})",
        )
    for key in required:
        if settings.get(key) in (None, ""):
            raise SourceSettingsError(key, f"{kind} 数据源必须设置 {key}", f"a {kind} source needs {key}")


# --- folder -------------------------------------------------------------------------------------


def check_folder_settings(settings: dict[str, Any]) -> None:
    check_keys("folder", settings, FOLDER_SETTINGS, ("path",))
    age = settings.get("min_age_seconds", 0)
    if not isinstance(age, int | float) or age < 0:
        raise SourceSettingsError(
            "min_age_seconds", "须为不小于 0 的秒数", "must be a number of seconds, 0 or more"
        )


def read_folder(
    settings: dict[str, Any], seen_hashes: Collection[str], *, expected_headers: Iterable[str] = ()
) -> Iterator[Chunk]:
    """Each new CSV/XLSX file in the folder whose name matches `pattern`, once by content hash.

    The rules of `connectors.files.iter_folder` (hidden and ``~$`` lock files, files younger than
    `min_age_seconds` are left for later; copies in one pass are read once), plus a name pattern so
    that one folder can feed a school source and a teacher source.
    """
    check_folder_settings(settings)
    folder = Path(str(settings["path"])).expanduser()
    if not folder.is_dir():
        raise SourceSettingsError(
            "path", f"文件夹 {folder} 不存在或不可访问", f"folder {folder} does not exist or cannot be read"
        )
    pattern = str(settings.get("pattern") or "*")
    sheet = settings.get("sheet")
    min_age = float(settings.get("min_age_seconds") or 0)
    expected = tuple(expected_headers)
    taken: set[str] = set()
    now = time.time()
    for path in sorted(folder.glob(pattern)):
        if path.name.startswith((".", "~$")) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        if not path.is_file() or now - path.stat().st_mtime < min_age:
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen_hashes or digest in taken:
            continue
        taken.add(digest)
        try:
            table = read_table(data, filename=path.name, sheet=sheet, expected_headers=expected)
        except FileReadError as error:
            yield Chunk(frame=None, filename=path.name, sha256=digest, error=str(error))
            continue
        yield Chunk(
            frame=table.frame,
            filename=path.name,
            sha256=digest,
            notices=tuple(f"{path.name}: {n.message_zh} / {n.message_en}" for n in table.notices),
        )


# --- HTTP JSON feeds ----------------------------------------------------------------------------


def http_source(settings: dict[str, Any]) -> HttpJsonSource:
    """The connector's feed config from a source's settings (environment references expanded)."""
    check_keys("http", settings, HTTP_SETTINGS, ("url",))
    values = expand_environment(settings)
    try:
        return HttpJsonSource(**values)
    except SourceConfigError as error:
        raise SourceSettingsError(error.field, error.problem, error.problem) from error
    except TypeError as error:
        raise SourceSettingsError("?", str(error), str(error)) from error


def read_http(settings: dict[str, Any]) -> Iterator[Chunk]:
    table = read_feed(http_source(settings))
    yield Chunk(frame=table.frame, notices=(f"{table.pages} page(s) from {table.url}",))


def sample_http(settings: dict[str, Any]) -> pd.DataFrame:
    """The first page of a feed, for proposing a mapping."""
    records = next(iter(fetch_pages(http_source(settings))), [])
    return pd.DataFrame([flatten_record(r) for r in records]).fillna("")


# --- SQL databases ------------------------------------------------------------------------------

SQL_SETTINGS = ("url", "table", "query", "columns", "updated_at_column", "password", "batch_size")
# Rows per ingest: each batch is one validated, set-based write; fewer, larger batches store faster
# (the writer joins each against the growing table), at the price of memory.
DEFAULT_SQL_BATCH = 200_000


def check_sql_settings(settings: dict[str, Any]) -> None:
    check_keys("sql", settings, SQL_SETTINGS, ("url",))
    if not has_environment_reference(settings):
        sql_source(settings)
    batch = settings.get("batch_size", DEFAULT_SQL_BATCH)
    if not isinstance(batch, int) or batch < 1:
        raise SourceSettingsError("batch_size", "须为正整数", "must be a whole number, 1 or more")


def sql_source(settings: dict[str, Any]) -> SqlSource:
    """The connector's SQL source from a source's settings (environment references expanded)."""
    values = expand_environment({k: v for k, v in settings.items() if k != "batch_size"})
    if "columns" in values:
        values["columns"] = tuple(values["columns"] or ())
    try:
        return SqlSource(**values)
    except SourceConfigError as error:
        raise SourceSettingsError(error.field, error.problem, error.problem) from error


def read_sql(settings: dict[str, Any], *, since: str | None) -> Iterator[Chunk]:
    """Batches of rows; with `updated_at_column`, only rows changed at or after the last mark `since`.

    The last chunk holds no rows, only the mark reached: the connector knows it once the read is done.
    """
    source = sql_source(settings)
    incremental = since if source.updated_at_column else None
    batch_size = int(settings.get("batch_size") or DEFAULT_SQL_BATCH)
    with read_batches(source, since=incremental, batch_size=batch_size) as batches:
        for frame in batches:
            yield SqlChunk(frame=frame)
        yield SqlChunk(frame=None, high_water_mark=batches.high_water_mark)


def sample_sql(settings: dict[str, Any], rows: int = 200) -> pd.DataFrame:
    with read_batches(sql_source(settings), batch_size=rows) as batches:
        for frame in batches:
            return frame
        return pd.DataFrame(columns=list(batches.columns), dtype="str")


# Failures a source is expected to have (its own or its data's); anything else is logged with a traceback.
KNOWN_FAILURES: tuple[type[Exception], ...] = (
    SourceSettingsError,
    FeedError,
    SqlSourceError,
    FileReadError,
    OSError,
)


def newest_file(settings: dict[str, Any]) -> Path | None:
    """The most recently changed readable file of a folder source (taken in or not), to show its columns."""
    folder = Path(str(settings["path"])).expanduser()
    if not folder.is_dir():
        raise SourceSettingsError(
            "path", f"文件夹 {folder} 不存在或不可访问", f"folder {folder} does not exist or cannot be read"
        )
    files = [
        path
        for path in folder.glob(str(settings.get("pattern") or "*"))
        if path.is_file()
        and not path.name.startswith((".", "~$"))
        and path.suffix.lower() in SUPPORTED_SUFFIXES
    ]
    return max(files, key=lambda path: path.stat().st_mtime, default=None)
