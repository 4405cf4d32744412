"""Drop-folder sources: files in the encodings real exports use, each taken in once by content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.records.models import RecordHistory, teachers_table
from hub.sources.service import run_source
from tests.hub.factories import create_city
from tests.hub.sources.factories import create_source, upstream_teachers

# Headers as a county's form writes them: the standard's labels, no mapping needed.
FORM_HEADERS = {
    "name": "姓名",
    "gender": "性别",
    "id_number": "公民身份号码",
    "birth_date": "出生日期",
    "school_code": "任职学校",
}


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=2, teachers=0)


def write_csv(path: Path, frame: pd.DataFrame, *, encoding: str, title: str | None = None) -> Path:
    text = frame.rename(columns=FORM_HEADERS).to_csv(index=False)
    if title:
        text = f"{title}\n\n{text}"  # a title row and a blank row above the headers, as forms have
    path.write_bytes(text.encode(encoding))
    return path


def stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(teachers_table)) or 0


def test_files_in_utf8_and_gbk_are_each_taken_in_once(
    session: Session, settings: Settings, city, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    teachers = upstream_teachers(city, 12)
    write_csv(tmp_path / "一中.csv", teachers.iloc[:6], encoding="utf-8")
    write_csv(tmp_path / "二中.csv", teachers.iloc[6:], encoding="gbk", title="XX区教师信息登记表")
    create_source(session, name="drop", kind="folder", settings={"path": str(tmp_path)})

    first = run_source(session, settings, "drop", actor=None)

    assert first.status == "succeeded", first.error
    assert sorted(f["name"] for f in first.files) == ["一中.csv", "二中.csv"]
    assert all(f["accepted"] == 6 and "error" not in f for f in first.files)
    assert stored(session) == 12
    assert set(session.scalars(select(teachers_table.c.name))) == set(teachers["name"])  # GBK decoded

    history = session.scalar(select(func.count()).select_from(RecordHistory))
    again = run_source(session, settings, "drop", actor=None)
    assert (again.status, again.files, again.rows_read, again.batch_ids) == ("succeeded", [], 0, [])
    assert session.scalar(select(func.count()).select_from(RecordHistory)) == history


def test_only_new_content_is_read_and_a_renamed_copy_is_not(
    session: Session, settings: Settings, city, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    teachers = upstream_teachers(city, 9)
    first_file = write_csv(tmp_path / "a.csv", teachers.iloc[:5], encoding="utf-8-sig")
    create_source(session, name="drop", kind="folder", settings={"path": str(tmp_path)})
    run_source(session, settings, "drop", actor=None)

    shutil.copy(first_file, tmp_path / "a (copy).csv")
    write_csv(tmp_path / "b.csv", teachers.iloc[5:], encoding="gb18030")
    run = run_source(session, settings, "drop", actor=None)

    assert [f["name"] for f in run.files] == ["b.csv"]
    assert (run.accepted, run.inserted) == (4, 4)
    assert stored(session) == 9


def test_a_broken_file_is_quarantined_and_the_other_files_go_in(
    session: Session, settings: Settings, city, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    write_csv(tmp_path / "good.csv", upstream_teachers(city, 4), encoding="utf-8")
    (tmp_path / "broken.xlsx").write_bytes(b"this is not a workbook")
    pd.DataFrame({"姓名": ["张三"], "备注": ["无"]}).to_csv(tmp_path / "no-id.csv", index=False)
    create_source(session, name="drop", kind="folder", settings={"path": str(tmp_path)})

    run = run_source(session, settings, "drop", actor=None)

    assert run.status == "succeeded"
    files = {f["name"]: f for f in run.files}
    assert files["good.csv"]["accepted"] == 4
    assert "broken.xlsx" in files["broken.xlsx"]["error"] and ".xlsx" in files["broken.xlsx"]["error"]
    assert "公民身份号码" in files["no-id.csv"]["error"]  # the required column it lacks
    assert stored(session) == 4
    # Neither bad file is read again until its content changes.
    assert run_source(session, settings, "drop", actor=None).files == []


def test_the_pattern_splits_one_folder_between_sources(
    session: Session, settings: Settings, city, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    write_csv(tmp_path / "teachers-2026.csv", upstream_teachers(city, 3), encoding="utf-8")
    pd.DataFrame({"学校标识码": ["x"], "学校名称": ["y"]}).to_csv(tmp_path / "schools-2026.csv", index=False)
    create_source(
        session, name="drop", kind="folder", settings={"path": str(tmp_path), "pattern": "teachers-*.csv"}
    )

    run = run_source(session, settings, "drop", actor=None)

    assert [f["name"] for f in run.files] == ["teachers-2026.csv"]


def test_a_missing_folder_fails_the_run(session: Session, settings: Settings, tmp_path: Path) -> None:
    create_source(session, name="drop", kind="folder", settings={"path": str(tmp_path / "gone")})

    run = run_source(session, settings, "drop", actor=None)

    assert run.status == "failed"
    assert "gone" in (run.error or "") and "does not exist" in (run.error or "")
