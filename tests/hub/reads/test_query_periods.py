"""Department queries by period, the change feed by period, and the education bureau's as-of reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.db import utcnow
from hub.demo.city import City, generate_city
from hub.kit.clock import local_today
from hub.records.files import as_text_frame
from hub.records.service import Provenance, ingest_frame
from hub.standard.service import current_standard
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_principal

YEAR = local_today().year
TODAY = local_today()
ELEMENTS = ["teacher.name", "teacher.title", "teacher.training_hours"]


def _ingest(
    session: Session,
    settings: Settings,
    entity: str,
    frame: pd.DataFrame,
    *,
    days_ago: int,
    period: str | None = None,
) -> None:
    report = ingest_frame(
        session,
        std=current_standard(session),
        secret_key=settings.secret_key.get_secret_value(),
        entity=entity,
        frame=as_text_frame(frame),
        provenance=Provenance(source_kind="import", source_ref="test"),
        now=utcnow() - timedelta(days=days_ago),
        period=period,
    )
    assert report.rejected_rows == 0, report.rejected[:3]


@pytest.fixture
def city(session: Session, settings: Settings) -> City:
    """Loaded ten days ago; last year's hours sent eight days ago; one promotion three days ago."""
    city = generate_city(seed=3, schools=2, teachers=6)
    _ingest(session, settings, "school", city.schools, days_ago=10)
    _ingest(session, settings, "teacher", city.teachers, days_ago=10)
    hours = city.teachers[["id_number"]].assign(training_hours="48")
    _ingest(session, settings, "teacher", hours, days_ago=8, period=str(YEAR - 1))
    promoted = city.teachers.head(1)[["school_code", "id_number"]].assign(title="正高级教师")
    _ingest(session, settings, "teacher", promoted, days_ago=3)
    return city


def _rows(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    return client.get("/api/v1/query/teacher/rows", headers=headers, params={"limit": 100, **params})


def test_rows_hold_the_values_of_the_period_asked(
    client: TestClient, admin_headers: dict[str, str], city: City
) -> None:
    dept = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=dept, elements=ELEMENTS)
    now = _rows(client, dept)
    assert now.status_code == 200, now.text
    hours = next(c for c in now.json()["columns"] if c["element"] == "teacher.training_hours")
    assert hours["period"] == str(YEAR)
    names = {c["element"]: c for c in now.json()["columns"]}
    assert "period" not in names["teacher.name"]
    current = dict(zip(city.teachers["name"], city.teachers["training_hours"].astype(int), strict=True))
    assert {r["teacher.name"]: r["teacher.training_hours"] for r in now.json()["rows"]} == current
    last = _rows(client, dept, period=f"{YEAR - 1}年").json()
    assert {r["teacher.training_hours"] for r in last["rows"]} == {48}
    assert next(c for c in last["columns"] if c["element"] == "teacher.training_hours")["period"] == str(
        YEAR - 1
    )
    before = _rows(client, dept, period=str(YEAR - 3)).json()
    assert {r["teacher.training_hours"] for r in before["rows"]} == {None}  # never collected
    bad = _rows(client, dept, period="2025-13")
    assert bad.status_code == 422 and bad.json()["code"] == "PeriodInvalid"
    ahead = _rows(client, dept, period=str(YEAR + 1))
    assert ahead.status_code == 422 and ahead.json()["code"] == "PeriodNotBegun"


def test_the_change_feed_follows_one_period(
    client: TestClient, admin_headers: dict[str, str], city: City
) -> None:
    dept = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=dept, elements=ELEMENTS)
    current = client.get("/api/v1/query/teacher/changes", headers=dept).json()["changes"]
    assert all("period" not in c for c in current)
    last = client.get("/api/v1/query/teacher/changes", headers=dept, params={"period": str(YEAR - 1)}).json()
    arrived = [c for c in last["changes"] if c.get("period") == str(YEAR - 1)]
    assert len(arrived) == 6 and all(c["values"] == {"teacher.training_hours": 48} for c in arrived)


