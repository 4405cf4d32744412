"""Data leave the hub only under authority (seed rule 14): a covering agreement answers at once; otherwise
the education bureau releases gathered data until a date, or refuses; every grant ends."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.access.models import Grant
from hub.kit.clock import local_today
from tests.hub.factories import create_agreement, create_principal
from tests.hub.requests.test_requests_api import body

ROSTER = ("姓名", "性别", "出生日期")


@pytest.fixture
def edu(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")


@pytest.fixture
def stats(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, kind="statistics", code="stats", name="市统计局")


def submit(client: TestClient, who: dict[str, str], request: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/api/v1/requests", headers=who, json=request)
    assert answer.status_code == 201, answer.text
    js: dict[str, Any] = answer.json()
    return js


def release(client: TestClient, who: dict[str, str], rid: int, **decision: Any) -> Any:
    return client.post(
        f"/api/v1/requests/{rid}/release", headers=who, json={"decision": "approve", **decision}
    )


def grant_of(client: TestClient, who: dict[str, str], rid: int) -> dict[str, Any]:
    (grant,) = [g for g in client.get("/api/v1/grants", headers=who).json() if g["request_id"] == rid]
    return grant  # type: ignore[no-any-return]


def test_gathered_personal_data_wait_for_a_release_when_no_agreement_covers_them(
    client: TestClient, city, stranger
) -> None:  # type: ignore[no-untyped-def]
    checked = client.post("/api/v1/requests/check", headers=stranger, json=body(*ROSTER)).json()
    assert checked["status"] == "pending_release"
    js = submit(client, stranger, body(*ROSTER))
    assert js["status"] == "pending_release" and js["answered_at"] is None
    assert [f["status"] for f in js["fields"]] == ["available"] * 3
    (notice,) = [v for v in js["violations"] if (v.get("detail") or {}).get("release")]
    assert notice["rule"] == "rule 14" and "待教育局决定是否提供" in notice["message"]
    assert set(notice["detail"]["elements"]) == {"teacher.name", "teacher.gender", "teacher.birth_date"}
    data = client.get(f"/api/v1/requests/{js['id']}/data", headers=stranger)
    assert data.status_code == 409 and data.json()["code"] == "RequestNotAnswered"
    assert client.get("/api/v1/grants", headers=stranger).json() == []


def test_the_education_bureau_releases_until_a_date_and_the_department_reads(
    client: TestClient, city, stranger, edu, admin_headers
) -> None:  # type: ignore[no-untyped-def]
    rid = submit(client, stranger, body(*ROSTER))["id"]
    review = client.get(f"/api/v1/requests/{rid}/release", headers=edu).json()
    assert review["records"] == len(city.teachers) and review["schools"] == len(city.schools)
    assert {e["code"]: e["sharing"] for e in review["elements"]} == {
        "teacher.name": "conditional",
        "teacher.gender": "conditional",
        "teacher.birth_date": "conditional",
    }
    assert review["purpose"] == "职称评审" and review["earlier"] == []
    answer = release(client, edu, rid, note="职称评审确需，限本年度使用")
    assert answer.status_code == 200, answer.text
    assert (
        answer.json()["status"] == "answered"
        and answer.json()["decision_note"] == "职称评审确需，限本年度使用"
    )
    grant = grant_of(client, stranger, rid)
    assert grant["valid_until"] == (local_today() + timedelta(days=180)).isoformat()
    assert grant["active"] is True and grant["created_by"] is not None
    rows = client.get(f"/api/v1/requests/{rid}/data", headers=stranger).json()["rows"]
    assert len(rows) == len(city.teachers)
    logged = client.get("/api/v1/audit/entries", headers=admin_headers, params={"action": "request.release"})
    (entry,) = logged.json()["entries"]
    assert entry["request_id"] == rid and entry["grant_id"] == grant["id"]
    assert entry["detail"]["valid_until"] == grant["valid_until"]
    # The next request of the same department shows this release in its review.
    again = submit(client, stranger, body("姓名", title="第二次核对"))["id"]
    earlier = client.get(f"/api/v1/requests/{again}/release", headers=edu).json()["earlier"]
    assert [(e["request_id"], e["active"]) for e in earlier] == [(rid, True)]


def test_only_the_education_bureau_releases(client: TestClient, city, stranger, stats, admin_headers) -> None:  # type: ignore[no-untyped-def]
    rid = submit(client, stranger, body(*ROSTER))["id"]
    school = create_principal(
        client, admin_headers, kind="school", code="s1", school_code=city.schools["code"].iloc[0]
    )
    for who in (stranger, stats, school, admin_headers):
        answer = release(client, who, rid)
        assert answer.status_code == 403, (who, answer.text)
    assert client.get(f"/api/v1/requests/{rid}", headers=stranger).json()["status"] == "pending_release"


def test_a_release_for_a_request_not_waiting_for_one_is_a_conflict(
    client: TestClient, city, dept, edu
) -> None:  # type: ignore[no-untyped-def]
    answered = submit(client, dept, body(*ROSTER))
    assert answered["status"] == "answered"
    answer = release(client, edu, answered["id"])
    assert answer.status_code == 409
    assert (
        answer.json()["code"] == "RequestNotPendingRelease"
        and answer.json()["detail"]["status"] == "answered"
    )


def test_an_end_in_the_past_is_refused_naming_both_dates(client: TestClient, city, stranger, edu) -> None:  # type: ignore[no-untyped-def]
    rid = submit(client, stranger, body(*ROSTER))["id"]
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    answer = release(client, edu, rid, valid_until=yesterday)
    assert answer.status_code == 422
    js = answer.json()
    assert js["code"] == "ReleaseValidityInvalid"
    assert js["detail"]["value"] == yesterday and js["detail"]["today"] == local_today().isoformat()
    assert yesterday in js["message"] and local_today().isoformat() in js["message"]
    assert client.get(f"/api/v1/requests/{rid}", headers=edu).json()["status"] == "pending_release"


def test_a_refusal_needs_a_reason_and_leaves_nothing_readable(
    client: TestClient, city, stranger, edu
) -> None:  # type: ignore[no-untyped-def]
    rid = submit(client, stranger, body(*ROSTER))["id"]
    assert release(client, edu, rid, decision="reject").json()["code"] == "ReleaseNeedsReason"
    refused = release(client, edu, rid, decision="reject", note="与本部门职责无关，不予提供")
    assert refused.status_code == 200 and refused.json()["status"] == "rejected"
    assert client.get(f"/api/v1/requests/{rid}/data", headers=stranger).status_code == 409
    assert client.get("/api/v1/grants", headers=stranger).json() == []


def test_releases_are_decided_in_bulk_all_or_none(client: TestClient, city, stranger, edu, dept) -> None:  # type: ignore[no-untyped-def]
    first = submit(client, stranger, body(*ROSTER))["id"]
    second = submit(client, stranger, body("姓名", title="另一份名单"))["id"]
    answered = submit(client, dept, body("姓名"))["id"]
    mixed = client.post(
        "/api/v1/requests/releases",
        headers=edu,
        json={"decision": "approve", "request_ids": [first, answered]},
    )
    assert mixed.status_code == 409
    assert client.get(f"/api/v1/requests/{first}", headers=edu).json()["status"] == "pending_release"
    both = client.post(
        "/api/v1/requests/releases", headers=edu, json={"decision": "approve", "request_ids": [first, second]}
    )
    assert both.status_code == 200, both.text
    assert [r["status"] for r in both.json()] == ["answered", "answered"]


def test_a_covering_agreement_answers_at_once_and_is_recorded(
    client: TestClient, city, stranger, admin_headers
) -> None:  # type: ignore[no-untyped-def]
    codes = ["teacher.name", "teacher.gender", "teacher.birth_date"]
    agreement = create_agreement(client, admin_headers, stranger, elements=codes)
    js = submit(client, stranger, body(*ROSTER))
    assert js["status"] == "answered"
    grant = grant_of(client, stranger, js["id"])
    assert grant["agreement_id"] == agreement["id"]
    assert grant["valid_until"] == agreement["valid_until"]
    logged = client.get("/api/v1/audit/entries", headers=admin_headers, params={"action": "request.answered"})
    (entry,) = logged.json()["entries"]
    assert entry["detail"]["agreement_id"] == agreement["id"]


def test_an_agreement_that_misses_an_element_or_a_school_does_not_cover(
    client: TestClient, city, stranger, admin_headers
) -> None:  # type: ignore[no-untyped-def]
    create_agreement(client, admin_headers, stranger, elements=["teacher.name", "teacher.gender"])
    assert submit(client, stranger, body(*ROSTER))["status"] == "pending_release"
    one_school = client.get("/api/v1/me", headers=stranger).json()["id"]
    narrow = {
        "department_id": one_school,
        "entity": "teacher",
        "elements": ["teacher.name", "teacher.gender", "teacher.birth_date"],
        "schools": [city.schools["code"].iloc[0]],
        "purpose": "核对一所学校的教师信息",
    }
    assert client.post("/api/v1/grants", headers=admin_headers, json=narrow).status_code == 201
    assert submit(client, stranger, body(*ROSTER))["status"] == "pending_release"
    inside = body(*ROSTER, schools=[city.schools["code"].iloc[0]])
    assert submit(client, stranger, inside)["status"] == "answered"


def test_a_revoked_or_expired_agreement_answers_nothing_more(
    client: TestClient, city, stranger, admin_headers, session: Session
) -> None:  # type: ignore[no-untyped-def]
    agreement = create_agreement(client, admin_headers, stranger)
    assert submit(client, stranger, body(*ROSTER))["status"] == "answered"
    revoked = client.post(f"/api/v1/grants/{agreement['id']}/revoke", headers=admin_headers)
    assert revoked.status_code == 200, revoked.text
    assert submit(client, stranger, body(*ROSTER))["status"] == "pending_release"
    ended = create_agreement(client, admin_headers, stranger)
    # As if the agreement's end had passed: it ended yesterday.
    session.get(Grant, ended["id"]).valid_until = local_today() - timedelta(days=1)  # type: ignore[union-attr]
    session.flush()
    assert submit(client, stranger, body(*ROSTER))["status"] == "pending_release"


def test_a_read_after_the_release_ended_is_refused_with_the_date(
    client: TestClient, city, stranger, edu, session: Session
) -> None:  # type: ignore[no-untyped-def]
    rid = submit(client, stranger, body(*ROSTER))["id"]
    assert release(client, edu, rid, valid_until=local_today().isoformat()).status_code == 200
    assert client.get(f"/api/v1/requests/{rid}/data", headers=stranger).status_code == 200
    grant = session.get(Grant, grant_of(client, stranger, rid)["id"])
    assert grant is not None
    ended = local_today() - timedelta(days=1)
    grant.valid_until = ended  # the release's last day has passed
    session.flush()
    refused = client.get(f"/api/v1/requests/{rid}/data", headers=stranger)
    assert refused.status_code == 403
    js = refused.json()
    assert js["code"] == "GrantInactive" and js["detail"]["reason"] == "expired"
    assert js["detail"]["date"] == ended.isoformat() and ended.isoformat() in js["message"]


def test_a_release_under_an_approval_ends_by_its_validity(
    client: TestClient, city, stranger, stats, edu
) -> None:  # type: ignore[no-untyped-def]
    js = submit(client, stranger, body("姓名", "是否参加过急救培训", title="急救培训摸底"))
    assert js["status"] == "pending_approval"
    valid = (local_today() + timedelta(days=40)).isoformat()
    decided = client.post(
        f"/api/v1/requests/{js['id']}/decision",
        headers=stats,
        json={"decision": "approve", "approval_number": "市统制〔2026〕9号", "valid_until": valid},
    )
    assert decided.status_code == 200, decided.text
    grant = grant_of(client, stranger, js["id"])
    assert grant["valid_until"] == valid and grant["ends_by"] == valid


def test_public_school_facts_need_no_agreement(client: TestClient, city, stranger) -> None:  # type: ignore[no-untyped-def]
    js = submit(client, stranger, body("学校名称", "学校标识码", entity="school", title="学校名录"))
    assert [f["status"] for f in js["fields"]] == ["available", "available"]
    assert js["status"] == "answered"
    assert (
        grant_of(client, stranger, js["id"])["valid_until"]
        == (local_today() + timedelta(days=180)).isoformat()
    )


def test_the_education_bureau_reads_its_own_data_without_a_release(client: TestClient, city, edu) -> None:  # type: ignore[no-untyped-def]
    assert submit(client, edu, body(*ROSTER))["status"] == "answered"


def test_a_duplicate_of_a_rejected_request_goes_to_review_on_its_own(
    client: TestClient, city, stranger, stats, admin_headers
) -> None:  # type: ignore[no-untyped-def]
    original = submit(client, stranger, body("姓名", "是否参加过急救培训", title="急救培训摸底"))
    other = create_principal(client, admin_headers, code="redcross", name="市红十字会")
    again = submit(client, other, body("姓名", "是否参加过急救培训", title="急救员名单"))
    assert again["status"] == "duplicate" and again["duplicate_of"] == original["id"]
    rejected = client.post(
        f"/api/v1/requests/{original['id']}/decision",
        headers=stats,
        json={"decision": "reject", "note": "与教育教学无关"},
    )
    assert rejected.status_code == 200, rejected.text
    orphan = client.get(f"/api/v1/requests/{again['id']}", headers=other).json()
    assert orphan["status"] == "pending_approval" and orphan["duplicate_of"] is None


def test_agreements_carry_their_legal_basis_and_always_end(
    client: TestClient, city, stranger, admin_headers
) -> None:  # type: ignore[no-untyped-def]
    me = client.get("/api/v1/me", headers=stranger).json()["id"]
    made = client.post(
        "/api/v1/grants",
        headers=admin_headers,
        json={
            "department_id": me,
            "entity": "teacher",
            "elements": ["teacher.name"],
            "purpose": "核对教师姓名",
            "legal_basis": "市教育局 市商务局 数据共享协议（2026）第2号",
        },
    )
    assert made.status_code == 201, made.text
    js = made.json()
    assert js["legal_basis"] == "市教育局 市商务局 数据共享协议（2026）第2号"
    assert js["valid_until"] == (date.fromisoformat(js["valid_from"]) + timedelta(days=365)).isoformat()


def test_revoking_an_agreement_stops_the_reads_of_the_answers_it_covered(
    client: TestClient, city, stranger, admin_headers
) -> None:  # type: ignore[no-untyped-def]
    agreement = create_agreement(client, admin_headers, stranger)
    rid = submit(client, stranger, body(*ROSTER))["id"]
    assert client.get(f"/api/v1/requests/{rid}/data", headers=stranger).status_code == 200
    assert client.post(f"/api/v1/grants/{agreement['id']}/revoke", headers=admin_headers).status_code == 200
    refused = client.get(f"/api/v1/requests/{rid}/data", headers=stranger)
    assert refused.status_code == 403
    assert refused.json()["detail"]["grant_id"] == agreement["id"]
    assert refused.json()["detail"]["reason"] == "revoked"
