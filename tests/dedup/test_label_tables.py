"""The tables of realistic labels: every row is a label a department might send, and its answer."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from dedup import Matcher
from schemas import Standard

_DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[tuple[str, str, str | None, str | None]]:
    """Rows of a table: entity, label, expected element, and a reason when it is a known miss."""
    table = yaml.safe_load((_DATA / name).read_text(encoding="utf-8"))
    return [
        (entity, str(row[0]), row[1], row[2] if len(row) > 2 else None)
        for entity, rows in table.items()
        for row in rows
    ]


_ROWS = _rows("labels.yaml") + _rows("labels_more.yaml") + _rows("labels_third.yaml")


def _cases() -> list[object]:
    cases: list[object] = []
    for entity, label, expected, miss in _ROWS:
        # A known miss must stay a miss until fixed: strict, so that fixing it shows.
        marks = [pytest.mark.xfail(reason=miss, strict=True)] if miss else []
        cases.append(pytest.param(entity, label, expected, marks=marks, id=f"{entity}-{label}"))
    return cases


def test_the_tables_are_large_and_name_real_elements(matcher: Matcher) -> None:
    assert len(_ROWS) >= 150
    assert sum(1 for row in _ROWS if row[2] is None) >= 50  # traps, not only easy hits
    assert sum(1 for row in _ROWS if row[3]) <= 0.02 * len(_ROWS)
    for _, label, expected, _ in _ROWS:
        assert expected is None or matcher.standard.has_element(expected), label


@pytest.mark.parametrize(("entity", "label", "expected"), _cases())
def test_label(matcher: Matcher, entity: str, label: str, expected: str | None) -> None:
    found = matcher.match(label, entity=entity)
    assert found.element == expected, found.explanation_en
    if expected is None:
        assert found.kind == "none"
    else:
        assert found.confidence >= 0.75


def test_structure_alone_stays_precise(standard: Standard) -> None:
    """With the standard's synonyms removed, only structure (subjects, term classes, periods, units)
    can match: what it matches must still be right, so that labels no synonym foresaw are safe."""
    thin = Standard(
        version=standard.version,
        elements=tuple(dataclasses.replace(e, synonyms=()) for e in standard.elements),
        code_lists=standard.code_lists,
    )
    matcher = Matcher(thin)
    right = wrong = missed = 0
    for entity, label, expected, _ in _ROWS:
        got = matcher.match(label, entity=entity).element
        if got is not None and got == expected:
            right += 1
        elif got is not None:
            wrong += 1
        elif expected is not None:
            missed += 1
    assert right / (right + wrong) >= 0.99
    assert right / (right + missed + wrong) >= 0.7
