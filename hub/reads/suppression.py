"""Small-cell suppression for aggregate tables, primary and complementary.

Primary: a cell counting fewer than k records (but some) is withheld. Complementary: a reader knows
the total of every line of the table (every group of cells that differ in one key only: the margin a
query with one key fewer returns) and the grand total, so a withheld cell alone in its line, or a
withheld set in a line whose sum is under k, would be recovered by subtraction; more cells are
withheld until no line gives one away. Then, for tables small enough, a linear-algebra check: every
withheld primary cell must remain undetermined by all the line totals together (it lies outside the
row space of the equations), else one more cell is withheld and the check repeats.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

Key = tuple[Hashable, ...]

# Above this many withheld cells the exact check is skipped (the line rule still holds).
EXACT_CHECK_LIMIT = 1500


@dataclass(frozen=True, kw_only=True)
class Cell:
    keys: Key
    count: int


@dataclass(frozen=True, kw_only=True)
class Suppression:
    withheld: frozenset[int]
    total_withheld: bool


def _lines(cells: Sequence[Cell]) -> list[list[int]]:
    """Indices of the cells in every line: along each key, the cells agreeing on all other keys."""
    if not cells:
        return []
    width = len(cells[0].keys)
    lines: list[list[int]] = []
    for dimension in range(width):
        groups: dict[Key, list[int]] = {}
        for index, cell in enumerate(cells):
            rest = cell.keys[:dimension] + cell.keys[dimension + 1 :]
            groups.setdefault(rest, []).append(index)
        lines.extend(groups.values())
    return lines


def _complement(
    cells: Sequence[Cell], line: list[int], withheld: set[int], lines_of: list[list[list[int]]]
) -> int | None:
    """The cell of `line` to withhold next: the smallest, preferring cells whose other lines can protect it."""
    candidates = [i for i in line if i not in withheld]
    if not candidates:
        return None

    def cost(index: int) -> tuple[int, int, tuple[str, ...]]:
        lonely = any(len(other) == 1 for other in lines_of[index])
        return (1 if lonely else 0, cells[index].count, tuple(str(k) for k in cells[index].keys))

    return min(candidates, key=cost)


def _determined(lines: list[list[int]], withheld: set[int]) -> list[int]:
    """Withheld cells whose value the published line totals pin down exactly."""
    order = sorted(withheld)
    if not order or len(order) > EXACT_CHECK_LIMIT:
        return []
    column = {cell: j for j, cell in enumerate(order)}
    rows = []
    for line in lines:
        hidden = [column[i] for i in line if i in withheld]
        if hidden:
            row = np.zeros(len(order))
            row[hidden] = 1.0
            rows.append(row)
    if not rows:
        return []
    # x_j is determined iff the unit vector e_j lies in the row space, i.e. the null space has no j-component.
    _, singular, vt = np.linalg.svd(np.array(rows))
    rank = int((singular > 1e-9).sum())
    null = vt[rank:]
    if null.shape[0] == 0:
        return order
    return [order[j] for j in range(len(order)) if np.abs(null[:, j]).max() < 1e-9]


def suppress(cells: Sequence[Cell], k: int) -> Suppression:
    """The cells (by index) and whether the grand total must be withheld, so that no cell under k is shown
    or recoverable from the totals a reader can know (every line total of at least k, and the grand total)."""
    total = sum(c.count for c in cells)
    primary = {i for i, c in enumerate(cells) if 0 < c.count < k} if k > 1 else set()
    withheld = set(primary)
    total_withheld = 0 < total < k
    if not primary:
        return Suppression(withheld=frozenset(), total_withheld=total_withheld)
    everything = list(range(len(cells)))
    # A line whose total is under k is itself withheld wherever it is published, so it reveals nothing.
    known = [ln for ln in _lines(cells) if sum(cells[i].count for i in ln) >= k]
    if not total_withheld and everything not in known:
        known.append(everything)
    for _ in range(2 * len(cells) + 2):
        lines_of: list[list[list[int]]] = [[] for _ in cells]
        for line in known:
            for index in line:
                lines_of[index].append(line)
        changed = False
        for line in known:
            hidden = [i for i in line if i in withheld]
            if hidden and (len(hidden) == 1 or sum(cells[i].count for i in hidden) < k):
                extra = _complement(cells, line, withheld, lines_of)
                if extra is not None:
                    withheld.add(extra)
                    changed = True
        if changed:
            continue
        exposed = [i for i in _determined(known, withheld) if i in primary]
        if not exposed:
            break
        for index in exposed:
            for line in lines_of[index]:
                extra = _complement(cells, line, withheld, lines_of)
                if extra is not None:
                    withheld.add(extra)
                    changed = True
                    break
        if not changed:
            if everything in known:
                # Nothing left to withhold inside the table: the grand total goes instead.
                known.remove(everything)
                total_withheld = True
                continue
            break
    return Suppression(withheld=frozenset(withheld), total_withheld=total_withheld)
