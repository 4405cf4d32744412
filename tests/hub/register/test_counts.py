"""One definition of each count: the school overview, the burden dashboard, the 自查表 and GET /register/counts
(JSON and XLSX) give the same demands, fields filled and spared, list items and borrowed teacher-days, and the
自查表 items on the list, the whitelist and borrowing answer from those records."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.clock import local_today
from hub.kit.terms import term_of
from schemas import divisions
from tests.hub.burden.factories import City, create_city, run_scenario
from tests.hub.factories import create_principal
from tests.hub.web.conftest import Browser, text

NAMES = ("demands_reached", "fields_filled", "fields_spared", "items", "borrowed_teacher_days")


@pytest.fixture
def city(client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]) -> City:
    return run_scenario(client, create_city(client, session, settings, admin_headers))


def window_in_this_term(today: date) -> tuple[date, date]:
    """A term-end window of this year that lies in today's term."""
    if today.month == 1:
        return date(today.year, 1, 2), date(today.year, 1, 31)
    if term_of(today).season == "秋":
        return date(today.year, 12, 1), date(today.year, 12, 31)
    return date(today.year, 6, 1), date(today.year, 7, 15)


def test_the_overview_the_dashboard_the_selfcheck_and_the_counts_agree(
    client: TestClient, admin_headers: dict[str, str], city: City
) -> None:
    today = local_today()
    first, second = city.schools[:2]
    office = create_principal(client, admin_headers, kind="office", code="office", name="市委办公室")
    starts, ends = window_in_this_term(today)
    item = client.post(
        "/api/v1/register/list/items",
        headers=city.education,
        json={
            "year": today.year,
            "kind": "inspection",
            "title": "校园安全专项检查",
            "inspected": "消防设施",
            "schools": [first],
            "frequency": "每年1次",
            "method": "实地查看",
            "window_starts": starts.isoformat(),
            "window_ends": ends.isoformat(),
        },
    ).json()
    client.post(
        f"/api/v1/register/list/items/{item['id']}/decision", headers=office, json={"decision": "approve"}
    )
    held = client.post(
        "/api/v1/register/inspections",
        headers=city.education,
        json={
            "item_id": item["id"],
            "schools": [first],
            "starts_on": starts.isoformat(),
            "ends_on": starts.isoformat(),
        },
    )
    assert held.status_code == 201, held.text
    kept = client.post(
        "/api/v1/register/whitelist",
        headers=city.education,
        json={"year": today.year, "category": "exam", "title": "英语等级考试", "organiser": "市教育考试院"},
    ).json()
    entered = client.post(
        "/api/v1/register/social-demands",
        headers=city.department,
        json={
            "item_id": kept["id"],
            "title": "英语等级考试监考",
            "held_on": today.isoformat(),
            "schools": [first],
        },
    )
    assert entered.status_code == 201, entered.text
    # Two teachers of the first school away for 10 days, ending before today: an overrun still away.
    away = client.post(
        "/api/v1/register/secondments",
        headers=city.department,
        json={
            "kind": "second",
            "purpose": "迎检会务",
            "starts_on": (today - timedelta(days=9)).isoformat(),
            "ends_on": (today - timedelta(days=2)).isoformat(),
            "teachers": [{"school_code": first, "headcount": 2}],
        },
    ).json()
    decided = client.post(
        f"/api/v1/register/secondments/{away['id']}/decision",
        headers=city.education,
        json={"decision": "approve", "filing_number": "备〔2026〕9号"},
    )
    assert decided.status_code == 200, decided.text
    term_start = term_of(today).start
    expected_days = 2 * ((today - max(today - timedelta(days=9), term_start)).days + 1)

    counts = client.get("/api/v1/register/counts", headers=city.education).json()
    row = {s["school_code"]: s for s in counts["schools"]}
    mine = {name: row[first][name] for name in NAMES}
    # tasks (the scenario's published request) + the inspection + the exam
    assert mine["demands_reached"] == row[first]["tasks_sent"] + 2 and row[first]["inspections"] == 1
    assert mine["items"] == 1 and mine["borrowed_teacher_days"] == expected_days
    assert mine["fields_filled"] > 0 and mine["fields_spared"] > 0
    assert row[second]["items"] == 0 and row[second]["borrowed_teacher_days"] == 0
    total = counts["levels"][-1]
    assert total["division"] == "合计" and total["demands_reached"] == sum(
        s["demands_reached"] for s in counts["schools"]
    )

    overview = client.get(f"/api/v1/schools/{first}/overview", headers=city.school_headers[first]).json()
    assert {name: overview["counts"][name] for name in NAMES} == mine
    dashboard = {
        s["school_code"]: s for s in client.get("/api/v1/burden", headers=city.education).json()["schools"]
    }
    assert {name: dashboard[first][name] for name in NAMES} == mine
    assert dashboard[first]["demands_in_year"] >= mine["demands_reached"]
    check = client.get(f"/api/v1/schools/{first}/selfcheck", headers=city.school_headers[first]).json()
    assert {name: check["burden"][name] for name in NAMES} == mine
    items = {i["number"]: i for i in check["items"]}
    assert items[3]["evidence"]["fields_spared"] == mine["fields_spared"]
    assert f"{mine['fields_spared']} 项次" in items[3]["answer"]
    assert (
        items[2]["evidence"]["inspections"] == [held.json()["id"]] and items[2]["evidence"]["list_items"] == 1
    )
    assert items[17]["evidence"]["social_demands"] == [entered.json()["id"]] and "1 项" in items[17]["answer"]
    borrowing = items[20]
    assert (borrowing["source"], borrowing["finding"], borrowing["answer"][0]) == ("hub", "violation", "否")
    assert borrowing["evidence"]["overruns"] == [away["id"]]
    assert borrowing["evidence"]["borrowed_teacher_days"] == expected_days
    assert f"{expected_days} 人·天" in borrowing["answer"]
    # The bureau's roll-up answers each school as its own 自查表 does, register records included.
    county = row[first]["division"]
    rollup = client.get("/api/v1/selfcheck", headers=city.education, params={"division": county}).json()
    line = next(r for r in rollup["rows"] if r["code"] == first)
    findings = {i["number"]: i["finding"] for i in check["items"]}
    assert {int(n) for n, v in line["violations"].items() if v} == {
        n for n, f in findings.items() if f == "violation"
    } and line["violations"]["20"] == 1
    assert {int(n) for n, v in line["unknown"].items() if v} == {
        n for n, f in findings.items() if f == "unknown"
    }

    # A school counts only itself; a department is refused.
    own = client.get("/api/v1/register/counts", headers=city.school_headers[second]).json()
    assert [s["school_code"] for s in own["schools"]] == [second]
    assert client.get("/api/v1/register/counts", headers=city.department).status_code == 403

    sheet = client.get("/api/v1/register/counts?format=xlsx", headers=city.education)
    assert sheet.status_code == 200
    book = load_workbook(BytesIO(sheet.content))
    rows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    line = next(r for r in rows if r[0] == first)
    county = divisions.division(row[first]["division"])
    assert county is not None and line[2:4] == (row[first]["division"], county.name)
    assert (line[4], line[8], line[9], line[10], line[11]) == tuple(mine[n] for n in NAMES)
    # Per level: each county by its name, then the total, the same sums the API gives.
    levels = client.get("/api/v1/register/counts", headers=city.education).json()["levels"]
    per_level = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[3], r[4]) for r in per_level] == [
        (level["division_name"], level["schools"], level["demands_reached"]) for level in levels
    ]
    assert per_level[-1][1:3] == ("合计", "合计")


