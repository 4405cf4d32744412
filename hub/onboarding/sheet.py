"""The onboarding sheet as an XLSX workbook: one line a school, its one-time code to hand over."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font

from hub.kit.clock import DEFAULT_TIMEZONE
from hub.kit.sheets import workbook_bytes
from hub.onboarding.service import Sheet

HEADER = ("学校标识码", "学校名称", "所在区划", "账号", "激活码（一次有效）")


def sheet_workbook(sheet: Sheet, *, activate_at: str) -> bytes:

    book = Workbook()
    page = book.active
    assert page is not None
    page.title = "激活码"
    issued = sheet.issued_at.astimezone(ZoneInfo(DEFAULT_TIMEZONE)).strftime("%Y-%m-%d %H:%M")
    page.append([f"{sheet.division_name or '全部学校'} 学校账号激活码 · 签发于 {issued}"])
    page.append([f"学校在 {activate_at} 输入本校激活码，取得本校令牌；每个激活码只能使用一次，请妥善分发。"])
    page.append(list(HEADER))
    for cell in page[3]:
        cell.font = Font(bold=True)
    for line in sheet.lines:
        page.append(
            [line.school_code, line.school_name, line.division_name or "", line.account, line.activation_code]
        )
    for column, width in zip("ABCDE", (14, 36, 28, 22, 24), strict=True):
        page.column_dimensions[column].width = width
    return workbook_bytes(book)
