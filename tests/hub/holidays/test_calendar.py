"""The holiday calendar: chinese-calendar's years, the years the education bureau loads, and a notice
whenever a deadline is counted through a year nobody loaded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.holidays.service import missing_next_year, work_calendar
from hub.kit.clock import local_today
from hub.kit.workdays import package_knows, working_days_between
from tests.hub.factories import create_principal


def first_unknown_year() -> int:
    year = local_today().year + 1
    while package_knows(year):
        year += 1
    return year


def check(client: TestClient, headers: dict[str, str], deadline: date) -> dict[str, Any]:
    body = {
        "title": "教师家庭情况",
        "purpose": "教师关爱工作",
        "entity": "teacher",
        "deadline": deadline.isoformat(),
        "fields": [{"label": "配偶工作单位"}],
    }
    answer = client.post("/api/v1/requests/check", headers=headers, json=body)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def spring_festival(year: int) -> dict[str, Any]:
    days = [date(year, 2, 8) + timedelta(days=i) for i in range(8)]
    return {
        "holidays": [{"day": d.isoformat(), "name": "春节"} for d in days],
        "workdays": [{"day": date(year, 2, 6).isoformat(), "name": "春节调休上班"}],
        "note": "国办发明电〔2026〕14号",
    }


def load(client: TestClient, education: dict[str, str], year: int) -> None:
    answer = client.put(f"/api/v1/calendar/{year}", headers=education, json=spring_festival(year))
    assert answer.status_code == 200, answer.text


def test_a_deadline_in_a_year_nobody_loaded_carries_a_notice_naming_it_until_the_bureau_loads_it(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    department = create_principal(client, admin_headers)
    education = create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")
    year = first_unknown_year()
    answer = check(client, department, date(year, 3, 1))
    (notice,) = [v for v in answer["violations"] if "unknown_years" in (v["detail"] or {})]
    assert notice["severity"] == "notice" and answer["status"] != "rejected"
    assert str(year) in notice["message"] and str(year) in notice["message_en"]
    assert year in notice["detail"]["unknown_years"]

    loaded = client.put(f"/api/v1/calendar/{year}", headers=education, json=spring_festival(year))
    assert loaded.status_code == 200, loaded.text
    assert loaded.json()["source"] == "bureau" and loaded.json()["known"] is True
    again = check(client, department, date(year, 3, 1))
    assert [v for v in again["violations"] if "unknown_years" in (v["detail"] or {})] == []


def test_the_loaded_spring_festival_is_no_working_time_and_its_adjusted_saturday_is(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    education = create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")
    year = first_unknown_year()
    before = working_days_between(
        date(year, 2, 1), date(year, 2, 28), calendar=work_calendar(session, settings)
    )
    load(client, education, year)
    session.expire_all()
    calendar = work_calendar(session, settings)
    weekdays_off = sum(1 for i in range(8) if (date(year, 2, 8) + timedelta(days=i)).weekday() < 5)
    saturday_worked = 1 if date(year, 2, 6).weekday() >= 5 else 0
    after = working_days_between(date(year, 2, 1), date(year, 2, 28), calendar=calendar)
    assert after == before - weekdays_off + saturday_worked
    assert calendar.unknown_years(date(year, 1, 1), date(year, 12, 31)) == []


def test_a_year_the_package_knows_reads_with_its_chinese_names(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    school = create_principal(client, admin_headers, kind="statistics", code="st", name="市统计局")
    answer = client.get("/api/v1/calendar/2026", headers=school)
    assert answer.status_code == 200
    year = answer.json()
    assert year["source"] == "chinese-calendar" and year["known"]
    assert {"day": "2026-02-16", "name": "春节"} in year["holidays"]
    assert {"day": "2026-02-14", "name": "春节"} in year["workdays"]
    unknown = client.get(f"/api/v1/calendar/{first_unknown_year()}", headers=school).json()
    assert unknown["known"] is False and unknown["holidays"] == []
    listed = client.get("/api/v1/calendar", headers=school).json()
    assert [y["year"] for y in listed] == sorted(y["year"] for y in listed)
    assert first_unknown_year() in [y["year"] for y in listed if not y["known"]]


def test_only_the_education_bureau_loads_a_year_and_bad_days_are_named(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    department = create_principal(client, admin_headers)
    education = create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")
    year = first_unknown_year()
    refused = client.put(f"/api/v1/calendar/{year}", headers=department, json=spring_festival(year))
    assert refused.status_code == 403
    outside = client.put(
        f"/api/v1/calendar/{year}",
        headers=education,
        json={"holidays": [{"day": f"{year - 1}-12-31", "name": "元旦"}]},
    )
    assert outside.status_code == 422 and outside.json()["code"] == "CalendarDayOutsideYear"
    assert f"{year - 1}-12-31" in outside.json()["message"]
    twice = client.put(
        f"/api/v1/calendar/{year}",
        headers=education,
        json={"holidays": [{"day": f"{year}-02-06"}], "workdays": [{"day": f"{year}-02-06"}]},
    )
    assert twice.status_code == 422 and twice.json()["code"] == "CalendarDayTwice"
    load(client, education, year)
    assert client.delete(f"/api/v1/calendar/{year}", headers=education).status_code == 204
    assert client.get(f"/api/v1/calendar/{year}", headers=education).json()["known"] is False
    assert client.delete(f"/api/v1/calendar/{year}", headers=education).status_code == 404


def test_from_november_the_bureau_is_asked_for_next_years_schedule(
    client: TestClient, admin_headers: dict[str, str], session: Session
) -> None:
    education = create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")
    year = first_unknown_year()
    assert missing_next_year(session, date(year - 1, 10, 31)) is None
    assert missing_next_year(session, date(year - 1, 11, 1)) == year
    load(client, education, year)
    session.expire_all()
    assert missing_next_year(session, date(year - 1, 12, 20)) is None
    assert missing_next_year(session, date(2025, 11, 20)) is None  # chinese-calendar knows 2026
