"""`hub import` as an operator runs it: a CSV of schools, then an XLSX-free CSV of teachers with bad rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from hub.cli import app
from hub.demo.city import generate_city
from hub.records.models import teachers_table

runner = CliRunner()


def test_import_reports_progress_counts_and_writes_the_rejected_rows(
    cli_database: Engine, tmp_path: Path
) -> None:
    city = generate_city(seed=4, schools=3, teachers=40)
    schools_csv, teachers_csv, errors_csv = (
        tmp_path / "学校.csv",
        tmp_path / "教师.csv",
        tmp_path / "errors.csv",
    )
    city.schools.to_csv(schools_csv, index=False, encoding="utf-8-sig")
    teachers = city.teachers.astype(str)
    teachers.loc[teachers.index[5], "gender"] = "不详X"  # row 7 of the file as a person counts
    teachers.to_csv(teachers_csv, index=False, encoding="gb18030")

    first = runner.invoke(app, ["import", "schools", str(schools_csv)])
    assert first.exit_code == 0, first.output
    assert "3 accepted (3 new" in first.output
    second = runner.invoke(app, ["import", "teachers", str(teachers_csv), "--errors", str(errors_csv)])
    assert second.exit_code == 0, second.output
    assert "validating and storing rows" in second.output and "100%" in second.output
    assert (
        f"{len(teachers) - 1} accepted ({len(teachers) - 1} new" in second.output
        and "1 rejected" in second.output
    )
    with errors_csv.open(encoding="utf-8-sig") as fh:
        rejected = list(csv.DictReader(fh))
    assert [(r["row"], r["value"]) for r in rejected] == [("7", "不详X")]
    with cli_database.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(teachers_table)) == len(teachers) - 1


def test_an_import_whose_file_breaks_after_the_first_chunk_stores_nothing(
    cli_database: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import connectors.files

    monkeypatch.setattr(connectors.files, "CHUNK_ROWS", 10)  # the file is read 10 records at a time
    city = generate_city(seed=4, schools=3, teachers=40)
    schools_csv, teachers_csv, errors_csv = (
        tmp_path / "学校.csv",
        tmp_path / "教师.csv",
        tmp_path / "errors.csv",
    )
    city.schools.to_csv(schools_csv, index=False, encoding="utf-8-sig")
    teachers = city.teachers.astype(str)
    teachers.loc[teachers.index[5], "gender"] = "不详X"  # a rejection in the first chunk
    lines = teachers.to_csv(index=False).splitlines()
    lines[31] = '"' + lines[31]  # row 32: a quote never closed, in the fourth chunk
    teachers_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["import", "schools", str(schools_csv)]).exit_code == 0
    failed = runner.invoke(app, ["import", "teachers", str(teachers_csv), "--errors", str(errors_csv)])
    assert failed.exit_code == 1 and "引号没有闭合" in failed.output
    assert not errors_csv.exists()
    with cli_database.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(teachers_table)) == 0
