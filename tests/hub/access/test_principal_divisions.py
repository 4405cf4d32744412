"""A principal's division: a real GB/T 2260 code, stored, shown by /me, and never wider than its creator's."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.factories import create_city, create_principal


def _create(client: TestClient, headers: dict[str, str], **body: str) -> tuple[int, dict]:
    answer = client.post("/api/v1/principals", headers=headers, json={"name": "区教育局", **body})
    return answer.status_code, answer.json()


def test_a_bureau_keeps_its_county_and_me_shows_it(client: TestClient, admin_headers: dict[str, str]) -> None:
    status, body = _create(client, admin_headers, kind="education", code="xihu", division="330106")
    assert status == 201 and body["division"] == "330106"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert (me["division"], me["division_name"]) == ("330106", "浙江省杭州市西湖区")
    listed = {
        p["code"]: p["division"] for p in client.get("/api/v1/principals", headers=admin_headers).json()
    }
    assert listed["xihu"] == "330106"


def test_codes_that_do_not_exist_are_refused_by_name(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    for code in ("330199", "149999", "33"):
        status, body = _create(client, admin_headers, kind="education", code=f"e{code}", division=code)
        assert status == 422, body
        assert code in str(body["detail"]), body
    status, body = _create(client, admin_headers, kind="education", code="e330199", division="330199")
    assert "330199 不在 GB/T 2260 现行代码中" in str(body["detail"]), body
    assert all(p["code"] != "e330199" for p in client.get("/api/v1/principals", headers=admin_headers).json())


def test_no_one_opens_an_account_wider_than_or_beside_its_own(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    hangzhou_admin = create_principal(client, admin_headers, kind="admin", code="hz-admin", division="330100")
    status, body = _create(client, hangzhou_admin, kind="education", code="ningbo", division="330203")
    assert status == 403 and body["code"] == "DivisionOutsideCreator" and "330203" in body["detail"]["value"]
    status, body = _create(client, hangzhou_admin, kind="education", code="zhejiang", division="330000")
    assert status == 403 and body["code"] == "DivisionOutsideCreator"
    status, body = _create(client, hangzhou_admin, kind="education", code="xihu", division="330106")
    assert status == 201 and body["division"] == "330106"
    # Naming no division, the new account is bounded by its creator's, never unbounded.
    status, body = _create(client, hangzhou_admin, kind="department", code="hz-hrss")
    assert status == 201 and body["division"] == "330100"


def test_a_school_account_takes_its_county_and_must_lie_inside_the_creator(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=12, teachers=12)
    schools = city.schools.set_index("code")["division_code"].to_dict()
    code, county = next(iter(schools.items()))
    other = next(c for c, d in schools.items() if d != county)
    status, body = _create(client, admin_headers, kind="school", code="s1", school_code=code)
    assert status == 201 and body["division"] == county
    bureau = create_principal(client, admin_headers, kind="admin", code="county-admin", division=county)
    status, body = _create(client, bureau, kind="school", code="s2", school_code=other)
    assert status == 403 and body["detail"] == {"field": "school_code", "value": other}
