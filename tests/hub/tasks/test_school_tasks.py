"""Requests about schools themselves: a task is one row, the school, and only that school can fill it."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from hub.records.models import PERIOD_TABLES, schools_table
from hub.tasks.templates import HEADER_ROW
from schemas.periods import period_containing
from tests.hub.factories import ingest
from tests.hub.tasks.factories import create_people, create_town, published_request, task_of


def test_a_school_task_asks_the_school_for_its_own_missing_figures(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    town = create_town(session, settings)
    ingest(session, settings, "school", _school_row(session, town.schools[2], class_count="18"))
    session.flush()
    people = create_people(client, admin_headers, town.schools)
    request_id, publication = published_request(client, people, "学校名称", "班级数", entity="school")
    assert sorted(t["school_code"] for t in publication["tasks"]) == town.schools[:2]
    assert {t["rows_expected"] for t in publication["tasks"]} == {1}

    school = town.schools[0]
    task = task_of(client, people.schools[school], request_id)
    (row,) = task["rows"]
    assert row["reference"] == school and row["values"] == {"school.class_count": None}
    template = client.get(f"/api/v1/tasks/{task['id']}/template.xlsx", headers=people.schools[school]).content
    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(template)).worksheets[0][HEADER_ROW]]
    assert header[:2] == ["参考号（勿改）", "学校名称（参考）"] and header[2].startswith("班级数")

    answer = client.post(
        f"/api/v1/tasks/{task['id']}/submission",
        headers=people.schools[school],
        json={"rows": [{"学校标识码": town.schools[1], "班级数": 30}, {"班级数": 24}]},
    ).json()
    assert answer["accepted"] == 1 and [(r["row"], r["reason_en"]) for r in answer["rejected"]] == [
        (1, "not this school")
    ]
    assert answer["task_status"] == "complete"
    # This school year's counts, in the one place periodic values are kept.
    school_periods = PERIOD_TABLES["school"]
    this_year = period_containing("school_year", local_today()).key
    query = select(schools_table.c.code, school_periods.c.class_count).outerjoin(
        school_periods,
        (school_periods.c.code == schools_table.c.code) & (school_periods.c.period == this_year),
    )
    counts = {code: count for code, count in session.execute(query)}
    assert counts[school] == 24 and counts[town.schools[1]] is None and counts[town.schools[2]] == 18


def _school_row(session: Session, code: str, **values: str) -> pd.DataFrame:
    name = session.scalar(select(schools_table.c.name).where(schools_table.c.code == code))
    return pd.DataFrame([{"code": code, "name": name, **values}])
