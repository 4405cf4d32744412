"""The admin upload: files as real offices send them, and the errors a person can act on."""

from __future__ import annotations

import io

import openpyxl
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.factories import create_city, create_principal


def _teacher_csv(city, encoding: str) -> bytes:  # type: ignore[no-untyped-def]
    frame = city.teachers[["school_code", "name", "id_number", "gender"]].head(3).copy()
    frame["gender"] = frame["gender"].map({"1": "男", "2": "女"})
    frame.columns = ["任职学校", "姓名", "公民身份号码", "性别"]
    return frame.to_csv(index=False).encode(encoding)


def test_a_gbk_csv_is_detected_and_stored(
    client: TestClient, admin_headers, session: Session, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    city = create_city(session, settings, schools=1, teachers=3)
    content = _teacher_csv(city, "gbk")
    answer = client.post(
        "/api/v1/records/teachers/import",
        headers=admin_headers,
        files={"file": ("教师.csv", content, "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["rows_read"] == 3 and body["unchanged"] == 3  # the city already holds them: nothing changes


def test_an_xlsx_with_a_title_row_finds_its_header(
    client: TestClient, admin_headers, session: Session, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    city = create_city(session, settings, schools=1, teachers=2)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["XX区教师信息登记表"])
    sheet.append([])
    sheet.append(["任职学校", "姓名", "身份证号码"])
    for _, row in city.teachers.head(2).iterrows():
        sheet.append([row["school_code"], row["name"] + "改", row["id_number"]])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = client.post(
        "/api/v1/records/teachers/import",
        headers=admin_headers,
        files={"file": ("t.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["updated"] == 2


def test_bad_rows_come_back_and_as_a_downloadable_file(
    client: TestClient, admin_headers, session: Session, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    city = create_city(session, settings, schools=1, teachers=2)
    content = (
        _teacher_csv(city, "utf-8-sig")
        .replace(b"\xe7\x94\xb7", "雄".encode())
        .replace("女".encode(), "雌".encode())
    )
    body = client.post(
        "/api/v1/records/teachers/import",
        headers=admin_headers,
        files={"file": ("t.csv", content, "text/csv")},
    ).json()
    assert body["rejected_rows"] >= 1
    first = body["rejected"][0]
    assert first["row"] >= 2 and first["field"] == "性别" and first["reason"] and first["reason_en"]
    errors = client.get(body["errors_url"], headers=admin_headers)
    assert errors.status_code == 200 and "性别" in errors.content.decode("utf-8-sig")


def test_a_name_with_a_control_character_is_refused_and_the_rest_kept(
    client: TestClient, admin_headers, session: Session, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    city = create_city(session, settings, schools=1, teachers=3)
    frame = city.teachers[["school_code", "name", "id_number"]].head(3).copy()
    frame["name"] = [frame["name"].iloc[0] + "改", "李\x1b[31m四", "王\u202e五"]
    frame.columns = ["任职学校", "姓名", "公民身份号码"]
    body = client.post(
        "/api/v1/records/teachers/import",
        headers=admin_headers,
        files={"file": ("t.csv", frame.to_csv(index=False).encode("utf-8-sig"), "text/csv")},
    ).json()
    assert body["updated"] == 1 and body["rejected_rows"] == 2
    assert [(r["row"], r["field"]) for r in body["rejected"]] == [(3, "姓名"), (4, "姓名")]
    assert "U+001B" in body["rejected"][0]["reason"] and "U+202E" in body["rejected"][1]["reason_en"]
    errors = client.get(body["errors_url"], headers=admin_headers)
    assert errors.status_code == 200 and "U+202E" in errors.content.decode("utf-8-sig")


def test_empty_and_broken_files_get_a_clear_422(client: TestClient, admin_headers) -> None:  # type: ignore[no-untyped-def]
    for name, content in (("empty.csv", b""), ("broken.xlsx", b"PK\x03\x04 this is not a workbook")):
        answer = client.post(
            "/api/v1/records/teachers/import",
            headers=admin_headers,
            files={"file": (name, content, "text/csv")},
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["message"] and answer.json()["code"] == "FileUnreadable"


def test_departments_cannot_import(client: TestClient, admin_headers) -> None:  # type: ignore[no-untyped-def]
    dept = create_principal(client, admin_headers)
    answer = client.post(
        "/api/v1/records/teachers/import", headers=dept, files={"file": ("t.csv", b"a,b\n1,2\n", "text/csv")}
    )
    assert answer.status_code == 403


def test_an_upload_declaring_more_rows_than_the_limit_is_refused_413_with_the_limit(
    client: TestClient, admin_headers, session: Session, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    # An XLSX can declare a million empty rows in a few megabytes; reading stops at the limit.
    settings.max_upload_rows = 100
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["任职学校", "姓名", "身份证号码"])
    for row in range(2, 400):
        sheet.cell(row=row, column=1).number_format = "@"  # formatted but empty, as such files are
        sheet.cell(row=row, column=1, value="")
    buffer = io.BytesIO()
    book.save(buffer)
    answer = client.post(
        "/api/v1/records/teachers/import",
        headers=admin_headers,
        files={"file": ("t.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert answer.status_code == 413, answer.text
    body = answer.json()
    assert body["code"] == "UploadTooManyRows"
    assert body["detail"]["max_rows"] == 100
    assert "100" in body["message"] and "空行" in body["message"]


def test_a_header_written_twice_is_refused_naming_it_and_nothing_is_stored(
    client: TestClient, admin_headers, session: Session, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    city = create_city(session, settings, schools=1, teachers=2)
    code = city.schools["code"].iloc[0]
    content = f"任职学校,姓名,公民身份号码,姓名\n{code},张三,110101199003077777,李四\n".encode("utf-8-sig")
    answer = client.post(
        "/api/v1/records/teachers/import",
        headers=admin_headers,
        files={"file": ("t.csv", content, "text/csv")},
    )
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "HeaderRepeated" and body["detail"]["field"] == "姓名"
    assert "姓名" in body["message"] and "more than once" in body["message"]
    assert "姓名_2" not in answer.text


def test_an_unknown_status_filter_is_a_422_not_an_empty_list(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    refused = client.get("/api/v1/requests", headers=admin_headers, params={"status": "pending"})
    assert refused.status_code == 422, refused.text
    assert "pending_approval" in refused.text  # the statuses there are
    assert (
        client.get("/api/v1/requests", headers=admin_headers, params={"status": "answered"}).status_code
        == 200
    )
    tasks = client.get("/api/v1/tasks", headers=admin_headers, params={"status": "done"})
    assert tasks.status_code == 422, tasks.text


def test_a_multipart_body_without_its_boundary_is_a_documented_422_not_a_bare_400(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    answer = client.post(
        "/api/v1/records/teachers/import",
        headers={**admin_headers, "Content-Type": "multipart/form-data"},
        content=b"not a multipart body",
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "BodyInvalid" and "boundary" in answer.text
    documented = client.get("/openapi.json").json()["paths"]["/api/v1/records/{entity}/import"]["post"]
    assert "422" in documented["responses"] and "400" not in documented["responses"]
