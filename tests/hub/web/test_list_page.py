"""The /list page: a department proposes on the page (refusals name the seed item), the office sees the
similar item of another department and merges, approves, and the school sees the published item."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from tests.hub.burden.factories import City, create_city
from tests.hub.factories import create_principal
from tests.hub.web.conftest import Browser, text


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return create_city(client, session, settings, admin_headers)


def form(year: int, **fields: str) -> dict[str, str]:
    return {
        "year": str(year),
        "kind": "inspection",
        "title": "中小学校园安全专项检查",
        "inspected": "校园安全、消防设施、食堂卫生",
        "frequency": "每年1次",
        "method": "实地查看",
        "window_starts": date(year, 12, 1).isoformat(),
        "window_ends": date(year, 12, 20).isoformat(),
        **fields,
    }


def test_proposed_merged_approved_on_the_page_and_published_to_the_school(
    client: TestClient, admin_headers: dict[str, str], browser: Browser, city: City
) -> None:
    year = local_today().year
    health = create_principal(client, admin_headers, code="health", name="市卫生健康委员会")
    office = create_principal(client, admin_headers, kind="office", code="office", name="市委办公室")

    browser.sign_in(city.education)
    refused = browser.post("/list", form(year, method="各校上传工作截图"))
    assert refused.status_code == 422 and "第 3 条" in text(refused.text) and "截图" in text(refused.text)
    proposed = browser.post("/list", form(year))
    assert proposed.status_code == 200 and "已提交申报" in proposed.text
    browser.sign_in(health)
    browser.post("/list", form(year, title="校园食品安全与消防安全检查", inspected="食堂卫生、消防设施"))

    browser.sign_in(office)
    page = browser.get(f"/list?year={year}")
    shown = text(page.text)
    assert "待党委办公室审核的申报（2）" in shown and "相似" in shown and "并入 #" in shown
    ids = sorted(int(x) for x in re.findall(r'id="item-(\d+)"', page.text))
    merged = browser.post(f"/list/{ids[1]}/decision", {"decision": "merge", "into": str(ids[0])})
    assert merged.status_code == 200 and "已合并到相似事项" in merged.text
    approved = browser.post(f"/list/{ids[0]}/decision", {"decision": "approve"})
    shown = text(approved.text)
    assert "已列入清单" in shown and "已批准、公布的事项（1）" in shown and "会同 市卫生健康委员会" in shown

    browser.sign_in(city.school_headers[city.schools[0]])
    school = text(browser.get("/list").text)
    assert "中小学校园安全专项检查" in school and "申报清单事项" not in school and "列入清单" not in school


def test_the_office_approves_the_whole_list_on_the_page_and_a_department_registers_an_inspection(
    client: TestClient, admin_headers: dict[str, str], browser: Browser, city: City
) -> None:
    year = local_today().year
    office = create_principal(client, admin_headers, kind="office", code="office", name="市委办公室")
    health = create_principal(client, admin_headers, code="health", name="市卫生健康委员会")
    browser.sign_in(health)
    for title, inspected in (("校园食品安全检查", "食堂卫生"), ("教师继续教育学分审核", "学分登记")):
        assert browser.post("/list", form(year, title=title, inspected=inspected)).status_code == 200
    # Before the list is approved the department has nothing to cite: an inspection is refused, seed item 1.
    first = city.schools[0]
    inspection = {
        "item_id": "",
        "title": "临时食品安全大检查",
        "schools": first,
        "starts_on": date(year, 12, 2).isoformat(),
        "ends_on": date(year, 12, 3).isoformat(),
    }
    page = text(browser.get("/list").text)
    assert "登记进校实施的督查检查" in page and "尚无已批准的事项" in page
    refused = browser.post("/list/inspections", inspection)
    shown = text(refused.text)
    assert refused.status_code == 422 and "临时食品安全大检查" in shown and "第 1 条" in shown
    assert "未纳入清单的督查检查评比考核事项不得进入校园" in shown
    english = browser.post("/list/inspections?lang=en", inspection)
    assert english.status_code == 422 and "seed item 1" in text(english.text)
    browser.client.cookies.delete("hub_lang")

    browser.sign_in(office)
    page = browser.get(f"/list?year={year}")
    assert "一次批准本年度清单" in text(page.text)
    ids = sorted(int(x) for x in re.findall(r'id="item-(\d+)"', page.text))
    approved = browser.post(
        f"/list/{year}/approval",
        {"expected": [str(i) for i in ids], "refuse": str(ids[1]), "note": "经市委审定"},  # type: ignore[dict-item]
    )
    shown = text(approved.text)
    assert approved.status_code == 200 and "年度清单已批准" in shown, shown
    assert "已批准、公布的事项（1）" in shown and "校园食品安全检查" in shown
    assert "待党委办公室审核的申报" not in shown

    browser.sign_in(health)
    page = browser.get("/list")
    assert f'<option value="{ids[0]}"' in page.text
    outside = browser.post(
        "/list/inspections", {**inspection, "item_id": str(ids[0]), "ends_on": f"{year + 1}-03-01"}
    )
    assert outside.status_code == 422 and "第 3 条" in text(outside.text)
    malformed = browser.post("/list/inspections", {**inspection, "item_id": str(ids[0]), "starts_on": ""})
    assert malformed.status_code == 422 and "实施开始" in text(malformed.text)
    held = browser.post("/list/inspections", {**inspection, "item_id": str(ids[0])})
    shown = text(held.text)
    assert held.status_code == 200 and "已登记进校实施的督查检查" in shown
    assert "已进校实施的督查检查（1）" in shown and "校园食品安全检查" in shown

    browser.sign_in(city.school_headers[first])
    assert "已进校实施的督查检查（1）" in text(browser.get("/list").text)
