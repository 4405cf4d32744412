"""Concurrent department reads on PostgreSQL: the load table of issue 20 at 1, 8, 32, 64 and 128 clients.

    python bench/load.py [--seconds 15] [--clients 1 8 32 64 128] [--workers 1 2]

A database of its own (bench_load on the local server, `HUB_BENCH_LOAD_URL` to change) is filled by
`hub demo`; a department holds an agreement over 姓名, 性别 and 出生日期. Then for each `hub serve
--workers N` (a real server on loopback), each number of clients sends `GET
/api/v1/query/teacher/rows?limit=100` (a page of 100 rows, masked per grant, on the audit log with
their receipts) as fast as it is answered, for `--seconds` each; one warm-up second first. Per row of the table:
requests answered per second, p50 and p99 latency, 5xx answers, of which 503 (the admission queue's
"retry later"), and requests that failed without an answer (time-outs, refused connections).

The clients are one asyncio process (httpx) on the same machine: on a small shared machine they take
CPU from the server, so the figures are a floor. Print `uptime` with them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"
ADMIN = "bench-load-admin-token-4e7d"
SECRET = "bench-load-secret-key-9a1c"


def hub(*args: str) -> list[str]:
    return [sys.executable, "-c", "from hub.cli import app; app()", *args]


def environment(url: str) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "HUB_DATABASE_URL": url, "HUB_ADMIN_TOKEN": ADMIN,
            "HUB_SECRET_KEY": SECRET, "HUB_SCHEDULER_ENABLED": "false", "HUB_ENV": "development"}  # fmt: skip


def fresh_database(url: str) -> None:
    name = make_url(url).database
    admin = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


class Server:
    """`hub serve --workers N` on a free loopback port, its output in a log file."""

    def __init__(self, url: str, workers: int, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = (workdir / f"serve-{workers}.log").open("wb")
        self.process = subprocess.Popen(
            hub("serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)),
            cwd=workdir,
            env=environment(url),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"hub serve exited; see {self.log.name}")
            try:
                if httpx.get(self.base + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit("hub serve: /health never answered")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def prepare(base: str) -> tuple[str, str]:
    """A department holding an agreement over 姓名, 性别 and 出生日期: (its token, the path of its 100-row read)."""
    admin = {"Authorization": f"Bearer {ADMIN}"}
    with httpx.Client(base_url=base, timeout=60) as client:
        made = client.post(
            "/api/v1/principals",
            headers=admin,
            json={"kind": "department", "name": "市人社局", "code": "bench-load"},
        )
        made.raise_for_status()
        token, holder = made.json()["token"], made.json()["id"]
        grant = {"department_id": holder, "entity": "teacher", "purpose": "人员信息核对",
                 "elements": ["teacher.name", "teacher.gender", "teacher.birth_date"],
                 "valid_until": (date.today() + timedelta(days=300)).isoformat()}  # fmt: skip
        client.post("/api/v1/grants", headers=admin, json=grant).raise_for_status()
        path = "/api/v1/query/teacher/rows?limit=100"
        page = client.get(path, headers={"Authorization": f"Bearer {token}"})
        page.raise_for_status()
        assert len(page.json()["rows"]) == 100, f"the read returned {len(page.json()['rows'])} rows, not 100"
    return token, path


async def level(base: str, path: str, token: str, clients: int, seconds: float) -> dict[str, float]:
    """`clients` clients each sending the read as soon as the last one is answered, for `seconds`."""
    latencies: list[float] = []
    statuses: list[int] = []
    failed = 0
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120, headers=headers) as client:
        warm_until = time.monotonic() + 1.0
        stop = warm_until + seconds

        async def one() -> None:
            nonlocal failed
            while (now := time.monotonic()) < stop:
                try:
                    answer = await client.get(path)
                    await answer.aread()
                except httpx.HTTPError:
                    if now >= warm_until:
                        failed += 1
                    continue
                if now >= warm_until:
                    latencies.append(time.monotonic() - now)
                    statuses.append(answer.status_code)

        started = time.monotonic()
        await asyncio.gather(*(one() for _ in range(clients)))
        took = time.monotonic() - max(started, warm_until)
    ok = [lat for lat, st in zip(latencies, statuses, strict=True) if st < 500]
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else latencies * 99 or [0.0] * 99
    return {
        "clients": clients,
        "requests": len(statuses),
        "rps": len(ok) / took if took > 0 else 0.0,
        "p50": cuts[49] * 1000,
        "p99": cuts[98] * 1000,
        "5xx": sum(1 for st in statuses if st >= 500),
        "503": sum(1 for st in statuses if st == 503),
        "failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32, 64, 128])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    url = os.environ.get("HUB_BENCH_LOAD_URL", DEFAULT_URL)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    print(f"before: {uptime()}")
    fresh_database(url)
    t = time.perf_counter()
    subprocess.run(hub("demo"), cwd=workdir, env=environment(url), check=True, capture_output=True)
    print(f"hub demo on {make_url(url).database}: {time.perf_counter() - t:.0f} s")
    token = path = ""
    for workers in args.workers:
        server = Server(url, workers, workdir)
        try:
            if not token:
                token, path = prepare(server.base)
            print(f"\nhub serve --workers {workers}: GET {path} (100 rows), {args.seconds:.0f} s a level")
            print("| clients | requests | req/s | p50 ms | p99 ms | 5xx | 503 | no answer |")
            print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            for clients in args.clients:
                row = asyncio.run(level(server.base, path, token, clients, args.seconds))
                print(
                    f"| {clients} | {row['requests']:.0f} | {row['rps']:.1f} | {row['p50']:.0f} | {row['p99']:.0f} "
                    f"| {row['5xx']:.0f} | {row['503']:.0f} | {row['failed']:.0f} |",
                    flush=True,
                )
        finally:
            server.stop()
    print(f"\nafter: {uptime()}")


if __name__ == "__main__":
    main()
