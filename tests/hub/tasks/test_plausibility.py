"""Guarded input: the statistics bureau's approval gives a new element its unit, range or code list (proposed
from the label), the server refuses implausible numbers and dates, the template checks the same rules."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.tasks.templates import HEADER_ROW
from tests.hub.tasks.factories import (
    People,
    Town,
    create_people,
    create_town,
    publish,
    request_body,
    submit_request,
)
from tests.hub.tasks.test_submissions import post_rows

VISITS = "本学期家访次数"
VACCINATED = "最近一次疫苗接种日期"


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, schools=2, teachers=20)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def decide(client: TestClient, people: People, request_id: int, elements: dict[str, Any] | None) -> Any:
    decision: dict[str, Any] = {
        "decision": "approve",
        "approval_number": "统制〔2026〕31号",
        "valid_until": (date.today() + timedelta(days=200)).isoformat(),
    }
    if elements is not None:
        decision["elements"] = elements
    return client.post(f"/api/v1/requests/{request_id}/decision", headers=people.statistics, json=decision)


def approved_and_published(
    client: TestClient, people: People, elements: dict[str, Any] | None = None
) -> tuple[int, Any]:
    body = request_body({"label": VISITS, "type": "integer"}, VACCINATED)
    request = submit_request(client, people.department, body)
    return request["id"], decide(client, people, request["id"], elements)


def school_task(client: TestClient, people: People, town: Town, request_id: int) -> dict[str, Any]:
    headers = people.schools[town.schools[0]]
    (task,) = client.get(f"/api/v1/tasks?request_id={request_id}", headers=headers).json()
    result: dict[str, Any] = task
    return result


def test_numbers_and_dates_out_of_range_are_refused_with_row_field_value_and_reason(
    client: TestClient, town: Town, people: People
) -> None:
    request_id, answer = approved_and_published(client, people)
    assert answer.status_code == 200, answer.text
    publish(client, people.education, request_id)
    task = school_task(client, people, town, request_id)
    visits = next(f for f in task["fields"] if f["label"] == VISITS)
    assert visits["type"] == "integer" and visits["unit"] == "次"
    refs = [r["reference"] for r in task["rows"]]
    rows = [
        {"参考号": refs[0], VISITS: "-2", VACCINATED: "2024-10-08"},
        {"参考号": refs[1], VISITS: "99999", VACCINATED: "2025-03-01"},
        {"参考号": refs[2], VISITS: "3", VACCINATED: "2099-01-01"},
        {"参考号": refs[3], VISITS: "4", VACCINATED: "1900-01-01"},
        {"参考号": refs[4], VISITS: "5", VACCINATED: "2025-04-02"},
    ]
    result = post_rows(client, people.schools[town.schools[0]], task["id"], rows).json()
    assert result["accepted"] == 1 and result["rejected_rows"] == 4
    refused = {(r["row"], r["field"]): r for r in result["rejected"]}
    assert set(refused) == {(1, VISITS), (2, VISITS), (3, VACCINATED), (4, VACCINATED)}
    assert refused[(1, VISITS)]["value"] == "-2" and "0到1000次之间" in refused[(1, VISITS)]["reason"]
    assert "between 0 and 1000" in refused[(2, VISITS)]["reason_en"]
    assert "不能是将来的日期" in refused[(3, VACCINATED)]["reason"]
    assert "future" in refused[(3, VACCINATED)]["reason_en"]
    assert "早于 1920-01-01" in refused[(4, VACCINATED)]["reason"]


def test_the_bureau_sets_the_range_and_a_bad_setting_is_named(
    client: TestClient, town: Town, people: People
) -> None:
    request_id, upside_down = approved_and_published(client, people, {VISITS: {"min": 10, "max": 2}})
    assert upside_down.status_code == 422 and upside_down.json()["code"] == "NewElementSpecInvalid"
    assert VISITS in upside_down.json()["message"]
    unknown = decide(client, people, request_id, {"不在需求里的字段": {"max": 2}})
    assert unknown.status_code == 422 and unknown.json()["code"] == "NotANewField"

    answer = decide(
        client, people, request_id, {VISITS: {"max": 60, "unit": "次"}, VACCINATED: {"type": "year_month"}}
    )
    assert answer.status_code == 200, answer.text
    publish(client, people.education, request_id)
    task = school_task(client, people, town, request_id)
    refs = [r["reference"] for r in task["rows"]]
    rows = [{"参考号": refs[0], VISITS: "61", VACCINATED: "2024-10"}, {"参考号": refs[1], VISITS: "60"}]
    result = post_rows(client, people.schools[town.schools[0]], task["id"], rows).json()
    assert [(r["row"], r["field"], r["value"]) for r in result["rejected"]] == [(1, VISITS, "61")]
    assert "0到60次之间" in result["rejected"][0]["reason"]


def test_the_template_checks_the_same_rules_on_a_protected_sheet(
    client: TestClient, town: Town, people: People
) -> None:
    request_id, _ = approved_and_published(client, people)
    publish(client, people.education, request_id)
    task = school_task(client, people, town, request_id)
    headers = people.schools[town.schools[0]]
    template = client.get(f"/api/v1/tasks/{task['id']}/template.xlsx", headers=headers)
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).worksheets[0]
    headers_row = [c.value for c in sheet[HEADER_ROW]]
    first = HEADER_ROW + 1
    visits_column = headers_row.index(VISITS) + 1
    date_column = headers_row.index(VACCINATED) + 1
    rules = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter
    number = rules[f"{letter(visits_column)}{first}"]
    assert number.type == "whole" and (number.formula1, number.formula2) == ("0", "1000")
    assert "请填写 0 至 1000次 之间的整数" in number.error and "1000000000000000" not in number.error
    when = rules[f"{letter(date_column)}{first}"]
    assert when.type == "date" and when.formula1 == "DATE(1920,1,1)" and when.formula2 == "TODAY()+1"
    assert "不能是将来的日期" in when.error
    assert sheet.protection.sheet is True
    assert sheet.cell(row=first, column=1).protection.locked is True  # the reference
    assert sheet.cell(row=first, column=date_column).protection.locked is False
    assert sheet.cell(row=first, column=date_column).number_format == "yyyy-mm-dd"
