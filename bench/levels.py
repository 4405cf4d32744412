"""A province of 1,000,000 teachers in 10,000 schools under 100 counties, bureaus at every level (issue 17).

    HUB_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_levels python bench/levels.py
    python bench/levels.py --teachers 200000      # a smaller province, same shape

Measured, each through the service or the API the bureau calls (setup is timed apart):
- publication of a county department's approved request to its county (~100 schools), by the county's
  education bureau, several times (p50/p95);
- publication of the province's request to every school of the province, by the provincial bureau;
- a county bureau's progress page of that province-wide request (GET /api/v1/requests/{id}/progress,
  its own ~100 schools out of 10,000), p50/p95;
- a county department's query of its county (GET /api/v1/query/teacher/rows, 1,000 rows a page, and
  an aggregate by school over the county), p50/p95.
The database's public schema is rebuilt by the real migrations.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import pandas as pd  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from hub.access.payloads import GrantCreate, PrincipalCreate  # noqa: E402
from hub.access.service import create_principal, grant_standing_access  # noqa: E402
from hub.app import create_app  # noqa: E402
from hub.config import Settings  # noqa: E402
from hub.databases import bench_database_url, fresh_engine  # noqa: E402
from hub.db import session_factory, transaction, utcnow  # noqa: E402
from hub.demo.city import generate_city, generate_teachers_frame  # noqa: E402
from hub.records.files import as_text_frame  # noqa: E402
from hub.records.service import Provenance, ingest_frame  # noqa: E402
from hub.requests.payloads import DecisionIn, FieldIn, RequestIn  # noqa: E402
from hub.requests.service import decide  # noqa: E402
from hub.requests.service import submit as submit_request  # noqa: E402
from hub.standard.service import current_standard  # noqa: E402
from hub.tasks import service as tasks  # noqa: E402
from hub.tasks.models import TaskRow  # noqa: E402
from schemas import divisions, validators  # noqa: E402

SECRET = "bench-levels-secret-key-0123456789"
PROVINCE = "130000"  # 河北省: 167 counties, the first 100 of them
COLUMNS = ["name", "gender", "id_number", "birth_date", "school_code", "work_start_date", "title"]
NEW_FIELDS = (
    "课后服务每周时长",
    "本学期家访次数",
    "年度心理健康培训学时",
    "本学期公开课次数",
    "本学年指导青年教师人数",
)


def province_schools(n: int, counties: list[str]) -> pd.DataFrame:
    """`n` schools over `counties` (round robin), valid 学校标识码 carrying each county's city digits."""
    types = sorted(set(generate_city(seed=3, schools=300, teachers=300).schools["school_type"]))
    by_prefix: dict[str, str] = {}
    for t in types:
        by_prefix.setdefault(str(t)[:2], str(t))
    prefixes = sorted(by_prefix)
    serials: dict[str, int] = {}
    rows = []
    for i in range(n):
        county = counties[i % len(counties)]
        prefix = prefixes[(i // len(counties)) % len(prefixes)]
        key = f"{prefix}{county[:4]}"
        serials[key] = serials.get(key, 0) + 1
        if serials[key] > 999:
            raise SystemExit(f"too many schools of kind {prefix} in city {county[:4]}: use fewer schools")
        first9 = f"{key}{serials[key]:03d}"
        code = first9 + validators.school_code_check_digit(first9)
        rows.append(
            {
                "code": code,
                "name": f"{divisions.require(county).name}第{i // len(counties) + 1}学校",
                "school_type": by_prefix[prefix],
                "division_code": county,
            }
        )
    return pd.DataFrame(rows)


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:,.0f} ms, p95 {p95 * 1000:,.0f} ms (n={len(ordered)})"


def timed(repeat: int, action: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        action()
        samples.append(time.perf_counter() - t0)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teachers", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20, help="Samples of each page or query")
    args = parser.parse_args()
    url = bench_database_url("bench_levels")
    engine = fresh_engine(url)
    settings = Settings(env="test", database_url=url, secret_key=SECRET, min_working_days=5)  # type: ignore[arg-type]
    print(f"database: {engine.dialect.name} ({make_url(url).render_as_string(hide_password=True)})")
    # Spread over the province's cities, so that a request of all of them is the province's.
    every = divisions.counties_within(PROVINCE)
    counties = [d.code for d in every[:: max(1, len(every) // args.counties)][: args.counties]]
    county, other = counties[0], counties[1]

    t0 = time.perf_counter()
    schools = province_schools(args.schools, counties)
    teachers = generate_teachers_frame(args.teachers, seed=17, school_codes=list(schools["code"]))[COLUMNS]
    print(
        f"generated {len(schools):,} schools and {len(teachers):,} teachers in {time.perf_counter() - t0:.0f}s"
    )
    t0 = time.perf_counter()
    with transaction(engine) as session:
        std = current_standard(session)
        for entity, frame in (("school", schools), ("teacher", teachers)):
            report = ingest_frame(
                session,
                std=std,
                secret_key=SECRET,
                entity=entity,
                frame=as_text_frame(frame),
                provenance=Provenance(source_kind="import", source_ref="bench-levels"),
                now=utcnow(),
            )
            assert report.rejected_rows == 0, report.rejected[:3]
    print(f"imported in {time.perf_counter() - t0:.0f}s")
    del teachers

    tokens: dict[str, str] = {}
    with transaction(engine) as session:

        def person(kind: str, code: str, division: str) -> int:
            principal, token = create_principal(
                session, SECRET, PrincipalCreate(kind=kind, name=code, code=code, division=division)
            )
            tokens[code] = token
            return principal.id

        for level in (PROVINCE, county, other):
            person("education", f"edu-{level}", level)
            person("statistics", f"stats-{level}", level)
            person("department", f"dept-{level}", level)
    client = TestClient(create_app(settings, factory=session_factory(engine)))

    def headers(code: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[code]}"}

    def principal(session: object, code: str) -> object:
        from hub.identity.models import Principal

        return session.scalars(select(Principal).where(Principal.code == code)).one()  # type: ignore[attr-defined]

    deadline = date.today() + timedelta(days=30)
    approval = DecisionIn(
        decision="approve",
        approval_number="冀统制〔2026〕1号",
        valid_until=date.today() + timedelta(days=300),
    )

    def approved(level: str, label: str) -> int:
        with transaction(engine) as session:
            request = submit_request(
                session,
                settings,
                principal(session, f"dept-{level}"),  # type: ignore[arg-type]
                RequestIn(
                    title=f"{label}统计",
                    purpose="教师队伍建设规划",
                    entity="teacher",
                    deadline=deadline,
                    fields=[FieldIn(label="姓名"), FieldIn(label=label, type="integer")],
                ),
                now=utcnow(),
            )
            decide(session, principal(session, f"stats-{level}"), request.id, approval, now=utcnow())  # type: ignore[arg-type]
            return request.id

    def publish(level: str, request_id: int) -> tuple[int, int]:
        with transaction(engine) as session:
            done = tasks.publish(
                session,
                settings,
                principal(session, f"edu-{level}"),
                request_id,
                deadline=None,
                now=utcnow(),  # type: ignore[arg-type]
            )
            rows = session.scalar(
                select(func.count())
                .select_from(TaskRow)
                .where(TaskRow.task_id.in_([t.id for t in done.tasks]))
            )
            return len(done.tasks), int(rows or 0)

    # 1. A county department's request, published to its county by the county bureau.
    samples = []
    sizes = (0, 0)
    for label in NEW_FIELDS:
        request_id = approved(county, label)
        t0 = time.perf_counter()
        sizes = publish(county, request_id)
        samples.append(time.perf_counter() - t0)
    print(f"publish to county {county}: {sizes[0]} tasks, {sizes[1]:,} rows each: {percentiles(samples)}")

    # 2. The province's request, published to every school of the province.
    province_request = approved(PROVINCE, "年度继续教育学时")
    t0 = time.perf_counter()
    sizes = publish(PROVINCE, province_request)
    elapsed = time.perf_counter() - t0
    print(
        f"publish to province {PROVINCE}: {sizes[0]:,} tasks, {sizes[1]:,} rows in {elapsed:.1f}s "
        f"= {sizes[1] / elapsed:,.0f} rows/s"
    )

    # 3. A county bureau's progress page of the province-wide request: its own schools only.
    url = f"/api/v1/requests/{province_request}/progress"
    first = client.get(url, headers=headers(f"edu-{county}"))
    assert first.status_code == 200, first.text
    shown = len(first.json()["schools"])
    samples = timed(args.repeat, lambda: client.get(url, headers=headers(f"edu-{county}")))
    print(f"progress page of county {county} ({shown} of {sizes[0]:,} schools): {percentiles(samples)}")

    # 4. A county department's query of its county, under its county bureau's agreement.
    with transaction(engine) as session:
        grant = grant_standing_access(
            session,
            principal(session, f"edu-{county}"),  # type: ignore[arg-type]
            GrantCreate(
                department_id=principal(session, f"dept-{county}").id,  # type: ignore[attr-defined]
                entity="teacher",
                elements=["teacher.name", "teacher.gender", "teacher.title", "teacher.birth_date"],
                purpose="核对本县教师职称信息",
            ),
            today=date.today(),
        )
        grant_id = grant.id
    rows_url = f"/api/v1/query/teacher/rows?grant={grant_id}&limit=1000"
    page = client.get(rows_url, headers=headers(f"dept-{county}"))
    assert page.status_code == 200, page.text
    outside = [r for r in page.json()["rows"] if str(r["school_code"])[2:6] != county[:4]]
    assert not outside, outside[:2]
    samples = timed(args.repeat, lambda: client.get(rows_url, headers=headers(f"dept-{county}")))
    print(f"department query of county {county} (1,000 rows a page): {percentiles(samples)}")
    aggregate_url = f"/api/v1/query/teacher/aggregate?grant={grant_id}&group_by=school"
    answer = client.get(aggregate_url, headers=headers(f"dept-{county}"))
    assert answer.status_code == 200, answer.text
    samples = timed(args.repeat, lambda: client.get(aggregate_url, headers=headers(f"dept-{county}")))
    groups = answer.json().get("groups", [])
    print(f"department aggregate of county {county} by school ({len(groups)} groups): {percentiles(samples)}")
    # Another county's bureau sees none of it.
    assert client.get(f"/api/v1/grants/{grant_id}", headers=headers(f"edu-{other}")).status_code == 404


if __name__ == "__main__":
    main()
