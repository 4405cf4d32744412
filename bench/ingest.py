"""Validated import of 1M teacher rows into PostgreSQL vs a raw COPY of the same rows.

    HUB_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_ingest python bench/ingest.py [--rows N]

The database is created if missing and its public schema rebuilt by the real migrations. Prints both
rates and their ratio (goal: the validated path ≥ 0.5 × raw COPY). The first import goes into an empty
table, which builds its indexes and foreign key after the rows (hub.records.first_load); the line "new
teachers into a table holding rows" shows the path of every later import, and "raw COPY with the school
foreign key" what the same rows cost in a table that checks their school as `teachers` does.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

# Run as `python bench/ingest.py`, this folder leads sys.path and bench/dedup.py would shadow the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import pandas as pd  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from hub.databases import fresh_engine  # noqa: E402
from hub.db import transaction, utcnow  # noqa: E402
from hub.demo.city import generate_city, generate_teachers_frame  # noqa: E402
from hub.kit.clock import local_today  # noqa: E402
from hub.records.service import Provenance, ingest_frame  # noqa: E402
from hub.standard.service import current_standard  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_ingest"


def timed_import(
    engine: Engine, frame: pd.DataFrame, ref: str, *, period: str | None = None
) -> tuple[Any, float]:
    """One validated import of `frame` in its own transaction, as `hub import` runs it, and its seconds."""
    started = time.perf_counter()
    with transaction(engine) as session:
        report = ingest_frame(
            session,
            std=current_standard(session),
            secret_key="bench",
            entity="teacher",
            frame=frame,
            provenance=Provenance(source_kind="import", source_ref=ref),
            now=utcnow(),
            period=period,
        )
    return report, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=2000)
    args = parser.parse_args()
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    engine = fresh_engine(url)

    city = generate_city(seed=7, schools=args.schools, teachers=args.schools)
    with transaction(engine) as session:
        ingest_frame(
            session,
            std=current_standard(session),
            secret_key="bench",
            entity="school",
            frame=city.schools.astype(str).set_axis(range(2, len(city.schools) + 2)),
            provenance=Provenance(source_kind="import", source_ref="bench schools"),
            now=utcnow(),
        )
    t0 = time.perf_counter()
    frame = generate_teachers_frame(args.rows, seed=11, school_codes=list(city.schools["code"]))
    frame = frame.astype(str).set_axis(range(2, len(frame) + 2))
    print(f"generated {len(frame):,} rows × {len(frame.columns)} columns in {time.perf_counter() - t0:.1f}s")

    report, validated = timed_import(engine, frame, "bench teachers")
    print(
        f"validated import: {report.accepted:,} stored, {report.rejected_rows:,} rejected in {validated:.1f}s "
        f"= {len(frame) / validated:,.0f} rows/s"
    )

    unchanged, again = timed_import(engine, frame, "bench teachers again")
    print(
        f"same file again: {unchanged.unchanged:,} unchanged, {unchanged.inserted + unchanged.updated} written "
        f"in {again:.1f}s = {again / len(frame) * 100_000:.1f}s per 100k rows"
    )

    # A second period: last year's training hours of every teacher (ID number and hours, as a clerk sends).
    last_year = frame[["id_number"]].assign(training_hours=frame["training_hours"])
    past, previous = timed_import(
        engine, last_year, "bench teachers last year", period=str(local_today().year - 1)
    )
    print(
        f"last year's hours ({past.periods}): {past.accepted:,} stored in {previous:.1f}s "
        f"= {len(frame) / previous:,.0f} rows/s"
    )

    # The first import went into an empty table (indexes and foreign key built after the rows): new
    # teachers into a table already holding rows take the path every later import takes.
    more = generate_teachers_frame(max(args.rows // 10, 1), seed=12, school_codes=list(city.schools["code"]))
    more = more.astype(str).set_axis(range(2, len(more) + 2))
    added, adding = timed_import(engine, more, "bench teachers added")
    print(
        f"new teachers into a table holding rows: {added.inserted:,} stored in {adding:.1f}s "
        f"= {len(more) / adding:,.0f} rows/s"
    )

    columns = list(frame.columns)
    raw = psycopg.connect(make_url(url).render_as_string(hide_password=False).replace("+psycopg", ""))
    with raw:
        raw.execute("DROP TABLE IF EXISTS raw_copy")
        raw.execute("DROP TABLE IF EXISTS raw_copy_fk")
        raw.execute("CREATE TABLE raw_copy (LIKE teachers INCLUDING ALL)")
        # The same with the school's foreign key, which LIKE does not copy: what the rows cost in a table
        # that checks them as teachers does (printed for comparison; the ratio keeps the plain anchor).
        raw.execute("CREATE TABLE raw_copy_fk (LIKE teachers INCLUDING ALL)")
        raw.execute("ALTER TABLE raw_copy_fk ADD FOREIGN KEY (school_code) REFERENCES schools (code)")
        # The same rows as the database types want them (year-months as dates, blanks as NULL), prepared
        # before the clock starts: the raw path is the floor cost of moving these rows into this table.
        prepared = frame.replace({"nan": "", "None": ""}).assign(teacher_key=frame["id_number"])
        for column in prepared.columns:
            year_month = prepared[column].str.fullmatch(r"\d{4}-\d{2}")
            if year_month.any():
                prepared.loc[year_month, column] = prepared.loc[year_month, column] + "-01"
        buffer = io.StringIO()
        prepared.to_csv(buffer, index=False, header=False)
        data = buffer.getvalue().replace("\n", f",{utcnow().isoformat()}\n")

        def copy_into(table: str) -> float:
            t0 = time.perf_counter()
            with (
                raw.cursor() as cursor,
                cursor.copy(
                    f"COPY {table} ({', '.join([*columns, 'teacher_key'])}, updated_at) FROM STDIN WITH (FORMAT csv)"
                ) as copy,
            ):
                copy.write(data)
            raw.commit()
            return time.perf_counter() - t0

        copied = copy_into("raw_copy")
        checked = copy_into("raw_copy_fk")
        raw.execute("DROP TABLE raw_copy_fk")
        raw.commit()
    print(f"raw COPY: {len(frame):,} rows in {copied:.1f}s = {len(frame) / copied:,.0f} rows/s")
    print(f"raw COPY with the school foreign key: {checked:.1f}s = {len(frame) / checked:,.0f} rows/s")
    print(f"ratio validated/raw = {copied / validated:.2f} (goal ≥ 0.5)")


if __name__ == "__main__":
    main()
