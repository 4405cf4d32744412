"""The burden dashboard on a small term built through the API: what each school received, what the store
answered without it, the tasks it still filled, and the reduction against the baseline (seed rule 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import generate_city
from hub.kit.clock import local_today
from hub.kit.terms import parse_term, term_of
from hub.records.models import schools_table
from hub.requests.models import DataRequest
from hub.tasks.models import Task
from tests.hub.burden.factories import (
    GATHERED_LABELS,
    SCHOOL_COLUMNS,
    City,
    approve_and_publish,
    create_city,
    request_body,
    run_scenario,
    submit,
)
from tests.hub.factories import create_principal, ingest

TERM = term_of(datetime.now(UTC)).label
# A term of this calendar year: its reduction counts the tasks sent today, whatever the month.
YEAR_TERM = parse_term(f"{datetime.now(UTC).year}-秋")


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return run_scenario(client, create_city(client, session, settings, admin_headers))


def dashboard(client: TestClient, headers: dict[str, str], term: str = TERM) -> dict[str, Any]:
    answer = client.get("/api/v1/burden", headers=headers, params={"term": term})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def by_school(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["school_code"]: s for s in report["schools"]}


def test_each_school_sees_what_it_received_what_the_store_answered_and_what_it_filled(
    client: TestClient, city: City
) -> None:
    report = dashboard(client, city.education)
    assert report["term"] == TERM and report["goal"] == 0.5
    schools = by_school(report)
    assert sorted(schools) == city.schools
    first, *others = city.schools
    gathered = len(GATHERED_LABELS)
    # The first school: all three requests; the store answered one; the rule-12 one never reached it.
    a = schools[first]
    assert a["requests_received"] == 3
    assert a["requests_satisfied_without_school"] == 1
    assert a["requests_refused"] == 1
    assert a["tasks_sent"] == 1
    assert a["fields_filled"] == city.teachers[first]  # one new field × every teacher's row
    # Spared: 3 gathered fields × its teachers (answered request) + 1 gathered field × its task's rows.
    assert a["fields_spared"] == (gathered + 1) * city.teachers[first]
    for code in others:
        s = schools[code]
        assert (s["requests_received"], s["requests_satisfied_without_school"], s["requests_refused"]) == (
            2,
            1,
            0,
        )
        assert (s["tasks_sent"], s["fields_filled"]) == (1, 0)  # its task is still open
        assert s["fields_spared"] == (gathered + 1) * city.teachers[code]
    totals = report["totals"]
    assert totals["schools"] == len(city.schools)
    assert totals["requests_received"] == 3 + 2 * len(others)
    assert totals["tasks_sent"] == len(city.schools)
    assert totals["fields_filled"] == city.teachers[first]
    assert totals["fields_spared"] == sum((gathered + 1) * n for n in city.teachers.values())


def county_of(session: Session, code: str) -> str:
    division: str = session.scalar(select(schools_table.c.division_code).where(schools_table.c.code == code))
    return division


def put_baseline(client: TestClient, city: City, **body: Any) -> dict[str, Any]:
    answer = client.put("/api/v1/burden/baselines", headers=city.education, json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_without_a_baseline_no_reduction_is_claimed(client: TestClient, city: City) -> None:
    """The hub's own first term is no baseline: comparing a term with itself made every school "meet" −50 %."""
    report = dashboard(client, city.education)
    assert report["first_term"] == TERM
    for school in report["schools"]:
        assert school["demands_in_year"] == 1  # the one task each school got
        assert (school["baseline_demands"], school["baseline_year"], school["baseline_division"]) == (
            None,
        ) * 3
        assert school["reduction"] is None and school["goal_met"] is None
    totals = report["totals"]
    assert totals["reduction"] is None
    assert (totals["schools_with_baseline"], totals["schools_meeting_goal"]) == (0, 0)
    # Nothing is compared, yet what entered the schools is still shown: never a 0 that reads as "none".
    assert totals["demands_in_year"] == 0 and totals["demands_in_year_all"] == len(city.schools)


