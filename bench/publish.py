"""Publishing one request to 500 schools with 20,000 teachers, and accepting a 2,000-row XLSX submission.

    python bench/publish.py                                   # SQLite in a temporary folder
    HUB_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_publish python bench/publish.py

With only HUB_TEST_DATABASE_URL set, the same server is used with a database of its own (`bench_publish`),
so the test database is left alone. The database's public schema is rebuilt by the real migrations.
Setup (generating and importing the city) is timed apart from what the issue asks to measure.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# Run as `python bench/publish.py`, this folder leads sys.path and bench/dedup.py would shadow the package.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import openpyxl  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from hub.access.payloads import PrincipalCreate  # noqa: E402
from hub.access.service import create_principal  # noqa: E402
from hub.config import Settings  # noqa: E402
from hub.databases import bench_database_url, fresh_engine  # noqa: E402
from hub.db import transaction, utcnow  # noqa: E402
from hub.demo.city import generate_city, generate_teachers_frame  # noqa: E402
from hub.records.files import as_text_frame  # noqa: E402
from hub.records.service import Provenance, ingest_frame  # noqa: E402
from hub.requests.payloads import DecisionIn, RequestIn  # noqa: E402
from hub.requests.service import decide  # noqa: E402
from hub.requests.service import submit as submit_request  # noqa: E402
from hub.standard.service import current_standard  # noqa: E402
from hub.tasks import service  # noqa: E402
from hub.tasks.models import Task, TaskRow  # noqa: E402
from hub.tasks.templates import build_template  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--teachers", type=int, default=20000)
    parser.add_argument(
        "--big-school", type=int, default=2000, help="Teachers of the school whose XLSX is timed"
    )
    args = parser.parse_args()
    url = bench_database_url("bench_publish")
    engine = fresh_engine(url)
    settings = Settings(env="test", database_url=url, secret_key=SECRET, min_working_days=5)  # type: ignore[arg-type]
    print(f"database: {engine.dialect.name} ({make_url(url).render_as_string(hide_password=True)})")

    t0 = time.perf_counter()
    city = generate_city(seed=5, schools=args.schools - 1, teachers=args.teachers - args.big_school)
    big_code = "2339999993"
    schools = city.schools[["code", "name", "school_type", "division_code"]].copy()
    schools.loc[len(schools)] = [
        big_code,
        "市第一实验学校（基准）",
        schools.iloc[0]["school_type"],
        schools.iloc[0]["division_code"],
    ]
    teachers = city.teachers[COLUMNS]
    # The timed school has not tested Mandarin either: its task asks for two fields.
    big = generate_teachers_frame(args.big_school, seed=9, school_codes=[big_code])[COLUMNS].assign(
        mandarin_level=None
    )
    # Most schools have tested their teachers' Mandarin; a quarter have not, so coverage decides per school.
    untested = set(schools["code"].iloc[::4])
    teachers = teachers.assign(
        mandarin_level=teachers["mandarin_level"].where(~teachers["school_code"].isin(untested), None)
    )
    with transaction(engine) as session:
        std = current_standard(session)
        for entity, frame in (("school", schools), ("teacher", teachers), ("teacher", big)):
            report = ingest_frame(
                session,
                std=std,
                secret_key=SECRET,
                entity=entity,
                frame=as_text_frame(frame),
                provenance=Provenance(source_kind="import", source_ref="bench"),
                now=utcnow(),
            )
            assert report.rejected_rows == 0, report.rejected[:3]
        department, _ = create_principal(
            session, SECRET, PrincipalCreate(kind="department", name="市人社局", code="d")
        )
        statistics, _ = create_principal(
            session, SECRET, PrincipalCreate(kind="statistics", name="市统计局", code="s")
        )
        education, _ = create_principal(
            session, SECRET, PrincipalCreate(kind="education", name="市教育局", code="e")
        )
        school, _ = create_principal(
            session, SECRET, PrincipalCreate(kind="school", name="基准学校", code="b", school_code=big_code)
        )
        payload = RequestIn(
            title="教师课后服务与普通话情况",
            purpose="课后服务补助测算",
            entity="teacher",
            deadline=date.today() + timedelta(days=30),
            fields=[
                {"label": "姓名"},
                {"label": "出生日期"},
                {"label": "普通话水平等级"},  # type: ignore[list-item]
                {"label": "课后服务每周时长", "type": "integer"},  # type: ignore[list-item]
            ],
        )
        request = submit_request(session, settings, department, payload, now=utcnow())
        decide(
            session,
            statistics,
            request.id,
            DecisionIn(decision="approve", approval_number="国统制〔2026〕1号"),
            now=utcnow(),
        )
        request_id = request.id
    print(
        f"setup: {len(schools)} schools, {len(teachers) + len(big):,} teachers imported and a request approved "
        f"in {time.perf_counter() - t0:.1f}s"
    )

    t0 = time.perf_counter()
    with transaction(engine) as session:
        publication = service.publish(session, settings, education, request_id, deadline=None, now=utcnow())
        tasks = len(publication.tasks)
        rows = session.scalar(select(func.count()).select_from(TaskRow)) or 0
        fields = sum(len(t.fields) for t in publication.tasks)
    elapsed = time.perf_counter() - t0
    print(
        f"publish: {tasks} tasks ({publication.schools_in_scope - tasks} schools complete, no task), "
        f"{rows:,} prefilled rows, {fields} task fields in {elapsed:.2f}s = {rows / elapsed:,.0f} rows/s"
    )

    with transaction(engine) as session:
        task = session.scalars(select(Task).where(Task.school_code == big_code)).one()
        std = current_standard(session)
        t0 = time.perf_counter()
        elements = service.task_elements(std, task)
        content = build_template(
            std=std,
            entity="teacher",
            elements=elements,
            rows=service.prefilled_rows(session, task, std),
            notes=[],
        )
        elapsed = time.perf_counter() - t0
        print(
            f"template: {task.rows_expected:,} prefilled rows × {len(elements)} fields as XLSX "
            f"({len(content) / 1024:.0f} KiB) in {elapsed:.2f}s"
        )
        task_id = task.id

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        for column, header in enumerate(headers, start=1):
            if header == "普通话水平等级":
                sheet.cell(row=row, column=column, value="二级甲等")
            elif header == "课后服务每周时长":
                sheet.cell(row=row, column=column, value=row % 7)
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = buffer.getvalue()

    t0 = time.perf_counter()
    with transaction(engine) as session:
        result = service.submit(
            session, settings, school, task_id, service.file_input(upload, filename="填报.xlsx"), now=utcnow()
        )
        read, accepted, rejected, status = (
            result.rows_read,
            result.accepted,
            result.rejected_rows,
            result.task.status,
        )
    elapsed = time.perf_counter() - t0
    print(
        f"submission: {read:,}-row XLSX ({len(upload) / 1024:.0f} KiB) read, validated and stored: "
        f"{accepted:,} accepted, {rejected} rejected, task {status}, in {elapsed:.2f}s = {read / elapsed:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
