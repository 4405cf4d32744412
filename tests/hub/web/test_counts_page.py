"""/counts and the school page show the counts GET /register/counts gives, one definition for every page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from schemas import divisions
from tests.hub.burden.factories import City, create_city, run_scenario
from tests.hub.web.conftest import Browser, text


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return run_scenario(client, create_city(client, session, settings, admin_headers))


def city_counts(client: TestClient, city: City) -> list[dict[str, int]]:
    return client.get("/api/v1/register/counts", headers=city.education).json()["schools"]  # type: ignore[no-any-return]


def test_the_counts_page_and_the_school_page_show_the_same_figures(
    client: TestClient, browser: Browser, city: City
) -> None:
    first = city.schools[0]
    row = next(
        s
        for s in client.get("/api/v1/register/counts", headers=city.education).json()["schools"]
        if s["school_code"] == first
    )
    browser.sign_in(city.education)
    page = browser.get("/counts")
    assert page.status_code == 200 and "各校负担统计" in page.text and "导出 Excel" in page.text
    line = re.search(rf'<tr data-school="{first}">(.*?)</tr>', page.text, re.S)
    assert line is not None
    cells = [int(c) for c in re.findall(r'class="num"[^>]*>(\d+)</td>', line.group(1))]
    assert (
        cells[0] == row["demands_reached"]
        and cells[4] == row["fields_filled"]
        and cells[5] == row["fields_spared"]
    )
    # Counties and schools are named as GB/T 2260 names them, never by their codes alone.
    county = divisions.division(row["division"])
    assert county is not None and county.name in line.group(1)
    levels = client.get("/api/v1/register/counts", headers=city.education).json()["levels"]
    assert {level["division_name"] for level in levels if level["level"] == "county"} <= set(
        text(page.text).split()
    )
    assert levels[-1]["level"] == "total" and levels[-1]["division_name"] == "合计"
    # One chart per measure, each on its own scale, with the figures exact.
    panels = re.findall(r'<figure data-measure="([^"]+)">.*?<small>0–([\d,]+)</small>', page.text, re.S)
    assert [name for name, _ in panels] == [
        "进校事项", "下发任务", "督查检查", "社会事务进校园",
        "填报字段（项次）", "免填字段（项次）", "清单事项", "借用教师（人·天）",
    ]  # fmt: skip
    spared = dict(panels)["免填字段（项次）"].replace(",", "")
    assert int(spared) == max(s["fields_spared"] for s in city_counts(client, city))
    assert "各用自己的比例尺" in text(page.text) and "<script" not in page.text.split("</head>")[1]

    browser.sign_in(city.school_headers[first])
    school = browser.get("/school")
    spared = re.search(r'<b id="fields-spared">(\d+)</b>', school.text)
    assert spared is not None and int(spared.group(1)) == row["fields_spared"]
    assert "免填字段（项次）" in text(school.text)
    assert browser.get("/counts").status_code == 200
