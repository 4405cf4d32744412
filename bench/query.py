"""Department queries on 1M teachers in PostgreSQL: granted pages vs plain SQL, an aggregate, a 1M-row CSV.

    HUB_BENCH_QUERY_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_query python bench/query.py [--rows N]

The database (bench_query by default, apart from the test database) is created if missing and, unless it
already holds the rows, rebuilt by the real migrations and loaded through the real import path.
Figures, each measured in this run:
  - a granted 10,000-row page (JSON, then CSV) through the API in process: p50/p95 over consecutive pages,
    against the same rows selected by plain SQL (psycopg, no hub), and the ratio (goal: p95 < 150 ms);
  - an aggregate over every row (count and average age by school and gender, small cells suppressed);
  - a CSV export of every row streamed over loopback from a real server, in a fresh process, with its
    peak memory (tracemalloc peak and max RSS growth) next to a 10x smaller export: streamed means flat;
    then the same export untraced, for its speed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import httpx
import psycopg
from pydantic import SecretStr
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

# Run as `python bench/query.py`, bench/ comes first on the path, and bench/connectors.py would shadow
# the project's `connectors` package: the project root goes first instead.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_query"
SECRET = "bench-query-secret-key"
ADMIN = "bench-query-admin-token"
ELEMENTS = ["teacher.name", "teacher.gender", "teacher.title", "teacher.birth_date", "teacher.id_number"]
# A periodic element, read for last year (the store holds two years of it): out of the period table.
PERIODIC = "teacher.training_hours"
PAGE = 10_000


def settings_for(url: str):  # type: ignore[no-untyped-def]
    from hub.config import Settings

    return Settings(
        env="test",
        database_url=url,
        secret_key=SecretStr(SECRET),
        admin_token=SecretStr(ADMIN),
        scheduler_enabled=False,
    )


def load(url: str, rows: int, schools: int) -> None:
    """Rebuild the schema and import schools and teachers through the validated path, if not there yet."""
    from hub.db import make_engine, transaction, utcnow
    from hub.demo.city import generate_city, generate_teachers_frame
    from hub.kit.clock import local_today
    from hub.migrate import upgrade
    from hub.records.models import teachers_table
    from hub.records.service import Provenance, ingest_frame
    from hub.standard.service import current_standard

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            held = connection.execute(select(func.count()).select_from(teachers_table)).scalar_one()
    except Exception:
        held = 0
    if held == rows:
        print(f"database holds {held:,} teachers already: reusing it")
        upgrade(engine)
        return
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    t0 = time.perf_counter()
    city = generate_city(seed=7, schools=schools, teachers=schools)
    frame = generate_teachers_frame(rows, seed=11, school_codes=list(city.schools["code"]))
    print(f"generated {schools:,} schools and {rows:,} teachers in {time.perf_counter() - t0:.1f}s")
    t0 = time.perf_counter()
    for entity, data in (("school", city.schools), ("teacher", frame)):
        with transaction(engine) as session:
            report = ingest_frame(
                session,
                std=current_standard(session),
                secret_key=SECRET,
                entity=entity,
                frame=data.astype(str).set_axis(range(2, len(data) + 2)),
                provenance=Provenance(source_kind="import", source_ref=f"bench {entity}s"),
                now=utcnow(),
            )
        assert report.accepted == len(data), report.rejected[:3]
    # Last year's training hours beside this year's: two periods of a periodic element.
    last_year = frame[["id_number"]].assign(
        training_hours=(frame["training_hours"].astype(int) // 2).astype(str)
    )
    with transaction(engine) as session:
        report = ingest_frame(
            session,
            std=current_standard(session),
            secret_key=SECRET,
            entity="teacher",
            frame=last_year.set_axis(range(2, len(last_year) + 2)),
            provenance=Provenance(source_kind="import", source_ref="bench teachers last year"),
            now=utcnow(),
            period=str(local_today().year - 1),
        )
    assert report.accepted == len(frame), report.rejected[:3]
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"imported through the validated path in {time.perf_counter() - t0:.1f}s")
    engine.dispose()


def principals(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    admin = {"Authorization": f"Bearer {ADMIN}"}
    code = f"bench-dept-{int(time.time())}"
    created = client.post(
        "/api/v1/principals",
        headers=admin,
        json={"kind": "department", "name": "市人社局（测试）", "code": code},
    ).json()
    grant = client.post(
        "/api/v1/grants",
        headers=admin,
        json={
            "department_id": created["id"],
            "entity": "teacher",
            "elements": [*ELEMENTS, PERIODIC],
            "purpose": "benchmark: granted page reads",
        },
    )
    assert grant.status_code == 201, grant.text
    return {"Authorization": f"Bearer {created['token']}"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(label: str, times: list[float]) -> str:
    return f"{label:44} p50 {statistics.median(times) * 1000:7.1f} ms   p95 {percentile(times, 0.95) * 1000:7.1f} ms"


def plain_sql_pages(url: str, pages: int) -> list[float]:
    """The same pages by hand: keyset SELECT of the same columns, every row fetched into Python, each
    page starting after the last key of the one before (the hub's cursors are sealed, so the keys are
    followed here rather than read out of them)."""
    dsn = make_url(url).render_as_string(hide_password=False).replace("+psycopg", "")
    times = []
    after: tuple[str, str] | None = None
    with psycopg.connect(dsn) as connection:
        for _ in range(pages):
            t0 = time.perf_counter()
            if after is None:
                rows = connection.execute(
                    "SELECT school_code, teacher_key, name, gender, title, birth_date, id_number FROM teachers "
                    "ORDER BY school_code, teacher_key LIMIT %s",
                    (PAGE,),
                ).fetchall()
            else:
                rows = connection.execute(
                    "SELECT school_code, teacher_key, name, gender, title, birth_date, id_number FROM teachers "
                    "WHERE (school_code, teacher_key) > (%s, %s) ORDER BY school_code, teacher_key LIMIT %s",
                    (*after, PAGE),
                ).fetchall()
            times.append(time.perf_counter() - t0)
            assert rows
            # Past the last row start again, as the hub's pages do (a store smaller than --pages pages).
            after = (rows[-1][0], rows[-1][1]) if len(rows) == PAGE else None
    return times


def bench_pages(url: str, pages: int) -> None:
    from fastapi.testclient import TestClient

    from hub.app import create_app

    app = create_app(settings_for(url))
    with TestClient(app) as client:
        dept = principals(client)
        shown = {"limit": PAGE, "elements": ELEMENTS}
        client.get("/api/v1/query/teacher/rows", headers=dept, params=shown)  # warm up
        cursor, json_times, csv_times = None, [], []
        for _ in range(pages):
            t0 = time.perf_counter()
            answer = client.get(
                "/api/v1/query/teacher/rows",
                headers=dept,
                params={**shown, **({"cursor": cursor} if cursor else {})},
            )
            json_times.append(time.perf_counter() - t0)
            assert answer.status_code == 200 and answer.json()["count"] == PAGE, answer.text[:200]
            t0 = time.perf_counter()
            as_csv = client.get(
                "/api/v1/query/teacher/rows",
                headers=dept,
                params={**shown, "format": "csv", **({"cursor": cursor} if cursor else {})},
            )
            csv_times.append(time.perf_counter() - t0)
            assert as_csv.status_code == 200 and as_csv.text.count("\n") == PAGE + 1
            cursor = answer.json()["next_cursor"]
        from hub.kit.clock import local_today

        periodic = {"limit": PAGE, "elements": [*ELEMENTS, PERIODIC], "period": str(local_today().year - 1)}
        cursor, period_times = None, []
        for _ in range(pages):
            t0 = time.perf_counter()
            answer = client.get(
                "/api/v1/query/teacher/rows",
                headers=dept,
                params={**periodic, **({"cursor": cursor} if cursor else {})},
            )
            period_times.append(time.perf_counter() - t0)
            assert answer.status_code == 200 and answer.json()["count"] == PAGE, answer.text[:200]
            cursor = answer.json()["next_cursor"]
        sql_times = plain_sql_pages(url, pages)
        print(f"\n{pages} consecutive granted pages of {PAGE:,} rows × {len(ELEMENTS)} elements (ID masked):")
        print(line("hub JSON page (auth, grant, mask, audit)", json_times))
        print(line("hub CSV page", csv_times))
        print(line("hub JSON page + last year's hours (?period=)", period_times))
        print(line("plain SQL, same rows (psycopg)", sql_times))
        print(
            f"ratio hub/SQL at p95: JSON {percentile(json_times, 0.95) / percentile(sql_times, 0.95):.1f}x, "
            f"CSV {percentile(csv_times, 0.95) / percentile(sql_times, 0.95):.1f}x   "
            f"(goal: JSON p95 < 150 ms: {'met' if percentile(json_times, 0.95) < 0.150 else 'NOT met'})"
        )

        admin = {"Authorization": f"Bearer {ADMIN}"}
        grant = client.post(
            "/api/v1/grants",
            headers=admin,
            json={
                "department_id": client.get("/api/v1/me", headers=dept).json()["id"],
                "entity": "teacher",
                "elements": ["teacher.gender", "teacher.age"],
                "purpose": "benchmark: aggregate",
            },
        ).json()
        agg_times = []
        for _ in range(5):
            t0 = time.perf_counter()
            result = client.get(
                "/api/v1/query/teacher/aggregate",
                headers=dept,
                params={"grant": grant["id"], "group_by": ["school", "gender"], "measure": "avg:teacher.age"},
            )
            agg_times.append(time.perf_counter() - t0)
            assert result.status_code == 200, result.text[:200]
        body = result.json()
        hidden = sum(g["suppressed"] for g in body["groups"])
        dsn = make_url(url).render_as_string(hide_password=False).replace("+psycopg", "")
        sql_agg = []
        with psycopg.connect(dsn) as connection:
            for _ in range(5):
                t0 = time.perf_counter()
                connection.execute(
                    "SELECT school_code, gender, count(*), avg(date_part('year', age(current_date, birth_date))) "
                    "FROM teachers GROUP BY school_code, gender"
                ).fetchall()
                sql_agg.append(time.perf_counter() - t0)
        print(
            f"\naggregate over {body['total']['count']:,} rows: count + avg age by school × gender "
            f"({len(body['groups']):,} groups, {hidden} suppressed, k={body['k']}):"
        )
        print(line("hub aggregate (incl. suppression, audit)", agg_times))
        print(line("plain SQL GROUP BY", sql_agg))


def export_phase(url: str, limit: int | None, trace: bool) -> None:
    """One CSV export from a real server in this process, streamed to nowhere; memory measured around it."""
    import uvicorn

    from hub.app import create_app

    app = create_app(settings_for(url))
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=600) as client:
        dept = principals(client)
        client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 10, "format": "csv"})
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        size = lines = 0
        params = {"format": "csv", **({"limit": limit} if limit else {})}
        with client.stream("GET", "/api/v1/query/teacher/rows", headers=dept, params=params) as answer:
            assert answer.status_code == 200
            for chunk in answer.iter_bytes():
                size += len(chunk)
                lines += chunk.count(b"\n")
        elapsed = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        tracemalloc.stop()
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    server.should_exit = True
    thread.join(10)
    traced = f"peak traced memory {peak / 2**20:5.1f} MiB" if peak is not None else "not traced"
    print(
        f"CSV export of {lines - 1:>9,} rows ({size / 2**20:6.1f} MiB) in {elapsed:5.1f}s "
        f"= {(lines - 1) / elapsed:>9,.0f} rows/s; {traced}, max RSS growth {rss_growth / 1024:5.1f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=30)
    # Internal: one export phase, run in a process of its own.
    parser.add_argument("--export", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--trace", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("HUB_BENCH_QUERY_URL", DEFAULT_URL)
    if args.export is not None:
        export_phase(url, args.export or None, bool(args.trace))
        return
    from hub.databases import ensure_database

    ensure_database(url)
    load(url, args.rows, args.schools)
    bench_pages(url, args.pages)
    print(
        "\nstreamed CSV exports, each in a fresh process (server and client in it; tracemalloc slows Python):"
    )
    for limit, trace in ((args.rows // 10, 1), (0, 1), (0, 0)):
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--export", str(limit), "--trace", str(trace)],
            check=True,
            env={**os.environ, "HUB_BENCH_QUERY_URL": url},
        )


if __name__ == "__main__":
    main()
