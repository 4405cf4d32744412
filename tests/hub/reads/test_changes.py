"""The change feed: what changed since a cursor, in commit order, within the grant's scope."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import City
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_city, create_principal, ingest

ELEMENTS = ["teacher.name", "teacher.title", "teacher.mobile", "teacher.school_code"]


@pytest.fixture
def city(session: Session, settings: Settings) -> City:
    return create_city(session, settings, schools=4, teachers=40, seed=5)


def sync(client: TestClient, headers: dict[str, str], since: str | None = None, **params: object) -> dict:
    answer = client.get("/api/v1/query/teacher/changes", headers=headers, params={"since": since, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_sync_sees_each_change_once_masked_and_scoped(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str], city: City
) -> None:
    schools = sorted(city.schools["code"])
    dept = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=dept, elements=ELEMENTS, schools=schools[:2])

    first = sync(client, dept, limit=7)
    seen = list(first["changes"])
    cursor = first["next_cursor"]
    while True:
        page = sync(client, dept, cursor, limit=7)
        seen += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    in_scope = city.teachers[city.teachers["school_code"].isin(schools[:2])]
    assert len(seen) == len(in_scope) and all(c["op"] == "upsert" for c in seen)
    assert {c["school_code"] for c in seen} == set(schools[:2])
    # Every new record comes with the values of its granted elements, masked as rows are.
    assert all(set(c["values"]) == set(ELEMENTS) for c in seen)
    assert sorted(c["values"]["teacher.name"] for c in seen) == sorted(in_scope["name"])
    assert all(c["values"]["teacher.mobile"].count("****") == 1 for c in seen)
    assert not set(in_scope["mobile"]) & {c["values"]["teacher.mobile"] for c in seen}
    assert sync(client, dept, cursor)["changes"] == []
    rows = client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 1000}).json()["rows"]
    assert {r["record_id"] for r in rows} == {c["record_id"] for c in seen}  # one record id in both feeds
    by_id = {r["record_id"]: r for r in rows}
    assert all(c["values"] == {e: by_id[c["record_id"]][e] for e in ELEMENTS} for c in seen)

    promoted = city.teachers[city.teachers["school_code"] == schools[0]].head(1).copy()
    promoted["title"] = "高级教师"
    ingest(session, settings, "teacher", promoted)
    moved = city.teachers[city.teachers["school_code"] == schools[1]].head(1).copy()
    moved["school_code"] = schools[3]  # to a school outside the grant
    ingest(session, settings, "teacher", moved)
    elsewhere = city.teachers[city.teachers["school_code"] == schools[2]].head(1).copy()
    elsewhere["title"] = "正高级教师"
    ingest(session, settings, "teacher", elsewhere)

    news = sync(client, dept, cursor)
    ops = [(c["school_code"], c["op"]) for c in news["changes"]]
    assert ops == [(schools[0], "upsert"), (schools[1], "removed")]
    assert set(news["changes"][0]["values"]) == {"teacher.title"}
    ids = {c["record_id"]: c for c in seen}
    assert news["changes"][0]["record_id"] in ids and news["changes"][1]["record_id"] in ids
    assert sync(client, dept, news["next_cursor"])["changes"] == []


def test_replaying_the_feed_from_the_start_gives_the_rows(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str], city: City
) -> None:
    schools = sorted(city.schools["code"])
    dept = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=dept, elements=ELEMENTS, schools=schools[:2])
    promoted = city.teachers[city.teachers["school_code"] == schools[0]].head(2).copy()
    promoted["title"] = "高级教师"
    ingest(session, settings, "teacher", promoted)
    promoted["mobile"] = ["13900000001", "13900000002"]
    ingest(session, settings, "teacher", promoted)
    within = city.teachers[city.teachers["school_code"] == schools[1]].head(1).copy()
    within["school_code"] = schools[0]
    ingest(session, settings, "teacher", within)
    away = city.teachers[city.teachers["school_code"] == schools[1]].tail(1).copy()
    away["school_code"] = schools[3]
    ingest(session, settings, "teacher", away)

    # A department syncing from scratch, in small pages, applies each change in order.
    state: dict[str, dict[str, object]] = {}
    cursor = None
    while True:
        page = sync(client, dept, cursor, limit=4)
        for change in page["changes"]:
            if change["op"] == "removed":
                del state[change["record_id"]]
            else:
                record = state.setdefault(change["record_id"], {})
                record.update({"school_code": change["school_code"], **change["values"]})
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break

    rows = client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 1000}).json()["rows"]
    assert state == {r["record_id"]: {k: r[k] for k in ["school_code", *ELEMENTS]} for r in rows}
    assert {"139****0001", "139****0002"} <= {r["teacher.mobile"] for r in rows}  # the later change, masked


def test_a_forged_cursor_is_refused(client: TestClient, admin_headers: dict[str, str], city: City) -> None:
    dept = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=dept, elements=["teacher.name"])
    answer = client.get("/api/v1/query/teacher/changes", headers=dept, params={"since": "WzEsIjIiXQ"})
    assert answer.status_code == 422
