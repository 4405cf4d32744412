"""The /whitelist page: the bureau adds the year's items, the counts per item and per school show what
entered, and a school sees its own."""

from __future__ import annotations

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


def test_the_bureau_keeps_the_whitelist_on_the_page_and_the_school_sees_what_entered(
    client: TestClient, browser: Browser, city: City
) -> None:
    year = local_today().year
    browser.sign_in(city.education)
    empty = text(browser.get("/whitelist").text)
    assert "本年度尚未制定白名单" in empty
    bad = browser.post(
        "/whitelist", {"year": str(year - 1), "category": "safety", "title": "x", "organiser": "y"}
    )
    assert bad.status_code == 422
    added = browser.post(
        "/whitelist",
        {"year": str(year), "category": "competition", "title": "青少年科技创新大赛", "organiser": "市科协"},
    )
    assert added.status_code == 200 and "已列入白名单" in added.text
    item = client.get("/api/v1/register/whitelist", headers=city.education).json()["items"][0]
    entered = client.post(
        "/api/v1/register/social-demands",
        headers=city.department,
        json={
            "item_id": item["id"],
            "title": "科技创新大赛初赛",
            "held_on": local_today().isoformat(),
            "schools": [city.schools[0]],
        },
    )
    assert entered.status_code == 201, entered.text
    page = text(browser.get("/whitelist").text)
    assert "青少年科技创新大赛" in page and "科技创新大赛初赛" in page and "各校进校园事项" in page

    browser.sign_in(city.school_headers[city.schools[0]])
    mine = text(browser.get("/whitelist").text)
    assert "科技创新大赛初赛" in mine and "新增白名单事项" not in mine
    browser.sign_in(city.school_headers[city.schools[1]])
    assert "科技创新大赛初赛" not in text(browser.get("/whitelist").text)


def test_a_department_registers_a_social_affair_on_the_page_and_one_off_the_whitelist_is_refused(
    client: TestClient, browser: Browser, city: City
) -> None:
    year = local_today().year
    client.post(
        "/api/v1/register/whitelist",
        headers=city.education,
        json={"year": year, "category": "safety", "title": "防溺水安全教育", "organiser": "市应急管理局"},
    )
    item = client.get("/api/v1/register/whitelist", headers=city.education).json()["items"][0]
    browser.sign_in(city.department)
    page = browser.get("/whitelist")
    assert "登记进校园事项" in text(page.text) and f'<option value="{item["id"]}"' in page.text
    demand = {
        "item_id": "",
        "category": "publicity",
        "title": "消费维权进校园",
        "schools": city.schools[0],
        "held_on": local_today().isoformat(),
    }
    refused = browser.post("/whitelist/demands", demand)
    shown = text(refused.text)
    assert refused.status_code == 422 and "消费维权进校园" in shown and "第 4—9 条" in shown
    assert "未列入教育部门的进校园白名单" in shown
    english = browser.post("/whitelist/demands?lang=en", demand)
    assert english.status_code == 422 and "seed items 4–9" in text(english.text)
    browser.client.cookies.delete("hub_lang")
    last_year = browser.post(
        "/whitelist/demands", {**demand, "item_id": str(item["id"]), "held_on": f"{year - 1}-12-01"}
    )
    assert last_year.status_code == 422 and f"属于 {year} 年度" in text(last_year.text)
    entered = browser.post(
        "/whitelist/demands", {**demand, "item_id": str(item["id"]), "title": "防溺水专题讲座"}
    )
    shown = text(entered.text)
    assert entered.status_code == 200 and "已登记进校园事项" in shown and "防溺水专题讲座" in shown
    counted = client.get("/api/v1/register/whitelist", headers=city.education).json()
    assert counted["items"][0]["demands"] == 1 and counted["schools"][0]["school_code"] == city.schools[0]
