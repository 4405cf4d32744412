"""One 批准文号 and 有效期至 for several waiting requests: checked once for its form and dates, then
each request is decided and recorded on its own (its approval, its audit entry); the first refusal
names its request and leaves every request as it was."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.audit.models import AuditEntry
from hub.kit.clock import local_today
from tests.hub.factories import create_principal
from tests.hub.requests.test_requests_api import body

pytestmark = pytest.mark.usefixtures("city")


@pytest.fixture
def stats(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, kind="statistics", code="stats", name="市统计局")


# A new field of its own per request: requests asking the same new field would be duplicates.
NEW_FIELDS = ["本学期家访次数", "本学期听评课节数", "本学年家长会次数"]


def waiting(
    client: TestClient, dept: dict[str, str], *titles: str, start: int = 0, **extra: Any
) -> list[int]:
    ids = []
    for index, title in enumerate(titles, start):
        new = NEW_FIELDS[index]
        answer = client.post("/api/v1/requests", headers=dept, json=body("姓名", new, title=title, **extra))
        assert answer.json()["status"] == "pending_approval", answer.text
        ids.append(answer.json()["id"])
    return ids


def decide(client: TestClient, stats: dict[str, str], ids: list[int], **decision: Any):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/requests/decisions",
        headers=stats,
        json={"request_ids": ids, "decision": "approve", **decision},
    )


def status_of(client: TestClient, headers: dict[str, str], request_id: int) -> str:
    return str(client.get(f"/api/v1/requests/{request_id}", headers=headers).json()["status"])


@pytest.mark.parametrize(
    "number",
    ["12号", "统制2026年12号", "统制〔26〕12号", "统制〔2026〕号", "统制〔1999〕3号", "统制〔2031〕3号"],
)
def test_an_approval_number_not_written_as_one_is_refused_naming_it(
    client: TestClient,
    dept: dict[str, str],
    stats: dict[str, str],
    number: str,
) -> None:
    ids = waiting(client, dept, "家访统计", "家访统计二")
    refused = decide(client, stats, ids, approval_number=number)
    assert refused.status_code == 422
    error = refused.json()
    assert error["code"] == "ApprovalNumberInvalid" and error["detail"]["value"] == number
    assert number in error["message"]
    assert "统制〔2026〕12号" in error["message"] or "年份" in error["message"]
    assert [status_of(client, stats, i) for i in ids] == ["pending_approval"] * 2


def test_one_number_and_validity_approve_several_requests_each_recorded(
    client: TestClient,
    session: Session,
    dept: dict[str, str],
    stats: dict[str, str],
) -> None:
    ids = waiting(client, dept, "家访统计", "课后家访情况", "家访次数汇总")
    until = (local_today() + timedelta(days=200)).isoformat()
    decided = decide(
        client, stats, ids, approval_number="统制〔2026〕第31号", form_number="教统表5号", valid_until=until
    )
    assert decided.status_code == 200, decided.text
    for request_id in ids:
        found = client.get(f"/api/v1/requests/{request_id}", headers=dept).json()
        assert found["status"] == "approved" and found["approval_number"] == "统制〔2026〕第31号"
        assert found["valid_until"] == until and found["form_number"] == "教统表5号"
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "request.decision")).all()
    assert sorted(e.request_id for e in entries if e.request_id in ids) == sorted(ids)
    assert all(e.detail["approval_number"] == "统制〔2026〕第31号" for e in entries if e.request_id in ids)


def test_a_validity_before_one_requests_deadline_refuses_the_batch_naming_that_request(
    client: TestClient,
    dept: dict[str, str],
    stats: dict[str, str],
) -> None:
    soon = (local_today() + timedelta(days=30)).isoformat()
    late = (local_today() + timedelta(days=120)).isoformat()
    early, later = waiting(client, dept, "家访统计", deadline=soon) + waiting(
        client, dept, "课后家访情况", start=1, deadline=late
    )
    until = (local_today() + timedelta(days=60)).isoformat()
    refused = decide(client, stats, [early, later], approval_number="统制〔2026〕32号", valid_until=until)
    assert refused.status_code == 422
    error = refused.json()
    assert error["code"] == "ValidityBeforeDeadline" and error["detail"]["request_id"] == later
    assert f"采集需求 {later}" in error["message"] and late in error["message"]
    assert status_of(client, stats, early) == status_of(client, stats, later) == "pending_approval"
    past = decide(
        client, stats, [early], approval_number="统制〔2026〕32号", valid_until=str(date(2020, 1, 1))
    )
    assert past.status_code == 422 and past.json()["code"] == "ValidityInPast"
