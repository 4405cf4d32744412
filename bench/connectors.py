# ruff: noqa: E402  (sys.path is fixed before the imports: see below)
"""Sources ingested through a source run vs the plain import path, on the same rows.

    python bench/connectors.py [--feed-rows 200000] [--sql-rows 1000000]

1. An HTTP JSON feed of `--feed-rows` teachers, paged (5,000 a page), served on loopback by this
   script, read by an `http` source run (fetch, map, validate, store).
2. A PostgreSQL table of `--sql-rows` teachers in its own database `bench_sources` (created here),
   read by an incremental `sql` source run; then a rerun with no change, and one after 10,000 rows
   changed upstream.
3. For each, the plain import path on the same rows: a CSV file read by `hub.records.files.read_upload`
   and stored by `hub.records.service.ingest_frame`, into an emptied store.

The hub's store is PostgreSQL database `bench_sources_hub` (HUB_BENCH_DATABASE_URL), rebuilt by the
real migrations. Every figure printed is measured in this run.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This script shares its name with the `connectors` library: run as `python bench/connectors.py`, its own
# folder comes first on sys.path and `import connectors` would find this file instead of the library.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import io
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import psycopg
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

import schemas
from hub.config import Settings
from hub.databases import ensure_database, fresh_engine
from hub.db import transaction, utcnow
from hub.demo.city import generate_city, generate_teachers_frame
from hub.records.files import read_upload
from hub.records.service import Provenance, ingest_frame
from hub.sources.payloads import SourceIn
from hub.sources.service import create_source, run_source
from hub.standard.service import current_standard

HUB_URL = os.environ.get(
    "HUB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_sources_hub"
)
SOURCE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_sources"
SECRET = "bench-connectors-secret-key"
PAGE_SIZE = 5000
T0 = datetime(2026, 1, 5, 8, 0, 0)

# An HR system's own field names (pinyin initials) for the elements it holds.
SOURCE_COLUMNS = {
    "xm": "name",
    "xb": "gender",
    "sfzh": "id_number",
    "csrq": "birth_date",
    "mz": "ethnicity",
    "zzmm": "political_status",
    "xl": "education_level",
    "xw": "degree",
    "zc": "title",
    "rjxk": "subject",
    "sjhm": "mobile",
    "dzyx": "email",
    "dwdm": "school_code",
    "bzqk": "staffing",
    "cjgzny": "work_start_date",
    "sfbzr": "is_head_teacher",
}


@contextmanager
def timed(label: str, rows: int) -> Iterator[dict[str, float]]:
    result: dict[str, float] = {}
    start = time.perf_counter()
    yield result
    result["seconds"] = seconds = time.perf_counter() - start
    result["rate"] = rows / seconds
    print(f"  {label:<54} {rows:>9,} rows {seconds:7.1f} s {rows / seconds:>10,.0f} rows/s")


def empty_teachers(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE teachers, record_history CASCADE"))


def source_rows(count: int, school_codes: list[str], seed: int) -> pd.DataFrame:
    """Teachers as an HR system holds them: its own column names, every value as text."""
    frame = generate_teachers_frame(count, seed=seed, school_codes=school_codes)
    out = pd.DataFrame(index=range(count))
    for column, element in SOURCE_COLUMNS.items():
        values = frame[element]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = values.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: "是", False: "否"})
        else:
            out[column] = values.astype(str)
    return out


def as_labelled_csv(rows: pd.DataFrame, path: Path) -> Path:
    """The same rows as a department would export them: the standard's Chinese labels as headers."""
    std = schemas.load_standard()
    labels = {
        column: std.element(f"teacher.{element}").label_zh for column, element in SOURCE_COLUMNS.items()
    }
    rows.rename(columns=labels).to_csv(path, index=False, encoding="utf-8")
    return path


