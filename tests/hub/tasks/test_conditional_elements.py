"""Elements that apply to some records only (入党年月: Party members): the store covers them when every
record they apply to holds them, and a task for them is done when those records are filled."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.tasks.factories import (
    TEACHER_COLUMNS,
    People,
    Town,
    create_people,
    create_town,
    published_request,
    request_body,
    submit_request,
    task_of,
)

MEMBER_CODES = {"01", "02"}  # 中共党员, 中共预备党员 (GB/T 4762)
COLUMNS = (*TEACHER_COLUMNS, "political_status", "party_join_date")


def town_with(session: Session, settings: Settings, **withhold: list[int]) -> Town:
    town = create_town(session, settings, schools=3, teachers=60, seed=12, columns=COLUMNS, withhold=withhold)
    members = town.teachers["political_status"].isin(MEMBER_CODES)
    assert 0 < members.sum() < len(town.teachers)  # members and non-members in the town
    return town


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str]) -> Any:
    def make(town: Town) -> People:
        return create_people(client, admin_headers, town.schools)

    return make


def test_a_date_every_member_has_is_answered_from_the_store(
    client: TestClient, session: Session, settings: Settings, people: Any
) -> None:
    town = town_with(session, settings)
    crew = people(town)
    answer = submit_request(client, crew.department, request_body("姓名", "入党时间"))
    assert answer["status"] == "answered", answer
    [_, party] = answer["fields"]
    assert party["status"] == "available" and party["element"] == "teacher.party_join_date"


def test_a_task_asks_only_where_members_lack_the_date_and_completes_without_the_others(
    client: TestClient, session: Session, settings: Settings, people: Any
) -> None:
    town = town_with(session, settings, party_join_date=[0])
    crew = people(town)
    request_id, publication = published_request(client, crew, "姓名", "入党年月")
    lacking = town.schools[0]
    assert [t["school_code"] for t in publication["tasks"]] == [lacking]  # the others' members all have it
    school = crew.schools[lacking]
    task = task_of(client, school, request_id)
    assert "党员" in task["fields"][0]["description"]  # the form says who fills it
    teachers = town.of(lacking)
    members = teachers[teachers["political_status"].isin(MEMBER_CODES)]
    rows = [{"公民身份号码": m, "入党年月": "2015-07"} for m in members["id_number"]]
    answer = client.post(f"/api/v1/tasks/{task['id']}/submission", headers=school, json={"rows": rows})
    assert answer.status_code == 200 and answer.json()["rejected"] == [], answer.text
    assert answer.json()["request_status"] == "answered"  # its only task is done: the request is answered
    done = task_of(client, school, request_id)
    assert done["rows_filled"] == done["rows_expected"] == len(teachers)
