"""CSV as people open it: UTF-8 with a byte-order mark, so that Excel reads the Chinese, and cells that
a spreadsheet would run as a formula written as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

BOM = "\ufeff"
# A cell beginning with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Bytes gathered before a chunk is handed on: large enough to keep writes few, small enough to stream.
CHUNK = 1 << 16


def text_cell(value: Any) -> Any:
    """`value` safe for a spreadsheet cell: a text that would start a formula is quoted by a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def csv_chunks(header: Sequence[str], batches: Iterable[Iterable[Sequence[Any]]]) -> Iterator[bytes]:
    """The header and every row of `batches` as CSV with a BOM, in chunks of about CHUNK bytes."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(header)
    for batch in batches:
        writer.writerows([text_cell(v) for v in row] for row in batch)
        if buffer.tell() > CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A whole CSV file with a BOM (for small answers: error lists, rejected rows)."""
    return b"".join(csv_chunks(header, [rows]))
