"""`hub sources …` as an operator types it: the demo city loaded from a connector, mappings proposed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from hub.audit.models import AuditEntry
from hub.cli import app
from hub.config import get_settings
from hub.db import transaction
from hub.demo.city import generate_city, write_city_files
from hub.records.models import IngestBatch, schools_table, teachers_table
from hub.sources.models import Source

DEMO_SOURCES = """\
# The demo city's drop folder: schools first (teachers name their school).
sources:
  - name: demo-schools
    kind: folder
    entity: school
    description: 学校基本信息表（XLSX，表头上方有标题行）
    settings:
      path: drop
      pattern: "schools*.xlsx"
  - name: demo-teachers
    kind: folder
    entity: teacher
    description: 教师信息（GB18030 编码的 CSV）
    settings:
      path: drop
      pattern: "teachers*.csv"
    schedule:
      cron: "*/30 * * * *"
"""


@pytest.fixture
def cli(
    scratch_database_url: str, scratch_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliRunner]:
    monkeypatch.setenv("HUB_DATABASE_URL", scratch_database_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "cli-test-secret-key-0123456789")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def invoke(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args), catch_exceptions=False, terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_city_loads_from_a_folder_source(
    cli: CliRunner, scratch_engine: Engine, tmp_path: Path
) -> None:
    city = generate_city(seed=4, schools=6, teachers=90)
    write_city_files(city, tmp_path / "drop")
    config = tmp_path / "sources.yaml"
    config.write_text(DEMO_SOURCES, encoding="utf-8")

    added = invoke(cli, "sources", "add", "--file", str(config))
    assert "added source demo-schools" in added and "added source demo-teachers" in added
    schools_run = invoke(cli, "sources", "run", "demo-schools")
    teachers_run = invoke(cli, "sources", "run", "demo-teachers")

    assert "succeeded" in schools_run and "succeeded" in teachers_run
    with transaction(scratch_engine) as session:
        stored_schools = set(session.scalars(select(schools_table.c.code)))
        stored_teachers = session.scalar(select(func.count()).select_from(teachers_table))
        kinds = set(session.scalars(select(IngestBatch.source_kind)))
        path = session.scalars(select(Source.settings).where(Source.name == "demo-teachers")).one()["path"]
    assert stored_schools == set(city.schools["code"])
    assert stored_teachers == len(city.teachers)
    assert kinds == {"connector"}
    assert path == str((tmp_path / "drop").resolve())  # relative to the YAML file

    # Each file once: a second run finds nothing new.
    again = invoke(cli, "sources", "run", "demo-teachers")
    assert "0 read" in again
    listing = invoke(cli, "sources", "list")
    assert "demo-teachers" in listing and "*/30" in listing and "succeeded" in listing
    history = invoke(cli, "sources", "runs", "demo-teachers")
    assert history.count("succeeded") == 2


def test_the_same_yaml_again_is_refused_unless_replacing(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "drop").mkdir()
    config = tmp_path / "sources.yaml"
    config.write_text(DEMO_SOURCES, encoding="utf-8")
    invoke(cli, "sources", "add", "--file", str(config))

    refused = cli.invoke(app, ["sources", "add", "--file", str(config)], terminal_width=200)
    assert refused.exit_code == 1 and "already exists" in refused.output
    replaced = invoke(cli, "sources", "add", "--file", str(config), "--replace")
    assert "updated source demo-schools" in replaced


def test_a_run_that_fails_exits_non_zero_with_the_reason(
    cli: CliRunner, scratch_engine: Engine, tmp_path: Path
) -> None:
    config = tmp_path / "broken.yaml"
    config.write_text(
        "name: gone\nkind: folder\nentity: school\nsettings: {path: /nonexistent/drop}\n", encoding="utf-8"
    )
    invoke(cli, "sources", "add", "--file", str(config))

    result = cli.invoke(app, ["sources", "run", "gone"], terminal_width=200)

    assert result.exit_code == 1
    assert "does not exist" in result.output
    with transaction(scratch_engine) as session:
        acts = [
            (e.action, e.principal_id, (e.detail or {}).get("trigger"), (e.detail or {}).get("status"))
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    # The operator at the console: no principal; the failed run is on the log all the same.
    assert acts == [("source.create", None, None, None), ("source.run", None, "manual", "failed")]


def test_an_invalid_yaml_config_names_the_problem(cli: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text("name: hr\nkind: ftp\nentity: teacher\nsettings: {}\n", encoding="utf-8")

    result = cli.invoke(app, ["sources", "add", "--file", str(config)], terminal_width=200)

    assert result.exit_code == 2 and "kind" in result.output


def test_suggest_mapping_proposes_elements_with_confidence(cli: CliRunner, tmp_path: Path) -> None:
    export = tmp_path / "hr-export.csv"
    pd.DataFrame(
        {
            "身份证号码": ["110101199003074514"],
            "姓名": ["王芳"],
            "出生年月": ["1990-03"],
            "工作单位": ["杭州市第一中学"],
            "配偶姓名": ["李强"],
            "内部流水号": ["A-000193"],
        }
    ).to_csv(export, index=False)

    output = invoke(cli, "sources", "suggest-mapping", "--file", str(export), "--entity", "teacher")

    lines = {
        line.split(":")[0].strip(): line for line in output.splitlines() if line.startswith(("  ", "  #"))
    }
    assert "  身份证号码: id_number" in output
    assert "  姓名: name" in output
    assert "  工作单位: school_code" in output or "# 工作单位: school_code" in output
    # The spouse's name is not the teacher's name, and an internal serial number is nobody's element.
    assert "配偶姓名: name" not in output.replace("# ", "")
    assert any("内部流水号" in key for key in lines)
    assert "confidence" in output
