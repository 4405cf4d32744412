"""The 进校园 whitelist (seed items 4–9): the education bureau keeps the year's items; every social affair
entering schools is registered against one of its year, or refused naming the seed items; counts per
school and per item."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from hub.register.models import DemandedSchool, SocialDemand
from tests.hub.burden.factories import City, create_city


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return create_city(client, session, settings, admin_headers)


def listed(client: TestClient, city: City, **body: Any) -> Any:
    payload = {
        "year": local_today().year,
        "category": "safety",
        "title": "防溺水安全教育",
        "organiser": "市应急管理局",
        **body,
    }
    return client.post("/api/v1/register/whitelist", headers=city.education, json=payload)


def demand(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    payload = {"title": "防溺水专题讲座", "held_on": local_today().isoformat(), **body}
    return client.post("/api/v1/register/social-demands", headers=headers, json=payload)


def stored(session: Session) -> tuple[int, int]:
    return (
        int(session.scalar(select(func.count()).select_from(SocialDemand)) or 0),
        int(session.scalar(select(func.count()).select_from(DemandedSchool)) or 0),
    )


def test_demands_under_the_whitelist_are_counted_per_item_and_per_school_and_others_refused(
    client: TestClient, session: Session, city: City
) -> None:
    year = local_today().year
    a, b, c = city.schools
    safety = listed(client, city)
    assert safety.status_code == 201, safety.text
    exam = listed(
        client, city, category="exam", title="全国英语等级考试考点", organiser="市教育考试院"
    ).json()
    assert listed(client, city, year=year - 1).json()["code"] == "WhitelistYearInvalid"
    assert (
        client.post(
            "/api/v1/register/whitelist",
            headers=city.department,
            json={"year": year, "category": "publicity", "title": "x", "organiser": "y"},
        ).status_code
        == 403
    )

    unlisted = demand(client, city.department, category="publicity", title="反诈宣传进校园", schools=[a])
    assert unlisted.status_code == 422, unlisted.text
    body = unlisted.json()
    assert body["code"] == "SocialDemandNotWhitelisted"
    assert (body["detail"]["seed_item"], body["detail"]["seed_items"]) == (4, [4, 5, 6, 7, 8, 9])
    assert (
        "反诈宣传进校园" in body["message"] and "第 4—9 条" in body["message"] and "白名单" in body["message"]
    )
    out_of_year = demand(
        client,
        city.department,
        item_id=safety.json()["id"],
        schools=[a],
        held_on=date(year + 1, 3, 1).isoformat(),
    )
    assert out_of_year.status_code == 422 and out_of_year.json()["code"] == "WhitelistItemOutOfYear"
    assert str(year) in out_of_year.json()["message"]
    assert stored(session) == (0, 0)

    assert demand(client, city.department, item_id=safety.json()["id"], schools=[a, b]).status_code == 201
    assert demand(client, city.department, item_id=safety.json()["id"], schools=[a]).status_code == 201
    held = demand(client, city.education, item_id=exam["id"], title="英语等级考试监考", schools=[b, c])
    assert held.status_code == 201, held.text
    assert stored(session) == (3, 5)

    counts = client.get("/api/v1/register/whitelist", headers=city.education).json()
    assert [(i["title"], i["demands"], i["schools_reached"]) for i in counts["items"]] == [
        ("防溺水安全教育", 2, 2),
        ("全国英语等级考试考点", 1, 2),
    ]
    assert [(s["school_code"], s["demands"]) for s in counts["schools"]] == [(a, 2), (b, 2), (c, 1)]
    # A school sees the whitelist and only its own figures and demands.
    mine = client.get("/api/v1/register/whitelist", headers=city.school_headers[c]).json()
    assert [(s["school_code"], s["demands"]) for s in mine["schools"]] == [(c, 1)]
    assert len(mine["items"]) == 2
    seen = client.get("/api/v1/register/social-demands", headers=city.school_headers[c]).json()
    assert [(d["title"], [s["school_code"] for s in d["schools"]]) for d in seen] == [
        ("英语等级考试监考", [c])
    ]
    other = client.get(f"/api/v1/register/social-demands/{seen[0]['id']}", headers=city.school_headers[a])
    assert other.status_code == 404
