"""A teacher as a data subject: her school looks her up and sees every department read of her record."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.tasks.factories import People, Town, create_people, create_town, request_body, submit_request


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def id_number(town: Town, school: str, n: int = 0) -> str:
    return str(town.of(school)["id_number"].iloc[n])


def reads_of(client: TestClient, headers: dict[str, str], school: str, teacher: str) -> list[dict]:
    answer = client.post(
        f"/api/v1/schools/{school}/teachers/reads", headers=headers, json={"id_number": teacher}
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["reads"])


def test_a_teacher_sees_the_department_read_of_a_request_answer_that_held_her_record(
    client: TestClient, town: Town, people: People
) -> None:
    school = town.schools[0]
    answered = submit_request(client, people.department, request_body("姓名", "出生日期", schools=[school]))
    assert answered["status"] == "answered"
    assert client.get(f"/api/v1/requests/{answered['id']}/data", headers=people.department).status_code == 200

    (read,) = reads_of(client, people.schools[school], school, id_number(town, school, 3))
    assert read["reader"]["name"] == "市人力资源和社会保障局" and read["action"] == "request.data"
    assert [e["label"] for e in read["elements"]] == ["姓名", "出生日期"]
    assert read["request_id"] == answered["id"] and read["request_title"] == "教师队伍情况统计"
    assert read["grant_id"] is not None and read["agreement_id"] is not None and read["rows"] == 1
    # The education bureau sees the same for a school of its division.
    assert reads_of(client, people.education, school, id_number(town, school, 3)) == [read]

    # A teacher of a school the request did not cover was not in the read.
    other = town.schools[1]
    assert reads_of(client, people.schools[other], other, id_number(town, other)) == []


def test_a_school_cannot_look_up_another_schools_teacher_nor_a_stranger(
    client: TestClient, town: Town, people: People
) -> None:
    first, second = town.schools[0], town.schools[1]
    theirs = id_number(town, second)
    looked_up = client.post(
        f"/api/v1/schools/{first}/teachers/reads", headers=people.schools[first], json={"id_number": theirs}
    )
    assert looked_up.status_code == 404 and "本校没有该公民身份号码的教师" in looked_up.text
    assert theirs not in looked_up.text  # the ID number is never echoed back
    into_theirs = client.post(
        f"/api/v1/schools/{second}/teachers/reads", headers=people.schools[first], json={"id_number": theirs}
    )
    assert into_theirs.status_code == 404
    department = client.post(
        f"/api/v1/schools/{first}/teachers/reads", headers=people.department, json={"id_number": theirs}
    )
    assert department.status_code == 403


def test_an_aggregate_read_leaves_no_receipt_for_any_teacher(
    client: TestClient, admin_headers: dict[str, str], town: Town, people: People
) -> None:
    school = town.schools[0]
    counted = client.get(
        "/api/v1/query/teacher/aggregate", headers=people.department, params={"group_by": "title"}
    )
    assert counted.status_code == 200, counted.text
    usage = client.get(f"/api/v1/schools/{school}/usage", headers=people.schools[school]).json()["reads"]
    assert [r["action"] for r in usage] == ["query.aggregate"]  # the school sees the count was taken
    assert reads_of(client, people.schools[school], school, id_number(town, school)) == []


def test_a_filtered_query_leaves_a_receipt_only_for_the_teachers_it_returned(
    client: TestClient, town: Town, people: People
) -> None:
    school = town.schools[0]
    teachers = town.of(school)
    name = str(teachers["name"].iloc[0])
    matched = id_number(town, school, 0)
    left_out = str(teachers[teachers["name"] != name]["id_number"].iloc[0])
    for fmt in ("json", "csv"):
        rows = client.get(
            "/api/v1/query/teacher/rows",
            headers=people.department,
            params={"where": f"name={name}", "elements": "teacher.name", "format": fmt},
        )
        assert rows.status_code == 200, rows.text

    reads = reads_of(client, people.schools[school], school, matched)
    assert [(r["action"], [e["label"] for e in r["elements"]]) for r in reads] == [
        ("query.rows", ["姓名"])
    ] * 2
    assert reads_of(client, people.schools[school], school, left_out) == []


def test_a_page_of_rows_and_the_changes_feed_leave_receipts_for_their_own_records(
    client: TestClient, town: Town, people: People
) -> None:
    first = town.schools[0]
    page = client.get("/api/v1/query/teacher/rows", headers=people.department, params={"limit": 2})
    assert page.status_code == 200 and page.json()["count"] == 2
    keys = [r["record_id"] for r in page.json()["rows"]]
    assert len(set(keys)) == 2
    feed = client.get("/api/v1/query/teacher/changes", headers=people.department, params={"limit": 5000})
    assert feed.status_code == 200, feed.text

    # Rows come in key order, not in the town's order: exactly two of the school's teachers were on the page.
    everyone = [
        [r["action"] for r in reads_of(client, people.schools[first], first, id_number(town, first, n))]
        for n in range(len(town.of(first)))
    ]
    assert sum("query.rows" in actions for actions in everyone) == 2
    assert all("query.changes" in actions for actions in everyone)
