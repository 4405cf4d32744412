"""`hub audit verify` and `hub audit export` on a database of their own, as an operator runs them."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from hub.audit import service as audit
from hub.audit.models import AuditEntry
from hub.cli import app
from hub.db import transaction

runner = CliRunner()


class Reader:
    id = 7
    code = "hrss"
    kind = "department"


@pytest.fixture
def database(cli_database: Engine) -> Engine:
    engine = cli_database
    for i in range(5):
        with transaction(engine) as session:
            audit.append(
                session,
                principal=Reader(),
                action="query.rows",
                entity="teacher",
                elements=["teacher.name"],
                schools={"3301060001": i + 1},
                row_count=i + 1,
                grant_id=3,
            )
    return engine


def test_verify_passes_on_an_intact_chain_and_names_the_broken_entry(database: Engine) -> None:
    intact = runner.invoke(app, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "intact: 5 entries" in intact.output
    with database.begin() as connection:
        connection.execute(text("UPDATE audit_log SET elements = '[\"teacher.id_number\"]' WHERE id = 3"))
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "broken at entry 3" in broken.output and "altered" in broken.output


@pytest.mark.parametrize("suffix", ["jsonl", "csv"])
def test_export_of_a_period_carries_the_hashes(database: Engine, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"audit.{suffix}"
    today = date.today()
    answer = runner.invoke(app, ["audit", "export", str(out), "--from", str(today), "--to", str(today)])
    assert answer.exit_code == 0, answer.output
    if suffix == "jsonl":
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    else:
        records = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [int(r["id"]) for r in records] == [1, 2, 3, 4, 5]
    assert all(records[i + 1]["prev_hash"] == records[i]["hash"] for i in range(4))
    first = records[0]["schools"]
    assert (json.loads(first) if isinstance(first, str) else first) == {"3301060001": 1}
    empty = tmp_path / f"none.{suffix}"
    earlier = today - timedelta(days=30)
    answer = runner.invoke(app, ["audit", "export", str(empty), "--from", str(earlier), "--to", str(earlier)])
    assert answer.exit_code == 0 and "0 entries" in answer.output
    with transaction(database) as session:
        reads = [
            (e.principal_id, e.row_count, e.detail)
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "audit.read").order_by(AuditEntry.id)
            )
        ]
        assert audit.verify(session).ok
    # Each export is a read of the log, on the log: the console's, with the period and how many it held.
    assert [(who, rows, detail["export"]) for who, rows, detail in reads] == [
        (None, 5, suffix),
        (None, 0, suffix),
    ]
    assert reads[1][2]["target"]["from"].startswith(str(earlier))


def test_a_log_deleted_after_a_checkpoint_fails_verification(database: Engine, tmp_path: Path) -> None:
    directory = tmp_path / "checkpoints"
    written = runner.invoke(app, ["audit", "checkpoint", "--dir", str(directory)])
    assert written.exit_code == 0, written.output
    assert "checkpoint of 5 entries" in written.output
    intact = runner.invoke(app, ["audit", "verify", "--checkpoints", str(directory)])
    assert intact.exit_code == 0, intact.output
    assert "reaches all 1 signed checkpoints" in intact.output
    with database.begin() as connection:
        for table in ("audit_by_school", "audit_log", "audit_chain"):
            connection.execute(text(f"DELETE FROM {table}"))
    alone = runner.invoke(app, ["audit", "verify"])
    assert alone.exit_code == 0  # an empty log is consistent in itself: only the checkpoint knows better
    broken = runner.invoke(app, ["audit", "verify", "--checkpoints", str(directory)])
    assert broken.exit_code == 1
    assert "records 5 entries, the log now holds 0" in broken.output


def test_verify_against_an_empty_checkpoint_directory_says_so(database: Engine, tmp_path: Path) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    answer = runner.invoke(app, ["audit", "verify", "--checkpoints", str(empty)])
    assert answer.exit_code == 2
    assert "no checkpoint" in answer.output


def test_public_key_is_the_one_checkpoints_verify_under(database: Engine, tmp_path: Path) -> None:
    key = runner.invoke(app, ["audit", "public-key"])
    assert key.exit_code == 0
    runner.invoke(app, ["audit", "checkpoint", "--dir", str(tmp_path)])
    (path,) = tmp_path.glob("*.checkpoint.json")
    assert json.loads(path.read_text())["public_key"] == key.output.strip()
