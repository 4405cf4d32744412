"""The 自查表 as the 高平方案 prints it (附件2): title, 学校/填表时间 line, 项目 | 内容 | 自查情况 | 备注 with the
group cells merged, wrapped text, A4 portrait at one page wide, signature lines at the foot."""

from __future__ import annotations

from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.page import PageMargins

from hub.kit.sheets import workbook_bytes
from hub.selfcheck.items import HEADERS, TITLE
from hub.selfcheck.service import SelfCheck

SHEET = "自查表"
HEADER_ROW = 4
# Column widths in characters: a group name in a narrow column, the item text widest.
WIDTHS = {"A": 13, "B": 52, "C": 40, "D": 26}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(wrap_text=True, horizontal="center", vertical="center")
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_SCHOOL_FILL = PatternFill("solid", fgColor="FFF2CC")  # what the school still has to answer itself


def _lines(text: str, width: int) -> int:
    """Rows of text a wrapped cell needs (CJK characters take two widths), for a row height Excel keeps."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    # A column `width` characters wide holds about that many Latin characters, half as many CJK ones.
    return max(1, -(-units // max(1, width - 2)) + text.count("\n"))


def build_workbook(check: SelfCheck, *, title: str = TITLE) -> bytes:
    """The XLSX bytes of one school's 自查表 for a term."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET

    sheet.merge_cells("A1:D1")
    sheet["A1"] = title
    sheet["A1"].font = Font(name="宋体", size=16, bold=True)
    sheet["A1"].alignment = _CENTRE
    sheet.row_dimensions[1].height = 30

    school = f"{check.school_name}（{check.school_code}）" if check.school_name else check.school_code
    sheet.merge_cells("A2:B2")
    sheet["A2"] = f"学校（盖章）：{school}"
    sheet.merge_cells("C2:D2")
    day = check.filled_on
    sheet["C2"] = f"填表时间：{day.year} 年 {day.month} 月 {day.day} 日"
    sheet["C2"].alignment = Alignment(horizontal="right")
    term = check.term
    sheet.merge_cells("A3:D3")
    sheet["A3"] = (
        f"学期：{term.label}（{term.start.isoformat()} 至 {term.end.isoformat()}）。自查情况由一次数据中心依据本校记录生成，"
        f"标“需学校自查”的项目由学校填写。"
    )
    sheet["A3"].font = Font(size=9, italic=True)
    sheet["A3"].alignment = _WRAP
    sheet.row_dimensions[3].height = 28

    for column, header in zip("ABCD", HEADERS, strict=True):
        cell = sheet[f"{column}{HEADER_ROW}"]
        cell.value = header
        cell.font = Font(bold=True)
        cell.alignment = _CENTRE
        cell.fill = _HEADER_FILL
        cell.border = _BORDER

    row = HEADER_ROW + 1
    for group, members in groupby(check.rows, key=lambda r: r.item.group):
        first = row
        for entry in members:
            answer = entry.answer
            values = {"B": entry.item.content, "C": answer.text, "D": answer.note}
            for column in "ABCD":
                cell = sheet[f"{column}{row}"]
                if column in values:
                    cell.value = values[column] or None
                cell.alignment = _WRAP
                cell.border = _BORDER
            if answer.source == "school":
                sheet[f"C{row}"].fill = _SCHOOL_FILL
            height = max(_lines(str(values[c] or ""), WIDTHS[c]) for c in "BCD")
            sheet.row_dimensions[row].height = 15 * height + 4
            row += 1
        sheet[f"A{first}"] = group
        if row - 1 > first:
            sheet.merge_cells(f"A{first}:A{row - 1}")
        sheet[f"A{first}"].alignment = _CENTRE
        sheet[f"A{first}"].font = Font(bold=True)

    row += 1
    sheet[f"A{row}"] = "填表人："
    sheet[f"C{row}"] = "校长签字："

    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.print_options.horizontalCentered = True

    return workbook_bytes(workbook)
