"""Periods in requests: a periodic field is available only for the periods the store holds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.requests.models import DataRequest

DEADLINE = (date.today() + timedelta(days=40)).isoformat()
YEAR = date.today().year


def body(*labels: str, entity: str = "teacher", **extra: Any) -> dict[str, Any]:
    return {
        "title": "继续教育学时核对",
        "purpose": "专业技术人员继续教育学时审验",
        "entity": entity,
        "deadline": DEADLINE,
        "fields": [{"label": label} for label in labels],
        **extra,
    }


def check(client: TestClient, dept: dict[str, str], *labels: str, **extra: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/requests/check", headers=dept, json=body(*labels, **extra))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_year_nothing_was_gathered_for_is_missing_and_this_year_available(
    client: TestClient, city: Any, dept: dict[str, str]
) -> None:
    js = check(client, dept, f"{YEAR - 2}年培训学时", "本年度继续教育学时", "继续教育学时", "姓名")
    fields = js["fields"]
    assert [f["status"] for f in fields] == ["missing", "available", "available", "available"]
    assert {f["element"] for f in fields[:3]} == {"teacher.training_hours"}
    assert fields[0]["periods"] == [
        {
            "period": str(YEAR - 2),
            "label": f"{YEAR - 2}年",
            "label_en": str(YEAR - 2),
            "held": False,
            "coverage": 0.0,
        }
    ]
    assert fields[1]["periods"][0]["period"] == str(YEAR) and fields[1]["periods"][0]["held"]
    assert fields[3]["periods"] == []  # a name is timeless
    assert js["status"] == "pending_approval"  # last-but-one year still has to be collected


def test_the_requests_period_applies_to_fields_that_name_none(
    client: TestClient, city: Any, dept: dict[str, str]
) -> None:
    last = check(client, dept, "继续教育学时", period=f"{YEAR - 1}年")
    assert last["fields"][0]["status"] == "missing"
    assert last["fields"][0]["periods"][0]["period"] == str(YEAR - 1)
    now = check(client, dept, "继续教育学时", period=str(YEAR))
    assert now["fields"][0]["status"] == "available"
    assert now["status"] == "answered"


def test_relative_periods_follow_today(client: TestClient, city: Any, dept: dict[str, str]) -> None:
    js = check(client, dept, "上一年度继续教育学时", "近三年继续教育学时")
    previous, three = js["fields"]
    assert previous["status"] == "missing" and previous["periods"][0]["period"] == str(YEAR - 1)
    assert three["status"] == "missing" and three["period_span"] is True
    assert [p["period"] for p in three["periods"]] == [str(YEAR - 2), str(YEAR - 1), str(YEAR)]
    assert [p["held"] for p in three["periods"]] == [False, False, True]


def test_school_year_stock_resolves_to_the_school_year(
    client: TestClient, city: Any, dept: dict[str, str]
) -> None:
    today = date.today()
    start = today.year if today.month >= 9 else today.year - 1
    js = check(client, dept, "本学年在校学生数", f"{start - 3}-{start - 2}学年在校学生数", entity="school")
    current, past = js["fields"]
    assert current["element"] == past["element"] == "school.student_count"
    assert current["status"] == "available" and current["periods"][0]["period"] == f"{start}-{start + 1}"
    assert past["status"] == "missing" and past["periods"][0]["label"] == f"{start - 3}-{start - 2}学年"


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("2025-13继续教育学时", "13 月不存在"),
        (f"{YEAR + 1}年继续教育学时", "尚未开始"),
        ("2023年和2024年继续教育学时", "同时写了 2 个期间"),
    ],
)
def test_a_field_period_that_cannot_be_answered_is_refused_naming_label_and_reason(
    client: TestClient, session: Session, city: Any, dept: dict[str, str], label: str, reason: str
) -> None:
    for path in ("/api/v1/requests/check", "/api/v1/requests"):
        answer = client.post(path, headers=dept, json=body("姓名", label))
        assert answer.status_code == 422, answer.text
        error = answer.json()
        assert error["code"] == "FieldPeriodInvalid"
        assert label in error["message"] and reason in error["message"]
        assert error["detail"]["label"] == label
    assert session.scalar(select(func.count()).select_from(DataRequest)) == 0


def test_a_school_year_running_backwards_is_refused(
    client: TestClient, city: Any, dept: dict[str, str]
) -> None:
    answer = client.post(
        "/api/v1/requests/check",
        headers=dept,
        json=body("在校学生数", entity="school", period="2026-2024学年"),
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "PeriodInvalid"
    assert "2026-2024 不是一个学年" in answer.json()["message"]
    assert answer.json()["detail"]["field"] == "period"


def test_a_stored_request_keeps_the_periods_it_asked(
    client: TestClient, city: Any, dept: dict[str, str]
) -> None:
    answer = client.post("/api/v1/requests", headers=dept, json=body("姓名", f"{YEAR - 1}年继续教育学时"))
    assert answer.status_code == 201, answer.text
    stored = client.get(f"/api/v1/requests/{answer.json()['id']}", headers=dept).json()
    hours = stored["fields"][1]
    assert hours["status"] == "missing"
    assert hours["periods"] == [
        {
            "period": str(YEAR - 1),
            "label": f"{YEAR - 1}年",
            "label_en": str(YEAR - 1),
            "held": False,
            "coverage": None,
        }
    ]
