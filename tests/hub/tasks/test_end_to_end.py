"""The issue's "done when", through the API only: a request with gathered, derived and new fields goes to
approval, publication, prefilled school tasks and submissions; then the same question is answered at once."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import openpyxl
from fastapi.testclient import TestClient

from hub.demo.city import generate_city, to_form_frames
from hub.tasks.templates import HEADER_ROW
from tests.hub.factories import create_principal
from tests.hub.tasks.factories import school_code

FIELDS: list[dict[str, Any]] = [
    {"label": "姓名"},
    {"label": "性别"},
    {"label": "出生日期"},
    {"label": "年龄"},
    {"label": "课后服务每周时长", "type": "integer"},
    {"label": "是否取得心理咨询师证书", "type": "boolean"},
]
NEW_LABELS = ("课后服务每周时长", "是否取得心理咨询师证书")


def csv_bytes(frame: Any) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig")


def load_city(client: TestClient, admin: dict[str, str]) -> tuple[list[str], str, Any]:
    """Three schools with teachers and one new school without teacher records, imported as files."""
    city = generate_city(seed=21, schools=3, teachers=27)
    schools, teachers = to_form_frames(city)
    schools = schools[["学校标识码", "学校名称", "办学类型", "行政区划代码"]].copy()
    empty = school_code(977)
    schools.loc[len(schools)] = [
        empty,
        "新区实验小学",
        schools.iloc[0]["办学类型"],
        schools.iloc[0]["行政区划代码"],
    ]
    teachers = teachers[["姓名", "性别", "公民身份号码", "出生日期", "任职学校"]]
    for entity, frame in (("schools", schools), ("teachers", teachers)):
        answer = client.post(
            f"/api/v1/records/{entity}/import",
            headers=admin,
            files={"file": (f"{entity}.csv", csv_bytes(frame))},
        )
        assert answer.status_code == 200 and answer.json()["rejected"] == [], answer.text
    return sorted(set(city.teachers["school_code"])), empty, city.teachers


def test_a_new_collection_reaches_schools_once_and_is_then_answered_from_the_store(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    schools, empty_school, teachers = load_city(client, admin_headers)
    hrss = create_principal(client, admin_headers, code="hrss", name="市人力资源和社会保障局")
    statistics = create_principal(client, admin_headers, kind="statistics", code="stats", name="市统计局")
    education = create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")
    principals = {
        code: create_principal(client, admin_headers, kind="school", code=f"s{code}", school_code=code)
        for code in [*schools, empty_school]
    }
    deadline = (date.today() + timedelta(days=30)).isoformat()
    body = {
        "title": "教师课后服务情况调查",
        "purpose": "落实课后服务补助",
        "entity": "teacher",
        "deadline": deadline,
        "fields": FIELDS,
    }

    # 1. The department asks: 3 gathered, 1 derived, 2 new fields → waits for the statistics bureau.
    request = client.post("/api/v1/requests", headers=hrss, json=body).json()
    assert [f["status"] for f in request["fields"]] == ["available"] * 3 + ["derived", "new", "new"]
    assert request["status"] == "pending_approval"
    request_id = request["id"]
    waiting = client.get("/api/v1/requests?status=pending_approval", headers=statistics).json()
    assert [r["id"] for r in waiting] == [request_id]

    # 2. Statistics approves: the new fields become elements of a new standard version.
    approved = client.post(
        f"/api/v1/requests/{request_id}/decision",
        headers=statistics,
        json={
            "decision": "approve",
            "form_number": "人社统 1 表",
            "approval_number": "国统制〔2026〕101号",
            "valid_until": (date.today() + timedelta(days=200)).isoformat(),
        },
    ).json()
    assert approved["status"] == "approved"
    new_elements = [f["element"] for f in approved["fields"][4:]]
    assert all(e and e.startswith("teacher.x_") for e in new_elements)

    # 3. Education publishes: every school with teachers lacks the new fields; the new school has no one to ask.
    publication = client.post(f"/api/v1/requests/{request_id}/publish", headers=education)
    assert publication.status_code == 200, publication.text
    tasks = {t["school_code"]: t for t in publication.json()["tasks"]}
    assert sorted(tasks) == schools and empty_school not in tasks
    assert all(t["fields"] == new_elements for t in tasks.values())
    assert client.get("/api/v1/tasks", headers=principals[empty_school]).json() == []
    assert client.get("/api/v1/tasks", headers=hrss).status_code == 403  # departments never reach schools

    # 4. Schools see only the two new fields, prefilled with their teachers.
    seen: dict[str, dict[str, Any]] = {}
    for code in schools:
        (task,) = client.get("/api/v1/tasks", headers=principals[code]).json()
        assert [f["element"] for f in task["fields"]] == new_elements
        assert [f["label"] for f in task["fields"]] == list(NEW_LABELS)
        mine = teachers[teachers["school_code"] == code]
        assert sorted(r["name"] for r in task["rows"]) == sorted(mine["name"])
        seen[code] = task

    # 5a. The first school fills the XLSX template.
    first = schools[0]
    content = client.get(
        f"/api/v1/tasks/{seen[first]['id']}/template.xlsx", headers=principals[first]
    ).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[HEADER_ROW]][3:] == list(NEW_LABELS)
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        sheet.cell(row=row, column=4, value=row % 5)
        sheet.cell(row=row, column=5, value="是" if row % 2 else "否")
    buffer = io.BytesIO()
    workbook.save(buffer)
    answer = client.post(
        f"/api/v1/tasks/{seen[first]['id']}/submission",
        headers=principals[first],
        files={"file": ("填报.xlsx", buffer.getvalue())},
    ).json()
    assert answer["rejected"] == [] and answer["task_status"] == "complete"

    # 5b. The second school sends JSON with two bad rows, sees why, and fixes them.
    second = schools[1]
    rows = [{"参考号": r["reference"], NEW_LABELS[0]: 6, NEW_LABELS[1]: False} for r in seen[second]["rows"]]
    rows[0][NEW_LABELS[0]] = "六小时"
    rows[2][NEW_LABELS[1]] = "不清楚"
    answer = client.post(
        f"/api/v1/tasks/{seen[second]['id']}/submission", headers=principals[second], json={"rows": rows}
    ).json()
    assert [(r["row"], r["field"]) for r in answer["rejected"]] == [(1, NEW_LABELS[0]), (3, NEW_LABELS[1])]
    assert answer["accepted"] == len(rows) - 2 and answer["task_status"] == "open"
    assert client.get(f"/api/v1/requests/{request_id}/data", headers=hrss).status_code == 409
    fixes = [{**rows[0], NEW_LABELS[0]: 6}, {**rows[2], NEW_LABELS[1]: False}]
    answer = client.post(
        f"/api/v1/tasks/{seen[second]['id']}/submission", headers=principals[second], json={"rows": fixes}
    ).json()
    assert answer["rejected"] == [] and answer["task_status"] == "complete"

    # 5c. The third school sends a CSV; with it every task is in and the request is answered.
    third = schools[2]
    lines = ["参考号（勿改）,姓名（参考）," + ",".join(NEW_LABELS)]
    lines += [f"{r['reference']},{r['name']},3,是" for r in seen[third]["rows"]]
    answer = client.post(
        f"/api/v1/tasks/{seen[third]['id']}/submission",
        headers=principals[third],
        files={"file": ("填报.csv", "\n".join(lines).encode())},
    ).json()
    assert answer["rejected"] == [] and answer["request_status"] == "answered"
    progress = client.get(f"/api/v1/requests/{request_id}/progress", headers=hrss).json()
    assert progress["tasks_complete"] == progress["tasks_total"] == 3
    assert progress["rows_filled"] == progress["rows_expected"] == len(teachers)

    # 6. The department reads all six fields for every teacher of every school.
    data = client.get(f"/api/v1/requests/{request_id}/data", headers=hrss).json()
    assert [c["label"] for c in data["columns"]] == [f["label"] for f in FIELDS]
    assert len(data["rows"]) == len(teachers)
    for row in data["rows"]:
        assert all(row[f["label"]] is not None for f in FIELDS), row
    by_school = {r["学校标识码"] for r in data["rows"]}
    assert by_school == set(schools)
    assert {r[NEW_LABELS[0]] for r in data["rows"] if r["学校标识码"] == second} == {6}

    # 7. Another department, holding no agreement, asks the same six things: nothing goes to schools
    # again; the education bureau releases what is gathered, and the department reads it.
    tasks_before = len(client.get("/api/v1/tasks", headers=education).json())
    health = create_principal(client, admin_headers, code="health", name="市卫生健康委员会")
    again = client.post(
        "/api/v1/requests", headers=health, json={**body, "title": "教师健康与服务情况"}
    ).json()
    assert again["status"] == "pending_release", again
    assert [f["status"] for f in again["fields"]] == ["available"] * 3 + ["derived"] + ["available"] * 2
    assert len(client.get("/api/v1/tasks", headers=education).json()) == tasks_before
    released = client.post(
        f"/api/v1/requests/{again['id']}/release", headers=education, json={"decision": "approve"}
    )
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "answered"
    answer = client.get(f"/api/v1/requests/{again['id']}/data", headers=health).json()
    assert len(answer["rows"]) == len(teachers)
    assert all(r[NEW_LABELS[1]] is not None for r in answer["rows"])
