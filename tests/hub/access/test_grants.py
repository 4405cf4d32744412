"""Grants: standing access given and revoked by the bureau, checked on every read, masked as granted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import City
from tests.hub.access.factories import create_grant, principal_id
from tests.hub.factories import create_city, create_principal

THREE = ["teacher.name", "teacher.id_number", "teacher.title"]


@pytest.fixture
def city(session: Session, settings: Settings) -> City:
    return create_city(session, settings, schools=12, teachers=150, seed=7)


@pytest.fixture
def edu(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")


@pytest.fixture
def dept(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, code="hrss")


def all_rows(client: TestClient, headers: dict[str, str], **params: object) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    cursor = None
    while True:
        query = {**params, "limit": 40, **({"cursor": cursor} if cursor else {})}
        answer = client.get("/api/v1/query/teacher/rows", headers=headers, params=query)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        rows += page["rows"]
        cursor = page["next_cursor"]
        if cursor is None:
            return rows


def test_three_elements_of_ten_schools_exactly_masked_and_shown_to_each_school(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str], admin_headers: dict[str, str]
) -> None:
    ten = sorted(city.schools["code"])[:10]
    grant = create_grant(client, edu, holder=dept, elements=THREE, schools=ten)
    rows = all_rows(client, dept)

    expected = city.teachers[city.teachers["school_code"].isin(ten)]
    assert len(rows) == len(expected)
    assert {r["school_code"] for r in rows} == set(ten)
    assert all(set(r) == {"record_id", "school_code", *THREE} for r in rows)
    ids = {r["teacher.id_number"] for r in rows}
    clear = {f"{i[:6]}****{i[-4:]}" for i in expected["id_number"]}
    assert ids == clear  # first 6 + **** + last 4, and no clear number anywhere
    assert set(expected["id_number"]).isdisjoint(str(rows))
    assert sorted(r["teacher.name"] for r in rows) == sorted(expected["name"])

    school = ten[3]
    school_headers = create_principal(client, admin_headers, kind="school", code="s3", school_code=school)
    usage = client.get(f"/api/v1/schools/{school}/usage", headers=school_headers)
    assert usage.status_code == 200, usage.text
    read = usage.json()["reads"][0]
    assert read["reader"]["code"] == "hrss" and read["grant_id"] == grant["id"]
    assert [e["code"] for e in read["elements"]] == THREE
    assert read["rows"] == int((expected["school_code"] == school).sum())
    assert read["purpose"] == grant["purpose"]


def test_clear_values_only_when_the_grant_lists_them(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str]
) -> None:
    create_grant(
        client,
        edu,
        holder=dept,
        elements=["teacher.id_number", "teacher.mobile"],
        clear_elements=["teacher.id_number"],
        purpose="社保关系转移核对身份",
    )
    rows = all_rows(client, dept)
    assert {r["teacher.id_number"] for r in rows} == set(city.teachers["id_number"])
    assert all("****" in str(r["teacher.mobile"]) for r in rows if r["teacher.mobile"])
    refused = client.post(
        "/api/v1/grants",
        headers=edu,
        json={
            "department_id": principal_id(client, dept),
            "entity": "teacher",
            "elements": ["teacher.name"],
            "clear_elements": ["teacher.id_number"],
            "purpose": "核对身份信息",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["detail"]["field"] == "clear_elements"


def test_revoking_or_expiry_stops_reads_at_once(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str]
) -> None:
    grant = create_grant(client, edu, holder=dept, elements=["teacher.name"])
    first = client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 5})
    assert first.status_code == 200
    cursor = first.json()["next_cursor"]
    assert client.post(f"/api/v1/grants/{grant['id']}/revoke", headers=edu).status_code == 200
    after = client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 5, "cursor": cursor})
    assert after.status_code == 403
    assert client.get("/api/v1/query/teacher/aggregate", headers=dept).status_code == 403
    assert client.post(f"/api/v1/grants/{grant['id']}/revoke", headers=edu).status_code == 409

    yesterday = (date.today() - timedelta(days=1)).isoformat()
    expired = create_grant(
        client,
        edu,
        holder=dept,
        elements=["teacher.name"],
        valid_from=(date.today() - timedelta(days=30)).isoformat(),
        valid_until=yesterday,
    )
    assert expired["active"] is False
    answer = client.get("/api/v1/query/teacher/rows", headers=dept, params={"grant": expired["id"]})
    assert answer.status_code == 403


def test_revoking_a_requests_grant_stops_its_data(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str]
) -> None:
    body = {"title": "花名册", "purpose": "核对", "entity": "teacher", "fields": [{"label": "姓名"}]}
    request = client.post("/api/v1/requests", headers=dept, json=body).json()
    assert request["status"] == "pending_release"
    released = client.post(
        f"/api/v1/requests/{request['id']}/release", headers=edu, json={"decision": "approve"}
    )
    assert released.json()["status"] == "answered", released.text
    assert client.get(f"/api/v1/requests/{request['id']}/data", headers=dept).status_code == 200
    grants = client.get("/api/v1/grants", headers=dept).json()
    (grant,) = [g for g in grants if g["request_id"] == request["id"]]
    assert client.post(f"/api/v1/grants/{grant['id']}/revoke", headers=edu).status_code == 200
    assert client.get(f"/api/v1/requests/{request['id']}/data", headers=dept).status_code == 403


def test_only_the_bureau_grants_and_never_to_itself_or_a_school(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str], admin_headers: dict[str, str]
) -> None:
    school = create_principal(
        client, admin_headers, kind="school", code="s1", school_code=city.schools["code"][0]
    )
    body = {"entity": "teacher", "elements": ["teacher.name"], "purpose": "教师信息核对"}
    assert (
        client.post(
            "/api/v1/grants", headers=dept, json={**body, "department_id": principal_id(client, dept)}
        ).status_code
        == 403
    )
    to_school = client.post(
        "/api/v1/grants", headers=edu, json={**body, "department_id": principal_id(client, school)}
    )
    assert to_school.status_code == 422
    to_self = client.post(
        "/api/v1/grants", headers=edu, json={**body, "department_id": principal_id(client, edu)}
    )
    assert to_self.status_code == 403
    unknown = client.post(
        "/api/v1/grants",
        headers=edu,
        json={**body, "elements": ["teacher.shoe_size"], "department_id": principal_id(client, dept)},
    )
    assert unknown.status_code == 422 and "teacher.shoe_size" in unknown.text
    assert client.get("/api/v1/grants", headers=school).status_code == 403


def test_a_division_grant_reaches_only_that_divisions_schools(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str]
) -> None:
    divisions = city.schools["division_code"].value_counts()
    division = str(divisions.index[0])
    create_grant(client, edu, holder=dept, elements=["teacher.name"], divisions=[division])
    rows = all_rows(client, dept)
    inside = set(city.schools.loc[city.schools["division_code"] == division, "code"])
    expected = city.teachers[city.teachers["school_code"].isin(inside)]
    assert {r["school_code"] for r in rows} <= inside
    assert len(rows) == len(expected) > 0


def test_holders_see_their_grants_and_grantors_see_all(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str], admin_headers: dict[str, str]
) -> None:
    other = create_principal(client, admin_headers, code="health", name="市卫健委")
    mine = create_grant(client, edu, holder=dept, elements=["teacher.name"])
    theirs = create_grant(client, admin_headers, holder=other, elements=["teacher.title"])
    assert [g["id"] for g in client.get("/api/v1/grants", headers=dept).json()] == [mine["id"]]
    assert {g["id"] for g in client.get("/api/v1/grants", headers=edu).json()} >= {mine["id"], theirs["id"]}
    assert client.get(f"/api/v1/grants/{theirs['id']}", headers=dept).status_code == 404
    assert client.get(f"/api/v1/grants/{mine['id']}", headers=dept).json()["purpose"] == mine["purpose"]