def test_the_bureau_reads_records_as_they_stood_on_a_day(
    client: TestClient, admin_headers: dict[str, str], city: City
) -> None:
    bureau = create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")
    create_grant(client, admin_headers, holder=bureau, elements=ELEMENTS)
    promoted = city.teachers.iloc[0]

    def titles(day: Any, **params: Any) -> dict[str, Any]:
        answer = _rows(client, bureau, as_of=day.isoformat(), **params)
        assert answer.status_code == 200, answer.text
        assert answer.json()["as_of"] == day.isoformat()
        return {
            r["teacher.name"]: (r["teacher.title"], r["teacher.training_hours"])
            for r in answer.json()["rows"]
        }

    five_days_ago = titles(TODAY - timedelta(days=5))
    assert five_days_ago[promoted["name"]][0] == promoted["title"]  # before the promotion
    now = {r["teacher.name"]: r["teacher.title"] for r in _rows(client, bureau).json()["rows"]}
    assert now[promoted["name"]] != promoted["title"]
    assert titles(TODAY - timedelta(days=2))[promoted["name"]][0] == now[promoted["name"]]
    assert titles(TODAY - timedelta(days=20)) == {}  # nobody was in the store yet
    nine = titles(TODAY - timedelta(days=9), period=str(YEAR - 1))
    assert {hours for _, hours in nine.values()} == {None}  # last year's hours came a day later
    assert {hours for _, hours in titles(TODAY - timedelta(days=7), period=str(YEAR - 1)).values()} == {48}

    dept = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=dept, elements=ELEMENTS)
    refused = _rows(client, dept, as_of=(TODAY - timedelta(days=2)).isoformat())
    assert refused.status_code == 403 and refused.json()["code"] == "AsOfNotAllowed"
    future = _rows(client, bureau, as_of=(TODAY + timedelta(days=1)).isoformat())
    assert future.status_code == 422 and future.json()["code"] == "AsOfInvalid"


def test_filters_and_aggregates_use_the_value_of_the_period_asked(
    client: TestClient, admin_headers: dict[str, str], city: City
) -> None:
    dept = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=dept, elements=ELEMENTS)
    current = city.teachers["training_hours"].astype(int)
    # Last year every teacher had 48 hours; this year's hours are the city's own.
    last = _rows(client, dept, period=str(YEAR - 1), where=["training_hours=48"]).json()
    assert last["count"] == 6
    now = _rows(client, dept, where=["training_hours=48"]).json()
    assert now["count"] == int((current == 48).sum())
    above = _rows(client, dept, where=[f"training_hours>{current.max()}"], period=str(YEAR - 1)).json()
    assert above["count"] == (6 if current.max() < 48 else 0)
    never = _rows(client, dept, period=str(YEAR - 3), where=["training_hours>=0"]).json()
    assert never["count"] == 0  # nothing held for that year: no row passes a filter on it

    def total(**params: Any) -> Any:
        answer = client.get(
            "/api/v1/query/teacher/aggregate",
            headers=dept,
            params={"measure": ["sum:teacher.training_hours", "avg:teacher.training_hours"], **params},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["total"]

    this_year = total()
    assert this_year["count"] == 6
    assert this_year["values"]["sum:teacher.training_hours"] == float(current.sum())
    last_year = total(period=str(YEAR - 1))
    assert last_year["values"] == {"sum:teacher.training_hours": 288.0, "avg:teacher.training_hours": 48.0}
    assert total(period=str(YEAR - 3))["values"]["avg:teacher.training_hours"] is None
    ahead = client.get(
        "/api/v1/query/teacher/aggregate",
        headers=dept,
        params={"measure": "sum:teacher.training_hours", "period": str(YEAR + 1)},
    )
    assert ahead.status_code == 422 and ahead.json()["code"] == "PeriodNotBegun"


def test_when_the_school_year_turns_last_years_counts_are_not_read_as_this_years(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]
) -> None:
    """A school's counts sent a school year ago belong to that school year: today the record holds
    none (no copy of 'the current value' stays behind), and a ratio derived from them (平均班额) follows
    the period read."""
    from hub.records.models import schools_table
    from schemas.periods import period_containing

    city = generate_city(seed=5, schools=2, teachers=2)
    _ingest(session, settings, "school", city.schools, days_ago=370)
    last = period_containing("school_year", TODAY - timedelta(days=370))
    assert last != period_containing("school_year", TODAY)
    copies = session.execute(select(schools_table.c.student_count, schools_table.c.class_count)).all()
    assert set(copies) == {(None, None)}
    dept = create_principal(client, admin_headers, code="stats")
    elements = ["school.name", "school.student_count", "school.class_count", "school.average_class_size"]
    create_grant(client, admin_headers, holder=dept, entity="school", elements=elements)

    def read(**params: Any) -> dict[str, Any]:
        answer = client.get("/api/v1/query/school/rows", headers=dept, params=params)
        assert answer.status_code == 200, answer.text
        return {r["school.name"]: r for r in answer.json()["rows"]}

    now = read()
    assert {(r["school.student_count"], r["school.average_class_size"]) for r in now.values()} == {
        (None, None)
    }
    then = read(period=last.key)
    for _, school in city.schools.iterrows():
        row = then[school["name"]]
        assert row["school.student_count"] == int(school["student_count"])
        assert row["school.average_class_size"] == pytest.approx(
            int(school["student_count"]) / int(school["class_count"]), abs=0.01
        )
