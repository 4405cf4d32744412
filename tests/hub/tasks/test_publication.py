"""Publication: only the education bureau, only approved requests, only schools lacking data, enough time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from hub.kit.workdays import add_working_days
from hub.requests.models import DataRequest
from hub.tasks.models import Task
from tests.hub.factories import ingest
from tests.hub.tasks.factories import (
    People,
    Town,
    approve,
    create_people,
    create_town,
    publish,
    published_request,
    request_body,
    submit_request,
    task_of,
)


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    # School 0 lacks 普通话水平等级, school 1 lacks 继续教育学时, school 2 holds both.
    return create_town(session, settings, withhold={"mandarin_level": [0], "training_hours": [1]})


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def test_only_schools_lacking_data_get_a_task_with_only_what_they_lack(
    client: TestClient, town: Town, people: People
) -> None:
    request_id, publication = published_request(
        client, people, "姓名", "普通话水平等级", "本年度继续教育学时"
    )
    assert publication["status"] == "published"
    assert publication["schools_in_scope"] == 3 and publication["schools_with_data"] == 1
    fields = {t["school_code"]: t["fields"] for t in publication["tasks"]}
    assert fields == {
        town.schools[0]: ["teacher.mandarin_level"],
        town.schools[1]: ["teacher.training_hours"],
    }

    task = task_of(client, people.schools[town.schools[0]], request_id)
    assert [f["element"] for f in task["fields"]] == ["teacher.mandarin_level"]
    field = task["fields"][0]
    assert field["label"] == "普通话水平等级" and field["type"] == "code"
    assert {"code", "label"} <= set(field["allowed_values"][0]) and len(field["allowed_values"]) >= 6
    teachers = town.of(town.schools[0])
    assert task["rows_expected"] == len(teachers) == len(task["rows"])
    assert {r["name"] for r in task["rows"]} == set(teachers["name"])
    last4 = {r["id_number_last4"][-4:] for r in task["rows"]}
    assert last4 == {i[-4:] for i in teachers["id_number"]}
    assert all("*" in r["id_number_last4"] for r in task["rows"])
    assert all(r["values"] == {"teacher.mandarin_level": None} for r in task["rows"])
    assert task["approval_number"] == "国统制〔2026〕88号" and task["department"] == "市人力资源和社会保障局"
    assert (
        client.get(f"/api/v1/tasks?request_id={request_id}", headers=people.schools[town.schools[2]]).json()
        == []
    )


def test_prefilled_rows_carry_the_values_the_hub_already_holds(
    client: TestClient, session: Session, settings: Settings, town: Town, people: People
) -> None:
    school = town.schools[0]
    known = town.of(school).iloc[:2]
    ingest(
        session, settings, "teacher", known[["id_number", "school_code"]].assign(mandarin_level="一级甲等")
    )
    session.flush()
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    values = [r["values"]["teacher.mandarin_level"] for r in task["rows"]]
    assert values.count("11") == 2 and values.count(None) == len(values) - 2
    assert task["rows_filled"] == 2


def test_publishing_an_unapproved_request_is_refused_with_the_reason(
    client: TestClient, people: People
) -> None:
    request = submit_request(client, people.department, request_body("普通话水平等级"))
    answer = client.post(f"/api/v1/requests/{request['id']}/publish", headers=people.education)
    assert answer.status_code == 409
    body = answer.json()
    assert body["detail"]["status"] == "pending_approval"
    assert body["code"] == "RequestNotApproved"
    assert "审批" in body["message"] and "approved" in body["message"]


def test_publishing_twice_is_refused(client: TestClient, people: People) -> None:
    request_id, _ = published_request(client, people, "普通话水平等级")
    answer = client.post(f"/api/v1/requests/{request_id}/publish", headers=people.education)
    assert answer.status_code == 409 and answer.json()["detail"]["status"] == "published"
    assert answer.json()["code"] == "RequestNotApproved"


def test_a_deadline_under_the_minimum_is_refused_with_the_earliest_allowed_date(
    client: TestClient, settings: Settings, people: People
) -> None:
    request = submit_request(client, people.department, request_body("普通话水平等级"))
    approve(client, people.statistics, request["id"])
    today = local_today()  # the bureau counts days in China, as the service does
    answer = client.post(
        f"/api/v1/requests/{request['id']}/publish",
        headers=people.education,
        json={"deadline": (today + timedelta(days=2)).isoformat()},
    )
    assert answer.status_code == 422
    earliest = add_working_days(today, settings.min_working_days)
    assert answer.json()["detail"]["earliest_allowed"] == earliest.isoformat()
    assert answer.json()["code"] == "DeadlineTooSoon"
    assert earliest.isoformat() in answer.json()["message"]
    publication = publish(client, people.education, request["id"], deadline=earliest.isoformat())
    assert publication["deadline"] == earliest.isoformat()


def test_an_expired_approval_stops_publication_naming_the_date(
    client: TestClient, session: Session, people: People
) -> None:
    request = submit_request(client, people.department, request_body("普通话水平等级"))
    approve(client, people.statistics, request["id"])
    expired = date.today() - timedelta(days=1)
    stored = session.get(DataRequest, request["id"])
    assert stored is not None
    stored.valid_until = expired
    session.flush()
    answer = client.post(f"/api/v1/requests/{request['id']}/publish", headers=people.education)
    assert answer.status_code == 409
    assert answer.json()["code"] == "ApprovalExpired"
    assert expired.isoformat() in answer.json()["message"]
    assert session.scalar(select(func.count()).select_from(Task)) == 0


@pytest.mark.parametrize("who", ["department", "statistics", "school"])
def test_only_the_education_bureau_publishes(
    client: TestClient, town: Town, people: People, who: str
) -> None:
    request = submit_request(client, people.department, request_body("普通话水平等级"))
    approve(client, people.statistics, request["id"])
    headers = people.schools[town.schools[0]] if who == "school" else getattr(people, who)
    answer = client.post(f"/api/v1/requests/{request['id']}/publish", headers=headers)
    assert answer.status_code == 403
    assert (
        client.get(f"/api/v1/requests/{request['id']}", headers=people.education).json()["status"]
        == "approved"
    )


@pytest.mark.parametrize("who", ["department", "education"])
def test_a_decision_by_a_non_statistics_principal_is_refused(
    client: TestClient, people: People, who: str
) -> None:
    request = submit_request(client, people.department, request_body("普通话水平等级"))
    answer = client.post(
        f"/api/v1/requests/{request['id']}/decision",
        headers=getattr(people, who),
        json={"decision": "approve", "approval_number": "自批〔2026〕1号"},
    )
    assert answer.status_code == 403
    assert client.get(f"/api/v1/requests/{request['id']}", headers=people.department).json()["status"] == (
        "pending_approval"
    )


def test_data_gathered_between_approval_and_publication_answers_the_request_without_tasks(
    client: TestClient, session: Session, settings: Settings, town: Town, people: People
) -> None:
    request = submit_request(client, people.department, request_body("姓名", "普通话水平等级"))
    approve(client, people.statistics, request["id"])
    lacking = town.of(town.schools[0])
    ingest(
        session, settings, "teacher", lacking[["id_number", "school_code"]].assign(mandarin_level="二级甲等")
    )
    session.flush()
    publication = publish(client, people.education, request["id"])
    assert publication["status"] == "answered" and publication["tasks"] == []
    assert publication["schools_with_data"] == 3
    data = client.get(f"/api/v1/requests/{request['id']}/data", headers=people.department).json()
    assert len(data["rows"]) == len(town.teachers)
    assert all(r["普通话水平等级"] for r in data["rows"])


def test_a_scope_names_the_schools_that_can_get_tasks(client: TestClient, town: Town, people: People) -> None:
    request_id, publication = published_request(
        client, people, "普通话水平等级", "本年度继续教育学时", schools=[town.schools[1], town.schools[2]]
    )
    assert publication["schools_in_scope"] == 2
    assert [t["school_code"] for t in publication["tasks"]] == [town.schools[1]]
    assert publication["tasks"][0]["fields"] == ["teacher.training_hours"]


def test_a_deadline_after_the_approvals_validity_is_refused(client: TestClient, people: People) -> None:
    request = submit_request(client, people.department, request_body("普通话水平等级"))
    approve(client, people.statistics, request["id"])
    valid_until = client.get(f"/api/v1/requests/{request['id']}", headers=people.department).json()[
        "valid_until"
    ]
    later = (date.fromisoformat(valid_until) + timedelta(days=1)).isoformat()
    answer = client.post(
        f"/api/v1/requests/{request['id']}/publish", headers=people.education, json={"deadline": later}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"]["valid_until"] == valid_until
