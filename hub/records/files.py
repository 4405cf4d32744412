"""Reading an uploaded or dropped file into a frame, with reader errors turned into the hub's 422."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import pandas as pd

import schemas
from connectors.files import FileReadError, ReadNotice, TableStream, TooManyRowsError, open_table, read_table
from hub.errors import halves
from hub.records.errors import FileUnreadable, HeaderRepeated, UploadTooManyRows


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
    _refuse_repeated_headers(table.notices, name)
    sha256 = file_sha256(content) if isinstance(content, Path) else hashlib.sha256(content).hexdigest()
    return table.frame, sha256


def _refuse_repeated_headers(notices: Iterable[ReadNotice], name: str | None) -> None:
    """A header written twice is refused, never read as 姓名 and 姓名_2: the hub cannot tell which
    column holds the values, and a silent choice would store the wrong one."""
    repeated = [n for n in notices if n.code == "duplicate_header"]
    if not repeated:
        return
    first = repeated[0]
    header = (first.column or "").rsplit("_", 1)[0]
    raise HeaderRepeated(
        f"表头“{header}”出现了不止一次（第 {first.row} 行）：请删除或改名重复的列后再上传",
        f"the header {header!r} appears more than once (row {first.row}): remove or rename the repeated column",
        detail={
            "file": name,
            "row": first.row,
            "field": header,
            "value": header,
            "reason": "duplicate header",
        },
    )


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
    # The header row is read: a repeated header is known before any row is.
    _refuse_repeated_headers(stream.notices, name)
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
