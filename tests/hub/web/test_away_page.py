"""The /away page: the bureau decides waiting requests with the filing number and sees who is away, overruns
flagged; a school sees its own teachers away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from tests.hub.burden.factories import City, create_city
from tests.hub.web.conftest import Browser, text


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return create_city(client, session, settings, admin_headers)


def test_the_bureau_approves_on_the_page_and_everyone_sees_who_is_away(
    client: TestClient, browser: Browser, city: City
) -> None:
    today = local_today()
    late = client.post(
        "/api/v1/register/secondments",
        headers=city.department,
        json={
            "kind": "second",
            "purpose": "创文迎检会务",
            "starts_on": (today - timedelta(days=40)).isoformat(),
            "ends_on": (today - timedelta(days=5)).isoformat(),
            "teachers": [{"school_code": city.schools[0], "teacher_name": "赵敏"}],
        },
    ).json()

    browser.sign_in(city.education)
    page = browser.get("/away")
    assert page.status_code == 200
    assert "待审批的申请（1）" in page.text and "创文迎检会务" in page.text and "赵敏" in page.text
    assert "目前没有借用或抽调在外的教师" in page.text

    refused = browser.post(f"/away/{late['id']}/decision", {"decision": "approve", "filing_number": ""})
    assert refused.status_code == 422
    assert "备案号" in text(refused.text) and "第 16 条" in text(refused.text)

    approved = browser.post(
        f"/away/{late['id']}/decision", {"decision": "approve", "filing_number": "高委备〔2026〕3号"}
    )
    assert approved.status_code == 200 and "已批准并登记备案号" in approved.text
    shown = text(approved.text)
    assert "在外教师 1 人" in shown and "1 项超期" in shown and "超期 5 天" in shown
    assert "高委备〔2026〕3号" in shown and "待审批的申请" not in shown

    browser.sign_in(city.school_headers[city.schools[0]])
    mine = text(browser.get("/away").text)
    assert "赵敏" in mine and "超期 5 天" in mine and "批准" not in mine.replace("已批准", "")
    browser.sign_in(city.school_headers[city.schools[1]])
    assert "目前没有借用或抽调在外的教师" in browser.get("/away").text
    browser.sign_in(city.statistics)
    assert browser.get("/away").status_code == 403