def test_a_baseline_is_set_per_division_for_last_year_and_the_most_specific_level_counts(
    client: TestClient, session: Session, city: City
) -> None:
    first = city.schools[0]
    county = county_of(session, first)
    prefecture, province = county[:4] + "00", county[:2] + "0000"
    year = YEAR_TERM.year - 1
    put_baseline(client, city, year=year, demands=4, note="2025 年清单 4 项 + 任务台账")
    put_baseline(client, city, year=year, division=province, demands=8)
    put_baseline(client, city, year=year, division=county, demands=10, items=6)
    schools = by_school(dashboard(client, city.education, YEAR_TERM.label))
    for code in city.schools:
        expected = (10, county) if county_of(session, code) == county else (8, province)
        assert (schools[code]["baseline_demands"], schools[code]["baseline_division"]) == expected
        assert schools[code]["baseline_year"] == year
    assert schools[first]["reduction"] == pytest.approx(0.9)
    # 1 demand against 10: on course, but the year is not over, so nothing is claimed yet.
    assert schools[first]["goal_met"] is None
    listed = client.get("/api/v1/burden/baselines", headers=city.education).json()
    assert {(b["year"], b["division"], b["demands"], b["items"]) for b in listed} == {
        (year, "*", 4, None),
        (year, province, 8, None),
        (year, county, 10, 6),
    }

    # A baseline below the demands already made: the goal is missed, whatever the rest of the year brings.
    put_baseline(client, city, year=year, division=county, demands=1)
    assert by_school(dashboard(client, city.education, YEAR_TERM.label))[first]["goal_met"] is False
    # Removing the county's figure falls back to the prefecture's, then the province's.
    put_baseline(client, city, year=year, division=prefecture, demands=5)
    removed = client.delete(
        "/api/v1/burden/baselines", headers=city.education, params={"year": year, "division": county}
    )
    assert removed.status_code == 204
    mine = by_school(dashboard(client, city.education, YEAR_TERM.label))[first]
    assert (mine["baseline_demands"], mine["baseline_division"]) == (5, prefecture)
    # A baseline of another year than the one before says nothing about this year.
    for division in ("*", province, prefecture):
        client.delete(
            "/api/v1/burden/baselines",
            headers=city.education,
            params={"year": year} | ({"division": division} if division != "*" else {}),
        )
    put_baseline(client, city, year=year - 1, demands=4)
    assert dashboard(client, city.education, YEAR_TERM.label)["totals"]["reduction"] is None


def test_a_year_meets_the_goal_only_once_it_is_over(client: TestClient, session: Session, city: City) -> None:
    last_year = YEAR_TERM.year - 1
    session.execute(update(Task).values(created_at=datetime(last_year, 6, 15, 9, 0, tzinfo=UTC)))
    session.flush()
    put_baseline(client, city, year=last_year - 1, demands=4)
    report = dashboard(client, city.education, f"{last_year}-春")
    for school in report["schools"]:
        assert (school["year"], school["demands_in_year"], school["baseline_demands"]) == (last_year, 1, 4)
        assert school["reduction"] == pytest.approx(0.75) and school["goal_met"] is True
    assert report["totals"]["reduction"] == pytest.approx(0.75)
    assert report["totals"]["schools_meeting_goal"] == len(city.schools)
    # This year has no tasks yet and no baseline of last year's: no reduction, no claim.
    assert dashboard(client, city.education, YEAR_TERM.label)["totals"]["reduction"] is None


def test_a_baseline_counts_a_past_year_for_a_real_division(client: TestClient, city: City) -> None:
    body = {"year": YEAR_TERM.year - 1, "demands": 4}
    assert client.put("/api/v1/burden/baselines", headers=city.department, json=body).status_code == 403
    school = city.school_headers[city.schools[0]]
    assert client.put("/api/v1/burden/baselines", headers=school, json=body).status_code == 403
    this_year = client.put(
        "/api/v1/burden/baselines", headers=city.education, json={**body, "year": local_today().year}
    )
    assert this_year.status_code == 422 and this_year.json()["detail"]["field"] == "year"
    assert "往年" in this_year.json()["message"]
    unknown = client.put(
        "/api/v1/burden/baselines", headers=city.education, json={**body, "division": "990000"}
    )
    assert unknown.status_code == 422 and unknown.json()["detail"]["field"] == "division"
    for bad in ({**body, "demands": -1}, {**body, "division": "14"}, {"demands": 3}):
        assert client.put("/api/v1/burden/baselines", headers=city.education, json=bad).status_code == 422
    assert client.get("/api/v1/burden/baselines", headers=city.education).json() == []


def test_the_dashboard_exports_every_school_and_county_as_xlsx(client: TestClient, city: City) -> None:
    answer = client.get("/api/v1/burden/export.xlsx", headers=city.education, params={"term": TERM})
    assert answer.status_code == 200, answer.text
    book = load_workbook(BytesIO(answer.content))
    schools, levels = book.worksheets
    rows = list(schools.iter_rows(values_only=True))
    assert rows[0][0] == "学校标识码" and sorted(r[0] for r in rows[1:]) == city.schools
    header = rows[0]
    reductions = {r[0]: r[header.index("减少比例")] for r in rows[1:]}
    assert set(reductions.values()) == {None}
    level_rows = list(levels.iter_rows(values_only=True))
    total = next(r for r in level_rows if r and r[0] == "合计 / total")
    assert total[level_rows[0].index("学校数")] == len(city.schools)
    assert any(r and r[0] and "未设" in str(r[0]) for r in level_rows)
    assert client.get("/api/v1/burden/export.xlsx", headers=city.department).status_code == 403


