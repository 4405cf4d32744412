"""Reading an uploaded or dropped file into a frame, with reader errors turned into the hub's 422."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pandas as pd

import schemas
from connectors.files import FileReadError, TableStream, TooManyRowsError, open_table, read_table
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
    name = filename or (content.name if isinstance(content, Path) else None)
    try:
        table = read_table(
            content, filename=name, sheet=sheet, expected_headers=expected_headers, max_rows=max_rows
        )
    except TooManyRowsError as exc:
        raise UploadTooManyRows(*halves(exc), detail={"file": name, "max_rows": exc.max_rows}) from exc
    except ValueError as exc:
        raise FileUnreadable(*halves(exc), detail={"file": name}) from exc
    sha256 = file_sha256(content) if isinstance(content, Path) else hashlib.sha256(content).hexdigest()
    return table.frame, sha256


class UploadStream:
    """A file opened for a streamed import: its headers, then its rows chunk by chunk
    (see `connectors.files.TableStream`), with reader errors met on the way as the hub's 422/413."""

    def __init__(self, stream: TableStream, name: str | None, max_rows: int | None) -> None:
        self._stream = stream
        self._name = name
        self._max_rows = max_rows
        self.headers = stream.headers

    def chunks(self) -> Iterator[pd.DataFrame]:
        try:
            yield from self._stream.chunks()
        except FileReadError as exc:
            raise _upload_error(exc, self._name) from exc

    @property
    def blank_columns(self) -> tuple[str, ...]:
        return self._stream.blank_columns


def open_upload(
    content: bytes | Path | BinaryIO,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    expected_headers: Iterable[str] = (),
    max_rows: int | None = None,
) -> UploadStream:
    """The file as a stream of frames of strings (index = row numbers as a person sees them), never
    held whole: for `hub import`, the import API and everything else that reads large files."""
    name = filename or (content.name if isinstance(content, Path) else None)
    try:
        stream = open_table(
            content, filename=name, sheet=sheet, expected_headers=expected_headers, max_rows=max_rows
        )
    except FileReadError as exc:
        raise _upload_error(exc, name) from exc
    return UploadStream(stream, name, max_rows)


def _upload_error(exc: FileReadError, name: str | None) -> Exception:
    if isinstance(exc, TooManyRowsError):
        return UploadTooManyRows(*halves(exc), detail={"file": name, "max_rows": exc.max_rows})
    return FileUnreadable(*halves(exc), detail={"file": name})


def file_sha256(content: Path | BinaryIO) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks (a binary file is read from its start)."""
    digest = hashlib.sha256()
    with content.open("rb") if isinstance(content, Path) else contextlib.nullcontext(content) as handle:
        handle.seek(0)
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


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
