"""What a school sees: the requests that concerned it, those answered without it, and who read its data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.factories import create_principal
from tests.hub.tasks.factories import (
    People,
    Town,
    create_people,
    create_town,
    published_request,
    request_body,
    submit_request,
)


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    # School 0 lacks 普通话水平等级; the other two hold it.
    return create_town(session, settings, withhold={"mandarin_level": [0]})


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def overview(client: TestClient, headers: dict[str, str], code: str) -> dict:
    answer = client.get(f"/api/v1/schools/{code}/overview", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_the_overview_separates_what_came_from_the_store_from_what_the_school_filled(
    client: TestClient, town: Town, people: People
) -> None:
    answered = submit_request(client, people.department, request_body("姓名", "出生日期", "年龄"))
    assert answered["status"] == "answered"
    collected, publication = published_request(client, people, "姓名", "普通话水平等级")
    (task,) = publication["tasks"]
    elsewhere = submit_request(client, people.department, request_body("姓名", schools=[town.schools[2]]))

    lacking, holding = town.schools[0], town.schools[1]
    mine = overview(client, people.schools[lacking], lacking)
    by_id = {r["id"]: r for r in mine["requests"]}
    assert set(by_id) == {answered["id"], collected}  # the request scoped to school 2 never concerned it
    assert by_id[answered["id"]]["satisfied_without_input"] and by_id[answered["id"]]["whole_jurisdiction"]
    assert [f["label"] for f in by_id[answered["id"]]["fields_not_filled"]] == ["姓名", "出生日期", "年龄"]
    assert not by_id[collected]["satisfied_without_input"] and by_id[collected]["task_id"] == task["task_id"]
    assert [f["label"] for f in by_id[collected]["fields_not_filled"]] == ["姓名"]
    assert mine["satisfied_without_input"] == 1 and mine["fields_not_filled_total"] == 4
    spared = {f["label"]: f["times"] for f in mine["fields_not_filled"]}
    assert spared == {"姓名": 2, "出生日期": 1, "年龄": 1}
    assert [t["id"] for t in mine["tasks"]] == [task["task_id"]]

    theirs = overview(client, people.schools[holding], holding)
    assert theirs["satisfied_without_input"] == 2 and theirs["tasks"] == []
    assert theirs["fields_not_filled_total"] == 5
    assert elsewhere["id"] in {
        r["id"] for r in overview(client, people.education, town.schools[2])["requests"]
    }


def test_usage_shows_who_read_the_schools_rows_and_counts_only_its_own(
    client: TestClient, town: Town, people: People
) -> None:
    answered = submit_request(client, people.department, request_body("姓名", "公民身份号码"))
    assert client.get(f"/api/v1/requests/{answered['id']}/data", headers=people.department).status_code == 200
    for code in town.schools:
        usage = client.get(f"/api/v1/schools/{code}/usage", headers=people.schools[code])
        assert usage.status_code == 200, usage.text
        body = usage.json()
        (read,) = body["reads"]
        assert read["reader"]["name"] == "市人力资源和社会保障局" and read["action"] == "request.data"
        assert read["request_id"] == answered["id"] and read["request_title"] == "教师队伍情况统计"
        assert [e["label"] for e in read["elements"]] == ["姓名", "公民身份号码"]
        assert read["rows"] == len(town.of(code))
        assert body["summary"]["reads"] == 1 and body["summary"]["rows"] == len(town.of(code))
        assert overview(client, people.schools[code], code)["usage"]["reads"] == 1


def test_a_school_sees_only_itself_and_departments_see_no_school_views(
    client: TestClient, admin_headers: dict[str, str], town: Town, people: People
) -> None:
    first, second = town.schools[0], town.schools[1]
    for view in ("overview", "usage"):
        assert (
            client.get(f"/api/v1/schools/{second}/{view}", headers=people.schools[first]).status_code == 404
        )
        assert client.get(f"/api/v1/schools/{first}/{view}", headers=people.department).status_code == 403
        assert client.get(f"/api/v1/schools/{first}/{view}", headers=people.statistics).status_code == 403
        assert client.get(f"/api/v1/schools/{first}/{view}", headers=people.education).status_code == 200
        assert client.get(f"/api/v1/schools/{first}/{view}", headers=admin_headers).status_code == 200
        assert client.get(f"/api/v1/schools/{first}/{view}").status_code == 401
    ghost = client.get("/api/v1/schools/9999999999/overview", headers=people.education)
    assert ghost.status_code == 404
    other_dept = create_principal(client, admin_headers, code="health", name="市卫健委")
    assert client.get(f"/api/v1/schools/{first}/usage", headers=other_dept).status_code == 403


def test_opening_a_task_is_a_read_of_the_schools_records(
    client: TestClient, town: Town, people: People
) -> None:
    _, publication = published_request(client, people, "姓名", "普通话水平等级")
    (task,) = publication["tasks"]
    school = task["school_code"]
    assert client.get(f"/api/v1/tasks/{task['task_id']}", headers=people.education).status_code == 200
    assert (
        client.get(
            f"/api/v1/tasks/{task['task_id']}/template.xlsx", headers=people.schools[school]
        ).status_code
        == 200
    )
    reads = client.get(f"/api/v1/schools/{school}/usage", headers=people.schools[school]).json()["reads"]
    assert [(r["action"], r["reader"]["kind"], r["rows"]) for r in reads] == [
        ("task.read", "school", task["rows_expected"]),
        ("task.read", "education", task["rows_expected"]),
    ]
    # The school's own read is told apart, so it does not take itself for a user of its data.
    assert [r["reader"]["own_school"] for r in reads] == [True, False]
    assert "teacher.mandarin_level" in [e["code"] for e in reads[0]["elements"]]
