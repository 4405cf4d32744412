"""The purpose screen on every request, answered or not, and elements that are never shared."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.factories import create_city, create_principal
from tests.hub.requests.test_requests_api import body


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=2, teachers=12)


@pytest.fixture
def dept(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, code="agency", name="某保险代理公司合作办公室")


def screen_violations(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in answer["violations"] if (v.get("detail") or {}).get("screen")]


def test_a_gathered_request_to_sell_insurance_is_never_answered_or_readable(
    client: TestClient, city, dept
) -> None:  # type: ignore[no-untyped-def]
    request = body("姓名", "出生日期", "性别", title="教师商业保险需求摸底", purpose="向教师推介商业保险产品")
    checked = client.post("/api/v1/requests/check", headers=dept, json=request).json()
    assert [f["status"] for f in checked["fields"]] == ["available"] * 3
    assert checked["status"] != "answered"
    stored = client.post("/api/v1/requests", headers=dept, json=request)
    assert stored.status_code == 201, stored.text
    js = stored.json()
    assert js["status"] != "answered" and js["answered_at"] is None
    (hit,) = screen_violations(js)
    assert hit["rule"] == "rule 9" and hit["severity"] == "review"
    assert hit["detail"]["screen"] == "insurance_sales" and "商业保险" in hit["detail"]["terms"]
    assert set(hit["detail"]["where"]) == {"title", "purpose"}
    assert "第9条" in hit["message"] and "seed rule 9" in hit["message_en"]
    data = client.get(f"/api/v1/requests/{js['id']}/data", headers=dept)
    assert data.status_code >= 400
    assert not client.get("/api/v1/grants", headers=dept).json()


def test_street_duty_is_flagged_with_rule_7_even_with_nothing_to_collect(
    client: TestClient, city, dept
) -> None:  # type: ignore[no-untyped-def]
    request = body("姓名", "手机号码", title="创城志愿者名单", purpose="抽调教师参加创城上街执勤")
    js = client.post("/api/v1/requests", headers=dept, json=request).json()
    assert js["status"] != "answered"
    assert [v["rule"] for v in screen_violations(js)] == ["rule 7"]


def test_a_lawful_purpose_sharing_words_with_a_forbidden_one_is_not_flagged(
    client: TestClient, city, dept
) -> None:  # type: ignore[no-untyped-def]
    request = body("姓名", title="社会保险缴费基数核定", purpose="核定教职工养老保险缴费基数")
    js = client.post("/api/v1/requests/check", headers=dept, json=request).json()
    assert screen_violations(js) == []


def test_a_not_shared_field_is_refused_with_the_reason_and_never_in_the_answer(
    client: TestClient, city, dept
) -> None:  # type: ignore[no-untyped-def]
    request = body("姓名", "血型", title="教职工花名册", purpose="核对教职工基本信息")
    checked = client.post("/api/v1/requests/check", headers=dept, json=request).json()
    assert checked["fields"][1]["element"] == "teacher.blood_type"
    (refusal,) = [v for v in checked["violations"] if v["severity"] == "refused"]
    assert refusal["detail"]["fields"][0]["element"] == "teacher.blood_type"
    assert "不予共享" in refusal["message"] and "not shared" in refusal["message_en"]
    assert "血型" in refusal["message"]
