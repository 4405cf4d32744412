"""A task collects the period the store lacked, and a school's submission writes that period."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from hub.records.models import PERIOD_TABLES, RecordHistory, teachers_table
from tests.hub.tasks.factories import People, Town, create_people, create_town, published_request, task_of

YEAR = local_today().year
periods_table = PERIOD_TABLES["teacher"]


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, schools=2, teachers=8)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def _hours(session: Session, school: str, period: str) -> dict[str, Any]:
    query = select(periods_table.c.teacher_key, periods_table.c.training_hours).where(
        periods_table.c.school_code == school, periods_table.c.period == period
    )
    return dict(session.execute(query).all())


def test_a_task_asks_last_years_hours_and_the_answer_holds_them(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    label = f"{YEAR - 1}年继续教育学时"
    request_id, publication = published_request(client, people, "姓名", label)
    school = town.schools[0]
    task = task_of(client, people.schools[school], request_id)
    (field,) = task["fields"]
    assert field["element"] == "teacher.training_hours"
    assert (field["period"], field["period_label"]) == (str(YEAR - 1), f"{YEAR - 1}年")
    # Prefilled with what the hub holds for that year: nothing, although this year's hours are held.
    assert all(r["values"]["teacher.training_hours"] is None for r in task["rows"])
    this_year = _hours(session, school, str(YEAR))
    assert len(this_year) == len(task["rows"]) and all(v is not None for v in this_year.values())

    rows = [{"参考号": r["reference"], "继续教育学时": 36} for r in task["rows"]]
    answer = client.post(
        f"/api/v1/tasks/{task['id']}/submission", headers=people.schools[school], json={"rows": rows}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == len(rows)
    assert set(_hours(session, school, str(YEAR - 1)).values()) == {36}
    assert _hours(session, school, str(YEAR)) == this_year  # this year's hours untouched
    after = dict(
        session.execute(
            select(teachers_table.c.teacher_key, teachers_table.c.training_hours).where(
                teachers_table.c.school_code == school
            )
        ).all()
    )
    assert set(after.values()) == {None}  # the record keeps no copy: its periods are in the period table
    again = task_of(client, people.schools[school], request_id)
    assert again["rows_filled"] == len(rows)
    assert all(r["values"]["teacher.training_hours"] == 36 for r in again["rows"])

    # A cleared cell empties last year's value, with the change in that year's history.
    first = task["rows"][0]["reference"]
    cleared = client.post(
        f"/api/v1/tasks/{task['id']}/submission",
        headers=people.schools[school],
        json={"rows": [{"参考号": first, "继续教育学时": "#清空"}]},
    )
    assert cleared.status_code == 200 and cleared.json()["cleared"] == 1
    assert sorted(v is None for v in _hours(session, school, str(YEAR - 1)).values()).count(True) == 1
    history = session.scalars(
        select(RecordHistory).where(RecordHistory.period == str(YEAR - 1)).order_by(RecordHistory.id)
    ).all()
    assert history[-1].changes == {"training_hours": [36, None]}


def test_the_schools_task_page_says_which_year_it_collects(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    from tests.hub.web.conftest import ORIGIN, text, token_of

    request_id, _ = published_request(client, people, "姓名", f"{YEAR - 1}年继续教育学时")
    school = town.schools[0]
    task = task_of(client, people.schools[school], request_id)
    client.cookies.clear()
    signed = client.post("/login", data={"token": token_of(people.schools[school])}, headers=ORIGIN)
    assert signed.status_code == 200
    page = client.get(f"/tasks/{task['id']}")
    assert page.status_code == 200
    assert f"继续教育学时（{YEAR - 1}年）" in text(page.text)
