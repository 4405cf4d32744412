"""The burden dashboard on a small term built through the API: what each school received, what the store
answered without it, the tasks it still filled, and the reduction against the baseline (seed rule 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from hub.burden.terms import term_of
from hub.config import Settings
from hub.demo.city import generate_city
from hub.requests.models import DataRequest
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


def test_without_a_baseline_the_first_terms_requests_are_the_baseline(client: TestClient, city: City) -> None:
    report = dashboard(client, city.education)
    assert report["first_term"] == TERM
    first, second = city.schools[:2]
    schools = by_school(report)
    # Before the hub every request would have been a form; with it the school filled one task.
    assert schools[first]["baseline_forms"] == 3 and schools[first]["baseline_source"] == "first_term"
    assert schools[first]["reduction"] == pytest.approx(1 - 1 / 3, abs=1e-4)
    assert schools[second]["baseline_forms"] == 2
    assert schools[second]["reduction"] == pytest.approx(0.5) and schools[second]["goal_met"] is True
    assert report["totals"]["baseline_forms"] == 3 + 2 * (len(city.schools) - 1)
    assert report["totals"]["reduction"] == pytest.approx(
        1 - len(city.schools) / report["totals"]["baseline_forms"], abs=1e-4
    )


def test_the_education_bureau_sets_baselines_and_the_most_specific_one_counts(
    client: TestClient, city: City
) -> None:
    first, second = city.schools[:2]
    every = client.put(
        "/api/v1/burden/baselines", headers=city.education, json={"forms": 4, "note": "2025 年台账"}
    )
    assert every.status_code == 200, every.text
    mine = client.put(
        "/api/v1/burden/baselines",
        headers=city.education,
        json={"term": TERM, "school_code": first, "forms": 10},
    )
    assert mine.status_code == 200 and mine.json()["term"] == TERM
    schools = by_school(dashboard(client, city.education))
    assert (schools[first]["baseline_forms"], schools[first]["baseline_source"]) == (10, "school_term")
    assert schools[first]["reduction"] == pytest.approx(0.9)
    assert (schools[second]["baseline_forms"], schools[second]["baseline_source"]) == (4, "all")
    assert schools[second]["reduction"] == pytest.approx(0.75)
    listed = client.get("/api/v1/burden/baselines", headers=city.education).json()
    assert {(b["term"], b["school_code"], b["forms"]) for b in listed} == {("*", "*", 4), (TERM, first, 10)}

    # A figure below what the school filled shows the goal missed; removing it falls back to the broader one.
    client.put(
        "/api/v1/burden/baselines",
        headers=city.education,
        json={"term": TERM, "school_code": first, "forms": 1},
    )
    assert by_school(dashboard(client, city.education))[first]["goal_met"] is False
    removed = client.delete(
        "/api/v1/burden/baselines", headers=city.education, params={"term": TERM, "school_code": first}
    )
    assert removed.status_code == 204
    assert by_school(dashboard(client, city.education))[first]["baseline_source"] == "all"


def test_baselines_are_the_education_bureaus_to_set(
    client: TestClient, city: City, admin_headers: dict[str, str]
) -> None:
    body = {"forms": 4}
    assert client.put("/api/v1/burden/baselines", headers=city.department, json=body).status_code == 403
    assert (
        client.put(
            "/api/v1/burden/baselines", headers=city.school_headers[city.schools[0]], json=body
        ).status_code
        == 403
    )
    negative = client.put("/api/v1/burden/baselines", headers=city.education, json={"forms": -1})
    assert negative.status_code == 422
    unknown = client.put(
        "/api/v1/burden/baselines", headers=city.education, json={"forms": 3, "school_code": "1234567890"}
    )
    assert unknown.status_code == 404
    bad_term = client.put(
        "/api/v1/burden/baselines", headers=city.education, json={"forms": 3, "term": "2026-冬"}
    )
    assert bad_term.status_code == 422 and bad_term.json()["detail"]["field"] == "term"


def test_requests_count_in_the_term_they_were_made(client: TestClient, session: Session, city: City) -> None:
    """A request made last term moves out of this term's figures and becomes the baseline of the hub's first term."""
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
        assert earlier[code]["tasks_sent"] == 0 and earlier[code]["reduction"] == 1.0
        current = by_school(now)[code]
        assert current["requests_satisfied_without_school"] == 0
        assert current["baseline_forms"] == 1 and current["baseline_source"] == "first_term"
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
