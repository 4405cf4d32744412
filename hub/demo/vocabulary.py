"""Draws coded values by their labels, so the generator never hard-codes the standard's codes.

The tables of the generator say "一级教师" or "汉族"; the standard decides which code each
stands for. A label the standard cannot resolve is a bug in the generator and fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

import schemas


class UnresolvedLabelError(LookupError):
    """A label the generator uses is not in the code list of its element."""

    def __init__(self, *, element: str, label: str) -> None:
        self.element = element
        self.label = label
        super().__init__(
            f"{element}：代码表中没有“{label}” / {element}: code list has no entry for {label!r}"
        )


class Vocabulary:
    """Code lookups for one entity of a standard."""

    def __init__(self, standard: schemas.Standard, entity: str) -> None:
        self.standard = standard
        self.entity = entity

    def codes(self, element: str, labels: Sequence[str]) -> npt.NDArray[np.object_]:
        """The codes of `labels` in the code list of `element`, in the same order.

        An object array: indexing it shares the few code strings among a million rows, which
        pandas takes as is, where fixed-width numpy strings would each become a new object.
        """
        code_list_name = self.standard.element(f"{self.entity}.{element}").code_list
        if code_list_name is None:
            raise UnresolvedLabelError(element=element, label="(element has no code list)")
        code_list = self.standard.code_list(code_list_name)
        resolved = []
        for label in labels:
            code = code_list.resolve(label)
            if code is None:
                raise UnresolvedLabelError(element=element, label=label)
            resolved.append(code)
        return np.array(resolved, dtype=object)

    def code(self, element: str, label: str) -> str:
        """The code of one label."""
        return str(self.codes(element, [label])[0])

    def draw(
        self, rng: np.random.Generator, element: str, weights: Mapping[str, float], size: int
    ) -> npt.NDArray[np.object_]:
        """`size` codes drawn with the given relative weights per label."""
        codes = self.codes(element, list(weights))
        return codes[rng.choice(len(codes), size=size, p=normalised(weights.values()))]

    def draw_grouped(
        self,
        rng: np.random.Generator,
        element: str,
        labels: Sequence[str],
        groups: npt.NDArray[np.integer],
        weights: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.object_]:
        """One code per row, drawn with the weights (groups × labels) of the row's group."""
        return self.codes(element, labels)[sample_grouped(rng, groups, weights)]


def normalised(weights: Iterable[float]) -> npt.NDArray[np.float64]:
    values = np.fromiter(weights, dtype=np.float64)
    return np.asarray(values / values.sum(), dtype=np.float64)


def sample_grouped(
    rng: np.random.Generator, groups: npt.NDArray[np.integer], weights: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    """For each row, a column index drawn with the relative weights of its group's row in `weights`.

    Rows of one group are sampled together by inverse CDF, so the cost grows with the number
    of rows, not rows times columns.
    """
    weights = np.asarray(weights, dtype=np.float64)
    totals = weights.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(weights, axis=1) / np.where(totals > 0, totals, 1)
    draws = rng.random(len(groups))
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(np.asarray(groups)[order], np.arange(len(weights) + 1))
    result = np.zeros(len(groups), dtype=np.int64)
    for group in range(len(weights)):
        rows = order[bounds[group] : bounds[group + 1]]
        if rows.size:
            result[rows] = np.searchsorted(cumulative[group], draws[rows], side="right")
    return np.minimum(result, weights.shape[1] - 1)
