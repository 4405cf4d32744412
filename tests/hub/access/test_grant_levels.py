"""Whose agreements a bureau sees and manages (issue 17).

A grant belongs to the level of the department holding it, and a department with no division to the
top: bureaus whose division holds the holder's level see and manage it. A bureau below sees a grant
held above it when the grant reaches into its subtree (who reads its schools' data is never hidden
from it), but renewing or revoking it is for the holder's level (403 GrantAtAnotherLevel); a grant
that does not reach it stays a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_city, create_principal

ORIGIN = {"Origin": "http://testserver"}


@dataclass(kw_only=True)
class Levels:
    edu: dict[str, dict[str, str]]  # P, C, A, B
    a: str
    b: str
    school_a: str
    school_b: str


@pytest.fixture
def levels(client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings) -> Levels:
    city = create_city(session, settings, schools=12, teachers=24)
    counts = city.schools["division_code"].value_counts()
    a, b = str(counts.index[0]), str(counts.index[1])
    codes = {"P": a[:2] + "0000", "C": a[:4] + "00", "A": a, "B": b}
    edu = {
        level: create_principal(
            client, admin_headers, kind="education", code=f"edu-{level}", name=f"{level}教育局", division=code
        )
        for level, code in codes.items()
    }
    of = city.schools.set_index("code")["division_code"]
    return Levels(
        edu=edu,
        a=a,
        b=b,
        school_a=str(of[of == a].index[0]),
        school_b=str(of[of == b].index[0]),
    )


def _seen(client: TestClient, who: dict[str, str], grant_id: int) -> tuple[bool, int]:
    listed = client.get("/api/v1/grants", headers=who)
    assert listed.status_code == 200, listed.text
    return grant_id in {g["id"] for g in listed.json()}, client.get(
        f"/api/v1/grants/{grant_id}", headers=who
    ).status_code


def test_a_division_less_departments_agreement_is_shown_where_it_reaches_and_managed_at_the_top(
    client: TestClient, admin_headers: dict[str, str], levels: Levels
) -> None:
    province_office = create_principal(client, admin_headers, code="hrss", name="省人力资源和社会保障厅")
    everywhere = create_grant(client, admin_headers, holder=province_office, elements=["teacher.name"])
    only_b = create_grant(
        client, admin_headers, holder=province_office, elements=["teacher.name"], divisions=[levels.b]
    )
    one_school = create_grant(
        client, admin_headers, holder=province_office, elements=["teacher.name"], schools=[levels.school_a]
    )
    for level in ("P", "C", "A", "B"):
        assert _seen(client, levels.edu[level], everywhere["id"]) == (True, 200), level
    for level, expected in (("P", True), ("C", True), ("A", False), ("B", True)):
        assert _seen(client, levels.edu[level], only_b["id"]) == (expected, 200 if expected else 404), level
    for level, expected in (("P", True), ("C", True), ("A", True), ("B", False)):
        assert _seen(client, levels.edu[level], one_school["id"]) == (expected, 200 if expected else 404), (
            level
        )
    # Seen below, managed at the top: the province is told so, county A gets a 404 for B's agreement.
    refused = client.post(f"/api/v1/grants/{everywhere['id']}/revoke", headers=levels.edu["P"])
    assert refused.status_code == 403 and refused.json()["code"] == "GrantAtAnotherLevel", refused.text
    renewal = client.post(
        f"/api/v1/grants/{everywhere['id']}/renew",
        headers=levels.edu["A"],
        json={"valid_until": "2030-01-01"},
    )
    assert renewal.status_code == 403 and renewal.json()["code"] == "GrantAtAnotherLevel"
    assert client.post(f"/api/v1/grants/{only_b['id']}/revoke", headers=levels.edu["A"]).status_code == 404
    assert client.get("/api/v1/grants/expiring?within_days=400", headers=levels.edu["B"]).status_code == 200
    ending = {
        g["id"] for g in client.get("/api/v1/grants/expiring?within_days=400", headers=levels.edu["A"]).json()
    }
    assert everywhere["id"] in ending and only_b["id"] not in ending
    assert client.post(f"/api/v1/grants/{everywhere['id']}/revoke", headers=admin_headers).status_code == 200

    # The web page shows it too, naming the holder, without a revoke button the bureau cannot use.
    client.cookies.clear()
    token = levels.edu["A"]["Authorization"].removeprefix("Bearer ")
    assert client.post("/login", data={"token": token}, headers=ORIGIN).status_code == 200
    page = client.get("/grants").text
    row = page.split(f'data-grant="{one_school["id"]}"', 1)[1].split("</tr>", 1)[0]
    assert "省人力资源和社会保障厅" in row and "上级授权" in row and "/revoke" not in row
    assert f'data-grant="{only_b["id"]}"' not in page


def test_a_citys_agreement_reaching_one_county_is_shown_there_and_managed_by_the_city(
    client: TestClient, admin_headers: dict[str, str], levels: Levels
) -> None:
    city_code = levels.a[:4] + "00"
    city_dept = create_principal(client, admin_headers, code="city-hr", name="市人社局", division=city_code)
    grant = create_grant(
        client, levels.edu["C"], holder=city_dept, elements=["teacher.name"], divisions=[levels.a]
    )
    assert _seen(client, levels.edu["A"], grant["id"]) == (True, 200)
    assert _seen(client, levels.edu["B"], grant["id"]) == (False, 404)
    refused = client.post(f"/api/v1/grants/{grant['id']}/revoke", headers=levels.edu["A"])
    assert refused.status_code == 403 and refused.json()["detail"]["level"] == city_code
    assert client.post(f"/api/v1/grants/{grant['id']}/revoke", headers=levels.edu["B"]).status_code == 404
    assert client.post(f"/api/v1/grants/{grant['id']}/revoke", headers=levels.edu["C"]).status_code == 200
