"""Peak memory of `hub import teachers` on CSV files of growing size, as `/usr/bin/time -v` reports it.

    python bench/import_memory.py [--rows 100000 300000] [--again]

Writes each file (zh headers, coded values as labels, UTF-8, as `hub demo` writes its teachers) into a
temporary folder, loads its schools into a fresh database (HUB_BENCH_DATABASE_URL, else a database
`bench_import_memory` on the test server, else SQLite), then runs `hub import teachers FILE` in a
child process under `/usr/bin/time -v` and prints its wall time and maximum resident set size. With
`--again` each file is imported a second time into the same store (nothing changed). Prints `uptime`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as `python bench/import_memory.py`, this folder leads sys.path and bench/connectors.py would shadow
# the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from hub.databases import bench_database_url, fresh_engine  # noqa: E402
from hub.db import transaction, utcnow  # noqa: E402
from hub.demo.city import generate_city, generate_teachers_frame, to_form_frames  # noqa: E402
from hub.records.files import as_text_frame  # noqa: E402
from hub.records.service import Provenance, ingest_frame  # noqa: E402
from hub.standard.service import current_standard  # noqa: E402


def _time_v(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    lines = done.stdout.splitlines()
    summary = next((line for line in lines if line.startswith("read ")), " | ".join(lines[-3:]))
    return elapsed, int(peak.group(1)) if peak else -1, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 300_000])
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--again", action="store_true", help="import each file a second time, unchanged")
    args = parser.parse_args()
    url = bench_database_url("bench_import_memory")
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_SECRET_KEY": "bench-secret-key-bench-secret-key"}
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    city = generate_city(seed=7, schools=args.schools, teachers=args.schools)
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            engine = fresh_engine(url)
            with transaction(engine) as session:
                ingest_frame(
                    session,
                    std=current_standard(session),
                    secret_key=env["HUB_SECRET_KEY"],
                    entity="school",
                    frame=as_text_frame(city.schools),
                    provenance=Provenance(source_kind="import", source_ref="bench schools"),
                    now=utcnow(),
                )
            engine.dispose()
            teachers = generate_teachers_frame(rows, seed=11, school_codes=list(city.schools["code"]))
            _, form = to_form_frames(dataclasses.replace(city, teachers=teachers))
            path = Path(folder) / f"teachers-{rows}.csv"
            form.to_csv(path, index=False)
            del teachers, form
            size = path.stat().st_size / 1e6
            command = [
                sys.executable,
                "-c",
                "from hub.cli import main; main()",
                "import",
                "teachers",
                str(path),
            ]
            elapsed, peak_kb, summary = _time_v(command, env)
            print(
                f"{rows:>9,} rows, {size:,.0f} MB CSV: hub import {elapsed:6.1f}s, peak RSS {peak_kb / 1024:,.0f} MB"
            )
            print(f"    {summary}")
            if args.again:
                elapsed, peak_kb, summary = _time_v(command, env)
                print(
                    f"{rows:>9,} rows again (unchanged): {elapsed:6.1f}s = {elapsed / rows * 100_000:.1f}s per 100k "
                    f"rows, peak RSS {peak_kb / 1024:,.0f} MB"
                )
                print(f"    {summary}")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")


if __name__ == "__main__":
    main()
