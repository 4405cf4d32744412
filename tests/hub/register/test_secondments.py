"""Borrowing (借用) and seconding (抽调) teachers, seed items 15–16: a department asks, the education bureau
holding the schools approves with the Party committee's filing number, the schools are informed, more
than half a year needs an exception reason, and who is away (and past their end) is listed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from hub.records.models import schools_table
from hub.register.models import SecondedTeacher, Secondment
from hub.register.service import add_months
from tests.hub.burden.factories import City, create_city
from tests.hub.factories import create_principal

FILING = "高委备〔2026〕12号"


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return create_city(client, session, settings, admin_headers)


def ask(client: TestClient, city: City, **body: Any) -> Any:
    today = local_today()
    payload = {
        "kind": "borrow",
        "purpose": "市委巡察工作借用",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
        "teachers": [
            {"school_code": city.schools[0], "teacher_name": "李明"},
            {"school_code": city.schools[1], "headcount": 2},
        ],
        **body,
    }
    return client.post("/api/v1/register/secondments", headers=city.department, json=payload)


def stored(session: Session) -> tuple[int, int]:
    return (
        int(session.scalar(select(func.count()).select_from(Secondment)) or 0),
        int(session.scalar(select(func.count()).select_from(SecondedTeacher)) or 0),
    )


def approve(client: TestClient, city: City, secondment_id: int, **body: Any) -> Any:
    return client.post(
        f"/api/v1/register/secondments/{secondment_id}/decision",
        headers=city.education,
        json={"decision": "approve", "filing_number": FILING, **body},
    )


def test_half_a_year_is_the_day_six_months_on() -> None:
    assert add_months(date(2026, 3, 1), 6) == date(2026, 9, 1)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_a_department_asks_the_bureau_approves_with_its_filing_number_and_the_schools_see_it(
    client: TestClient, session: Session, city: City
) -> None:
    asked = ask(client, city)
    assert asked.status_code == 201, asked.text
    secondment = asked.json()
    assert (secondment["status"], secondment["filing_number"], secondment["overrun"]) == (
        "requested",
        None,
        False,
    )
    assert [(t["school_code"], t["teacher_name"], t["headcount"]) for t in secondment["teachers"]] == [
        (city.schools[0], "李明", 1),
        (city.schools[1], None, 2),
    ]
    # Not yet approved: the schools are not informed, and nobody is away.
    school = city.school_headers[city.schools[0]]
    assert client.get("/api/v1/register/secondments", headers=school).json() == []
    assert client.get("/api/v1/register/away", headers=city.education).json() == []

    decided = approve(client, city, secondment["id"])
    assert decided.status_code == 200, decided.text
    assert (decided.json()["status"], decided.json()["filing_number"]) == ("approved", FILING)

    # Each school concerned sees it, and only its own teachers' line.
    informed = client.get("/api/v1/register/secondments", headers=school).json()
    assert [(s["id"], [t["school_code"] for t in s["teachers"]]) for s in informed] == [
        (secondment["id"], [city.schools[0]])
    ]
    other = city.school_headers[city.schools[2]]
    assert client.get("/api/v1/register/secondments", headers=other).json() == []
    assert client.get(f"/api/v1/register/secondments/{secondment['id']}", headers=other).status_code == 404

    away = client.get("/api/v1/register/away", headers=city.education).json()
    assert [(a["school_code"], a["teacher_name"], a["headcount"], a["overrun"]) for a in away] == [
        (city.schools[0], "李明", 1, False),
        (city.schools[1], None, 2, False),
    ]
    assert away[0]["department"] == "市人力资源和社会保障局" and away[0]["filing_number"] == FILING
    assert away[0]["until"] == (local_today() + timedelta(days=90)).isoformat()


def test_more_than_half_a_year_is_refused_naming_the_seed_item_unless_an_exception_is_given(
    client: TestClient, session: Session, city: City
) -> None:
    start = local_today()
    too_long = add_months(start, 6) + timedelta(days=1)
    refused = ask(client, city, ends_on=too_long.isoformat())
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "SecondmentTooLong"
    assert body["detail"]["seed_item"] == 15 and body["detail"]["field"] == "ends_on"
    assert "半年" in body["message"] and "15" in body["message"]
    assert stored(session) == (0, 0)

    seconded = ask(client, city, kind="second", ends_on=too_long.isoformat())
    assert seconded.status_code == 422 and seconded.json()["detail"]["seed_item"] == 16

    # Exactly six months is allowed; past it only with a reason, which is kept for the bureau.
    assert ask(client, city, ends_on=add_months(start, 6).isoformat()).status_code == 201
    excepted = ask(client, city, ends_on=too_long.isoformat(), exception_reason="全国人口普查登记至次年")
    assert excepted.status_code == 201, excepted.text
    assert excepted.json()["exception_reason"] == "全国人口普查登记至次年"


def test_bad_requests_and_approvals_are_refused_and_nothing_is_stored(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str], city: City
) -> None:
    today = local_today()
    backwards = ask(client, city, ends_on=(today - timedelta(days=1)).isoformat())
    assert backwards.status_code == 422 and backwards.json()["code"] == "SecondmentPeriodInvalid"
    unknown = ask(client, city, teachers=[{"school_code": "9999999999", "headcount": 1}])
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["detail"] == {"row": 1, "field": "school_code", "value": "9999999999"}
    assert ask(client, city, teachers=[]).json()["code"] == "SecondmentTeachersMissing"
    named_many = ask(
        client, city, teachers=[{"school_code": city.schools[0], "teacher_name": "王", "headcount": 3}]
    )
    assert named_many.status_code == 422
    school = city.school_headers[city.schools[0]]
    assert (
        client.post(
            "/api/v1/register/secondments",
            headers=school,
            json={
                "kind": "borrow",
                "purpose": "x",
                "starts_on": today.isoformat(),
                "ends_on": today.isoformat(),
                "teachers": [],
            },
        ).status_code
        == 403
    )
    assert stored(session) == (0, 0)

    secondment_id = ask(client, city).json()["id"]
    no_filing = approve(client, city, secondment_id, filing_number=" ")
    assert no_filing.status_code == 422, no_filing.text
    assert (no_filing.json()["code"], no_filing.json()["detail"]["seed_item"]) == ("FilingNumberMissing", 15)
    # A department cannot approve its own; a bureau of another county does not hold these schools.
    assert (
        client.post(
            f"/api/v1/register/secondments/{secondment_id}/decision",
            headers=city.department,
            json={"decision": "approve", "filing_number": FILING},
        ).status_code
        == 403
    )
    elsewhere = create_principal(
        client, admin_headers, kind="education", code="edu-far", name="东城区教育委员会", division="110101"
    )
    far = client.post(
        f"/api/v1/register/secondments/{secondment_id}/decision",
        headers=elsewhere,
        json={"decision": "approve", "filing_number": FILING},
    )
    assert far.status_code == 404  # it does not even see them
    # A county bureau holding only one of the two schools sees the request but does not approve it.
    counties = dict(session.execute(select(schools_table.c.code, schools_table.c.division_code)).all())
    first, second = counties[city.schools[0]], counties[city.schools[1]]
    assert first != second, "the factory city spreads its schools over districts"
    county = create_principal(
        client, admin_headers, kind="education", code="edu-county", name="区教育局", division=first
    )
    partial = client.post(
        f"/api/v1/register/secondments/{secondment_id}/decision",
        headers=county,
        json={"decision": "approve", "filing_number": FILING},
    )
    assert partial.status_code == 422, partial.text
    assert (partial.json()["code"], partial.json()["detail"]["seed_item"]) == ("BureauDoesNotHoldSchools", 15)
    assert (
        client.get(f"/api/v1/register/secondments/{secondment_id}", headers=city.department).json()["status"]
        == "requested"
    )
    assert approve(client, city, secondment_id).status_code == 200
    assert approve(client, city, secondment_id).status_code == 409


def test_who_is_past_their_end_is_flagged_as_an_overrun_until_back(
    client: TestClient, session: Session, city: City
) -> None:
    today = local_today()
    late = ask(
        client,
        city,
        kind="second",
        purpose="创文迎检会务",
        starts_on=(today - timedelta(days=60)).isoformat(),
        ends_on=(today - timedelta(days=10)).isoformat(),
        teachers=[{"school_code": city.schools[2], "teacher_name": "赵敏"}],
    ).json()
    on_time = ask(client, city).json()
    for secondment in (late, on_time):
        assert approve(client, city, secondment["id"]).status_code == 200
    away = client.get("/api/v1/register/away", headers=city.education).json()
    assert [(a["secondment_id"], a["overrun"], a["days_over"]) for a in away] == [
        (late["id"], True, 10),
        (on_time["id"], False, 0),
        (on_time["id"], False, 0),
    ]
    back = client.post(
        f"/api/v1/register/secondments/{late['id']}/return",
        headers=city.department,
        json={"returned_on": (today - timedelta(days=3)).isoformat()},
    )
    assert back.status_code == 200, back.text
    assert (back.json()["status"], back.json()["overrun"], back.json()["days_over"]) == ("returned", True, 7)
    assert [
        a["secondment_id"] for a in client.get("/api/v1/register/away", headers=city.education).json()
    ] == [
        on_time["id"],
        on_time["id"],
    ]
