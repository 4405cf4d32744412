"""Uploads never lose data: a blank cell changes nothing, an older copy of the template keeps the values
saved since it was made, and clearing a value is an explicit #清空."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.records.models import RecordHistory
from hub.tasks.templates import HEADER_ROW
from tests.hub.tasks.factories import People, Town, create_people, create_town, published_request, task_of
from tests.hub.tasks.test_submissions import post_rows, stored, upload

LABEL = "本年度继续教育学时"


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, withhold={"training_hours": [0]}, teachers=30)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def rows_of(client: TestClient, headers: dict[str, str], task_id: int) -> dict[str, Any]:
    answer = client.get(f"/api/v1/tasks/{task_id}", headers=headers)
    assert answer.status_code == 200, answer.text
    return {r["reference"]: r["values"]["teacher.training_hours"] for r in answer.json()["rows"]}


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_an_older_copy_of_the_template_keeps_what_was_saved_since(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    """The issue's case: 3 of 10 filled, the template downloaded, 2 more filled in the browser and one
    corrected, then the old file uploaded: still 5 filled, the correction kept and reported."""
    school = town.schools[0]
    headers = people.schools[school]
    request_id, _ = published_request(client, people, LABEL)
    task = task_of(client, headers, request_id)
    refs = [r["reference"] for r in task["rows"]]
    assert len(refs) >= 6
    first = post_rows(client, headers, task["id"], [{"参考号": ref, LABEL: "30"} for ref in refs[:3]])
    assert first.json()["rows_filled"] == 3

    template = client.get(f"/api/v1/tasks/{task['id']}/template.xlsx", headers=headers)
    assert template.status_code == 200
    copy = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = copy.worksheets[0]
    first_row = HEADER_ROW + 1
    assert [sheet.cell(row=r, column=4).value for r in range(first_row, first_row + 3)] == [30, 30, 30]
    assert sheet.cell(row=first_row + 3, column=4).value is None

    later = [{"参考号": ref, LABEL: "48"} for ref in refs[3:5]] + [{"参考号": refs[0], LABEL: "36"}]
    assert post_rows(client, headers, task["id"], later).json()["rows_filled"] == 5

    buffer = io.BytesIO()
    copy.save(buffer)
    answer = upload(client, headers, task["id"], buffer.getvalue(), "old-copy.xlsx")
    assert answer["rows_filled"] == 5 and answer["rejected"] == []
    values = rows_of(client, headers, task["id"])
    assert [values[ref] for ref in refs[:5]] == [36, 30, 30, 48, 48]
    assert all(values[ref] is None for ref in refs[5:])
    (kept,) = answer["kept"]
    assert kept["row"] == first_row and kept["field"] == LABEL and kept["value"] == "30"
    assert "保留新值" in kept["reason"] and "kept" in kept["reason_en"]


def test_a_blank_cell_never_overwrites_and_a_clear_marker_clears(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[0]
    headers = people.schools[school]
    request_id, _ = published_request(client, people, LABEL)
    task = task_of(client, headers, request_id)
    refs = [r["reference"] for r in task["rows"]]
    url = f"/api/v1/tasks/{task['id']}/submission"
    client.post(url, headers=headers, json={"rows": [{"参考号": ref, LABEL: "12"} for ref in refs[:4]]})

    blank_csv = csv_bytes([["参考号", LABEL], *[[ref, ""] for ref in refs[:4]], [refs[4], "20"]])
    answer = client.post(url, headers={**headers, "Content-Type": "text/csv"}, content=blank_csv).json()
    assert answer["rows_filled"] == 5
    blank_json = post_rows(client, headers, task["id"], [{"参考号": refs[0], LABEL: None}]).json()
    assert blank_json["rows_filled"] == 5
    values = rows_of(client, headers, task["id"])
    assert [values[ref] for ref in refs[:5]] == [12, 12, 12, 12, 20]

    cleared = client.post(
        url,
        headers={**headers, "Content-Type": "text/csv"},
        content=csv_bytes([["参考号", LABEL], [refs[1], "#清空"], [refs[2], " #CLEAR "], [refs[3], ""]]),
    ).json()
    assert cleared["cleared"] == 2 and cleared["rejected"] == [] and cleared["rows_filled"] == 3
    values = rows_of(client, headers, task["id"])
    assert [values[ref] for ref in refs[:5]] == [12, None, None, 12, 20]
    history = session.scalars(select(RecordHistory.changes).order_by(RecordHistory.id.desc()).limit(2)).all()
    assert [h["training_hours"] for h in history] == [[12, None], [12, None]]
    assert stored(session, school, "training_hours") is not None


def test_the_template_says_what_a_blank_cell_means(client: TestClient, town: Town, people: People) -> None:
    headers = people.schools[town.schools[0]]
    request_id, _ = published_request(client, people, LABEL)
    task = task_of(client, headers, request_id)
    template = client.get(f"/api/v1/tasks/{task['id']}/template.xlsx", headers=headers)
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    notes = " ".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    assert "空白单元格表示“不修改”" in notes and "#清空" in notes
    assert workbook.properties.identifier.startswith(f"yici-hub-task:{task['id']}:")


def test_a_blank_cell_keeps_the_value_of_an_approved_new_element(
    client: TestClient, town: Town, people: People
) -> None:
    """New elements live in the records' extra JSON: a blank there changes nothing either."""
    label = "本学期家访次数"
    request_id, _ = published_request(client, people, {"label": label, "type": "integer"})
    headers = people.schools[town.schools[0]]
    task = task_of(client, headers, request_id)
    (code,) = [f["element"] for f in task["fields"]]
    ref = task["rows"][0]["reference"]
    url = f"/api/v1/tasks/{task['id']}/submission"
    for cell in ("3", ""):
        answer = client.post(
            url,
            headers={**headers, "Content-Type": "text/csv"},
            content=csv_bytes([["参考号", label], [ref, cell]]),
        )
        assert answer.status_code == 200 and answer.json()["rejected"] == [], answer.text
    kept = next(r for r in task_of(client, headers, request_id)["rows"] if r["reference"] == ref)
    assert kept["values"][code] == 3
