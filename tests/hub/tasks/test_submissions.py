"""Submissions: CSV, XLSX and JSON through the one ingestion path; bad rows reported, valid rows kept."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import schemas
from hub.config import Settings
from hub.kit.clock import local_today
from hub.kit.tokens import teacher_key
from hub.records.models import IngestBatch, teachers_table
from hub.records.repository import period_value
from hub.requests.models import DataRequest
from hub.tasks.models import Task, TaskSubmission
from hub.tasks.service import close_due_requests
from hub.tasks.templates import HEADER_ROW
from schemas.periods import period_containing
from schemas.validators import id_number_check_char
from tests.conftest import SECRET
from tests.hub.tasks.factories import People, Town, create_people, create_town, published_request, task_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def town(session: Session, settings: Settings) -> Town:
    return create_town(session, settings, withhold={"mandarin_level": [0, 1], "ethnicity": [0]}, teachers=24)


@pytest.fixture
def people(client: TestClient, admin_headers: dict[str, str], town: Town) -> People:
    return create_people(client, admin_headers, town.schools)


def stored(session: Session, school_code: str, column: str) -> dict[str, Any]:
    """Each teacher's value of `column`: a periodic element's is this period's, in its period table."""
    element = schemas.load_standard().element(f"teacher.{column}")
    value: Any = teachers_table.c[column]
    if element.period is not None:
        period = period_containing(element.period.kind, local_today()).key
        value = period_value("teacher", column, period)
    query = select(teachers_table.c.id_number, value).where(teachers_table.c.school_code == school_code)
    return {id_number: value for id_number, value in session.execute(query)}


