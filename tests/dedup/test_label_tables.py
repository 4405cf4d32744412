"""The tables of realistic labels: every row is a label a department might send, and its answer."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dedup import Matcher

_DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[tuple[str, str, str | None]]:
    table = yaml.safe_load((_DATA / name).read_text(encoding="utf-8"))
    return [(entity, str(label), expected) for entity, rows in table.items() for label, expected in rows]


_TABLE = _rows("labels.yaml")
_MORE = _rows("labels_more.yaml")


def test_the_tables_are_large_and_name_real_elements(matcher: Matcher) -> None:
    rows = _TABLE + _MORE
    assert len(rows) >= 150
    assert sum(1 for _, _, expected in rows if expected is None) >= 50  # traps, not only easy hits
    for _, label, expected in rows:
        assert expected is None or matcher.standard.has_element(expected), label


@pytest.mark.parametrize(("entity", "label", "expected"), _TABLE + _MORE)
def test_label(matcher: Matcher, entity: str, label: str, expected: str | None) -> None:
    found = matcher.match(label, entity=entity)
    assert found.element == expected, found.explanation_en
    if expected is None:
        assert found.kind == "none"
    else:
        assert found.confidence >= 0.75
