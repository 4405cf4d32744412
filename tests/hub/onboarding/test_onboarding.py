"""Onboarding in one step: a county bureau opens every school account of its county at once, each
school trades its one-time code for its token, the bureau rotates and revokes; tokens expire."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from hub.app import create_app
from hub.config import Settings
from hub.db import utcnow
from hub.demo.city import generate_city
from hub.identity.models import Principal
from tests.hub.factories import create_principal, ingest
from tests.hub.tasks.factories import SCHOOL_COLUMNS, approve, publish, request_body, submit_request

CITY = "330100"


@dataclass(frozen=True, kw_only=True)
class County:
    a: str
    b: str
    schools: dict[str, str]  # school code → county
    city: dict[str, str]
    bureau_a: dict[str, str]
    bureau_b: dict[str, str]

    def of(self, county: str) -> list[str]:
        return sorted(code for code, c in self.schools.items() if c == county)


@pytest.fixture
def county(client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings) -> County:
    city = generate_city(seed=5, schools=10, teachers=60)
    frame = city.schools[list(SCHOOL_COLUMNS)].copy()
    a, b = frame["division_code"].value_counts().index[:2]
    assert ingest(session, settings, "school", frame).accepted == len(frame)
    assert ingest(session, settings, "teacher", city.teachers).accepted == len(city.teachers)
    session.flush()

    def bureau(division: str) -> dict[str, str]:
        return create_principal(
            client, admin_headers, kind="education", code=f"edu-{division}", name="教育局", division=division
        )

    return County(
        a=a,
        b=b,
        schools=dict(zip(frame["code"], frame["division_code"], strict=True)),
        city=bureau(CITY),
        bureau_a=bureau(a),
        bureau_b=bureau(b),
    )


def _onboard(client: TestClient, headers: dict[str, str], **body: str) -> dict:
    answer = client.post("/api/v1/schools/accounts", headers=headers, json=body or None)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _activate(client: TestClient, code: str) -> dict[str, str]:
    answer = client.post("/api/v1/public/activation", json={"code": code})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_a_county_bureau_onboards_every_school_of_its_county_at_once(
    client: TestClient, county: County, session: Session
) -> None:
    sheet = _onboard(client, county.bureau_a)
    mine = county.of(county.a)
    assert [line["school_code"] for line in sheet["lines"]] == mine
    assert sheet["codes_issued"] == sheet["schools_in_division"] == len(mine) and sheet["already_active"] == 0
    assert all(line["division"] == county.a for line in sheet["lines"])
    codes = [line["activation_code"] for line in sheet["lines"]]
    assert len(set(codes)) == len(codes)

    # Stored hashed: no column of the table holds a clear code.
    stored = session.execute(text("SELECT * FROM activation_codes")).all()
    assert len(stored) == len(mine)
    assert not {str(v) for row in stored for v in row} & set(codes)

    # A school types its code (case and dashes do not matter) and signs in as itself.
    first = sheet["lines"][0]
    typed = first["activation_code"].replace("-", " ").lower()
    school = _activate(client, typed)
    me = client.get("/api/v1/me", headers=school).json()
    assert me["kind"] == "school" and me["school_code"] == first["school_code"]
    assert client.get("/api/v1/tasks", headers=school).status_code == 200
    # A code works once: the second time is a 409 saying so.
    again = client.post("/api/v1/public/activation", json={"code": first["activation_code"]})
    assert again.status_code == 409 and again.json()["code"] == "ActivationCodeUsed"
    assert "只能使用一次" in again.json()["message"]
    unknown = client.post("/api/v1/public/activation", json={"code": "AAAA-AAAA-AAAA-AAAA"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "ActivationCodeUnknown"

    # Onboarding again issues codes only to the schools that still cannot sign in, and voids their old ones.
    second = _onboard(client, county.bureau_a)
    assert second["already_active"] == 1
    assert [line["school_code"] for line in second["lines"]] == mine[1:]
    voided = client.post("/api/v1/public/activation", json={"code": codes[1]})
    assert voided.status_code == 409 and voided.json()["code"] == "ActivationCodeVoided"
    _activate(client, second["lines"][0]["activation_code"])

    state = client.get("/api/v1/schools/accounts", headers=county.bureau_a).json()
    assert state["total"] == len(mine) and state["active"] == 2 and state["without_account"] == len(mine) - 2
    assert {i["state"] for i in state["items"]} == {"active", "code_issued"}


def test_each_bureau_onboards_only_inside_its_division(client: TestClient, county: County) -> None:
    city_sheet = _onboard(client, county.city, division=county.b)
    assert [line["school_code"] for line in city_sheet["lines"]] == county.of(county.b)
    outside = client.post("/api/v1/schools/accounts", headers=county.bureau_a, json={"division": county.b})
    assert outside.status_code == 404
    unknown = client.post("/api/v1/schools/accounts", headers=county.city, json={"division": "330199"})
    assert unknown.status_code == 422 and "330199" in unknown.text
    listing = client.get("/api/v1/schools/accounts", headers=county.bureau_b).json()
    assert {i["school_code"] for i in listing["items"]} == set(county.of(county.b))
    assert (
        client.get(
            "/api/v1/schools/accounts", headers=county.bureau_a, params={"division": county.b}
        ).status_code
        == 404
    )
    school_b = county.of(county.b)[0]
    for action in ("rotate", "revoke"):
        answer = client.post(f"/api/v1/schools/{school_b}/token/{action}", headers=county.bureau_a)
        assert answer.status_code == 404, action
    department = {"Authorization": "Bearer x"}
    assert client.post("/api/v1/schools/accounts", headers=department).status_code == 401


def test_the_printable_sheet_is_an_xlsx_whose_codes_activate(client: TestClient, county: County) -> None:
    answer = client.post("/api/v1/schools/accounts?format=xlsx", headers=county.bureau_b)
    assert answer.status_code == 201
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    page = load_workbook(BytesIO(answer.content)).active
    rows = list(page.iter_rows(values_only=True))
    assert rows[2][:5] == ("学校标识码", "学校名称", "所在区划", "账号", "激活码（一次有效）")
    lines = rows[3:]
    assert [r[0] for r in lines] == county.of(county.b)
    headers = _activate(client, lines[-1][4])
    assert client.get("/api/v1/me", headers=headers).json()["school_code"] == lines[-1][0]


def test_the_bureau_rotates_and_revokes_a_school_token(client: TestClient, county: County) -> None:
    line = _onboard(client, county.bureau_a)["lines"][0]
    school = _activate(client, line["activation_code"])
    rotated = client.post(f"/api/v1/schools/{line['school_code']}/token/rotate", headers=county.bureau_a)
    assert rotated.status_code == 200, rotated.text
    assert client.get("/api/v1/me", headers=school).status_code == 401  # the leaked token stops at once
    fresh = _activate(client, rotated.json()["activation_code"])
    assert client.get("/api/v1/me", headers=fresh).json()["school_code"] == line["school_code"]

    revoked = client.post(f"/api/v1/schools/{line['school_code']}/token/revoke", headers=county.city)
    assert revoked.status_code == 200 and revoked.json()["tokens_stopped"] == 1
    assert client.get("/api/v1/me", headers=fresh).status_code == 401
    # A code issued before a revocation no longer works either.
    other = _onboard(client, county.bureau_a)["lines"][0]
    client.post(f"/api/v1/schools/{other['school_code']}/token/revoke", headers=county.bureau_a)
    late = client.post("/api/v1/public/activation", json={"code": other["activation_code"]})
    assert late.status_code == 409 and late.json()["code"] == "ActivationCodeVoided"


@pytest.fixture
def expiring(settings: Settings, session_maker: sessionmaker[Session]) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"token_days": 30}), factory=session_maker)
    with TestClient(app) as client:
        yield client


def test_tokens_expire_after_hub_token_days(
    expiring: TestClient, county: County, session: Session, admin_headers: dict[str, str]
) -> None:
    client = expiring
    line = _onboard(client, county.bureau_a)["lines"][0]
    answer = client.post("/api/v1/public/activation", json={"code": line["activation_code"]})
    expires = answer.json()["token_expires_at"]
    assert expires is not None
    school = {"Authorization": f"Bearer {answer.json()['token']}"}
    assert client.get("/api/v1/me", headers=school).status_code == 200
    department = create_principal(client, admin_headers, code="hr-expiring")
    principal = session.scalars(select(Principal).where(Principal.code == "hr-expiring")).one()
    assert principal.token_expires_at is not None
    assert principal.token_expires_at - utcnow() > timedelta(days=29)

    for holder in (school, department):
        me = client.get("/api/v1/me", headers=holder).json()
        session.execute(
            text("UPDATE principals SET token_expires_at = :t WHERE id = :id"),
            {"t": utcnow() - timedelta(minutes=1), "id": me["id"]},
        )
        session.expire_all()
        refused = client.get("/api/v1/me", headers=holder)
        assert refused.status_code == 401 and refused.json()["code"] == "TokenExpired"
        assert "过期" in refused.json()["message"] and "expired" in refused.json()["message"]
    # The bureau's next sheet counts the expired school as one to onboard again.
    again = _onboard(client, county.bureau_a)
    assert line["school_code"] in {x["school_code"] for x in again["lines"]}


def test_publication_says_how_many_target_schools_cannot_sign_in(
    client: TestClient, county: County, admin_headers: dict[str, str]
) -> None:
    department = create_principal(client, admin_headers, code="hr-a", division=county.a)
    statistics = create_principal(client, admin_headers, kind="statistics", code="st-a", division=county.a)
    sheet = _onboard(client, county.bureau_a)
    for line in sheet["lines"][:2]:
        _activate(client, line["activation_code"])
    request = submit_request(client, department, request_body("姓名", "本学期家访次数"))
    approve(client, statistics, request["id"])
    publication = publish(client, county.bureau_a, request["id"])
    targets = {t["school_code"] for t in publication["tasks"]}
    assert targets == set(county.of(county.a))
    signed = {line["school_code"] for line in sheet["lines"][:2]}
    assert publication["schools_without_account"] == len(targets - signed)
    assert set(publication["schools_without_account_codes"]) == targets - signed
