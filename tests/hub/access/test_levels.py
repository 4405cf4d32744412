"""Four bureaus at three levels (浙江省, 杭州市, two of its counties) and one school outside the province:
each sees, decides and publishes only within its subtree, and gets 404 outside it, API and web."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import generate_city
from schemas import divisions
from tests.hub.factories import create_principal, ingest
from tests.hub.tasks.factories import SCHOOL_COLUMNS, approve, request_body, submit_request

PROVINCE, CITY, ELSEWHERE = "330000", "330100", "140105"
ORIGIN = {"Origin": "http://testserver"}


@dataclass(frozen=True, kw_only=True)
class Levels:
    county_a: str
    county_b: str
    schools: dict[str, str]  # school code → its county
    outsider: str  # a school of 140105 (山西省太原市), outside every bureau here
    education: dict[str, dict[str, str]]  # division → headers
    statistics: dict[str, dict[str, str]]
    department: dict[str, dict[str, str]]
    school: dict[str, dict[str, str]]  # school code → headers

    def inside(self, division: str) -> set[str]:
        return {code for code, county in self.schools.items() if divisions.contains(division, county)}


@pytest.fixture
def levels(client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings) -> Levels:
    city = generate_city(seed=11, schools=12, teachers=80)
    frame = city.schools[list(SCHOOL_COLUMNS)].copy()
    counties = frame["division_code"].value_counts()
    county_a, county_b = counties.index[0], counties.index[1]
    outsider = frame["code"].iloc[-1]
    frame.loc[frame["code"] == outsider, "division_code"] = ELSEWHERE
    assert ingest(session, settings, "school", frame.reset_index(drop=True)).accepted == len(frame)
    assert ingest(session, settings, "teacher", city.teachers).accepted == len(city.teachers)
    session.flush()
    schools = dict(zip(frame["code"], frame["division_code"], strict=True))

    def people(kind: str, names: dict[str, str]) -> dict[str, dict[str, str]]:
        return {
            d: create_principal(client, admin_headers, kind=kind, code=f"{kind}-{d}", name=n, division=d)
            for d, n in names.items()
        }

    bureaus = {PROVINCE: "浙江省", CITY: "杭州市", county_a: "A 区", county_b: "B 区"}
    return Levels(
        county_a=county_a,
        county_b=county_b,
        schools=schools,
        outsider=outsider,
        education=people("education", {d: f"{n}教育局" for d, n in bureaus.items()}),
        statistics=people("statistics", {d: f"{n}统计局" for d, n in bureaus.items()}),
        department=people("department", {county_a: "A 区人社局", county_b: "B 区人社局"}),
        school={
            code: create_principal(
                client, admin_headers, kind="school", code=f"s-{code}", name=code, school_code=code
            )
            for code, county in schools.items()
            if county in (county_a, county_b)
        },
    )


def _codes(client: TestClient, headers: dict[str, str], **params: str) -> set[str]:
    answer = client.get("/api/v1/schools", headers=headers, params={"limit": "1000", **params})
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["total"] == len(page["items"])
    return {s["code"] for s in page["items"]}


def test_each_bureau_lists_exactly_the_schools_of_its_subtree(client: TestClient, levels: Levels) -> None:
    everyone = set(levels.schools)
    in_province = everyone - {levels.outsider}
    assert _codes(client, levels.education[PROVINCE]) == in_province == levels.inside(PROVINCE)
    assert _codes(client, levels.education[CITY]) == levels.inside(CITY)
    for county in (levels.county_a, levels.county_b):
        mine = _codes(client, levels.education[county])
        assert mine == {c for c, d in levels.schools.items() if d == county} and mine
        assert _codes(client, levels.statistics[county]) == mine
        assert _codes(client, levels.department[county]) == mine
    # A filter narrows inside the subtree; outside it there is nothing to confirm.
    assert _codes(client, levels.education[CITY], division=levels.county_a) == levels.inside(levels.county_a)
    assert _codes(client, levels.education[levels.county_a], division=CITY) == levels.inside(levels.county_a)
    outside = client.get(
        "/api/v1/schools", headers=levels.education[levels.county_a], params={"division": levels.county_b}
    )
    assert outside.status_code == 404
    unknown = client.get("/api/v1/schools", headers=levels.education[CITY], params={"division": "330199"})
    assert unknown.status_code == 422 and "330199" in unknown.text
    school = next(iter(levels.school))
    assert _codes(client, levels.school[school]) == {school}
    paged = client.get(
        "/api/v1/schools", headers=levels.education[PROVINCE], params={"limit": 2, "offset": 2}
    )
    assert paged.json()["total"] == len(in_province) and len(paged.json()["items"]) == 2
    named = next(s for s in client.get("/api/v1/schools", headers=levels.education[CITY]).json()["items"])
    by_name = _codes(client, levels.education[CITY], name=named["name"][1:5])
    assert named["code"] in by_name and named["division_name"].startswith("浙江省杭州市")


def test_requests_tasks_and_progress_stay_inside_their_county(client: TestClient, levels: Levels) -> None:
    a, b = levels.county_a, levels.county_b
    body = request_body("姓名", "本学期家访次数")
    request_a = submit_request(client, levels.department[a], body)
    request_b = submit_request(client, levels.department[b], body)
    assert request_a["status"] == request_b["status"] == "pending_approval"
    assert set(request_a["schools"]) == levels.inside(a) and set(request_b["schools"]) == levels.inside(b)
    # A department never names another county's school: refused as unknown, naming it.
    stray = next(iter(levels.inside(b)))
    refused = client.post("/api/v1/requests", headers=levels.department[a], json={**body, "schools": [stray]})
    assert refused.status_code == 422 and stray in refused.text

    def listed(headers: dict[str, str]) -> set[int]:
        return {r["id"] for r in client.get("/api/v1/requests", headers=headers).json()}

    ids = {request_a["id"], request_b["id"]}
    for above in (PROVINCE, CITY):
        assert listed(levels.education[above]) >= ids and listed(levels.statistics[above]) >= ids
    assert request_b["id"] not in listed(levels.education[a]) and request_a["id"] in listed(
        levels.education[a]
    )
    assert request_a["id"] not in listed(levels.statistics[b])
    assert listed(levels.department[a]) == {request_a["id"]}

    url = f"/api/v1/requests/{request_a['id']}"
    for outsider in (levels.education[b], levels.statistics[b], levels.department[b]):
        assert client.get(url, headers=outsider).status_code == 404
    decision = {
        "decision": "approve",
        "form_number": "教统 9 表",
        "approval_number": "统制〔2026〕9号",
        "valid_until": (date.today() + timedelta(days=300)).isoformat(),
    }
    assert client.post(f"{url}/decision", headers=levels.statistics[b], json=decision).status_code == 404
    # The statistics bureau of the request's own level decides it (HUB_DECISION_LEVEL=request).
    higher = client.post(f"{url}/decision", headers=levels.statistics[CITY], json=decision)
    assert higher.status_code == 403 and higher.json()["code"] == "DecisionAtAnotherLevel"
    approve(client, levels.statistics[a], request_a["id"])

    assert client.post(f"{url}/publish", headers=levels.education[b]).status_code == 404
    published = client.post(f"{url}/publish", headers=levels.education[CITY])
    assert published.status_code == 200, published.text  # the county's city may publish to it
    tasks = {t["school_code"] for t in published.json()["tasks"]}
    assert tasks and tasks <= levels.inside(a)

    assert client.get(f"{url}/progress", headers=levels.education[b]).status_code == 404
    progress = client.get(f"{url}/progress", headers=levels.education[a]).json()
    assert {s["school_code"] for s in progress["schools"]} == tasks
    assert (
        client.get(
            "/api/v1/tasks", headers=levels.education[b], params={"request_id": request_a["id"]}
        ).json()
        == []
    )
    task_id = published.json()["tasks"][0]["task_id"]
    assert client.get(f"/api/v1/tasks/{task_id}", headers=levels.education[b]).status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}", headers=levels.education[PROVINCE]).status_code == 200


def test_school_views_burden_and_complaints_answer_404_outside(client: TestClient, levels: Levels) -> None:
    a, b = levels.county_a, levels.county_b
    school_a = sorted(levels.inside(a))[0]
    for path in ("overview", "usage", "burden", "selfcheck"):
        url = f"/api/v1/schools/{school_a}/{path}"
        assert client.get(url, headers=levels.education[b]).status_code == 404, path
        assert client.get(url, headers=levels.education[a]).status_code == 200, path
        assert client.get(url, headers=levels.education[PROVINCE]).status_code == 200, path
    outsider = f"/api/v1/schools/{levels.outsider}/overview"
    assert client.get(outsider, headers=levels.education[PROVINCE]).status_code == 404

    def burden(headers: dict[str, str]) -> set[str]:
        answer = client.get("/api/v1/burden", headers=headers)
        assert answer.status_code == 200, answer.text
        return {s["school_code"] for s in answer.json()["schools"]}

    assert burden(levels.education[b]) == levels.inside(b)
    assert burden(levels.education[CITY]) == levels.inside(CITY)

    filed = client.post(
        "/api/v1/complaints",
        headers=levels.school[school_a],
        json={"reason": "rule 12", "text": "通知当天要求上交"},
    )
    assert filed.status_code == 201, filed.text
    complaint = filed.json()["id"]

    def inbox(headers: dict[str, str]) -> set[int]:
        return {c["id"] for c in client.get("/api/v1/complaints", headers=headers).json()}

    assert complaint in inbox(levels.education[a]) and complaint in inbox(levels.education[CITY])
    assert complaint not in inbox(levels.education[b])
    assert client.get(f"/api/v1/complaints/{complaint}", headers=levels.education[b]).status_code == 404
    answer = {"response": "已核实"}
    assert (
        client.post(
            f"/api/v1/complaints/{complaint}/answer", headers=levels.education[b], json=answer
        ).status_code
        == 404
    )


def _sign_in(client: TestClient, headers: dict[str, str]) -> None:
    client.cookies.clear()
    answer = client.post(
        "/login", data={"token": headers["Authorization"].removeprefix("Bearer ")}, headers=ORIGIN
    )
    assert answer.status_code == 200, answer.text


def test_the_pages_show_each_bureau_only_its_subtree(client: TestClient, levels: Levels) -> None:
    a, b = levels.county_a, levels.county_b
    request_a = submit_request(
        client, levels.department[a], request_body("姓名", "本学期家访次数", title="A区家访")
    )
    school_a = sorted(levels.inside(a))[0]
    school_b = sorted(levels.inside(b))[0]

    _sign_in(client, levels.education[b])
    assert "A区家访" not in client.get("/requests").text
    assert client.get(f"/requests/{request_a['id']}").status_code == 404
    assert client.get(f"/schools/{school_a}").status_code == 404
    assert client.get(f"/burden/{school_a}").status_code == 404
    dashboard = client.get("/burden").text
    assert school_b in dashboard and school_a not in dashboard
    refused = client.post(
        "/principals",
        data={"kind": "school", "name": "越界", "code": "over-the-line", "school_code": school_a},
        headers=ORIGIN,
    )
    assert refused.status_code == 403 and "over-the-line" not in re.sub(r'value="[^"]*"', "", refused.text)

    _sign_in(client, levels.education[CITY])
    assert "A区家访" in client.get("/requests").text
    assert client.get(f"/requests/{request_a['id']}").status_code == 200
    assert client.get(f"/schools/{school_a}").status_code == 200
    dashboard = client.get("/burden").text
    assert school_a in dashboard and school_b in dashboard and levels.outsider not in dashboard


def test_the_levels_can_be_widened_by_configuration(
    client: TestClient, levels: Levels, settings: Settings
) -> None:
    settings.decision_level = "request_or_above"
    request_a = submit_request(
        client, levels.department[levels.county_a], request_body("姓名", "本学期家访次数")
    )
    assert approve(client, levels.statistics[CITY], request_a["id"])["status"] == "approved"
    settings.publication_level = "request"
    url = f"/api/v1/requests/{request_a['id']}/publish"
    higher = client.post(url, headers=levels.education[PROVINCE])
    assert higher.status_code == 403 and higher.json()["code"] == "PublicationAtAnotherLevel"
    assert client.post(url, headers=levels.education[levels.county_a]).status_code == 200
