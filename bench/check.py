"""The request check of a 40-field form on the demo city: p50/p95 with the kept coverage counts, and the
same checks counting the store's rows (the counts removed), in one run.

    HUB_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_check python bench/check.py
    python bench/check.py --teachers 100000 --schools 2000 --runs 30

The database is rebuilt by the real migrations and the city loaded by `hub demo`'s own loader. The form
asks 34 elements of the standard by their Chinese labels and 6 fields the store lacks; each check goes
through the API in process (TestClient, the department's token), so the figure is the hub's own time
without the network's (goal: p95 ≤ 100 ms on the demo city).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as `python bench/check.py`, this folder leads sys.path and bench/dedup.py would shadow the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from fastapi.testclient import TestClient  # noqa: E402
from pydantic import SecretStr  # noqa: E402
from sqlalchemy import delete  # noqa: E402

from bench.demo_city import load_city  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.config import Settings  # noqa: E402
from hub.databases import fresh_engine  # noqa: E402
from hub.db import transaction  # noqa: E402
from hub.records.counts import count_uncounted  # noqa: E402
from hub.records.models import RecordCount  # noqa: E402
from hub.standard.service import current_standard  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_check"
NEW_FIELDS = ("心理健康培训学时", "课题结题日期", "家访次数", "支教年限", "社团指导项目", "值班天数")


def timed(client: TestClient, headers: dict[str, str], body: dict[str, object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        answer = client.post("/api/v1/requests/check", json=body, headers=headers)
        out.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
    return out


def line(label: str, millis: list[float]) -> str:
    p95 = statistics.quantiles(millis, n=20)[18]
    return f"{label}: p50 {statistics.median(millis):.0f} ms, p95 {p95:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=320)
    parser.add_argument("--teachers", type=int, default=10500)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("HUB_BENCH_DATABASE_URL", DEFAULT_URL)
    settings = Settings(
        env="test",
        database_url=url,
        admin_token=SecretStr("bench-admin-token-0123456789"),
        secret_key=SecretStr("bench-check-secret-key"),
        scheduler_enabled=False,
    )
    engine = fresh_engine(url)
    tokens = load_city(
        engine,
        settings,
        schools=args.schools,
        teachers=args.teachers,
        folder=Path(tempfile.mkdtemp(prefix="bench-check-")),
    )

    with transaction(engine) as session:
        std = current_standard(session)
    elements = [e for e in std.elements_for("teacher") if e.derivation is None][:34]
    body: dict[str, object] = {
        "title": "教师基本情况统计",
        "purpose": "核对本部门职责范围内的教师信息",
        "entity": "teacher",
        "fields": [{"label": e.label_zh} for e in elements] + [{"label": label} for label in NEW_FIELDS],
    }
    headers = {"Authorization": f"Bearer {tokens['demo-hrss']}"}
    with TestClient(create_app(settings)) as client:
        timed(client, headers, body, 3)  # warm: the matcher and the standard are built once per process
        kept = timed(client, headers, body, args.runs)
        with transaction(engine) as session:
            session.execute(delete(RecordCount))
        counted = timed(client, headers, body, args.runs)
        with transaction(engine) as session:
            count_uncounted(session, current_standard(session))
    print(line("request check, 40 fields, kept counts", kept))
    print(line("request check, 40 fields, counting the rows", counted))


if __name__ == "__main__":
    main()