def upload(
    client: TestClient, headers: dict[str, str], task_id: int, content: bytes, filename: str
) -> dict[str, Any]:
    answer = client.post(
        f"/api/v1/tasks/{task_id}/submission", headers=headers, files={"file": (filename, content)}
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def post_rows(client: TestClient, headers: dict[str, str], task_id: int, rows: list[dict[str, Any]]) -> Any:
    return client.post(f"/api/v1/tasks/{task_id}/submission", headers=headers, json={"rows": rows})


def test_the_xlsx_template_filled_in_excel_goes_back_in(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[0]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    template = client.get(f"/api/v1/tasks/{task['id']}/template.xlsx", headers=people.schools[school])
    assert template.status_code == 200 and template.headers["content-type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[HEADER_ROW]]
    assert headers == ["参考号（勿改）", "姓名（参考）", "身份证件号码后四位（参考）", "普通话水平等级"]
    assert sheet.max_row == HEADER_ROW + len(town.of(school))
    assert [sheet.cell(row=r, column=1).value for r in range(HEADER_ROW + 1, sheet.max_row + 1)] == [
        r["reference"] for r in task["rows"]
    ]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and "一级甲等" in validation.formula1
    assert str(validation.sqref) == f"D{HEADER_ROW + 1}:D{sheet.max_row}"
    # The statistical form's header block above the table (统计调查表 表头).
    block = [sheet.cell(row=r, column=1).value for r in range(1, HEADER_ROW)]
    assert block[0] == "教师队伍情况统计" and block[1].startswith("表　　号：")
    assert [line.split("：")[0] for line in block[2:6]] == ["制表机关", "批准机关", "批准文号", "有效期至"]
    assert "市人力资源和社会保障局" in block[2] and "市统计局" in block[3] and block[4] != "批准文号："
    assert block[6].startswith("填报单位：") and "截止日期" in block[6]
    assert sheet.freeze_panes == f"D{HEADER_ROW + 1}"

    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        sheet.cell(row=row, column=4, value="二级甲等")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = upload(client, people.schools[school], task["id"], buffer.getvalue(), "填报.xlsx")
    assert result["accepted"] == len(town.of(school)) and result["rejected"] == []
    assert result["source"] == "xlsx" and result["extra_columns"] == []
    assert result["task_status"] == "complete" and result["rows_filled"] == result["rows_expected"]
    assert set(stored(session, school, "mandarin_level").values()) == {"21"}
    batch = session.scalars(select(IngestBatch).where(IngestBatch.source_ref == f"task:{task['id']}")).one()
    assert batch.source_kind == "task" and batch.accepted == len(town.of(school))


def test_long_code_lists_live_on_a_hidden_sheet(client: TestClient, town: Town, people: People) -> None:
    school = town.schools[0]
    request_id, _ = published_request(client, people, "民族")
    task = task_of(client, people.schools[school], request_id)
    content = client.get(f"/api/v1/tasks/{task['id']}/template.xlsx", headers=people.schools[school]).content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    codes = workbook["代码表"]
    assert codes.sheet_state == "hidden"
    labels = [c.value for c in codes["A"]][1:]
    assert "汉族" in labels and len(labels) >= 56
    (validation,) = workbook.worksheets[0].data_validations.dataValidation
    assert validation.formula1 == f"'代码表'!$A$2:$A${len(labels) + 1}"


def test_a_gbk_csv_from_an_old_excel_is_read(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[1]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    lines = ["参考号（勿改）,普通话水平等级"] + [f"{r['reference']},一级乙等" for r in task["rows"]]
    result = upload(client, people.schools[school], task["id"], "\r\n".join(lines).encode("gbk"), "填报.csv")
    assert result["accepted"] == len(task["rows"]) and result["source"] == "csv"
    assert set(stored(session, school, "mandarin_level").values()) == {"12"}


def test_a_legacy_xls_from_an_old_excel_is_read(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    import xlwt  # a dev dependency: writes the Excel 97–2003 .xls a county office still sends

    school = town.schools[1]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("填报")
    sheet.write(0, 0, "普通话水平等级填报表")
    sheet.write(2, 0, "参考号（勿改）")
    sheet.write(2, 1, "普通话水平等级")
    for index, row in enumerate(task["rows"], start=3):
        sheet.write(index, 0, row["reference"])
        sheet.write(index, 1, "一级乙等")
    buffer = io.BytesIO()
    book.save(buffer)
    result = upload(client, people.schools[school], task["id"], buffer.getvalue(), "填报.xls")
    assert result["accepted"] == len(task["rows"]) and result["source"] == "xls"
    assert set(stored(session, school, "mandarin_level").values()) == {"12"}


def test_a_title_row_above_the_headers_is_skipped_and_rows_keep_their_file_numbers(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[1]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["某某学校教师普通话水平统计表（2026年秋季）"])
    sheet.append(["填报人：张老师", None, "联系电话：0571-88886666"])
    sheet.append(["参考号（勿改）", "姓名（参考）", "普通话水平等级"])
    for r in task["rows"]:
        sheet.append([r["reference"], r["name"], "二级乙等"])
    sheet.cell(row=4, column=3, value="二级")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = upload(client, people.schools[school], task["id"], buffer.getvalue(), "统计表.xlsx")
    assert result["accepted"] == len(task["rows"]) - 1
    assert [(r["row"], r["value"]) for r in result["rejected"]] == [(4, "二级")]


def test_json_rows_name_teachers_by_id_number_and_fields_by_label_or_name(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[0]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    teachers = town.of(school)
    rows = [{"公民身份号码": i, "mandarin_level": "22"} for i in teachers["id_number"][:3]]
    rows.append({"参考号": task["rows"][-1]["reference"], "普通话水平等级": "三级甲等"})
    answer = post_rows(client, people.schools[school], task["id"], rows)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 4 and answer.json()["source"] == "json"
    values = stored(session, school, "mandarin_level")
    assert [values[i] for i in teachers["id_number"][:3]] == ["22", "22", "22"]
    assert list(values.values()).count("31") == 1


def test_bad_rows_come_back_with_row_field_value_and_reason_and_a_resubmission_fixes_them(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[0]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    refs = [r["reference"] for r in task["rows"]]
    rows = [{"参考号（勿改）": ref, "普通话水平等级": "一级甲等"} for ref in refs]
    rows[1]["普通话水平等级"] = "特级"
    answer = post_rows(client, people.schools[school], task["id"], rows).json()
    assert answer["accepted"] == len(refs) - 1 and answer["rejected_rows"] == 1
    (bad,) = answer["rejected"]
    assert bad["row"] == 2 and bad["field"] == "普通话水平等级" and bad["value"] == "特级"
    assert bad["reason"] and bad["reason_en"]
    assert answer["task_status"] == "open" and answer["rows_filled"] == len(refs) - 1

    fixed = post_rows(
        client, people.schools[school], task["id"], [{"参考号": refs[1], "普通话水平等级": "一级甲等"}]
    )
    assert fixed.json()["rejected"] == [] and fixed.json()["task_status"] == "complete"
    assert set(stored(session, school, "mandarin_level").values()) == {"11"}
    assert session.scalar(select(func.count()).select_from(TaskSubmission)) == 2


def test_a_submission_for_another_schools_task_is_refused_as_not_found(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[town.schools[0]], request_id)
    rows = [{"参考号": r["reference"], "普通话水平等级": "一级甲等"} for r in task["rows"]]
    answer = post_rows(client, people.schools[town.schools[1]], task["id"], rows)
    # a 404 like reading it: the answer does not confirm that another school's task exists
    assert (answer.status_code, answer.json()["code"]) == (404, "TaskOfAnotherSchool")
    assert (
        client.get(f"/api/v1/tasks/{task['id']}", headers=people.schools[town.schools[1]]).status_code == 404
    )
    assert post_rows(client, people.department, task["id"], rows).status_code == 403
    assert post_rows(client, people.education, task["id"], rows).status_code == 403
    assert set(stored(session, town.schools[0], "mandarin_level").values()) == {None}


def overdue_task(client: TestClient, session: Session, people: People, school: str) -> tuple[int, Any]:
    """A published request whose deadline (and its tasks') was yesterday, and the school's task of it."""
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    request = session.get(DataRequest, request_id)
    assert request is not None
    request.deadline = local_today() - timedelta(days=1)
    for t in session.scalars(select(Task).where(Task.request_id == request_id)):
        t.deadline = request.deadline
    session.flush()
    return request_id, task


def test_a_closed_task_takes_no_submission(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[0]
    request_id, task = overdue_task(client, session, people, school)
    rows = [{"参考号": r["reference"], "普通话水平等级": "一级甲等"} for r in task["rows"]]
    answer = post_rows(client, people.schools[school], task["id"], rows)
    assert answer.status_code == 409
    assert answer.json()["detail"]["status"] == "closed"
    assert set(stored(session, school, "mandarin_level").values()) == {None}
    assert (
        client.get(f"/api/v1/tasks/{task['id']}", headers=people.schools[school]).json()["status"] == "closed"
    )
    assert (
        client.get(f"/api/v1/requests/{request_id}", headers=people.department).json()["status"] == "answered"
    )


def test_extra_columns_are_reported_and_not_stored(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[0]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    before = stored(session, school, "gender")
    rows = [
        {"参考号": r["reference"], "普通话水平等级": "一级甲等", "性别": "男", "备注": "已核对"}
        for r in task["rows"]
    ]
    answer = post_rows(client, people.schools[school], task["id"], rows).json()
    assert answer["extra_columns"] == ["性别", "备注"]
    assert answer["accepted"] == len(rows) and answer["rejected"] == []
    assert stored(session, school, "gender") == before


def test_rows_for_teachers_not_in_the_school_are_rejected_and_nobody_moves(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    mine, theirs = town.schools[0], town.schools[1]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[mine], request_id)
    other_teacher = town.of(theirs)["id_number"].iloc[0]
    stranger = "11010119800101123" + id_number_check_char("11010119800101123")
    own = town.of(mine)["id_number"].iloc[0]
    rows = [
        {"公民身份号码": own, "普通话水平等级": "一级甲等"},
        {"公民身份号码": other_teacher, "普通话水平等级": "一级甲等"},
        {"公民身份号码": stranger, "普通话水平等级": "一级甲等"},
        {"公民身份号码": own, "任职学校": theirs, "普通话水平等级": "一级甲等"},
        {"参考号": "T9999", "普通话水平等级": "一级甲等"},
        {"普通话水平等级": "一级甲等"},
    ]
    answer = post_rows(client, people.schools[mine], task["id"], rows).json()
    assert answer["accepted"] == 1
    assert [r["row"] for r in answer["rejected"]] == [2, 3, 4, 5, 6]
    assert "不是本校" in answer["rejected"][0]["reason"] and answer["rejected"][0]["reason_en"]
    assert other_teacher not in answer["rejected"][0]["value"]  # masked
    assert answer["rejected"][1]["value"] == f"{stranger[:6]}****{stranger[-4:]}"  # as ID numbers are masked
    assert stored(session, theirs, "mandarin_level")[other_teacher] is None
    keys = {teacher_key(SECRET, other_teacher), teacher_key(SECRET, stranger)}
    query = select(teachers_table.c.teacher_key, teachers_table.c.school_code).where(
        teachers_table.c.teacher_key.in_(keys)
    )
    assert {key: code for key, code in session.execute(query)} == {teacher_key(SECRET, other_teacher): theirs}


def test_a_broken_xlsx_is_refused_whole_and_stores_nothing(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    school = town.schools[0]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    template = client.get(f"/api/v1/tasks/{task['id']}/template.xlsx", headers=people.schools[school]).content
    broken = template[: len(template) // 2]
    answer = client.post(
        f"/api/v1/tasks/{task['id']}/submission",
        headers=people.schools[school],
        files={"file": ("填报.xlsx", broken, XLSX)},
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "FileUnreadable"
    assert "Excel" in answer.json()["message"]
    assert session.scalar(select(func.count()).select_from(TaskSubmission)) == 0
    assert (
        session.scalar(select(func.count()).select_from(IngestBatch).where(IngestBatch.source_kind == "task"))
        == 0
    )


def test_a_file_without_any_of_the_tasks_fields_is_refused_naming_them(
    client: TestClient, town: Town, people: People
) -> None:
    school = town.schools[0]
    request_id, _ = published_request(client, people, "普通话水平等级")
    task = task_of(client, people.schools[school], request_id)
    answer = post_rows(client, people.schools[school], task["id"], [{"参考号": "T0001", "备注": "无"}])
    assert answer.status_code == 422
    assert answer.json()["detail"]["expected"] == ["普通话水平等级"]


def test_ten_thousand_rows_with_some_bad_keep_every_valid_row_and_nothing_of_a_bad_one(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    town = create_town(
        session,
        settings,
        schools=1,
        teachers=10000,
        seed=11,
        withhold={"mandarin_level": [0], "training_hours": [0]},
    )
    school = town.schools[0]
    people = create_people(client, admin_headers, town.schools)
    request_id, publication = published_request(client, people, "普通话水平等级", "本年度继续教育学时")
    assert publication["tasks"][0]["rows_expected"] == 10000
    task = client.get(
        f"/api/v1/tasks/{publication['tasks'][0]['task_id']}", headers=people.schools[school]
    ).json()
    refs = [r["reference"] for r in task["rows"]]
    assert len(refs) == 10000

    lines = ["参考号（勿改）,普通话水平等级,本年度继续教育学时（学时）"]
    bad: dict[int, str] = {}  # file row → the field at fault
    for index, ref in enumerate(refs):
        row = index + 2
        level, hours = "二级乙等", "48"
        if index % 97 == 5:
            level, bad[row] = "特级甲等", "普通话水平等级"
        elif index % 131 == 7:
            hours, bad[row] = "-5", "本年度继续教育学时"
        elif index % 173 == 9:
            hours, bad[row] = "四十", "本年度继续教育学时"
        lines.append(f"{ref},{level},{hours}")
    result = upload(client, people.schools[school], task["id"], "\n".join(lines).encode(), "全校.csv")
    assert result["rows_read"] == 10000
    assert result["accepted"] == 10000 - len(bad)
    assert {r["row"]: r["field"] for r in result["rejected"]} == bad

    levels, hours = stored(session, school, "mandarin_level"), stored(session, school, "training_hours")
    assert sum(v is not None for v in levels.values()) == 10000 - len(bad)
    # A bad row is refused whole: its valid 学时 is not stored either.
    assert sum(v is not None for v in hours.values()) == 10000 - len(bad)
    assert result["task_status"] == "open" and result["rows_filled"] == 10000 - len(bad)

    fixes = [{"参考号": refs[row - 2], "普通话水平等级": "二级乙等", "本年度继续教育学时": 40} for row in bad]
    fixed = post_rows(client, people.schools[school], task["id"], fixes).json()
    assert fixed["accepted"] == len(bad) and fixed["rejected"] == []
    assert fixed["task_status"] == "closed" and fixed["request_status"] == "answered"
    stored_task = session.get(Task, task["id"])
    assert stored_task is not None and stored_task.completed_at is not None


def test_reading_an_overdue_task_moves_nothing_until_the_daily_job(
    client: TestClient, session: Session, town: Town, people: People
) -> None:
    # Reads never change state (issue 14): the school's list and page, and the bureau's progress, show an
    # overdue task as 逾期 while its request stays published; the scheduler's daily job answers it.
    school = town.schools[0]
    request_id, task = overdue_task(client, session, people, school)

    headers = people.schools[school]
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=headers).json()["status"] == "open"
    progress = client.get(f"/api/v1/requests/{request_id}/progress", headers=people.education).json()
    assert progress["states"]["overdue"] >= 1
    assert (
        client.get(f"/api/v1/requests/{request_id}", headers=people.department).json()["status"]
        == "published"
    )

    assert close_due_requests(session, local_today()) == [request_id]
    session.flush()
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=headers).json()["status"] == "closed"
    assert (
        client.get(f"/api/v1/requests/{request_id}", headers=people.department).json()["status"] == "answered"
    )