def plain_import(engine: Engine, path: Path, rows: int) -> float:
    """Seconds to read the CSV and store it, into an emptied store."""
    empty_teachers(engine)
    with timed("plain import: read_upload (CSV)", rows) as reading:
        frame, sha256 = read_upload(path)
    with timed("plain import: ingest_frame", rows) as storing, transaction(engine) as session:
        report = ingest_frame(
            session, std=current_standard(session), secret_key=SECRET, entity="teacher", frame=frame,
            provenance=Provenance(source_kind="import", source_ref=path.name, file_sha256=sha256), now=utcnow(),
        )  # fmt: skip
    assert report.accepted == rows, (report.accepted, report.rejected[:3])
    total = reading["seconds"] + storing["seconds"]
    print(f"  {'plain import: total':<54} {rows:>9,} rows {total:7.1f} s {rows / total:>10,.0f} rows/s")
    return total


def run(engine: Engine, settings: Settings, name: str, label: str, rows: int) -> tuple[Any, float]:
    with timed(label, rows) as took, transaction(engine) as session:
        result = run_source(session, settings, name, actor=None)
    assert result.status == "succeeded", result.error
    print(
        f"{'':58}read {result.rows_read:,}, new {result.inserted:,}, changed {result.updated:,}, "
        f"unchanged {result.unchanged:,}, rejected {result.rejected:,}"
    )
    return result, took["seconds"]


# --- the HTTP feed ------------------------------------------------------------------------------


def serve_feed(rows: pd.DataFrame) -> tuple[ThreadingHTTPServer, str]:
    """The feed's pages, serialised once up front so the figures measure the hub, not this toy server."""
    records = rows.to_dict("records")
    pages = {
        number: json.dumps(
            {"data": {"items": records[start : start + PAGE_SIZE], "total": len(records)}}, ensure_ascii=False
        ).encode()
        for number, start in enumerate(range(0, len(records) + PAGE_SIZE, PAGE_SIZE), start=1)
    }

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            page = int(parse_qs(urlsplit(self.path).query).get("page", ["1"])[0])
            body = pages.get(page, b'{"data": {"items": []}}')
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/api/teachers"


# --- the SQL source -----------------------------------------------------------------------------


