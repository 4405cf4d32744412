"""`hub eval-dedup` replays real forms through the whole REST flow: collected forms are approved,
published and filled by schools, then checked forms are classified against what was gathered."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from hub.cli import app

FORMS = Path(__file__).parents[1] / "dedup" / "data" / "real" / "holdout5" / "a-dangan.yaml"


def test_eval_dedup_replays_a_form_set_with_collection_and_prints_its_score() -> None:
    result = CliRunner().invoke(app, ["eval-dedup", str(FORMS), "--verbose"])
    assert result.exit_code == 0, result.output
    # Collection went through approval, publication and the schools' submissions (which once crashed
    # on a chunk of refused rows), and the score line closes the replay.
    assert "schools filled" in result.output
    assert re.search(
        r"dedup: F1 \d\.\d{3} P \d\.\d{3} R \d\.\d{3} \(tp \d+ fp \d+ fn \d+ tn \d+\)", result.output
    )
