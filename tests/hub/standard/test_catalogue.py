"""The sharing catalogue (共享目录) through the API and the web page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.factories import create_city, create_principal
from tests.hub.web.conftest import Browser, text


def test_the_catalogue_lists_every_element_with_its_sharing_type(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    assert client.get("/api/v1/standard/catalogue").status_code == 401
    dept = create_principal(client, admin_headers, code="d-cat")
    answer = client.get("/api/v1/standard/catalogue", headers=dept)
    assert answer.status_code == 200
    js = answer.json()
    elements = client.get("/api/v1/standard/elements", headers=dept).json()["items"]
    assert len(js["items"]) == len(elements) and sum(js["totals"].values()) == len(elements)
    by_code = {i["code"]: i for i in js["items"]}
    assert (
        by_code["school.name"]["sharing"] == "unconditional"
        and by_code["school.name"]["sharing_zh"] == "无条件共享"
    )
    assert by_code["teacher.id_number"]["sharing"] == "conditional"
    blood = by_code["teacher.blood_type"]
    assert blood["sharing"] == "not_shared" and "不予共享" in blood["reason_zh"] and blood["reason_en"]
    assert {e["code"]: e["sharing"] for e in elements}["teacher.height"] == "not_shared"
    schools = client.get("/api/v1/standard/catalogue?entity=school", headers=dept).json()
    assert {i["entity"] for i in schools["items"]} == {"school"} and schools["totals"]["not_shared"] == 0


def test_the_catalogue_page_shows_types_and_reasons_to_a_school(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=2)
    school = create_principal(
        client,
        admin_headers,
        kind="school",
        code="s-cat",
        name="第一中学",
        school_code=city.schools["code"].iloc[0],
    )
    browser = Browser(client=client)
    browser.sign_in(school)
    page = browser.get("/catalogue?entity=teacher")
    assert page.status_code == 200
    shown = text(page.text)
    assert "数据共享目录" in shown and "不予共享" in shown and "有条件共享" in shown
    assert 'data-element="teacher.blood_type" data-sharing="not_shared"' in page.text
    assert "school.name" not in page.text
    english = text(browser.get("/catalogue?lang=en").text)
    assert "Sharing catalogue" in english and "not shared" in english
