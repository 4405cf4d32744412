"""How read rows leave the hub: one audited stream, and its JSON, CSV and Excel writers.

A streamed answer outlives the request's transaction, so the rows are read in a session of their own
and the read is put on the audit log afterwards in another, in `finally`: a client that hangs up half
way still leaves an entry naming the rows it was sent.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session, sessionmaker

from hub.kit.csvfile import csv_chunks, text_cell

Batch = Sequence[Sequence[Any]]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("json", "csv", "xlsx")


@dataclass(frozen=True, kw_only=True)
class Field:
    """One column of an answer: its key in JSON, its header in CSV and Excel, and its type there."""

    key: str
    header: str
    value_type: str = "string"  # date and year_month become date cells, integer and decimal numbers
    masked: bool = False


@dataclass(frozen=True, kw_only=True)
class Export:
    """A read ready to send: what it is and its bytes, produced as the client takes them."""

    media_type: str
    filename: str | None
    body: Iterator[bytes]


def audited(
    factory: sessionmaker[Session],
    read: Callable[[Session, Counter[str]], Iterator[Batch]],
    record: Callable[[Session, Counter[str]], None],
) -> Iterator[Batch]:
    """The batches `read` yields in a session of its own, counting rows per school in the counter it
    is given; then `record` puts the read on the audit log in a transaction of its own, whatever happened."""
    per_school: Counter[str] = Counter()
    try:
        with factory() as read_session:
            yield from read(read_session, per_school)
    finally:
        with factory.begin() as audit_session:
            record(audit_session, per_school)


def json_chunks(head: dict[str, Any], fields: Sequence[Field], batches: Iterable[Batch]) -> Iterator[bytes]:
    """`head` with "rows" (one object a row, keyed by the fields' keys) and "count", streamed."""
    keys = [f.key for f in fields]
    yield orjson.dumps(head)[:-1] + (b', "rows": [' if head else b'"rows": [')
    count = 0
    for batch in batches:
        if not batch:
            continue
        chunk = b",".join(orjson.dumps(dict(zip(keys, row, strict=True))) for row in batch)
        yield (b"," if count else b"") + chunk
        count += len(batch)
    yield b'], "count": ' + str(count).encode() + b"}"


def csv_export(fields: Sequence[Field], batches: Iterable[Batch]) -> Iterator[bytes]:
    return csv_chunks([f.header for f in fields], batches)


def _cell_value(field: Field, value: Any) -> Any:
    """A typed cell: dates as dates, numbers as numbers (masked values stay text)."""
    if value is None:
        return None
    if isinstance(value, str) and field.value_type in ("date", "year_month"):
        try:
            return date.fromisoformat(value if field.value_type == "date" else f"{value}-01")
        except ValueError:
            return value
    return text_cell(value)


def xlsx_export(
    fields: Sequence[Field], batches: Iterable[Batch], heading: Sequence[tuple[str, str]] = ()
) -> Iterator[bytes]:
    """The rows as one sheet: the heading's lines on top (a title, then 表号, 批准文号 … as "label：value"),
    a blank row, then a bold frozen header, widths for Chinese headers, typed date and number cells."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="数据")
    header_row = len(heading) + 2 if heading else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    for index, f in enumerate(fields, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, 2 * len(f.header) + 2)
    for position, (label, value) in enumerate(heading):
        cell = WriteOnlyCell(sheet, value=text_cell(f"{label}：{value}" if label else value))
        cell.font = Font(bold=True, size=14) if position == 0 else Font(size=11)
        sheet.append([cell])
    if heading:
        sheet.append([])
    header = []
    for f in fields:
        cell = WriteOnlyCell(sheet, value=f.header)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = {"date": "yyyy-mm-dd", "year_month": "yyyy-mm"}
    for batch in batches:
        for row in batch:
            cells: list[Any] = []
            for f, value in zip(fields, row, strict=True):
                shown = _cell_value(f, value)
                if isinstance(shown, date) and f.value_type in formats:
                    cell = WriteOnlyCell(sheet, value=shown)
                    cell.number_format = formats[f.value_type]
                    cells.append(cell)
                else:
                    cells.append(shown)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    yield buffer.getvalue()


def export(
    fmt: str,
    *,
    fields: Sequence[Field],
    batches: Iterable[Batch],
    head: dict[str, Any],
    name: str,
    heading: Sequence[tuple[str, str]] = (),
) -> Export:
    """The rows in `fmt` (json, csv or xlsx), named `name` with the format's suffix for a download."""
    if fmt == "csv":
        return Export(
            media_type="text/csv; charset=utf-8", filename=f"{name}.csv", body=csv_export(fields, batches)
        )
    if fmt == "xlsx":
        return Export(media_type=XLSX, filename=f"{name}.xlsx", body=xlsx_export(fields, batches, heading))
    return Export(media_type="application/json", filename=None, body=json_chunks(head, fields, batches))