def load_source_table(rows: pd.DataFrame) -> None:
    ensure_database(SOURCE_URL)
    dsn = SOURCE_URL.replace("+psycopg", "")
    columns = ", ".join(f"{c} DATE" if c == "csrq" else f"{c} TEXT" for c in SOURCE_COLUMNS)
    stamps = [T0 + timedelta(seconds=i) for i in range(len(rows))]
    buffer = io.StringIO()
    rows.assign(updated_at=stamps).to_csv(buffer, index=False, header=False)
    with psycopg.connect(dsn) as connection:
        connection.execute("DROP TABLE IF EXISTS hr_staff")
        connection.execute(f"CREATE TABLE hr_staff ({columns}, updated_at TIMESTAMP NOT NULL)")
        with connection.cursor() as cursor, cursor.copy("COPY hr_staff FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        connection.execute("CREATE INDEX ix_hr_staff_updated_at ON hr_staff (updated_at)")


def change_upstream(count: int) -> None:
    """An HR clerk's day: `count` teachers' mobile numbers change, each with a new stamp."""
    with psycopg.connect(SOURCE_URL.replace("+psycopg", "")) as connection:
        connection.execute(
            "UPDATE hr_staff SET sjhm = '139' || lpad((row_number_id %% 100000000)::text, 8, '0'), "
            "updated_at = updated_at + interval '400 days' "
            "FROM (SELECT sfzh AS id, row_number() OVER (ORDER BY sfzh) AS row_number_id FROM hr_staff "
            "ORDER BY sfzh LIMIT %s) AS chosen WHERE hr_staff.sfzh = chosen.id",
            (count,),
        )


# --- the benchmark ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feed-rows", type=int, default=200_000)
    parser.add_argument("--sql-rows", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=2000)
    args = parser.parse_args()
    settings = Settings(env="test", database_url=HUB_URL, secret_key=SECRET, scheduler_enabled=False)  # type: ignore[arg-type]
    engine = fresh_engine(HUB_URL)
    city = generate_city(seed=7, schools=args.schools, teachers=args.schools)
    with transaction(engine) as session:
        ingest_frame(
            session, std=current_standard(session), secret_key=SECRET, entity="school",
            frame=city.schools.astype(str).set_axis(range(2, len(city.schools) + 2)),
            provenance=Provenance(source_kind="import", source_ref="bench schools"), now=utcnow(),
        )  # fmt: skip
    codes = list(city.schools["code"])
    # Warm up (standard, validation schema, matcher caches) so that no measured path pays for it.
    warm = as_labelled_csv(source_rows(2000, codes, seed=20), Path(tempfile.mkdtemp()) / "warm.csv")
    with transaction(engine) as session:
        ingest_frame(
            session, std=current_standard(session), secret_key=SECRET, entity="teacher", frame=read_upload(warm)[0],
            provenance=Provenance(source_kind="import", source_ref="warm-up"), now=utcnow(),
        )  # fmt: skip
    mapping = {column: element for column, element in SOURCE_COLUMNS.items()}
    workdir = Path(tempfile.mkdtemp(prefix="bench-connectors-"))
    print(
        f"store: {make_url(HUB_URL).database}; {len(codes):,} schools; {len(SOURCE_COLUMNS)} elements a row"
    )

    feed_rows = source_rows(args.feed_rows, codes, seed=21)
    server, url = serve_feed(feed_rows)
    print(f"\nHTTP JSON feed: {args.feed_rows:,} records, {PAGE_SIZE:,} a page, on {url}")
    with transaction(engine) as session:
        create_source(
            session,
            SourceIn.model_validate(
                {
                    "name": "hr-feed", "kind": "http", "entity": "teacher", "mapping": mapping,
                    "settings": {"url": url, "paging": "page", "page_size": PAGE_SIZE, "items_path": "data.items"},
                }
            ),
            principal_id=None,
            actor=None,
        )  # fmt: skip
    empty_teachers(engine)
    _, feed_run = run(
        engine, settings, "hr-feed", "source run (http): fetch, map, validate, store", args.feed_rows
    )
    run(engine, settings, "hr-feed", "source run (http) again, nothing changed", args.feed_rows)
    server.shutdown()
    feed_plain = plain_import(engine, as_labelled_csv(feed_rows, workdir / "feed.csv"), args.feed_rows)
    del feed_rows

    sql_rows = source_rows(args.sql_rows, codes, seed=22)
    t = time.perf_counter()
    load_source_table(sql_rows)
    print(
        f"\nSQL source: {args.sql_rows:,} rows in bench_sources.hr_staff (loaded in {time.perf_counter() - t:.1f} s)"
    )
    with transaction(engine) as session:
        create_source(
            session,
            SourceIn.model_validate(
                {
                    "name": "hr-db", "kind": "sql", "entity": "teacher", "mapping": {**mapping, "updated_at": None},
                    "settings": {"url": SOURCE_URL, "table": "hr_staff", "updated_at_column": "updated_at"},
                }
            ),
            principal_id=None,
            actor=None,
        )  # fmt: skip
    empty_teachers(engine)
    _, sql_run = run(
        engine, settings, "hr-db", "source run (sql, incremental): first, everything", args.sql_rows
    )
    run(engine, settings, "hr-db", "source run (sql) again, nothing changed", 1)
    change_upstream(10_000)
    changed, _ = run(engine, settings, "hr-db", "source run (sql) after 10,000 changed upstream", 10_000)
    assert changed.updated == 10_000, changed.updated
    sql_plain = plain_import(engine, as_labelled_csv(sql_rows, workdir / "hr_staff.csv"), args.sql_rows)

    print(
        "\nsource run vs plain import of the same rows (CSV read + ingest_frame), store emptied before each:"
    )
    for label, rows, source_seconds, plain_seconds in (
        ("HTTP feed", args.feed_rows, feed_run, feed_plain),
        ("SQL table", args.sql_rows, sql_run, sql_plain),
    ):
        print(
            f"  {label}: source run {rows / source_seconds:>9,.0f} rows/s, plain import {rows / plain_seconds:>9,.0f} "
            f"rows/s, ratio {plain_seconds / source_seconds:.2f}"
        )


if __name__ == "__main__":
    main()
