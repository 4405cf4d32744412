"""Small-cell suppression: no group under k is shown, or recoverable from the totals a reader knows."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.reads.suppression import Cell, suppress

K = 5


def margins(cells: list[Cell]) -> list[list[int]]:
    """Every line whose total another query can show: cells differing in one key only, summing to k or more."""
    width = len(cells[0].keys)
    lines = []
    for dimension in range(width):
        groups: dict[tuple, list[int]] = {}
        for i, cell in enumerate(cells):
            groups.setdefault(cell.keys[:dimension] + cell.keys[dimension + 1 :], []).append(i)
        lines += [ln for ln in groups.values() if sum(cells[i].count for i in ln) >= K]
    return lines


def recoverable(cells: list[Cell], withheld: set[int], total_shown: bool) -> set[int]:
    """Withheld cells a reader can compute exactly from what the answer shows: the other cells and the total."""
    order = sorted(withheld)
    rows = []
    for line in [list(range(len(cells)))] if total_shown else []:
        row = [1.0 if i in line else 0.0 for i in order]
        if any(row):
            rows.append(row)
    if not rows or not order:
        return set()
    _, singular, vt = np.linalg.svd(np.array(rows))
    null = vt[int((singular > 1e-9).sum()) :]
    if null.shape[0] == 0:
        return set(order)
    return {order[j] for j in range(len(order)) if np.abs(null[:, j]).max() < 1e-9}


def table(counts: list[int], width: int) -> list[Cell]:
    side = 3 if width == 2 else len(counts)
    keys = itertools.product(range(side), repeat=width) if width == 2 else ((i,) for i in range(len(counts)))
    return [Cell(keys=tuple(k), count=c) for k, c in zip(keys, counts, strict=False) if c > 0]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 2).flatmap(
        lambda w: st.tuples(st.just(w), st.lists(st.integers(0, 30), min_size=1, max_size=9))
    )
)
def test_no_small_cell_is_shown_or_recoverable(shape: tuple[int, list[int]]) -> None:
    width, counts = shape
    cells = table(counts, width)
    if not cells:
        return
    outcome = suppress(cells, K)
    small = {i for i, c in enumerate(cells) if c.count < K}
    assert small <= outcome.withheld
    total = sum(c.count for c in cells)
    assert outcome.total_withheld or total >= K
    assert not (recoverable(cells, set(outcome.withheld), not outcome.total_withheld) & small)
    # Against margins other queries show: a line never has a lone withheld cell while it has others to withhold.
    for line in margins(cells):
        hidden = [i for i in line if i in outcome.withheld]
        if len(hidden) == 1:
            assert all(i in outcome.withheld for i in line)


def test_a_lone_small_group_takes_the_next_smallest_with_it() -> None:
    cells = [Cell(keys=("A",), count=3), Cell(keys=("B",), count=100), Cell(keys=("C",), count=40)]
    outcome = suppress(cells, K)
    assert outcome.withheld == {0, 2} and not outcome.total_withheld


def test_a_two_by_two_table_with_one_small_cell_withholds_the_rectangle() -> None:
    cells = [
        Cell(keys=("A", "x"), count=3),
        Cell(keys=("A", "y"), count=10),
        Cell(keys=("B", "x"), count=20),
        Cell(keys=("B", "y"), count=20),
    ]
    assert suppress(cells, K).withheld == {0, 1, 2, 3}


def test_tables_without_small_cells_are_left_alone() -> None:
    cells = [Cell(keys=(i,), count=5 + i) for i in range(6)]
    assert suppress(cells, K).withheld == frozenset()
