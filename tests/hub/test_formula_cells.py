"""Text a spreadsheet would run as a formula comes out of every CSV and XLSX export as text.

Teachers' and schools' names are imported as `=cmd|' /C calc'!A0`, `@SUM(…)`, `+1+1`, `-2+3` and a
leading tab, and a department types one as its request's title; every export a person opens in
Excel or WPS (answers, query rows, rejected rows, task templates, progress, burden, 自查表) holds them
quoted (a leading '), never as a formula, and still holds them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import generate_city
from hub.kit.csvfile import FORMULA_START
from tests.hub.factories import ingest
from tests.hub.tasks.factories import (
    SCHOOL_COLUMNS,
    TEACHER_COLUMNS,
    People,
    create_people,
    published_request,
    request_body,
    submit_request,
    task_of,
)

NAMES = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3+cmd|' /C calc'!A0", "\t=1+1"]
SCHOOL_NAME = '=HYPERLINK("http://evil.example/","第一中学")'
TITLE = "=cmd|' /C notepad'!A0"
STORED = [name.strip() for name in NAMES]  # an import trims the tab off; "=1+1" is left


def csv_cells(content: bytes) -> Iterator[str]:
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        yield from row


def xlsx_cells(content: bytes) -> Iterator[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    yield cell.value


def assert_defused(cells: Iterator[str], *expected: str) -> None:
    seen = list(cells)
    live = [c for c in seen if c.startswith(FORMULA_START)]
    assert live == [], f"cells a spreadsheet would run: {live}"
    for text in expected:
        assert any(text in c for c in seen), f"{text!r} is no longer in the export"


def get(client: TestClient, headers: dict[str, str], path: str) -> bytes:
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:200]}"
    return answer.content


@pytest.fixture
def town(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]
) -> tuple[list[str], People]:
    city = generate_city(seed=7, schools=2, teachers=40)
    schools = city.schools[list(SCHOOL_COLUMNS)].copy().reset_index(drop=True)
    codes = sorted(schools["code"])
    schools.loc[schools["code"] == codes[0], "name"] = SCHOOL_NAME
    assert ingest(session, settings, "school", schools).accepted == 2
    teachers = city.teachers[list(TEACHER_COLUMNS)].copy().reset_index(drop=True)
    first = teachers.index[teachers["school_code"] == codes[0]][: len(NAMES)]
    teachers.loc[first, "name"] = NAMES
    teachers["mandarin_level"] = teachers["mandarin_level"].astype("object")
    teachers.loc[teachers["school_code"] == codes[0], "mandarin_level"] = None
    report = ingest(session, settings, "teacher", teachers)
    assert report.accepted == len(teachers), report.rejected[:3]
    session.flush()
    return codes, create_people(client, admin_headers, codes)


def test_answers_and_query_rows_hold_formulas_as_text(
    client: TestClient, town: tuple[list[str], People]
) -> None:
    _, people = town
    answered = submit_request(client, people.department, request_body("姓名", "性别"))
    assert answered["status"] == "answered", answered
    data = f"/api/v1/requests/{answered['id']}/data"
    assert_defused(csv_cells(get(client, people.department, f"{data}?format=csv")), *STORED, SCHOOL_NAME)
    assert_defused(xlsx_cells(get(client, people.department, f"{data}?format=xlsx")), *STORED, SCHOOL_NAME)
    rows = "/api/v1/query/teacher/rows?elements=teacher.name"
    assert_defused(csv_cells(get(client, people.department, f"{rows}&format=csv")), *STORED)
    assert_defused(xlsx_cells(get(client, people.department, f"{rows}&format=xlsx")), *STORED)


def test_templates_progress_burden_and_selfcheck_hold_formulas_as_text(
    client: TestClient, town: tuple[list[str], People]
) -> None:
    codes, people = town
    request_id, _ = published_request(client, people, "姓名", "普通话水平等级", title=TITLE)
    school = people.schools[codes[0]]
    task = task_of(client, school, request_id)
    assert_defused(xlsx_cells(get(client, school, task["template_url"])), *STORED, TITLE)
    progress = get(client, people.education, f"/api/v1/requests/{request_id}/progress.xlsx")
    assert_defused(xlsx_cells(progress), SCHOOL_NAME, TITLE)
    assert_defused(xlsx_cells(get(client, people.education, "/api/v1/burden/export.xlsx")), SCHOOL_NAME)
    selfcheck = get(client, school, f"/api/v1/schools/{codes[0]}/selfcheck.xlsx")
    assert_defused(xlsx_cells(selfcheck), SCHOOL_NAME)


def test_rejected_rows_hold_formulas_as_text(
    client: TestClient, town: tuple[list[str], People], admin_headers: dict[str, str]
) -> None:
    codes, _ = town
    upload = f"任职学校,姓名,公民身份号码,性别\n{codes[0]},{NAMES[0]},110101199003077777,雄\n"
    imported = client.post(
        "/api/v1/records/teachers/import",
        headers=admin_headers,
        files={"file": ("t.csv", upload.encode(), "text/csv")},
    )
    assert imported.status_code == 200, imported.text
    assert_defused(csv_cells(get(client, admin_headers, imported.json()["errors_url"])), "雄")
