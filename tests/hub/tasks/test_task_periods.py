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


def test_a_task_for_three_years_collects_every_year_the_store_lacks(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    """近三年 with only this year's hours held: the task collects last year's and the year before's,
    each its own column in the API, the template, the web table and the progress, and the answer sums
    the three years."""
    import io

    import openpyxl

    from hub.tasks.templates import HEADER_ROW
    from tests.hub.web.conftest import ORIGIN, text, token_of

    request_id, _ = published_request(client, people, "姓名", "近三年继续教育学时")
    school, other = town.schools
    task = task_of(client, people.schools[school], request_id)
    hours = [f for f in task["fields"] if f["element"] == "teacher.training_hours"]
    assert [(f["period"], f["key"]) for f in hours] == [
        (str(YEAR - 2), f"teacher.training_hours@{YEAR - 2}"),
        (str(YEAR - 1), f"teacher.training_hours@{YEAR - 1}"),
    ]
    assert [f["header"] for f in hours] == [
        f"{YEAR - 2}年继续教育学时",
        f"{YEAR - 1}年继续教育学时",
    ]
    assert all(r["values"][f["key"]] is None for r in task["rows"] for f in hours)
    assert task["rows_filled"] == 0

    # JSON rows name each year by its key; a row giving one year only leaves the row unfinished.
    refs = [r["reference"] for r in task["rows"]]
    rows = [{"参考号": ref, hours[0]["key"]: 30, hours[1]["key"]: 40} for ref in refs[:-1]]
    rows.append({"参考号": refs[-1], hours[1]["key"]: 41})
    answer = client.post(
        f"/api/v1/tasks/{task['id']}/submission", headers=people.schools[school], json={"rows": rows}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == len(refs) and answer.json()["rejected"] == []
    assert set(_hours(session, school, str(YEAR - 2)).values()) == {30}
    assert sorted(_hours(session, school, str(YEAR - 1)).values()) == [40] * (len(refs) - 1) + [41]
    again = task_of(client, people.schools[school], request_id)
    assert again["rows_filled"] == len(refs) - 1 and again["status"] == "open"
    last = next(r for r in again["rows"] if r["reference"] == refs[-1])
    assert last["values"] == {**last["values"], hours[0]["key"]: None, hours[1]["key"]: 41}

    # The other school fills its template: a column per year, read back by its header.
    theirs = task_of(client, people.schools[other], request_id)
    template = client.get(f"/api/v1/tasks/{theirs['id']}/template.xlsx", headers=people.schools[other])
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert f"{YEAR - 2}年继续教育学时" in header and f"{YEAR - 1}年继续教育学时" in header
    older, newer = (
        header.index(f"{YEAR - 2}年继续教育学时"),
        header.index(f"{YEAR - 1}年继续教育学时"),
    )
    for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(theirs["rows"])):
        sheet.cell(row=row, column=older + 1, value=20)
        sheet.cell(row=row, column=newer + 1, value="四十")  # a bad cell names its year's column
    buffer = io.BytesIO()
    book.save(buffer)
    uploaded = client.post(
        f"/api/v1/tasks/{theirs['id']}/submission",
        headers=people.schools[other],
        files={"file": ("模板.xlsx", buffer.getvalue())},
    )
    assert uploaded.status_code == 200, uploaded.text
    refused = uploaded.json()["rejected"]
    assert refused and {r["field"] for r in refused} == {f"继续教育学时（{YEAR - 1}年）"}

    # The school's web table shows both years, each with its own inputs.
    client.cookies.clear()
    signed = client.post("/login", data={"token": token_of(people.schools[school])}, headers=ORIGIN)
    assert signed.status_code == 200
    page = client.get(f"/tasks/{task['id']}")
    assert page.status_code == 200
    shown = text(page.text)
    assert f"继续教育学时（{YEAR - 2}年）" in shown and f"继续教育学时（{YEAR - 1}年）" in shown
    assert f"v|{refs[-1]}|teacher.training_hours@{YEAR - 2}" in page.text
    filled = client.post(
        f"/tasks/{task['id']}/fill",
        data={f"v|{refs[-1]}|teacher.training_hours@{YEAR - 2}": "33"},
        headers=ORIGIN,
    )
    assert filled.status_code == 200, filled.text
    assert task_of(client, people.schools[school], request_id)["status"] == "complete"
    assert sorted(_hours(session, school, str(YEAR - 2)).values()) == [30] * (len(refs) - 1) + [33]
