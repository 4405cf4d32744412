"""XLSX as people open it: no text the hub writes into a workbook is ever run as a formula."""

from __future__ import annotations

import io

from openpyxl import Workbook

from hub.kit.csvfile import FORMULA_START, text_cell


def workbook_bytes(book: Workbook) -> bytes:
    """`book` saved as XLSX bytes, every text cell that a spreadsheet would take for a formula (starting
    with = + - @, a tab or a CR) quoted first, as the CSV exports quote it. Names, titles and notes come
    from imports and from departments' forms: openpyxl would store `=cmd|' /C calc'!A0` as a live formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.value = text_cell(cell.value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
