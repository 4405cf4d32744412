"""Values that belong to a period: kept per record and period, imported for a past year, classified by
the periods the store holds."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hub.cli import app
from hub.config import Settings
from hub.demo.city import generate_city
from hub.kit.clock import local_today
from hub.records.models import PERIOD_TABLES, IngestBatch, RecordHistory, teachers_table
from tests.hub.factories import create_agreement, create_city, create_principal

YEAR = local_today().year
DEADLINE = (date.today() + timedelta(days=40)).isoformat()
teacher_periods = PERIOD_TABLES["teacher"]


def _hours_csv(city: Any, hours: int, *, names: bool = False, count: int | None = None) -> bytes:
    rows = city.teachers.head(count or len(city.teachers))
    header = ["公民身份号码", "继续教育学时"] + (["姓名"] if names else [])
    lines = [",".join(header)]
    for _, row in rows.iterrows():
        lines.append(",".join([row["id_number"], str(hours)] + ([row["name"] + "旧"] if names else [])))
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def _upload(client: TestClient, headers: dict[str, str], content: bytes, period: str | None) -> Any:
    data = {"period": period} if period is not None else {}
    return client.post(
        "/api/v1/records/teachers/import",
        headers=headers,
        files={"file": ("学时.csv", content, "text/csv")},
        data=data,
    )


def _hours(session: Session, period: str) -> dict[str, int | None]:
    rows = session.execute(
        select(teacher_periods.c.teacher_key, teacher_periods.c.training_hours).where(
            teacher_periods.c.period == period
        )
    )
    return {key: hours for key, hours in rows}


def _check(client: TestClient, dept: dict[str, str], *labels: str) -> list[dict[str, Any]]:
    answer = client.post(
        "/api/v1/requests/check",
        headers=dept,
        json={
            "title": "继续教育学时核对",
            "purpose": "专业技术人员继续教育学时审验",
            "entity": "teacher",
            "deadline": DEADLINE,
            "fields": [{"label": label} for label in labels],
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["fields"]


def test_last_years_hours_are_kept_beside_this_years_and_leave_the_record_alone(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=2, teachers=12)
    names_before = dict(session.execute(select(teachers_table.c.teacher_key, teachers_table.c.name)).all())
    this_year = _hours(session, str(YEAR))
    assert len(this_year) == 12  # the city's own import wrote the current year

    # A clerk sends last year's hours: ID numbers and hours (and a name as it was written then).
    answer = _upload(client, admin_headers, _hours_csv(city, 48, names=True), str(YEAR - 1))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 12 and body["rejected_rows"] == 0 and body["inserted"] == 12
    assert body["periods"] == {"training_hours": str(YEAR - 1)}
    assert body["ignored_columns"] == ["name"]
    assert set(_hours(session, str(YEAR - 1)).values()) == {48}
    assert _hours(session, str(YEAR)) == this_year  # this year's values untouched
    names_after = dict(session.execute(select(teachers_table.c.teacher_key, teachers_table.c.name)).all())
    assert names_after == names_before  # last year's file never renames anybody

    # A correction of last year: the change is in the history, under its period.
    again = _upload(client, admin_headers, _hours_csv(city, 52, count=3), f"{YEAR - 1}年")
    assert again.status_code == 200 and again.json()["updated"] == 3
    history = session.scalars(
        select(RecordHistory).where(RecordHistory.period == str(YEAR - 1)).order_by(RecordHistory.id)
    ).all()
    # Last year's first values arrived as changes of that year, then the three corrections.
    assert [h.changes for h in history] == [{"training_hours": [None, 48]}] * 12 + [
        {"training_hours": [48, 52]}
    ] * 3

    # Classification reads the periods held: last year now available, the year before still missing.
    dept = create_principal(client, admin_headers, code="hrss")
    create_agreement(client, admin_headers, dept)
    fields = _check(
        client, dept, f"{YEAR - 1}年继续教育学时", f"{YEAR - 2}年继续教育学时", "近两年继续教育学时"
    )
    assert [f["status"] for f in fields[:2]] == ["available", "missing"]
    assert fields[0]["periods"][0]["held"] is True and fields[1]["periods"][0]["held"] is False


def test_a_past_years_row_of_a_teacher_not_in_the_store_is_refused_and_the_rest_kept(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=3)
    stranger = generate_city(seed=99, schools=1, teachers=1).teachers.iloc[0]["id_number"]
    content = _hours_csv(city, 30) + f"{stranger},30\n".encode()
    body = _upload(client, admin_headers, content, str(YEAR - 1)).json()
    assert body["accepted"] == 3 and body["rejected_rows"] == 1
    refused = body["rejected"][0]
    assert refused["row"] == 5 and "库中没有这条记录" in refused["reason"]
    assert stranger not in refused["value"]  # an ID number is shown masked


def test_a_file_whose_every_row_is_refused_reports_them_and_writes_nothing(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=2)
    before = _hours(session, str(YEAR - 1))
    content = "公民身份号码,继续教育学时\n110101199001011234,30\n11010119900101123X,-5\n".encode("utf-8-sig")
    answer = _upload(client, admin_headers, content, str(YEAR - 1))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 0 and body["rejected_rows"] == 2 and body["inserted"] == 0
    assert _hours(session, str(YEAR - 1)) == before == {}
    assert len(city.teachers) == 2


def test_a_period_that_does_not_exist_or_has_not_begun_is_refused_and_nothing_stored(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=3)
    batches = session.scalar(select(func.count()).select_from(IngestBatch))
    month = _upload(client, admin_headers, _hours_csv(city, 40), "2025-13")
    assert month.status_code == 422 and month.json()["code"] == "PeriodInvalid"
    assert "13 月不存在" in month.json()["message"] and month.json()["detail"]["value"] == "2025-13"
    backwards = _upload(client, admin_headers, _hours_csv(city, 40), "2026-2024学年")
    assert backwards.status_code == 422 and backwards.json()["code"] == "PeriodInvalid"
    ahead = _upload(client, admin_headers, _hours_csv(city, 40), str(YEAR + 1))
    assert ahead.status_code == 422 and ahead.json()["code"] == "PeriodNotBegun"
    assert "本年度继续教育学时" in ahead.json()["message"] and "尚未开始" in ahead.json()["message"]
    assert session.scalar(select(func.count()).select_from(IngestBatch)) == batches
    assert _hours(session, str(YEAR + 1)) == {}


def test_a_past_period_file_without_periodic_columns_is_refused(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=2)
    content = ("公民身份号码,姓名\n" + f"{city.teachers.iloc[0]['id_number']},某某\n").encode()
    answer = _upload(client, admin_headers, content, str(YEAR - 1))
    assert answer.status_code == 422 and answer.json()["code"] == "PeriodColumnsMissing"


def test_this_years_change_is_history_of_this_year(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=2)
    content = (
        "任职学校,公民身份号码,继续教育学时\n"
        + "".join(f"{row['school_code']},{row['id_number']},77\n" for _, row in city.teachers.iterrows())
    ).encode()
    body = _upload(client, admin_headers, content, None).json()
    assert body["updated"] == 2 and body["periods"] == {"training_hours": str(YEAR)}
    assert set(_hours(session, str(YEAR)).values()) == {77}
    history = session.scalars(select(RecordHistory).where(RecordHistory.period == str(YEAR))).all()
    assert len(history) == 2 and all(set(h.changes) == {"training_hours"} for h in history)
    timeless = session.scalars(
        select(RecordHistory).where(
            RecordHistory.period.is_(None), RecordHistory.batch_id == body["batch_id"]
        )
    ).all()
    assert timeless == []  # nothing timeless changed


def test_hub_import_takes_a_period(cli_database: Engine, tmp_path: Path) -> None:
    runner = CliRunner()
    city = generate_city(seed=4, schools=1, teachers=4)
    schools_csv, teachers_csv, hours_csv = tmp_path / "s.csv", tmp_path / "t.csv", tmp_path / "h.csv"
    city.schools.to_csv(schools_csv, index=False)
    city.teachers.to_csv(teachers_csv, index=False)
    hours_csv.write_bytes(_hours_csv(city, 24))
    assert runner.invoke(app, ["import", "schools", str(schools_csv)]).exit_code == 0
    assert runner.invoke(app, ["import", "teachers", str(teachers_csv)]).exit_code == 0
    past = runner.invoke(app, ["import", "teachers", str(hours_csv), "--period", str(YEAR - 2)])
    assert past.exit_code == 0, past.output
    assert f"training_hours {YEAR - 2}" in past.output and "4 accepted" in past.output
    bad = runner.invoke(app, ["import", "teachers", str(hours_csv), "--period", "2025-13"])
    assert bad.exit_code == 1 and "13 月不存在" in bad.output
    with cli_database.connect() as connection:
        held = connection.scalar(
            select(func.count()).select_from(teacher_periods).where(teacher_periods.c.period == str(YEAR - 2))
        )
    assert held == 4


def test_a_connector_writes_the_period_its_source_names(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings, tmp_path: Path
) -> None:
    from hub.sources import service as sources
    from hub.sources.payloads import SourceIn

    city = create_city(session, settings, schools=1, teachers=4)
    (tmp_path / "学时.csv").write_bytes(_hours_csv(city, 18))
    bad = client.post(
        "/api/v1/sources",
        headers=admin_headers,
        json={
            "name": "hours",
            "kind": "folder",
            "entity": "teacher",
            "settings": {"path": str(tmp_path)},
            "period": "2025-13",
        },
    )
    assert bad.status_code == 422 and bad.json()["code"] == "PeriodInvalid"
    payload = SourceIn.model_validate(
        {
            "name": "hours",
            "kind": "folder",
            "entity": "teacher",
            "settings": {"path": str(tmp_path)},
            "period": f"{YEAR - 1}年",
        }
    )
    sources.create_source(session, payload, principal_id=None, actor=None)
    run = sources.run_source(session, settings, "hours", actor=None)
    assert run.status == "succeeded", run.error
    assert set(_hours(session, str(YEAR - 1)).values()) == {18}
    assert 18 not in set(_hours(session, str(YEAR)).values())


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    lines = [",".join(header), *(",".join(str(v) for v in row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def test_a_header_with_a_year_is_that_years_column(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=2, teachers=6)
    this_year = _hours(session, str(YEAR))
    ids = list(city.teachers["id_number"])
    # Last year's and the year before's hours in one file, no period chosen: each column its own year.
    content = _csv(
        ["公民身份号码", f"{YEAR - 1}年培训学时", f"继续教育学时（{YEAR - 2}年）"],
        [[i, 40, 30] for i in ids],
    )
    answer = _upload(client, admin_headers, content, None)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["accepted"] == 6 and body["rejected_rows"] == 0
    assert body["column_periods"] == {
        f"{YEAR - 1}年培训学时": str(YEAR - 1),
        f"继续教育学时（{YEAR - 2}年）": str(YEAR - 2),
    }
    assert set(_hours(session, str(YEAR - 1)).values()) == {40}
    assert set(_hours(session, str(YEAR - 2)).values()) == {30}
    assert _hours(session, str(YEAR)) == this_year  # neither column is this year's

    # This year's column beside last year's: both written, the record's own write first.
    both = _csv(
        ["任职学校", "公民身份号码", "姓名", "本年度继续教育学时", f"{YEAR - 1}年继续教育学时"],
        [
            [s, i, n, 72, 44]
            for s, i, n in zip(city.teachers["school_code"], ids, city.teachers["name"], strict=True)
        ],
    )
    answer = _upload(client, admin_headers, both, None)
    assert answer.status_code == 200, answer.text
    assert answer.json()["column_periods"] == {
        "本年度继续教育学时": str(YEAR),
        f"{YEAR - 1}年继续教育学时": str(YEAR - 1),
    }
    assert set(_hours(session, str(YEAR)).values()) == {72}
    assert set(_hours(session, str(YEAR - 1)).values()) == {44}


def test_a_header_whose_year_conflicts_with_the_chosen_period_is_refused(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=3)
    ids = list(city.teachers["id_number"])
    before = session.scalar(select(func.count()).select_from(teacher_periods))
    conflict = _upload(
        client,
        admin_headers,
        _csv(["公民身份号码", f"{YEAR - 1}年培训学时"], [[i, 40] for i in ids]),
        str(YEAR - 2),
    )
    assert conflict.status_code == 422
    error = conflict.json()
    assert error["code"] == "PeriodConflict"
    assert f"{YEAR - 1}年培训学时" in error["message"] and f"{YEAR - 2}年" in error["message"]
    assert error["detail"]["column"] == f"{YEAR - 1}年培训学时"
    same = _csv(["公民身份号码", "继续教育学时", f"{YEAR}年继续教育学时"], [[i, 40, 41] for i in ids])
    twice = _upload(client, admin_headers, same, None)
    assert twice.status_code == 422 and twice.json()["code"] == "PeriodConflict"
    ahead = _upload(
        client, admin_headers, _csv(["公民身份号码", f"{YEAR + 1}年培训学时"], [[i, 1] for i in ids]), None
    )
    assert ahead.status_code == 422 and ahead.json()["code"] == "PeriodNotBegun"
    no_year = _upload(
        client, admin_headers, _csv(["公民身份号码", "2025-13继续教育学时"], [[i, 1] for i in ids]), None
    )
    assert no_year.status_code == 422 and no_year.json()["code"] == "PeriodInvalid"
    assert session.scalar(select(func.count()).select_from(teacher_periods)) == before  # nothing stored


def test_a_school_year_header_is_that_school_years_count(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=2, teachers=2)
    school_periods = PERIOD_TABLES["school"]
    start = local_today().year - 3
    content = _csv(
        ["学校标识码", f"{start}学年在校学生数", f"{start}-{start + 1}学年班级数"],
        [[c, 800, 20] for c in city.schools["code"]],
    )
    answer = client.post(
        "/api/v1/records/schools/import",
        headers=admin_headers,
        files={"file": ("学年.csv", content, "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    key = f"{start}-{start + 1}"
    assert set(answer.json()["column_periods"].values()) == {key}
    held = session.execute(
        select(school_periods.c.student_count, school_periods.c.class_count).where(
            school_periods.c.period == key
        )
    ).all()
    assert held == [(800, 20), (800, 20)]


def test_a_teacher_who_moves_takes_her_periods_along(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=2, teachers=4)
    answer = _upload(client, admin_headers, _hours_csv(city, 48), str(YEAR - 1))
    assert answer.status_code == 200, answer.text
    mover = city.teachers.iloc[0]
    other = next(c for c in city.schools["code"] if c != mover["school_code"])
    moved = _csv(["任职学校", "公民身份号码", "姓名"], [[other, mover["id_number"], mover["name"]]])
    assert _upload(client, admin_headers, moved, None).json()["moved"] == 1
    held = session.execute(
        select(teacher_periods.c.school_code, teacher_periods.c.period, teacher_periods.c.training_hours)
        .join(teachers_table, teachers_table.c.teacher_key == teacher_periods.c.teacher_key)
        .where(teachers_table.c.id_number == mover["id_number"])
    ).all()
    assert {school for school, _, _ in held} == {other}
    assert {str(YEAR - 1), str(YEAR)} <= {period for _, period, _ in held}
    assert {hours for _, period, hours in held if period == str(YEAR - 1)} == {48}


def _this_years_file(city: Any, hours: int) -> bytes:
    return (
        "任职学校,公民身份号码,继续教育学时\n"
        + "".join(f"{row['school_code']},{row['id_number']},{hours}\n" for _, row in city.teachers.iterrows())
    ).encode()


def test_last_years_file_does_not_make_this_years_file_cost_a_write_again(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=4)
    assert _upload(client, admin_headers, _this_years_file(city, 60), None).json()["updated"] == 4
    assert _upload(client, admin_headers, _hours_csv(city, 40), str(YEAR - 1)).json()["inserted"] == 4
    # Last year's values are no part of what this year's rows hashed: each record keeps its hash ...
    assert session.scalar(select(func.count()).where(teachers_table.c.row_hash.is_(None))) == 0
    again = _upload(client, admin_headers, _this_years_file(city, 60), None).json()
    # ... so this year's rows are recognised as the ones last written, and nothing is written.
    assert (again["unchanged"], again["updated"], again["inserted"]) == (4, 0, 0)
    assert (
        session.scalar(
            select(func.count()).select_from(RecordHistory).where(RecordHistory.batch_id == again["batch_id"])
        )
        == 0
    )
    assert set(_hours(session, str(YEAR)).values()) == {60}
    assert set(_hours(session, str(YEAR - 1)).values()) == {40}
