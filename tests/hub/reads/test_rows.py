"""Row queries: keyset paging, streamed CSV, filters on granted clear elements, per-reader record ids."""

from __future__ import annotations

import base64
import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

import schemas
from hub.config import Settings
from hub.demo.city import City
from hub.reads import service
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_city, create_principal

ELEMENTS = [
    "teacher.name",
    "teacher.gender",
    "teacher.title",
    "teacher.birth_date",
    "teacher.age",
    "teacher.id_number",
]


@pytest.fixture
def city(session: Session, settings: Settings) -> City:
    return create_city(session, settings, schools=6, teachers=90, seed=11)


@pytest.fixture
def dept(client: TestClient, admin_headers: dict[str, str], city: City) -> dict[str, str]:
    headers = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=headers, elements=ELEMENTS)
    return headers


def pages(client: TestClient, headers: dict[str, str], limit: int, **params: object) -> list[list[dict]]:
    out, cursor = [], None
    while True:
        answer = client.get(
            "/api/v1/query/teacher/rows", headers=headers, params={**params, "limit": limit, "cursor": cursor}
        )
        assert answer.status_code == 200, answer.text
        out.append(answer.json()["rows"])
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return out


def test_pages_cover_every_row_once_in_key_order(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    chunks = pages(client, dept, 7)
    rows = [r for chunk in chunks for r in chunk]
    assert len(rows) == len(city.teachers) and len({r["record_id"] for r in rows}) == len(rows)
    assert all(len(chunk) == 7 for chunk in chunks[:-1])
    assert [r["school_code"] for r in rows] == sorted(r["school_code"] for r in rows)
    by_name = dict(
        zip(
            city.teachers["name"] + city.teachers["birth_date"].astype(str).str[:10],
            city.teachers["school_code"],
            strict=True,
        )
    )
    assert all(
        by_name[str(r["teacher.name"]) + str(r["teacher.birth_date"])] == r["school_code"] for r in rows
    )
    assert all(isinstance(r["teacher.age"], int) for r in rows)


def test_csv_streams_the_same_rows_as_the_json_pages(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    answer = client.get("/api/v1/query/teacher/rows", headers=dept, params={"format": "csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    json_rows = [r for chunk in pages(client, dept, 1000) for r in chunk]
    assert [t["record_id"] for t in table] == [r["record_id"] for r in json_rows]
    assert [t["teacher.id_number"] for t in table] == [r["teacher.id_number"] for r in json_rows]
    assert list(table[0]) == ["record_id", "school_code", *ELEMENTS]


def test_filters_take_codes_or_labels_and_stay_inside_the_grant(
    client: TestClient, city: City, dept: dict[str, str]
) -> None:
    women = [r for chunk in pages(client, dept, 500, where="gender=2") for r in chunk]
    assert len(women) == int((city.teachers["gender"] == "2").sum()) > 0
    by_label = [r for chunk in pages(client, dept, 500, where="teacher.gender=女性") for r in chunk]
    assert [r["record_id"] for r in by_label] == [r["record_id"] for r in women]
    school = city.schools["code"].iloc[2]
    one = [
        r for chunk in pages(client, dept, 500, school=school, where="birth_date>=1980-01-01") for r in chunk
    ]
    expected = city.teachers[
        (city.teachers["school_code"] == school) & (city.teachers["birth_date"] >= "1980-01-01")
    ]
    assert len(one) == len(expected)

    masked = client.get(
        "/api/v1/query/teacher/rows", headers=dept, params={"where": "id_number=110105199001011234"}
    )
    assert masked.status_code == 403  # a masked element cannot be probed value by value
    ungranted = client.get("/api/v1/query/teacher/rows", headers=dept, params={"where": "mobile=13800000000"})
    assert ungranted.status_code == 403
    not_granted = client.get(
        "/api/v1/query/teacher/rows", headers=dept, params={"elements": "teacher.mobile"}
    )
    assert not_granted.status_code == 403
    bad = client.get("/api/v1/query/teacher/rows", headers=dept, params={"where": "gender=unicorn"})
    assert bad.status_code == 422 and bad.json()["detail"]["value"] == "unicorn"
    forged = client.get("/api/v1/query/teacher/rows", headers=dept, params={"cursor": "not-a-cursor"})
    assert forged.status_code == 422
    too_long = client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 20000})
    assert too_long.status_code == 422 and too_long.json()["detail"]["field"] == "limit"


def test_a_cursor_is_opaque_and_good_only_for_the_department_it_was_issued_to(
    client: TestClient, admin_headers: dict[str, str], city: City, dept: dict[str, str]
) -> None:
    first = client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 10})
    cursor = first.json()["next_cursor"]
    last_school = first.json()["rows"][-1]["school_code"]
    # Whatever one decodes it with, the cursor shows neither the school code nor any key of the hub.
    opened = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert last_school.encode() not in opened and last_school not in cursor
    assert client.get(
        "/api/v1/query/teacher/rows", headers=dept, params={"limit": 10, "cursor": cursor}
    ).json()["rows"][0]["record_id"] not in {r["record_id"] for r in first.json()["rows"]}

    other = create_principal(client, admin_headers, code="health", name="市卫健委")
    create_grant(client, admin_headers, holder=other, elements=["teacher.name"])
    handed_on = client.get("/api/v1/query/teacher/rows", headers=other, params={"cursor": cursor})
    assert handed_on.status_code == 422 and handed_on.json()["code"] == "CursorInvalid"
    tampered = cursor[:-5] + ("A" if cursor[-5] != "A" else "B") + cursor[-4:]
    edited = client.get("/api/v1/query/teacher/rows", headers=dept, params={"cursor": tampered})
    assert edited.status_code == 422 and edited.json()["detail"]["field"] == "cursor"

    since = client.get("/api/v1/query/teacher/changes", headers=dept).json()["next_cursor"]
    feed = client.get("/api/v1/query/teacher/changes", headers=other, params={"since": since})
    assert feed.status_code == 422 and feed.json()["detail"]["field"] == "since"


