"""Reading an uploaded or dropped file into a frame, with reader errors turned into the hub's 422."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

import schemas
from connectors.files import TooManyRowsError, read_table
from hub.errors import halves
from hub.records.errors import FileUnreadable, UploadTooManyRows


def read_upload(
    content: bytes | Path,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    expected_headers: Iterable[str] = (),
    max_rows: int | None = None,
) -> tuple[pd.DataFrame, str]:
    """The file as a frame of strings (index = row numbers as a person sees them) and its SHA-256.

    `expected_headers` (the standard's labels for the entity) lets the reader find the header row
    under title rows reliably. `max_rows` bounds an upload through the API or the web (413 past it).
    """
    raw = content.read_bytes() if isinstance(content, Path) else content
    name = filename or (content.name if isinstance(content, Path) else None)
    try:
        table = read_table(
            raw, filename=name, sheet=sheet, expected_headers=expected_headers, max_rows=max_rows
        )
    except TooManyRowsError as exc:
        raise UploadTooManyRows(*halves(exc), detail={"file": name, "max_rows": exc.max_rows}) from exc
    except ValueError as exc:
        raise FileUnreadable(*halves(exc), detail={"file": name}) from exc
    return table.frame, hashlib.sha256(raw).hexdigest()


def entity_headers(std: schemas.Standard, entity: str) -> list[str]:
    """Every way the standard writes an entity's column headers: labels and synonyms."""
    return [label for e in std.elements_for(entity) for label in (e.label_zh, e.label_en, *e.synonyms)]


def as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A typed frame as a file reader gives it: text cells, rows numbered as a spreadsheet shows them."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    out = out.astype("string").fillna("")
    out.index = range(2, len(out) + 2)  # row 1 is the header
    return out
