"""举报 for everyone (高平方案（四）): a teacher or a parent files without an account, follows the answer with a
tracking code, and is never named to the school or department reported; reports go to the education
bureau or to the discipline-inspection queue, carry an answer deadline, and are counted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hub.complaints.models import Complaint
from hub.config import Settings
from hub.kit.clock import local_today
from hub.kit.workdays import add_working_days
from tests.hub.burden.factories import City, create_city
from tests.hub.factories import create_principal

TEXT = "某部门要求教师在工作群上传工作截图作为检查材料"
CONTACT = "张老师 13800001234"


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return create_city(client, session, settings, admin_headers)


def report(client: TestClient, **body: Any) -> Any:
    return client.post("/api/v1/public/complaints", json={"text": TEXT, **body})


def stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Complaint)) or 0)


def test_anyone_files_a_report_without_a_token_and_follows_it_by_its_code(
    client: TestClient, session: Session, settings: Settings, city: City
) -> None:
    school = city.schools[0]
    filed = report(client, school_code=school, contact=CONTACT)
    assert filed.status_code == 201, filed.text
    code = filed.json()["tracking_code"]
    assert code.startswith("JB-") and len(code) == 17
    due = add_working_days(local_today(), settings.complaint_answer_working_days)
    assert filed.json()["due_on"] == due.isoformat()
    followed = client.get(f"/api/v1/public/complaints/{code}")
    assert followed.status_code == 200, followed.text
    state = followed.json()
    assert (state["status"], state["queue"], state["text"], state["overdue"]) == (
        "open",
        "education",
        TEXT,
        False,
    )
    assert state["response"] is None and state["school_name"]  # the school's name, from its code
    assert (
        "contact" not in state and CONTACT not in followed.text
    )  # the follow-up page never names the reporter
    assert client.get(f"/api/v1/public/complaints/{code.lower()}").status_code == 200
    assert client.get("/api/v1/public/complaints/JB-2222-2222-2222").status_code == 404

    # The education bureau reads it with the contact, answers, and the reporter reads the answer.
    inbox = client.get("/api/v1/complaints", headers=city.education).json()
    (mine,) = [c for c in inbox if c["tracking_code"] == code]
    assert (mine["channel"], mine["contact"], mine["school_code"]) == ("public", CONTACT, school)
    answered = client.post(
        f"/api/v1/complaints/{mine['id']}/answer",
        headers=city.education,
        json={"response": "已责令该部门停止截图留痕", "status": "closed"},
    )
    assert answered.status_code == 200, answered.text
    state = client.get(f"/api/v1/public/complaints/{code}").json()
    assert (state["status"], state["response"]) == ("closed", "已责令该部门停止截图留痕")


def test_the_school_and_departments_reported_never_see_who_reported(
    client: TestClient, session: Session, city: City
) -> None:
    school = city.schools[0]
    code = report(client, school_code=school, contact=CONTACT).json()["tracking_code"]
    (complaint_id,) = session.scalars(select(Complaint.id).where(Complaint.tracking_code == code))
    headers = city.school_headers[school]
    assert client.get("/api/v1/complaints", headers=headers).json() == []
    assert client.get(f"/api/v1/complaints/{complaint_id}", headers=headers).status_code == 404
    assert client.get("/api/v1/complaints", headers=city.department).status_code == 403
    assert client.get(f"/api/v1/complaints/{complaint_id}", headers=city.department).status_code == 403
    # Nor does a public report count as the school's own filing on the burden dashboard.
    figures = client.get(f"/api/v1/schools/{school}/burden", headers=headers).json()
    assert figures["complaints"] == 0


def test_a_report_to_the_discipline_inspection_queue_is_out_of_the_education_bureaus_reach(
    client: TestClient, session: Session, city: City, admin_headers: dict[str, str]
) -> None:
    office = create_principal(
        client, admin_headers, kind="office", code="office", name="市委办公室（纪检监察转办）"
    )
    code = report(client, to="discipline", contact=CONTACT, school_name="某小学").json()["tracking_code"]
    (complaint_id,) = session.scalars(select(Complaint.id).where(Complaint.tracking_code == code))
    assert client.get(f"/api/v1/complaints/{complaint_id}", headers=city.education).status_code == 404
    assert all(
        c["tracking_code"] != code for c in client.get("/api/v1/complaints", headers=city.education).json()
    )
    seen = client.get(f"/api/v1/complaints/{complaint_id}", headers=office)
    assert seen.status_code == 200 and seen.json()["contact"] == CONTACT
    answered = client.post(
        f"/api/v1/complaints/{complaint_id}/answer", headers=office, json={"response": "已转纪委监委核查"}
    )
    assert answered.status_code == 200
    assert client.get(f"/api/v1/public/complaints/{code}").json()["response"] == "已转纪委监委核查"

    # The education bureau hands one of its own over; from then on it cannot read it.
    other = report(client).json()["tracking_code"]
    (other_id,) = session.scalars(select(Complaint.id).where(Complaint.tracking_code == other))
    routed = client.post(
        f"/api/v1/complaints/{other_id}/route", headers=city.education, json={"queue": "discipline"}
    )
    assert routed.status_code == 200 and routed.json()["queue"] == "discipline"
    assert client.get(f"/api/v1/complaints/{other_id}", headers=city.education).status_code == 404
    assert client.get(f"/api/v1/complaints/{other_id}", headers=office).status_code == 200
    assert (
        client.post(
            f"/api/v1/complaints/{other_id}/route", headers=city.department, json={"queue": "education"}
        )
    ).status_code == 403


def test_an_empty_report_is_refused_naming_the_seed_item_and_nothing_is_stored(
    client: TestClient, session: Session, city: City
) -> None:
    before = stored(session)
    for body in ({"text": ""}, {"text": "   \n "}, {}):
        refused = client.post("/api/v1/public/complaints", json=body)
        assert refused.status_code == 422, refused.text
        assert "高平方案（四）" in refused.json()["message"] and refused.json()["detail"]["field"] == "text"
    unknown = report(client, school_code="1234567890")
    assert unknown.status_code == 422 and unknown.json()["detail"]["field"] == "school_code"
    assert report(client, to="anyone").status_code == 422
    assert stored(session) == before


def test_answer_deadlines_and_statistics_per_queue(
    client: TestClient, session: Session, city: City, admin_headers: dict[str, str]
) -> None:
    late = report(client).json()["tracking_code"]
    report(client)
    report(client, to="discipline")
    session.execute(
        update(Complaint)
        .where(Complaint.tracking_code == late)
        .values(due_on=local_today() - timedelta(days=1))
    )
    session.flush()
    assert client.get(f"/api/v1/public/complaints/{late}").json()["overdue"] is True
    (education,) = client.get("/api/v1/complaints/statistics", headers=city.education).json()
    assert education == {
        "queue": "education",
        "filed": 2,
        "public": 2,
        "open": 2,
        "answered": 0,
        "closed": 0,
        "overdue": 1,
        "answered_in_time": 0,
    }
    everything = client.get("/api/v1/complaints/statistics", headers=admin_headers).json()
    assert [(q["queue"], q["filed"]) for q in everything] == [("education", 2), ("discipline", 1)]
    assert client.get("/api/v1/complaints/statistics", headers=city.department).status_code == 403
    assert (
        client.get("/api/v1/complaints/statistics", headers=city.school_headers[city.schools[0]]).status_code
        == 403
    )