def test_record_ids_are_stable_per_reader_and_differ_between_readers(
    client: TestClient, admin_headers: dict[str, str], city: City, dept: dict[str, str]
) -> None:
    other = create_principal(client, admin_headers, code="health", name="市卫健委")
    create_grant(client, admin_headers, holder=other, elements=["teacher.name", "teacher.birth_date"])
    mine = [r for chunk in pages(client, dept, 1000) for r in chunk]
    again = [r for chunk in pages(client, dept, 1000) for r in chunk]
    theirs = [r for chunk in pages(client, other, 1000) for r in chunk]
    assert [r["record_id"] for r in mine] == [r["record_id"] for r in again]
    assert {r["record_id"] for r in mine}.isdisjoint({r["record_id"] for r in theirs})
    assert set(theirs[0]) == {"record_id", "school_code", "teacher.name", "teacher.birth_date"}


def test_schools_and_bureaus_without_grants_read_nothing(
    client: TestClient, admin_headers: dict[str, str], city: City, dept: dict[str, str]
) -> None:
    school = create_principal(
        client, admin_headers, kind="school", code="s1", school_code=city.schools["code"][0]
    )
    stats = create_principal(client, admin_headers, kind="statistics", code="stats", name="市统计局")
    for headers in (school, stats, admin_headers):
        for path in ("rows", "aggregate", "changes"):
            assert client.get(f"/api/v1/query/teacher/{path}", headers=headers).status_code == 403


def typed(value: object) -> object:
    """A JSON value with the type of every scalar and the order of every object's keys."""
    if isinstance(value, dict):
        return [(k, typed(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


@pytest.mark.parametrize("entity", ["teacher", "school"])
def test_a_page_written_by_the_database_is_the_page_python_writes(
    client: TestClient,
    admin_headers: dict[str, str],
    city: City,
    monkeypatch: pytest.MonkeyPatch,
    entity: str,
) -> None:
    # Every element the database can show (dates, year-months, decimals, yes/no, ages, masks), one clear.
    elements = [e.code for e in schemas.load_standard().elements_for(entity) if e.derivation is None]
    elements += ["teacher.age", "teacher.teaching_years"] if entity == "teacher" else []
    headers = create_principal(client, admin_headers, code="hrss")
    clear = ["teacher.height"] if entity == "teacher" else []
    create_grant(
        client, admin_headers, holder=headers, entity=entity, elements=elements, clear_elements=clear
    )

    def two_pages() -> list[object]:
        first = client.get(f"/api/v1/query/{entity}/rows", headers=headers, params={"limit": 4})
        assert first.status_code == 200, first.text
        rest = client.get(
            f"/api/v1/query/{entity}/rows",
            headers=headers,
            params={"limit": 1000, "cursor": first.json()["next_cursor"]},
        )
        assert rest.status_code == 200, rest.text
        return [typed(first.json()), typed(rest.json())]

    by_database = two_pages()  # PostgreSQL writes the rows' JSON (SQLite: Python, so both agree trivially)
    monkeypatch.setattr(service.RowSelection, "all_in_sql", property(lambda self: False))
    assert by_database == two_pages()


def test_school_counts_and_ratios_are_derived_from_the_teachers_in_the_store(
    client: TestClient, admin_headers: dict[str, str], city: City
) -> None:
    """专任教师数 is counted from teacher records; 生师比 divides 在校学生数 by that count (JSON and CSV alike)."""
    bureau = create_principal(client, admin_headers, code="stats-office")
    elements = ["school.student_count", "school.full_time_teacher_count", "school.student_teacher_ratio"]
    create_grant(client, admin_headers, holder=bureau, elements=elements, entity="school")
    answer = client.get("/api/v1/query/school/rows", headers=bureau, params={"limit": 100})
    assert answer.status_code == 200, answer.text
    rows = {r["school_code"]: r for r in answer.json()["rows"]}
    teachers = city.teachers["school_code"].value_counts()
    assert {code: r["school.full_time_teacher_count"] for code, r in rows.items()} == {
        code: int(teachers.get(code, 0)) for code in city.schools["code"]
    }
    for row in rows.values():
        students, count = row["school.student_count"], row["school.full_time_teacher_count"]
        expected = round(students / count, 4) if students is not None and count else None
        assert row["school.student_teacher_ratio"] == expected
    assert any(r["school.student_teacher_ratio"] for r in rows.values())
    as_csv = client.get("/api/v1/query/school/rows", headers=bureau, params={"format": "csv"})
    by_csv = {r["school_code"]: r for r in csv.DictReader(io.StringIO(as_csv.text))}
    assert {c: int(r["school.full_time_teacher_count"]) for c, r in by_csv.items()} == {
        c: r["school.full_time_teacher_count"] for c, r in rows.items()
    }
