"""举报: a school flags a request that broke the rules, the education bureau answers, the school reads the answer;
no other school, and no department, sees it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.complaints.reasons import REASON_CODES
from hub.config import Settings
from hub.db import utcnow
from hub.kit.terms import term_of
from tests.hub.burden.factories import City, create_city, run_scenario
from tests.hub.factories import create_principal

SEEDS = Path(__file__).resolve().parent.parent / "selfcheck" / "seeds"


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return run_scenario(client, create_city(client, session, settings, admin_headers))


def file(client: TestClient, headers: dict[str, str], **body: Any) -> Any:
    return client.post(
        "/api/v1/complaints", headers=headers, json={"reason": "rule 12", "text": "通知当天要求上交", **body}
    )


def test_a_school_flags_a_request_the_bureau_answers_and_the_school_reads_the_answer(
    client: TestClient, city: City
) -> None:
    first = city.schools[0]
    school = city.school_headers[first]
    filed = file(client, school, request_id=city.requests["published"], text="周五下午下发，要求周一上交")
    assert filed.status_code == 201, filed.text
    complaint = filed.json()
    assert complaint["status"] == "open" and complaint["response"] is None
    assert complaint["school_code"] == first and complaint["request_title"] == "课后服务情况"
    assert complaint["reason_zh"].startswith("未留足填报时间")
    assert complaint["term"] == term_of(utcnow()).label

    waiting = client.get("/api/v1/complaints?status=open", headers=city.education)
    assert [c["id"] for c in waiting.json()] == [complaint["id"]]
    answered = client.post(
        f"/api/v1/complaints/{complaint['id']}/answer",
        headers=city.education,
        json={"response": "已责成人社局延长截止日期至下周五。"},
    )
    assert answered.status_code == 200, answered.text

    seen = client.get(f"/api/v1/complaints/{complaint['id']}", headers=school).json()
    assert seen["status"] == "answered"
    assert seen["response"] == "已责成人社局延长截止日期至下周五。"
    assert seen["answered_by"] == "市教育局" and seen["answered_at"] is not None
    assert client.get("/api/v1/complaints?status=open", headers=city.education).json() == []

    closed = client.post(
        f"/api/v1/complaints/{complaint['id']}/answer",
        headers=city.education,
        json={"response": "经核实已整改，办结。", "status": "closed"},
    )
    assert closed.json()["status"] == "closed"
    again = client.post(
        f"/api/v1/complaints/{complaint['id']}/answer", headers=city.education, json={"response": "补充说明"}
    )
    assert again.status_code == 409


def test_a_demand_that_went_around_the_hub_can_be_flagged(client: TestClient, city: City) -> None:
    filed = file(
        client,
        city.school_headers[city.schools[1]],
        reason="rule 10",
        text="街道办通过微信群要求每位教师填写家庭情况表",
        outside_department="某街道办事处",
        outside_demand="教师家庭成员情况登记表，三天内交",
    )
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert body["request_id"] is None and body["outside_department"] == "某街道办事处"
    listed = client.get("/api/v1/complaints", headers=city.education, params={"reason": "rule 10"}).json()
    assert [c["id"] for c in listed] == [body["id"]]


def test_other_schools_do_not_see_a_complaint_and_departments_are_refused(
    client: TestClient, city: City, admin_headers: dict[str, str]
) -> None:
    first, second = city.schools[:2]
    complaint = file(client, city.school_headers[first], request_id=city.requests["answered"]).json()
    url = f"/api/v1/complaints/{complaint['id']}"

    assert client.get(url, headers=city.school_headers[second]).status_code == 404
    assert client.get("/api/v1/complaints", headers=city.school_headers[second]).json() == []
    assert [c["id"] for c in client.get("/api/v1/complaints", headers=city.school_headers[first]).json()] == [
        complaint["id"]
    ]
    # A school's filter cannot reach another school's complaints.
    assert (
        client.get(f"/api/v1/complaints?school_code={first}", headers=city.school_headers[second]).json()
        == []
    )

    statistics = create_principal(client, admin_headers, kind="statistics", code="stats2", name="省统计局")
    for outsider in (city.department, statistics):
        assert client.get(url, headers=outsider).status_code == 403
        assert client.get("/api/v1/complaints", headers=outsider).status_code == 403
        assert file(client, outsider).status_code == 403
        answer = client.post(f"{url}/answer", headers=outsider, json={"response": "无"})
        assert answer.status_code == 403
    assert (
        client.post(f"{url}/answer", headers=city.school_headers[first], json={"response": "无"}).status_code
        == 403
    )
    assert file(client, city.education).status_code == 403  # the bureau answers, it does not file
    assert client.get(url, headers=admin_headers).status_code == 200


def test_a_complaint_names_a_request_that_concerned_the_school_and_a_known_reason(
    client: TestClient, city: City
) -> None:
    first, second = city.schools[:2]
    # The rejected request was scoped to the first school only.
    assert file(client, city.school_headers[first], request_id=city.requests["rejected"]).status_code == 201
    other = file(client, city.school_headers[second], request_id=city.requests["rejected"])
    assert other.status_code == 422 and other.json()["detail"] == {
        "field": "request_id",
        "value": city.requests["rejected"],
    }
    missing = file(client, city.school_headers[second], request_id=999999)
    assert missing.status_code == 422
    unknown = file(client, city.school_headers[second], reason="rule 99")
    assert unknown.status_code == 422 and "rule 99" in unknown.text
    blank = file(client, city.school_headers[second], text="   ")
    assert blank.status_code == 422
    answer = client.post("/api/v1/complaints/999999/answer", headers=city.education, json={"response": "x"})
    assert answer.status_code == 404


def test_the_reasons_are_the_seed_rules_and_filters_narrow_the_list(client: TestClient, city: City) -> None:
    reasons = client.get("/api/v1/complaints/reasons", headers=city.school_headers[city.schools[0]]).json()
    assert [r["code"] for r in reasons] == list(REASON_CODES)
    seed = (SEEDS / "000_ec155adbfd5f254c.txt").read_text(encoding="utf-8")
    for reason in reasons:
        if reason["code"].startswith("rule "):
            number = reason["code"].split()[1]
            rule_text = next(line for line in seed.splitlines() if line.startswith(f"{number}."))
            # The quoted words are the seed rule's own (an ellipsis may skip a sentence).
            assert all(part in rule_text for part in reason["rule_zh"].split("……")), reason["code"]
    plan = (SEEDS / "002_cc4b3f3e09373f8c.txt").read_text(encoding="utf-8")
    other = next(r for r in reasons if r["code"] == "other")
    assert other["rule_zh"].split("（")[0] in plan
    school = city.school_headers[city.schools[0]]
    file(client, school, reason="rule 3", text="重复要求上报教师学历")
    file(client, school, reason="rule 14", text="三个部门要同一张表")
    term = term_of(utcnow()).label
    assert len(client.get("/api/v1/complaints", headers=city.education, params={"term": term}).json()) == 2
    assert client.get("/api/v1/complaints", headers=city.education, params={"term": "2020-春"}).json() == []
    both = client.get(
        "/api/v1/complaints", headers=city.education, params=[("reason", "rule 3"), ("reason", "rule 14")]
    )
    assert len(both.json()) == 2
    assert client.get("/api/v1/complaints", headers=city.education, params={"term": "冬"}).status_code == 422
    figures = client.get(f"/api/v1/schools/{city.schools[0]}/burden", headers=school).json()
    assert (figures["complaints"], figures["complaints_open"]) == (2, 2)


def test_a_school_sends_a_report_about_the_bureau_itself_to_the_discipline_inspection_queue(
    client: TestClient, city: City, admin_headers: dict[str, str]
) -> None:
    office = create_principal(client, admin_headers, kind="office", code="office", name="市委办公室")
    school = city.school_headers[city.schools[0]]
    filed = file(client, school, reason="other", text="教育局要求各校迎检补材料", to="discipline")
    assert filed.status_code == 201, filed.text
    assert filed.json()["queue"] == "discipline"
    complaint_id = filed.json()["id"]
    assert client.get(f"/api/v1/complaints/{complaint_id}", headers=city.education).status_code == 404
    assert (
        client.get(f"/api/v1/complaints/{complaint_id}", headers=office).json()["school_code"]
        == city.schools[0]
    )
    assert client.get(f"/api/v1/complaints/{complaint_id}", headers=school).status_code == 200
    nowhere = file(client, school, to="ministry")
    assert nowhere.status_code == 422

    # Nothing the bureau reads names the school behind it: not its dashboard's complaint counts, not the
    # school's 自查表 it reads, not the audit log of the office's answer.
    answered = client.post(
        f"/api/v1/complaints/{complaint_id}/answer", headers=office, json={"response": "已转纪委核查"}
    )
    assert answered.status_code == 200
    dashboard = client.get("/api/v1/burden", headers=city.education).json()["schools"]
    assert all(s["complaints"] == 0 for s in dashboard if s["school_code"] == city.schools[0])
    table = client.get(f"/api/v1/schools/{city.schools[0]}/selfcheck", headers=city.education).json()
    assert all(complaint_id not in i["evidence"].get("complaints", []) for i in table["items"])
    entries = client.get(
        "/api/v1/audit/entries", headers=admin_headers, params={"action": "complaint.answer"}
    )
    (entry,) = [e for e in entries.json()["entries"] if e["detail"]["target"]["id"] == complaint_id]
    assert "school_code" not in entry["detail"] and city.schools[0] not in str(entry)