def test_each_request_says_what_it_spared_the_schools_by_the_same_definition(
    client: TestClient, city: City
) -> None:
    per_school = client.get("/api/v1/register/counts", headers=city.education).json()["schools"]
    spared = {
        name: client.get(f"/api/v1/register/counts/requests/{request_id}", headers=city.education).json()
        for name, request_id in city.requests.items()
    }
    teachers = sum(city.teachers.values())
    # Answered from the store: every school spared, its three fields for every teacher.
    assert spared["answered"] == {
        "request_id": city.requests["answered"],
        "schools": len(city.schools),
        "schools_spared": len(city.schools),
        "fields_spared": 3 * teachers,
    }
    # Published: every school got a task for the new field, the gathered 姓名 spared for every teacher.
    assert (spared["published"]["schools_spared"], spared["published"]["fields_spared"]) == (0, teachers)
    assert spared["rejected"]["schools"] == 1 and spared["rejected"]["fields_spared"] == 0
    # The requests' figures add up to the schools' (one definition, counted per request or per school).
    assert sum(s["fields_spared"] for s in spared.values()) == sum(s["fields_spared"] for s in per_school)

    # The department sees its own request's figures; another department, a school: a 404 or a 403.
    own = client.get(f"/api/v1/register/counts/requests/{city.requests['answered']}", headers=city.department)
    assert own.json() == spared["answered"]
    school = city.school_headers[city.schools[0]]
    assert client.get(
        f"/api/v1/register/counts/requests/{city.requests['answered']}", headers=school
    ).status_code in (403, 404)
    assert client.get("/api/v1/register/counts/requests/999999", headers=city.education).status_code == 404

    # The request's page says the same, in words.
    browser = Browser(client=client)
    browser.sign_in(city.department)
    page = browser.get(f"/requests/{city.requests['answered']}")
    shown = text(page.text)
    assert f"本需求涉及 {len(city.schools)} 所学校：其中 {len(city.schools)} 所由数据中心直接答复" in shown
    assert f'<b id="fields-spared">{3 * teachers:,}</b>' in page.text
    pending = browser.get(f"/requests/{city.requests['rejected']}")
    assert 'id="spared"' not in pending.text
