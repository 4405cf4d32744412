"""Every grant ends: the bureau sees what ends soon and renews it, never past the approval it rests on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.access.models import Grant
from hub.config import Settings
from hub.demo.city import City
from hub.kit.clock import local_today
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_city, create_principal


@pytest.fixture
def city(session: Session, settings: Settings) -> City:
    return create_city(session, settings, schools=2, teachers=12)


@pytest.fixture
def edu(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")


@pytest.fixture
def dept(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, code="hrss")


def days(n: int) -> str:
    return (local_today() + timedelta(days=n)).isoformat()


def test_what_ends_soon_is_listed_soonest_first_for_the_grantors_only(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str]
) -> None:
    later = create_grant(client, edu, holder=dept, elements=["teacher.name"], valid_until=days(20))
    sooner = create_grant(client, edu, holder=dept, elements=["teacher.gender"], valid_until=days(3))
    create_grant(client, edu, holder=dept, elements=["teacher.title"], valid_until=days(200))
    listed = client.get("/api/v1/grants/expiring", headers=edu)
    assert listed.status_code == 200, listed.text
    assert [g["id"] for g in listed.json()] == [sooner["id"], later["id"]]
    wider = client.get("/api/v1/grants/expiring", headers=edu, params={"within_days": 365}).json()
    assert len(wider) == 3
    assert client.get("/api/v1/grants/expiring", headers=dept).status_code == 403


def test_a_renewal_gives_a_new_end_and_is_logged(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str], admin_headers: dict[str, str]
) -> None:
    grant = create_grant(client, edu, holder=dept, elements=["teacher.name"], valid_until=days(3))
    renewed = client.post(f"/api/v1/grants/{grant['id']}/renew", headers=edu, json={"valid_until": days(90)})
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["valid_until"] == days(90)
    logged = client.get("/api/v1/audit/entries", headers=admin_headers, params={"action": "grant.renew"})
    (entry,) = logged.json()["entries"]
    assert entry["grant_id"] == grant["id"] and entry["detail"]["was"] == days(3)
    assert (
        client.post(
            f"/api/v1/grants/{grant['id']}/renew", headers=dept, json={"valid_until": days(9)}
        ).status_code
        == 403
    )


def test_a_renewal_past_the_approval_or_into_the_past_is_refused_naming_the_dates(
    client: TestClient, city: City, edu: dict[str, str], dept: dict[str, str], session: Session
) -> None:
    made = create_grant(client, edu, holder=dept, elements=["teacher.name"], valid_until=days(3))
    grant = session.get(Grant, made["id"])
    assert grant is not None
    grant.ends_by = local_today() + timedelta(days=30)  # as a release under an approval valid 30 days
    session.flush()
    past_bound = client.post(
        f"/api/v1/grants/{made['id']}/renew", headers=edu, json={"valid_until": days(31)}
    )
    assert past_bound.status_code == 422
    js = past_bound.json()
    assert js["code"] == "GrantRenewalInvalid" and js["detail"]["approval_valid_until"] == days(30)
    assert days(31) in js["message"] and days(30) in js["message"]
    past = client.post(f"/api/v1/grants/{made['id']}/renew", headers=edu, json={"valid_until": days(-1)})
    assert past.status_code == 422 and days(-1) in past.json()["message"]
    assert client.post(f"/api/v1/grants/{made['id']}/revoke", headers=edu).status_code == 200
    revoked = client.post(f"/api/v1/grants/{made['id']}/renew", headers=edu, json={"valid_until": days(9)})
    assert revoked.status_code == 409 and revoked.json()["code"] == "GrantAlreadyRevoked"