def test_requests_count_in_the_term_they_were_made(client: TestClient, session: Session, city: City) -> None:
    """A request made last term moves out of this term's figures, and is never this term's baseline."""
    spring = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
    session.execute(
        update(DataRequest).where(DataRequest.id == city.requests["answered"]).values(created_at=spring)
    )
    session.flush()
    spring_term = term_of(spring).label
    earlier = by_school(dashboard(client, city.education, spring_term))
    now = dashboard(client, city.education)
    assert now["first_term"] == spring_term
    for code in city.schools:
        assert earlier[code]["requests_received"] == 1
        assert earlier[code]["requests_satisfied_without_school"] == 1
        assert earlier[code]["tasks_sent"] == 0 and earlier[code]["reduction"] is None
        current = by_school(now)[code]
        assert current["requests_satisfied_without_school"] == 0
        assert current["baseline_demands"] is None and current["reduction"] is None
    assert [h["term"] for h in now["history"]] == [spring_term, TERM]
    assert now["history"][0]["requests_received"] == len(city.schools)


def test_a_school_sees_its_own_figures_and_no_one_elses(
    client: TestClient, city: City, admin_headers: dict[str, str]
) -> None:
    first, second = city.schools[:2]
    own = client.get(f"/api/v1/schools/{first}/burden", headers=city.school_headers[first])
    assert own.status_code == 200, own.text
    figures = own.json()
    city_view = by_school(dashboard(client, city.education))[first]
    assert {k: figures[k] for k in city_view} == city_view
    assert figures["term_start"] <= figures["term_end"] and figures["history"][-1]["term"] == TERM
    assert client.get(f"/api/v1/schools/{first}/burden", headers=city.education).status_code == 200
    assert (
        client.get(f"/api/v1/schools/{first}/burden", headers=city.school_headers[second]).status_code == 404
    )
    assert client.get(f"/api/v1/schools/{first}/burden", headers=city.department).status_code == 403
    assert client.get("/api/v1/burden", headers=city.school_headers[first]).status_code == 403
    assert client.get("/api/v1/burden", headers=city.department).status_code == 403
    statistics = create_principal(client, admin_headers, kind="statistics", code="stats2", name="省统计局")
    assert client.get("/api/v1/burden", headers=statistics).status_code == 403
    assert client.get("/api/v1/burden", headers=admin_headers).status_code == 200
    assert client.get("/api/v1/burden?term=next-term", headers=city.education).status_code == 422


def test_the_dashboard_and_each_schools_overview_count_satisfied_requests_alike(
    client: TestClient, session: Session, settings: Settings, city: City, admin_headers: dict[str, str]
) -> None:
    """A school with no teachers gets no task for a teacher request: the store (nothing to ask) satisfied
    it, and a duplicate of that request too. Both views must say so, for every school."""
    others = generate_city(seed=41, schools=8, teachers=8).schools[list(SCHOOL_COLUMNS)]
    empty = others[~others["code"].isin(city.schools)].head(1)
    assert ingest(session, settings, "school", empty).inserted == 1
    code = str(empty["code"].iloc[0])
    city.school_headers[code] = create_principal(
        client, admin_headers, kind="school", code=f"s{code}", name="新建学校", school_code=code
    )
    health = create_principal(client, admin_headers, code="nhc", name="市卫生健康委员会")
    label = {"label": "本学年指导学生竞赛获奖次数", "type": "integer"}
    fresh = submit(client, city.department, request_body("姓名", label, title="竞赛指导情况"))
    publication = approve_and_publish(client, city, fresh["id"])
    assert code not in {t["school_code"] for t in publication["tasks"]}
    repeat = submit(client, health, request_body("姓名", label, title="竞赛指导情况（卫健）"))
    assert repeat["status"] == "duplicate", repeat
    schools = by_school(dashboard(client, city.education))
    for school in [*city.schools, code]:
        overview = client.get(f"/api/v1/schools/{school}/overview", headers=city.school_headers[school])
        assert overview.status_code == 200, overview.text
        assert overview.json()["requests_total"] == schools[school]["requests_received"]
        assert (
            overview.json()["satisfied_without_input"] == schools[school]["requests_satisfied_without_school"]
        )
    # All four: it had no task for either published request (it joined after the first was published).
    assert schools[code]["requests_satisfied_without_school"] == 4
    assert all(schools[s]["requests_satisfied_without_school"] == 1 for s in city.schools)
