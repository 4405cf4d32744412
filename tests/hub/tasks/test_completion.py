"""Completion: all tasks in or the deadline passed → answered; progress for the bureau and the department."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.requests.models import DataRequest
from hub.tasks.models import Task
from hub.tasks.service import close_due_requests
from tests.hub.factories import create_principal, ingest
from tests.hub.tasks.factories import (
    People,
    Town,
    create_people,
    create_town,
    published_request,
    request_body,
    submit_request,
    task_of,
)


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, withhold={"mandarin_level": [0, 1]}, teachers=24)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def fill(
    client: TestClient, headers: dict[str, str], task: dict[str, Any], value: str, count: int | None = None
) -> Any:
    rows = [{"参考号": r["reference"], "普通话水平等级": value} for r in task["rows"][:count]]
    answer = client.post(f"/api/v1/tasks/{task['id']}/submission", headers=headers, json={"rows": rows})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_request_is_answered_when_the_last_task_is_in(
    client: TestClient, town: Town, people: People
) -> None:
    request_id, _ = published_request(client, people, "姓名", "普通话水平等级")
    first, second = (people.schools[s] for s in town.schools[:2])
    task_one, task_two = task_of(client, first, request_id), task_of(client, second, request_id)
    assert fill(client, first, task_one, "一级乙等")["request_status"] == "published"
    assert client.get(f"/api/v1/requests/{request_id}/data", headers=people.department).status_code == 409
    last = fill(client, second, task_two, "二级甲等")
    assert last["request_status"] == "answered"
    request = client.get(f"/api/v1/requests/{request_id}", headers=people.department).json()
    assert request["status"] == "answered" and request["answered_at"]
    rows = client.get(f"/api/v1/requests/{request_id}/data", headers=people.department).json()["rows"]
    assert len(rows) == len(town.teachers) and all(r["普通话水平等级"] for r in rows)
    assert client.get(f"/api/v1/tasks/{task_one['id']}", headers=first).json()["status"] == "closed"


def test_progress_per_school_for_the_bureau_and_the_requesting_department_only(
    client: TestClient, admin_headers: dict[str, str], town: Town, people: People
) -> None:
    request_id, _ = published_request(client, people, "普通话水平等级")
    first = people.schools[town.schools[0]]
    task = task_of(client, first, request_id)
    fill(client, first, task, "一级乙等", count=3)
    for headers in (people.education, people.department):
        answer = client.get(f"/api/v1/requests/{request_id}/progress", headers=headers)
        assert answer.status_code == 200, answer.text
        progress = answer.json()
        assert progress["tasks_total"] == 2 and progress["tasks_complete"] == 0
        assert progress["schools_in_scope"] == 3
        by_school = {s["school_code"]: s for s in progress["schools"]}
        assert (
            by_school[town.schools[0]]["rows_filled"] == 3 and by_school[town.schools[0]]["submissions"] == 1
        )
        assert by_school[town.schools[1]]["rows_filled"] == 0
        assert progress["rows_expected"] == len(town.of(town.schools[0])) + len(town.of(town.schools[1]))
    other = create_principal(client, admin_headers, code="health", name="市卫健委")
    assert client.get(f"/api/v1/requests/{request_id}/progress", headers=other).status_code == 404
    assert client.get(f"/api/v1/requests/{request_id}/progress", headers=first).status_code in (403, 404)


def test_data_imported_by_the_bureau_completes_a_task_too(
    client: TestClient, session: Session, settings: Settings, town: Town, people: People
) -> None:
    request_id, _ = published_request(client, people, "普通话水平等级")
    second = town.of(town.schools[1])
    ingest(
        session, settings, "teacher", second[["id_number", "school_code"]].assign(mandarin_level="三级乙等")
    )
    session.flush()
    progress = client.get(f"/api/v1/requests/{request_id}/progress", headers=people.education).json()
    by_school = {s["school_code"]: s for s in progress["schools"]}
    assert by_school[town.schools[1]]["complete"] and progress["status"] == "published"


def test_the_deadline_closes_a_request_with_what_came_in(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    request_id, publication = published_request(client, people, "普通话水平等级")
    first = people.schools[town.schools[0]]
    fill(client, first, task_of(client, first, request_id), "一级乙等")
    deadline = date.fromisoformat(publication["deadline"])
    assert close_due_requests(session, deadline) == []  # the deadline day itself belongs to the schools
    assert close_due_requests(session, deadline + timedelta(days=1)) == [request_id]
    request = session.get(DataRequest, request_id)
    assert request is not None and request.status == "answered"
    tasks = {t.school_code: t for t in session.query(Task).filter(Task.request_id == request_id)}
    assert {t.status for t in tasks.values()} == {"closed"}
    assert tasks[town.schools[0]].completed_at is not None and tasks[town.schools[1]].completed_at is None
    rows = client.get(f"/api/v1/requests/{request_id}/data", headers=people.department).json()["rows"]
    filled = [r for r in rows if r["普通话水平等级"]]
    assert len(filled) == len(town.teachers) - len(town.of(town.schools[1]))


def test_a_school_marks_its_task_done_with_rows_it_cannot_fill(
    client: TestClient, town: Town, people: People
) -> None:
    request_id, _ = published_request(client, people, "普通话水平等级")
    first, second = (people.schools[s] for s in town.schools[:2])
    fill(client, first, task_of(client, first, request_id), "一级乙等")
    task = task_of(client, second, request_id)
    fill(client, second, task, "一级乙等", count=len(task["rows"]) - 1)
    # Another school's task is a 404, which does not confirm that it exists.
    another = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=first)
    assert (another.status_code, another.json()["code"]) == (404, "TaskOfAnotherSchool")
    # With a row still empty, the school says why; without a reason nothing changes.
    unexplained = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=second)
    assert unexplained.status_code == 422 and unexplained.json()["code"] == "CompletionNeedsReason"
    assert f"已填 {len(task['rows']) - 1} / {len(task['rows'])}" in unexplained.json()["message"]
    assert task_of(client, second, request_id)["status"] == "open"
    done = client.post(
        f"/api/v1/tasks/{task['id']}/complete", headers=second, json={"reason": "1 名教师已调离本校"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "closed" and done.json()["rows_filled"] == len(task["rows"]) - 1
    assert done.json()["done_reason"] == "1 名教师已调离本校"
    assert (
        client.get(f"/api/v1/requests/{request_id}", headers=people.department).json()["status"] == "answered"
    )


def test_a_duplicate_request_is_answered_with_the_one_it_repeats(
    client: TestClient, admin_headers: dict[str, str], town: Town, people: People
) -> None:
    fields = ("姓名", "普通话水平等级", {"label": "课后服务每周时长", "type": "integer"})
    original = submit_request(client, people.department, request_body(*fields))
    health = create_principal(client, admin_headers, code="health", name="市卫健委")
    duplicate = submit_request(client, health, request_body(*fields))
    assert duplicate["status"] == "duplicate" and duplicate["duplicate_of"] == original["id"]
    client.post(
        f"/api/v1/requests/{original['id']}/decision",
        headers=people.statistics,
        json={"decision": "approve", "approval_number": "国统制〔2026〕90号"},
    ).raise_for_status()
    client.post(f"/api/v1/requests/{original['id']}/publish", headers=people.education).raise_for_status()
    for school in town.schools:
        headers = people.schools[school]
        task = task_of(client, headers, original["id"])
        rows = [
            {"参考号": r["reference"], "普通话水平等级": "一级乙等", "课后服务每周时长": 4}
            for r in task["rows"]
        ]
        client.post(
            f"/api/v1/tasks/{task['id']}/submission", headers=headers, json={"rows": rows}
        ).raise_for_status()
    # 卫健委 holds no agreement: the data collected for 人社局 reach it only by the education bureau's
    # release, which ends no later than the approval they were collected under.
    waiting = client.get(f"/api/v1/requests/{duplicate['id']}", headers=health).json()
    assert waiting["status"] == "pending_release"
    assert client.get(f"/api/v1/requests/{duplicate['id']}/data", headers=health).status_code == 409
    released = client.post(
        f"/api/v1/requests/{duplicate['id']}/release", headers=people.education, json={"decision": "approve"}
    )
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "answered"
    approval_end = client.get(f"/api/v1/requests/{original['id']}", headers=people.department).json()
    (grant,) = [
        g for g in client.get("/api/v1/grants", headers=health).json() if g["request_id"] == duplicate["id"]
    ]
    assert grant["valid_until"] <= approval_end["valid_until"]
    data = client.get(f"/api/v1/requests/{duplicate['id']}/data", headers=health).json()
    assert len(data["rows"]) == len(town.teachers)
    assert {r["课后服务每周时长"] for r in data["rows"]} == {4}


def test_after_the_deadline_the_department_reads_what_came_in_without_waiting_for_the_scheduler(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    request_id, _ = published_request(client, people, "普通话水平等级")
    first = people.schools[town.schools[0]]
    fill(client, first, task_of(client, first, request_id), "一级乙等")
    assert client.get(f"/api/v1/requests/{request_id}/data", headers=people.department).status_code == 409
    request = session.get(DataRequest, request_id)
    assert request is not None
    request.deadline = date.today() - timedelta(days=1)
    session.flush()
    data = client.get(f"/api/v1/requests/{request_id}/data", headers=people.department)
    assert data.status_code == 200, data.text
    assert sum(r["普通话水平等级"] is not None for r in data.json()["rows"]) == len(town.teachers) - len(
        town.of(town.schools[1])
    )
    # Reading moved nothing: the request stays published until the scheduler's job records the answer.
    status = client.get(f"/api/v1/requests/{request_id}", headers=people.department).json()["status"]
    assert status == "published"
    assert close_due_requests(session, date.today()) == [request_id]
    assert (
        client.get(f"/api/v1/requests/{request_id}", headers=people.department).json()["status"] == "answered"
    )
