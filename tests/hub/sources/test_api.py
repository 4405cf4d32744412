"""The sources API: configs kept by the education bureau, secrets never shown, runs and failing sources."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.sources.models import Source
from hub.sources.repository import SourceRepository
from tests.hub.factories import create_city, create_principal
from tests.hub.sources.factories import FEED_MAPPING, feed_records, feed_settings, upstream_teachers

BASE = "/api/v1/sources"


def http_config(url: str = "http://127.0.0.1:9/teachers", **settings: Any) -> dict[str, Any]:
    return {
        "name": "hr-feed",
        "kind": "http",
        "entity": "teacher",
        "description": "人事系统教师信息接口",
        "settings": feed_settings(url, **settings),
        "mapping": FEED_MAPPING,
        "schedule": {"cron": "30 2 * * *"},
    }


def test_a_source_is_created_listed_and_read_back(client: TestClient, admin_headers: dict[str, str]) -> None:
    created = client.post(BASE, json=http_config(), headers=admin_headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["schedule"] == {"cron": "30 2 * * *", "interval_seconds": None, "timezone": "Asia/Shanghai"}
    assert (body["enabled"], body["failing"], body["failure_threshold"]) == (True, False, 3)
    assert body["mapping"]["sfzh"] == "id_number" and body["mapping"]["dw.name"] is None

    listed = client.get(BASE, headers=admin_headers).json()
    assert [s["name"] for s in listed] == ["hr-feed"]
    assert (
        client.get(f"{BASE}/hr-feed", headers=admin_headers).json()["description"] == "人事系统教师信息接口"
    )


def test_secrets_are_never_returned(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    config = http_config(
        bearer_token="tok-123456", headers={"X-Api-Key": "key-abcdef", "Accept": "application/json"}
    )
    client.post(BASE, json=config, headers=admin_headers)
    sql = {
        "name": "hr-db", "kind": "sql", "entity": "teacher",
        "settings": {"url": "postgresql+psycopg://hr:pa55word@db.example/hr", "table": "staff", "password": "other-secret"},
    }  # fmt: skip
    assert client.post(BASE, json=sql, headers=admin_headers).status_code == 201

    for answer in (
        client.get(BASE, headers=admin_headers).text,
        client.get(f"{BASE}/hr-db", headers=admin_headers).text,
    ):
        for secret in ("tok-123456", "key-abcdef", "pa55word", "other-secret"):
            assert secret not in answer
    shown = client.get(f"{BASE}/hr-db", headers=admin_headers).json()["settings"]
    assert shown["url"] == "postgresql+psycopg://hr:******@db.example/hr"
    assert shown["password"] == "******"
    feed = client.get(f"{BASE}/hr-feed", headers=admin_headers).json()["settings"]
    assert feed["bearer_token"] == "******" and feed["headers"] == {
        "X-Api-Key": "******",
        "Accept": "application/json",
    }

    # What the API showed, sent back with one change, keeps the stored secrets.
    changed = client.patch(
        f"{BASE}/hr-db", json={"settings": {**shown, "table": "staff_v2"}}, headers=admin_headers
    )
    assert changed.status_code == 200, changed.text
    stored = SourceRepository(session).get("hr-db")
    assert stored is not None
    assert stored.settings["url"] == "postgresql+psycopg://hr:pa55word@db.example/hr"
    assert (stored.settings["password"], stored.settings["table"]) == ("other-secret", "staff_v2")


def test_environment_references_are_shown_as_written(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    config = http_config(bearer_token="${HR_FEED_TOKEN}")
    client.post(BASE, json=config, headers=admin_headers)
    assert (
        client.get(f"{BASE}/hr-feed", headers=admin_headers).json()["settings"]["bearer_token"]
        == "${HR_FEED_TOKEN}"
    )


def test_bad_configs_are_refused_with_the_setting_named(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    cases = [
        ({"mapping": {"sfzh": "spouse_name_unknown"}}, "spouse_name_unknown"),
        ({"mapping": {"nl": "age"}}, "derived"),
        ({"settings": {"url": "ftp://example/x"}}, "url"),
        ({"settings": {"url": "http://x/y", "pagination": "page"}}, "pagination"),
        ({"schedule": {"cron": "every day"}}, "cron"),
        ({"schedule": {"cron": "0 2 * * *", "interval_seconds": 60}}, "interval_seconds"),
        ({"name": "Has Spaces"}, "name"),
    ]
    for change, named in cases:
        answer = client.post(BASE, json=http_config() | change, headers=admin_headers)
        assert answer.status_code == 422, (change, answer.text)
        assert named in answer.text, (change, answer.text)
    assert client.get(BASE, headers=admin_headers).json() == []


def test_names_are_unique(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert client.post(BASE, json=http_config(), headers=admin_headers).status_code == 201
    assert client.post(BASE, json=http_config(), headers=admin_headers).status_code == 409


def test_only_admin_and_education_manage_sources(client: TestClient, admin_headers: dict[str, str]) -> None:
    department = create_principal(client, admin_headers, kind="department", code="hrss")
    education = create_principal(client, admin_headers, kind="education", code="edu")
    assert client.post(BASE, json=http_config(), headers=department).status_code == 403
    assert client.get(BASE, headers=department).status_code == 403
    assert client.get(BASE).status_code == 401
    assert client.post(BASE, json=http_config(), headers=education).status_code == 201


def test_disable_change_schedule_and_delete(client: TestClient, admin_headers: dict[str, str]) -> None:
    client.post(BASE, json=http_config(), headers=admin_headers)
    patched = client.patch(
        f"{BASE}/hr-feed",
        json={"enabled": False, "schedule": {"interval_seconds": 900}},
        headers=admin_headers,
    ).json()
    assert patched["enabled"] is False and patched["schedule"]["interval_seconds"] == 900
    cleared = client.patch(f"{BASE}/hr-feed", json={"clear_schedule": True}, headers=admin_headers).json()
    assert cleared["schedule"] is None
    assert client.delete(f"{BASE}/hr-feed", headers=admin_headers).status_code == 204
    assert client.get(f"{BASE}/hr-feed", headers=admin_headers).status_code == 404


def test_run_now_history_and_the_quarantine(
    client: TestClient,
    admin_headers: dict[str, str],
    session: Session,
    settings: Settings,
    feed,  # type: ignore[no-untyped-def]
) -> None:
    state, url = feed
    city = create_city(session, settings, schools=2, teachers=0)
    records = feed_records(upstream_teachers(city, 6), city)
    records[1]["csrq"] = "1988-02-30"
    state.records = records
    client.post(BASE, json=http_config(url), headers=admin_headers)

    run = client.post(f"{BASE}/hr-feed/run", headers=admin_headers)

    assert run.status_code == 200, run.text
    body = run.json()
    assert (body["status"], body["rows_read"], body["accepted"], body["rejected"]) == ("succeeded", 6, 5, 1)
    assert body["trigger"] == "api" and body["finished_at"] >= body["started_at"]
    [rejection] = body["rejections"]
    assert (rejection["row"], rejection["field"], rejection["value"]) == (2, "出生日期", "1988-02-30")
    again = client.post(f"{BASE}/hr-feed/run", headers=admin_headers).json()
    assert (again["unchanged"], again["inserted"], again["updated"]) == (5, 0, 0)

    runs = client.get(f"{BASE}/hr-feed/runs", headers=admin_headers).json()
    assert [r["id"] for r in runs] == [again["id"], body["id"]]
    assert all(r["rejections"] is None for r in runs)  # the list is light; one run holds its quarantine
    one = client.get(f"{BASE}/hr-feed/runs/{body['id']}", headers=admin_headers).json()
    assert one["rejections"] == body["rejections"]
    assert client.get(f"{BASE}/hr-feed", headers=admin_headers).json()["last_run_status"] == "succeeded"


def test_a_source_that_keeps_failing_is_marked_and_shown(
    client: TestClient,
    admin_headers: dict[str, str],
    session: Session,
    feed,  # type: ignore[no-untyped-def]
) -> None:
    state, url = feed
    state.down = True
    client.post(BASE, json=http_config(url) | {"failure_threshold": 2}, headers=admin_headers)
    client.post(BASE, json=http_config(url) | {"name": "other"}, headers=admin_headers)

    first = client.post(f"{BASE}/hr-feed/run", headers=admin_headers).json()
    assert first["status"] == "failed" and "HTTP 500" in first["error"]
    assert client.get(BASE, params={"failing": True}, headers=admin_headers).json() == []
    client.post(f"{BASE}/hr-feed/run", headers=admin_headers)

    failing = client.get(BASE, params={"failing": True}, headers=admin_headers).json()
    assert [(s["name"], s["consecutive_failures"]) for s in failing] == [("hr-feed", 2)]
    assert failing[0]["failing_since"] is not None
    assert [s["name"] for s in client.get(BASE, params={"failing": False}, headers=admin_headers).json()] == [
        "other"
    ]

    state.down = False
    state.records = []
    recovered = client.post(f"{BASE}/hr-feed/run", headers=admin_headers).json()
    assert recovered["status"] == "succeeded"
    assert client.get(BASE, params={"failing": True}, headers=admin_headers).json() == []
    stored = session.scalars(select(Source).where(Source.name == "hr-feed")).one()
    assert (stored.consecutive_failures, stored.failing_since) == (0, None)
