"""Draws coded values by their labels, so the generator never hard-codes the standard's codes.

The tables of the generator say "一级教师" or "汉族"; the standard decides which code each
stands for. A label the standard cannot resolve is a bug in the generator and fails loudly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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

    def draw_per_row(
        self,
        rng: np.random.Generator,
        element: str,
        labels: Sequence[str],
        probabilities: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.object_]:
        """One code per row, each row with its own probabilities over `labels` (rows × labels)."""
        return self.codes(element, labels)[sample_rows(rng, probabilities)]


def normalised(weights: object) -> npt.NDArray[np.float64]:
    values = np.fromiter(weights, dtype=np.float64)  # type: ignore[call-overload]
    return values / values.sum()


def sample_rows(rng: np.random.Generator, probabilities: npt.NDArray[np.float64]) -> npt.NDArray[np.intp]:
    """For each row of relative weights, the index of one column drawn with those weights."""
    cumulative = np.cumsum(probabilities, axis=1)
    draws = rng.random(len(probabilities)) * cumulative[:, -1]
    return np.minimum((draws[:, None] >= cumulative).sum(axis=1), probabilities.shape[1] - 1)
