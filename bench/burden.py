"""The burden dashboard, the 自查表 and its XLSX on a demo-sized city (320 schools, 10,000 teachers by default).

    python bench/burden.py                                    # SQLite in a temporary folder
    HUB_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_burden python bench/burden.py

With only HUB_TEST_DATABASE_URL set, the same server is used with a database of its own (`bench_burden`).
A term's worth of requests goes in through the real services (answered at once, scoped to some schools,
approved and published to every school, refused); setup is timed apart from the figures measured.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from hub.access.payloads import PrincipalCreate  # noqa: E402
from hub.access.service import create_principal  # noqa: E402
from hub.burden import service as burden  # noqa: E402
from hub.config import Settings  # noqa: E402
from hub.databases import bench_database_url, fresh_engine  # noqa: E402
from hub.db import transaction, utcnow  # noqa: E402
from hub.demo.city import generate_city  # noqa: E402
from hub.kit.terms import term_of  # noqa: E402
from hub.records.files import as_text_frame  # noqa: E402
from hub.records.service import Provenance, ingest_frame  # noqa: E402
from hub.requests.payloads import DecisionIn, FieldIn, RequestIn  # noqa: E402
from hub.requests.service import decide  # noqa: E402
from hub.requests.service import submit as submit_request  # noqa: E402
from hub.selfcheck.service import self_check  # noqa: E402
from hub.selfcheck.workbook import build_workbook  # noqa: E402
from hub.standard.service import current_standard  # noqa: E402
from hub.tasks import service as tasks  # noqa: E402
from hub.tasks.models import Task  # noqa: E402

SECRET = "bench-secret-key"
COLUMNS = [
    "name",
    "gender",
    "id_number",
    "birth_date",
    "school_code",
    "work_start_date",
    "title",
    "mandarin_level",
]
GATHERED = ["姓名", "性别", "出生日期", "参加工作年月", "专业技术职务", "普通话水平等级"]
NEW = [
    "课后服务每周时长",
    "近三年家访次数",
    "参加心理健康培训学时",
    "指导学生竞赛获奖次数",
    "担任校外辅导员时长",
    "参与市级课题研究项数",
]


def timed(label: str, runs: int, work):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - t0)
    print(f"{label}: best of {runs} {best * 1000:.0f} ms")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=320)
    parser.add_argument("--teachers", type=int, default=10000)
    parser.add_argument("--answered", type=int, default=60, help="Requests the store answers at once")
    parser.add_argument("--scoped", type=int, default=40, help="Requests naming 20–60 schools")
    parser.add_argument(
        "--published", type=int, default=len(NEW), help="Requests with new fields, published to all"
    )
    parser.add_argument("--rejected", type=int, default=10, help="Requests refused (deadline too short)")
    args = parser.parse_args()
    url = bench_database_url("bench_burden")
    engine = fresh_engine(url)
    settings = Settings(env="test", database_url=url, secret_key=SECRET)  # type: ignore[arg-type]
    print(f"database: {engine.dialect.name} ({make_url(url).render_as_string(hide_password=True)})")
    rng = random.Random(5)
    deadline = date.today() + timedelta(days=40)

    t0 = time.perf_counter()
    city = generate_city(seed=5, schools=args.schools, teachers=args.teachers)
    schools = sorted(city.schools["code"])
    with transaction(engine) as session:
        std = current_standard(session)
        for entity, frame in (
            ("school", city.schools[["code", "name", "school_type", "division_code"]]),
            ("teacher", city.teachers[COLUMNS]),
        ):
            ingest_frame(
                session,
                std=std,
                secret_key=SECRET,
                entity=entity,
                frame=as_text_frame(frame),
                provenance=Provenance(source_kind="import", source_ref="bench"),
                now=utcnow(),
            )
        make = lambda kind, code, **kw: create_principal(  # noqa: E731
            session, SECRET, PrincipalCreate(kind=kind, name=f"{kind} {code}", code=code, **kw)
        )[0]
        department, statistics, education = (
            make("department", "d"),
            make("statistics", "s"),
            make("education", "e"),
        )
        school = make("school", "sch", school_code=schools[0])

        def ask(labels: list[str], *, scope: list[str] | None = None, due: date = deadline) -> int:
            payload = RequestIn(
                title="教师情况统计",
                purpose="教师队伍建设",
                entity="teacher",
                schools=scope,
                deadline=due,
                fields=[FieldIn(label=label, type="integer" if label in NEW else None) for label in labels],
            )
            return submit_request(session, settings, department, payload, now=utcnow()).id

        for _ in range(args.answered):
            ask(rng.sample(GATHERED, rng.randint(2, 5)))
        for _ in range(args.scoped):
            ask(rng.sample(GATHERED, 3), scope=rng.sample(schools, rng.randint(20, 60)))
        for _ in range(args.rejected):
            ask(
                ["姓名", rng.choice(NEW)], scope=rng.sample(schools, 30), due=date.today() + timedelta(days=1)
            )
        for i in range(args.published):
            request_id = ask(["姓名", "出生日期", NEW[i]])  # each asks something new, or it would duplicate
            decide(
                session,
                statistics,
                request_id,
                DecisionIn(decision="approve", approval_number=f"国统制〔2026〕{i}号"),
                now=utcnow(),
            )
            tasks.publish(session, settings, education, request_id, deadline=None, now=utcnow())
        task_count = session.scalar(select(func.count()).select_from(Task))
    total = args.answered + args.scoped + args.rejected + args.published
    print(
        f"setup: {len(schools)} schools, {len(city.teachers):,} teachers, {total} requests, {task_count:,} tasks "
        f"in {time.perf_counter() - t0:.1f}s"
    )

    term = term_of(utcnow())
    with transaction(engine) as session:
        report = timed(
            "city dashboard (every school, one term)", 5, lambda: burden.city_burden(session, education, term)
        )
        totals = report.totals
        print(
            f"  {totals.requests_received:,} requests received, {totals.requests_satisfied_without_school:,} "
            f"without the school, {totals.tasks_sent:,} tasks, {totals.fields_spared:,} fields spared, "
            f"reduction {totals.reduction}"
        )
        timed("one school's figures", 5, lambda: burden.school_burden(session, school, schools[0], term))
        check = timed(
            "自查表 of one school",
            5,
            lambda: self_check(session, settings, school, schools[0], term, today=date.today()),
        )
        content = timed("自查表 XLSX", 5, lambda: build_workbook(check))
        print(f"  {len(content):,} bytes")


if __name__ == "__main__":
    main()
