"""Sources and imports belong to a division (issue 17): a county bureau sees, changes and runs only the
sources of its subtree, and neither a source nor a bounded bureau's import writes another county's
schools or teachers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.records.models import schools_table, teachers_table
from tests.hub.factories import create_city, create_principal
from tests.hub.sources.factories import upstream_teachers

FORM_HEADERS = {"name": "姓名", "gender": "性别", "id_number": "公民身份号码", "birth_date": "出生日期"}


def _two_counties(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    city = create_city(session, settings, schools=12, teachers=0)
    counts = city.schools["division_code"].value_counts()
    a, b = str(counts.index[0]), str(counts.index[1])
    return city, a, b


def _folder(tmp_path: Path, name: str, teachers: pd.DataFrame) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    frame = teachers.rename(columns={**FORM_HEADERS, "school_code": "任职学校"})
    (folder / "教师.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    return folder


def test_a_county_bureau_sees_and_runs_only_its_subtrees_sources(
    client: TestClient,
    admin_headers: dict[str, str],
    session: Session,
    settings: Settings,
    tmp_path: Path,
) -> None:
    city, a, b = _two_counties(session, settings)
    city_code = a[:4] + "00"
    edu = {
        level: create_principal(
            client, admin_headers, kind="education", code=f"edu-{level}", name=f"{level}教育局", division=code
        )
        for level, code in (("A", a), ("B", b), ("C", city_code))
    }
    teachers = upstream_teachers(city, 24)
    school_of = dict(zip(city.schools["code"], city.schools["division_code"], strict=True))
    body = {"kind": "folder", "entity": "teacher"}
    made = client.post(
        "/api/v1/sources",
        headers=edu["A"],
        json={**body, "name": "a-drop", "settings": {"path": str(_folder(tmp_path, "a", teachers))}},
    )
    assert made.status_code == 201, made.text
    assert made.json()["division"] == a and made.json()["division_name"]
    # A county cannot register a source feeding its neighbour (404: not confirmed to exist).
    stray = client.post(
        "/api/v1/sources",
        headers=edu["A"],
        json={**body, "name": "b-by-a", "division": b, "settings": {"path": str(tmp_path)}},
    )
    assert stray.status_code == 404, stray.text
    hub_wide = client.post(
        "/api/v1/sources", headers=admin_headers, json={**body, "name": "hub", "settings": {"path": "/x"}}
    )
    assert hub_wide.status_code == 201 and hub_wide.json()["division"] is None

    def names(who: dict[str, str]) -> set[str]:
        listed = client.get("/api/v1/sources", headers=who)
        assert listed.status_code == 200, listed.text
        return {s["name"] for s in listed.json()}

    assert names(edu["A"]) == {"a-drop"}
    assert names(edu["C"]) == {"a-drop"}  # the city holds county A
    assert names(edu["B"]) == set()
    assert names(admin_headers) == {"a-drop", "hub"}
    for method, path, payload in (
        ("GET", "/api/v1/sources/a-drop", None),
        ("PATCH", "/api/v1/sources/a-drop", {"enabled": False}),
        ("POST", "/api/v1/sources/a-drop/run", None),
        ("GET", "/api/v1/sources/a-drop/runs", None),
        ("DELETE", "/api/v1/sources/a-drop", None),
        ("GET", "/api/v1/sources/hub", None),  # the hub's own: no bounded bureau reaches it
    ):
        answer = client.request(method, path, headers=edu["B"], json=payload)
        assert answer.status_code == 404, (method, path, answer.text)
    assert client.get("/api/v1/sources/hub", headers=edu["A"]).status_code == 404

    # Its run writes county A's teachers only; the others are quarantined with the reason.
    run = client.post("/api/v1/sources/a-drop/run", headers=edu["A"])
    assert run.status_code == 200, run.text
    result = run.json()
    in_a = teachers[teachers["school_code"].map(school_of) == a]
    assert result["status"] == "succeeded" and result["accepted"] == len(in_a) > 0
    assert result["rejected"] == len(teachers) - len(in_a) > 0
    assert all(r["value"] in school_of and school_of[r["value"]] != a for r in result["rejections"])
    assert any("行政区划" in r["reason"] for r in result["rejections"])
    stored = set(session.scalars(select(teachers_table.c.school_code)))
    assert stored and {school_of[s] for s in stored} == {a}
    assert client.get(f"/api/v1/sources/a-drop/runs/{result['id']}", headers=edu["C"]).status_code == 200
    assert client.get(f"/api/v1/sources/a-drop/runs/{result['id']}", headers=edu["B"]).status_code == 404


def test_a_bounded_bureaus_import_writes_only_its_subtree(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city, a, b = _two_counties(session, settings)
    edu_a = create_principal(
        client, admin_headers, kind="education", code="edu-a", name="甲县教育局", division=a
    )
    edu_b = create_principal(
        client, admin_headers, kind="education", code="edu-b", name="乙县教育局", division=b
    )
    teachers = upstream_teachers(city, 20)
    school_of = dict(zip(city.schools["code"], city.schools["division_code"], strict=True))
    csv = teachers.rename(columns={**FORM_HEADERS, "school_code": "任职学校"}).to_csv(index=False)
    answer = client.post(
        "/api/v1/records/teachers/import",
        headers=edu_a,
        files={"file": ("教师.csv", csv.encode("utf-8"), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    in_a = int((teachers["school_code"].map(school_of) == a).sum())
    assert report["accepted"] == in_a and report["rejected_rows"] == len(teachers) - in_a
    assert {school_of[s] for s in session.scalars(select(teachers_table.c.school_code))} == {a}
    # Its rejected rows are county A's to read, not county B's.
    errors = report["errors_url"]
    assert client.get(errors, headers=edu_a).status_code == 200
    assert client.get(errors, headers=edu_b).status_code == 404

    # A school row placing a school in county B, or moving one of B's schools, is refused.
    b_school = str(city.schools.loc[city.schools["division_code"] == b, "code"].iloc[0])
    schools = pd.DataFrame(
        {
            "学校标识码": [b_school, "3133010999"],
            "学校名称": ["乙县一中（改名）", "甲县新建学校"],
            "行政区划代码": [a, b],
        }
    )
    moved = client.post(
        "/api/v1/records/schools/import",
        headers=edu_a,
        files={"file": ("学校.csv", schools.to_csv(index=False).encode("utf-8"), "text/csv")},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["accepted"] == 0 and moved.json()["rejected_rows"] == 2, moved.json()
    assert {r["row"] for r in moved.json()["rejected"] if "行政区划" in r["reason"]} == {2, 3}, moved.json()
    row = session.execute(select(schools_table.c.division_code).where(schools_table.c.code == b_school))
    assert row.scalar_one() == b


def test_the_sources_page_lists_and_runs_only_the_subtrees_sources(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings, tmp_path: Path
) -> None:
    _, a, b = _two_counties(session, settings)
    edu_a = create_principal(
        client, admin_headers, kind="education", code="edu-a", name="甲县教育局", division=a
    )
    edu_b = create_principal(
        client, admin_headers, kind="education", code="edu-b", name="乙县教育局", division=b
    )
    body = {"kind": "folder", "entity": "teacher", "name": "a-drop", "settings": {"path": str(tmp_path)}}
    assert client.post("/api/v1/sources", headers=edu_a, json=body).status_code == 201
    origin = {"Origin": "http://testserver"}
    for who, shown in ((edu_a, True), (edu_b, False)):
        client.cookies.clear()
        token = who["Authorization"].removeprefix("Bearer ")
        assert client.post("/login", data={"token": token}, headers=origin).status_code == 200
        page = client.get("/sources")
        assert page.status_code == 200
        assert ('data-source="a-drop"' in page.text) is shown
        for path in ("/sources/a-drop/edit",):
            assert client.get(path).status_code == (200 if shown else 404)
        if not shown:
            for path in ("/sources/a-drop/run", "/sources/a-drop/enabled", "/sources/a-drop/edit"):
                assert client.post(path, data={"enabled": "false"}, headers=origin).status_code == 404, path
    assert client.get("/api/v1/sources/a-drop", headers=edu_a).json()["enabled"] is True
