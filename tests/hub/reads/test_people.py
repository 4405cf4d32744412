"""Reads a person can use: query rows as a workbook with labels, school names, dates and a title; the
JSON page's code-listed columns carry their labels; an answer's workbook names its 表号 and 批准文号."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import City
from hub.kit.clock import local_today
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_city, create_principal
from tests.hub.tasks.factories import People, Town, create_people, create_town, published_request, task_of

ELEMENTS = ["teacher.name", "teacher.gender", "teacher.title", "teacher.birth_date", "teacher.id_number"]
GENDERS = {"1": "男", "2": "女"}


@pytest.fixture
def city(session: Session, settings: Settings) -> City:
    return create_city(session, settings, schools=4, teachers=40, seed=5)


@pytest.fixture
def dept(client: TestClient, admin_headers: dict[str, str], city: City) -> dict[str, str]:
    headers = create_principal(client, admin_headers, code="hrss", name="市人社局")
    create_grant(client, admin_headers, holder=headers, elements=ELEMENTS)
    return headers


def table(sheet: Worksheet) -> tuple[list[str], list[tuple[Any, ...]], int]:
    """(lines above the header, rows under it as dicts' values, the header's row number)."""
    values = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(values) if row and row[0] == "学校标识码")
    heading = [str(row[0]) for row in values[:at] if row and row[0]]
    return heading, values[at:], at + 1


def test_the_json_page_gives_each_code_listed_column_its_labels(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    page = client.get("/api/v1/query/teacher/rows", headers=dept).json()
    columns = {c["element"]: c for c in page["columns"]}
    assert columns["teacher.gender"]["labels"]["2"] == "女"
    assert "labels" not in columns["teacher.name"] or columns["teacher.name"]["labels"] is None
    assert not columns["teacher.id_number"].get("labels")  # masked: no code list to decode
    assert {r["teacher.gender"] for r in page["rows"]} <= {"1", "2"}  # rows keep codes for programs


def test_query_rows_as_xlsx_read_as_a_clerk_reads_them(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    answer = client.get("/api/v1/query/teacher/rows", headers=dept, params={"format": "xlsx"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    heading, rows, header_row = table(sheet)
    assert heading[0].endswith("（数据查询）")
    assert "查询部门：市人社局" in heading and any(h.startswith("共享协议：") for h in heading)
    assert f"导出日期：{local_today().isoformat()}" in heading  # the bureau's (Beijing) day
    assert sheet.freeze_panes == f"A{header_row + 1}"
    header, body = list(rows[0]), rows[1:]
    assert header[:2] == ["学校标识码", "学校名称"]
    assert header[-1] == "记录号"
    assert "性别" in header and header[header.index("性别") + 1] == "性别代码"
    assert "专业技术职务代码" in header and "公民身份号码代码" not in header
    assert len(body) == len(city.teachers)
    names = dict(zip(city.schools["code"], city.schools["name"], strict=True))
    at = {h: i for i, h in enumerate(header)}
    assert all(r[1] == names[r[0]] for r in body)
    assert all(GENDERS[r[at["性别代码"]]] == r[at["性别"]] for r in body)
    assert sorted(r[at["性别"]] for r in body) == sorted(GENDERS[g] for g in city.teachers["gender"])
    births = sorted(city.teachers["birth_date"].astype(str).str[:10])
    assert sorted(r[at["出生日期"]].date().isoformat() for r in body) == births  # date cells
    assert all("****" in r[at["公民身份号码"]] for r in body)
    letter = openpyxl.utils.get_column_letter(at["专业技术职务"] + 1)
    assert sheet.column_dimensions[letter].width >= 12


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, withhold={"mandarin_level": [0, 1]}, teachers=12)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def test_an_answers_workbook_names_its_title_form_number_and_approval(
    client: TestClient, town: Town, people: People
) -> None:
    request_id, _ = published_request(client, people, "姓名", "普通话水平等级")
    for school in town.schools[:2]:  # the schools whose data were withheld got a task
        headers = people.schools[school]
        task = task_of(client, headers, request_id)
        rows = [{"参考号": r["reference"], "普通话水平等级": "一级乙等"} for r in task["rows"]]
        client.post(
            f"/api/v1/tasks/{task['id']}/submission", headers=headers, json={"rows": rows}
        ).raise_for_status()
    answer = client.get(f"/api/v1/requests/{request_id}/data?format=xlsx", headers=people.department)
    assert answer.status_code == 200, answer.text
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    heading, rows, header_row = table(sheet)
    assert heading[0] == "教师队伍情况统计"
    assert "表号：教统 2 表" in heading and "批准文号：国统制〔2026〕88号" in heading
    assert any(h.startswith("有效期至：") for h in heading)
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert list(rows[0])[:4] == ["学校标识码", "学校名称", "姓名", "普通话水平等级"]
    assert "一级乙等" in {r[3] for r in rows[1:]} and len(rows) - 1 == len(town.teachers)
