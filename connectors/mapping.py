"""Source columns mapped to elements of the data standard, as a source's config states them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from connectors.errors import SourceConfigError

__all__ = ["ColumnMapping", "MappedFrame", "apply_mapping"]


@dataclass(frozen=True, kw_only=True)
class ColumnMapping:
    """Which source column feeds which element: ``{"身份证号": "id_number", "姓名": "name"}``.

    Keys are source column names exactly as the source gives them; values are element ``name``s of
    one entity (the DataFrame columns ``schemas.frames.validate_frame`` expects). Two source columns
    may not feed the same element.
    """

    columns: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for source_column, element in self.columns.items():
            if not source_column or not element:
                raise SourceConfigError("mapping", f"empty name in {source_column!r} -> {element!r}")
            if element in seen:
                raise SourceConfigError(
                    "mapping",
                    f"columns {seen[element]!r} and {source_column!r} both map to element {element!r}",
                )
            seen[element] = source_column


@dataclass(frozen=True, kw_only=True, eq=False)
class MappedFrame:
    """A frame with element names as columns, and what the mapping did not cover.

    ``unmapped`` are source columns present but not in the mapping (dropped; report them, as a new
    field may be hiding there); ``missing`` are mapped source columns the frame lacks.
    """

    frame: pd.DataFrame
    unmapped: tuple[str, ...]
    missing: tuple[str, ...]


def apply_mapping(frame: pd.DataFrame, mapping: ColumnMapping) -> MappedFrame:
    """Rename mapped columns to element names, in mapping order, and drop the rest; the index is kept."""
    present = [str(column) for column in frame.columns]
    mapped = [column for column in mapping.columns if column in present]
    renamed = frame.loc[:, mapped].rename(columns=dict(mapping.columns))
    return MappedFrame(
        frame=renamed,
        unmapped=tuple(column for column in present if column not in mapping.columns),
        missing=tuple(column for column in mapping.columns if column not in present),
    )
