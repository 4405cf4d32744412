"""The XLSX a school fills: zh labels as headers, prefilled rows, dropdowns from the standard's code lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

import schemas
from hub.kit.clock import local_today
from hub.kit.sheets import workbook_bytes
from hub.requests.proposals import TYPE_WORDS
from hub.tasks.columns import TaskColumn
from hub.tasks.service import (
    CLEAR_MARKER,
    ID_HINT_HEADER,
    NAME_HEADER,
    REFERENCE_HEADER,
    SCHOOL_NAME_HEADER,
    FormHeader,
    PrefilledRow,
)
from schemas.frames import plausible_dates
from schemas.periods import period_containing

FILL_SHEET = "填报"
NOTES_SHEET = "说明"
CODES_SHEET = "代码表"
# Excel refuses an inline list longer than 255 characters, and a dropdown of dozens of entries reads better
# from a column: such lists live on the hidden code sheet.
INLINE_LIST_LIMIT = 255
INLINE_LIST_CHOICES = 30
BOOLEAN_CHOICES = ("是", "否")

_CONTEXT_FILL = PatternFill("solid", fgColor="E7E6E6")
_FIELD_FILL = PatternFill("solid", fgColor="FFF2CC")
_BOLD = Font(bold=True)
_OPEN = Protection(locked=False)
DATE_FORMATS = {"date": "yyyy-mm-dd", "year_month": "yyyy-mm"}
# With the statistical form's header block the table's header row is row 8; a reader of the upload
# finds it by its labels (connectors.files), so a file with or without the block reads the same.
HEADER_ROW = 8
_TITLE = Font(bold=True, size=14)


def _write_form_header(sheet: Worksheet, header: FormHeader, width: int) -> None:
    """Rows 1–7: the title, the 表号 / 制表机关 / 批准机关 / 批准文号 / 有效期至 block at the right, as
    statistical forms print it, and the filling school with the deadline."""
    last = get_column_letter(max(width, 2))
    lines = [
        (header.title, _TITLE, "center"),
        (f"表　　号：{header.form_number}", None, "right"),
        (f"制表机关：{header.issuer}", None, "right"),
        (f"批准机关：{header.approver}", None, "right"),
        (f"批准文号：{header.approval_number}", None, "right"),
        (f"有效期至：{header.valid_until}", None, "right"),
        (f"填报单位：{header.school}　　截止日期：{header.deadline}", None, "left"),
    ]
    for row, (value, font, align) in enumerate(lines, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=value)
        cell.alignment = Alignment(horizontal=align, vertical="center")
        if font is not None:
            cell.font = font
    sheet.row_dimensions[1].height = 24


def header_for(element: schemas.Element) -> str:
    """The column header of an element: its zh label, with the unit when the label does not carry it."""
    if element.unit and element.unit not in element.label_zh:
        return f"{element.label_zh}（{element.unit}）"
    return element.label_zh


def _cell_value(std: schemas.Standard, element: schemas.Element, value: Any) -> Any:
    if value is None:
        return None
    if element.value_type == "code" and element.code_list:
        entry = std.code_list(element.code_list).get(str(value))
        return entry.label_zh if entry else str(value)
    if element.value_type == "boolean":
        return BOOLEAN_CHOICES[0] if value else BOOLEAN_CHOICES[1]
    if element.value_type in DATE_FORMATS and isinstance(value, str):
        try:
            return date.fromisoformat(value if len(value) > 7 else f"{value}-01")
        except ValueError:
            return value
    return value


def how_to_fill() -> str:
    return (
        "只需填写黄色列；灰色列由数据中心预填，仅供核对。空白单元格表示“不修改”，不会清除已保存的值；"
        f"要清除某个已保存的值，请在该单元格填写 {CLEAR_MARKER}。"
        f" / Fill only the yellow columns; grey ones are prefilled. A blank cell means 'no change' and never "
        f"erases a saved value; to clear one, write {CLEAR_MARKER} in its cell."
    )


def column_header(column: TaskColumn, today: date) -> str:
    """A column's header: the element's label for today's period; another period's (or one of several)
    named by its period first (2025年继续教育学时（学时）), which the upload reads back as that period."""
    period = column.period
    if period is None or (not column.several and period == period_containing(period.kind, today)):
        return header_for(column.element)
    return column.header


def build_template(
    *,
    std: schemas.Standard,
    entity: str,
    columns: list[TaskColumn],
    rows: Iterable[PrefilledRow],
    notes: list[tuple[str, str]],
    stamp: str | None = None,
    form_header: FormHeader | None = None,
) -> bytes:
    """The workbook as bytes: the fill sheet first (what a reader of the upload takes), notes, hidden codes.

    `stamp` (tasks.service.template_stamp) goes into the workbook's properties: an older copy uploaded
    later is known by it, and values saved since it was made are kept.
    """
    workbook = Workbook()
    if stamp is not None:
        workbook.properties.identifier = stamp
    sheet = workbook.active
    assert sheet is not None
    sheet.title = FILL_SHEET
    teacher = entity == "teacher"
    context = (
        [REFERENCE_HEADER, NAME_HEADER, ID_HINT_HEADER] if teacher else [REFERENCE_HEADER, SCHOOL_NAME_HEADER]
    )
    today = local_today()
    elements = [c.element for c in columns]
    headers = context + [column_header(c, today) for c in columns]
    top = 1
    if form_header is not None:
        _write_form_header(sheet, form_header, len(headers))
        top = HEADER_ROW
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=top, column=index, value=header)
    count = 0
    for row in rows:
        identity: list[Any] = [row.reference, row.name]
        if entity == "teacher":
            identity.append(row.id_number_last4)
        values = identity + [_cell_value(std, c.element, row.values.get(c.key)) for c in columns]
        for index, value in enumerate(values, start=1):
            sheet.cell(row=top + 1 + count, column=index, value=value)
        count += 1
    last_row = max(top + count, top + 1)

    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=top, column=index)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.fill = _CONTEXT_FILL if index <= len(context) else _FIELD_FILL
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(header) * 2 + 4))
    sheet.cell(row=top, column=1).comment = Comment(
        "参考号用于确定是哪位教师，请勿修改；灰色列仅供核对，不会保存。"
        f"空白表示不修改，填写 {CLEAR_MARKER} 清除已保存的值。\n"
        "The reference identifies the row: do not change it. Grey columns are for checking only. "
        f"A blank cell changes nothing; {CLEAR_MARKER} clears a saved value.",
        "Yici Hub",
    )
    sheet.freeze_panes = sheet.cell(row=top + 1, column=len(context) + 1)

    codes_sheet = workbook.create_sheet(CODES_SHEET)
    codes_sheet.sheet_state = "hidden"
    code_column = 0
    for offset, element in enumerate(elements):
        column = len(context) + offset + 1
        letter = get_column_letter(column)
        cells = f"{letter}{top + 1}:{letter}{last_row}"
        for (cell,) in sheet.iter_rows(min_row=top + 1, max_row=last_row, min_col=column, max_col=column):
            # The only cells a school types in: open on the protected sheet.
            cell.protection = _OPEN
            if element.value_type in ("string", "code"):
                cell.number_format = "@"  # keep leading zeros as typed
            elif element.value_type in DATE_FORMATS:
                cell.number_format = DATE_FORMATS[element.value_type]
        validation, used_codes_column = _validation(std, element, codes_sheet, code_column)
        code_column += used_codes_column
        if validation is None:
            continue
        sheet.add_data_validation(validation)
        validation.add(cells)
        comment = _hint(std, element)
        if comment:
            sheet.cell(row=top, column=column).comment = Comment(comment, "Yici Hub")

    # Protected without a password: a guard against typing over references and prefilled columns, not
    # a lock (sorting, filtering and resizing stay allowed).
    sheet.protection.sheet = True
    sheet.protection.sort = False
    sheet.protection.autoFilter = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    notes_sheet = workbook.create_sheet(NOTES_SHEET)
    _write_notes(notes_sheet, std, list({e.code: e for e in elements}.values()), notes)
    return workbook_bytes(workbook)


def _validation(
    std: schemas.Standard, element: schemas.Element, codes_sheet: Worksheet, code_column: int
) -> tuple[DataValidation | None, bool]:
    """The cell check of an element, and whether it took a column of the hidden code sheet."""
    if element.value_type == "code" and element.code_list:
        labels = [c.label_zh for c in std.code_list(element.code_list).codes]
        inline = ",".join(labels)
        hidden = (
            len(inline) + 2 > INLINE_LIST_LIMIT
            or len(labels) > INLINE_LIST_CHOICES
            or any("," in label or '"' in label for label in labels)
        )
        if not hidden:
            formula = f'"{inline}"'
        else:
            letter = get_column_letter(code_column + 1)
            codes_sheet.cell(row=1, column=code_column + 1, value=element.label_zh)
            for row, label in enumerate(labels, start=2):
                codes_sheet.cell(row=row, column=code_column + 1, value=label)
            formula = f"{quote_sheetname(CODES_SHEET)}!${letter}$2:${letter}${len(labels) + 1}"
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        checked = _with_messages(validation, element, "请从下拉列表中选择", "choose a value from the list")
        return checked, hidden
    if element.value_type == "boolean":
        validation = DataValidation(type="list", formula1=f'"{",".join(BOOLEAN_CHOICES)}"', allow_blank=True)
        return _with_messages(validation, element, "请选择“是”或“否”", "choose 是 (yes) or 否 (no)"), False
    if element.value_type in ("integer", "decimal"):
        kind = "whole" if element.value_type == "integer" else "decimal"
        what_zh, what_en = ("整数", "whole number") if kind == "whole" else ("数值", "number")
        unit = element.unit or ""
        low, high = element.min_value, element.max_value
        if low is not None and high is not None:
            validation = DataValidation(
                type=kind, operator="between", formula1=_number(low), formula2=_number(high), allow_blank=True
            )
            zh = f"请填写 {_number(low)} 至 {_number(high)}{unit} 之间的{what_zh}"
            en = f"enter a {what_en} from {_number(low)} to {_number(high)}"
        elif low is not None:
            validation = DataValidation(
                type=kind, operator="greaterThanOrEqual", formula1=_number(low), allow_blank=True
            )
            zh, en = (
                f"请填写不小于 {_number(low)}{unit} 的{what_zh}",
                f"enter a {what_en} of at least {_number(low)}",
            )
        elif high is not None:
            validation = DataValidation(
                type=kind, operator="lessThanOrEqual", formula1=_number(high), allow_blank=True
            )
            zh, en = (
                f"请填写不大于 {_number(high)}{unit} 的{what_zh}",
                f"enter a {what_en} of at most {_number(high)}",
            )
        else:
            # No range: Excel still refuses text, and the message names no made-up bound.
            validation = DataValidation(type=kind, operator="between", formula1="-1E+15", formula2="1E+15")
            validation.allow_blank = True
            zh, en = f"请填写{what_zh}", f"enter a {what_en}"
        return _with_messages(validation, element, zh, en), False
    if element.value_type in ("date", "year_month"):
        earliest, latest = plausible_dates(element)
        first = f"DATE({earliest.year},{earliest.month},{earliest.day})"
        if latest is None:
            validation = DataValidation(
                type="date", operator="greaterThanOrEqual", formula1=first, allow_blank=True
            )
            zh = f"请填写 {earliest.isoformat()} 以后的日期，如 2024-09-01"
            en = f"enter a date from {earliest.isoformat()} on, e.g. 2024-09-01"
        else:
            validation = DataValidation(
                type="date", operator="between", formula1=first, formula2="TODAY()+1", allow_blank=True
            )
            zh = f"请填写 {earliest.isoformat()} 至今天之间的日期，如 2024-09-01（不能是将来的日期）"
            en = f"enter a date from {earliest.isoformat()} to today, e.g. 2024-09-01 (not in the future)"
        if element.value_type == "year_month":
            zh, en = zh.replace("2024-09-01", "2024-09"), en.replace("2024-09-01", "2024-09")
        return _with_messages(validation, element, zh, en), False
    return None, False


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _with_messages(validation: DataValidation, element: schemas.Element, zh: str, en: str) -> DataValidation:
    validation.showErrorMessage = True
    validation.errorTitle = f"{element.label_zh}：输入有误"
    validation.error = f"{zh} / {en}"
    return validation


def _hint(std: schemas.Standard, element: schemas.Element) -> str:
    parts = [element.description_zh] if element.description_zh else []
    if element.value_type == "date":
        parts.append("日期格式：2024-09-01 / date as YYYY-MM-DD")
    elif element.value_type == "year_month":
        parts.append("年月格式：2024-09 / year and month as YYYY-MM")
    elif element.value_type == "code" and element.code_list:
        code_list = std.code_list(element.code_list)
        parts.append(f"代码表：{code_list.label_zh}（{code_list.source}）")
    return "\n".join(parts)


def type_word(element: schemas.Element) -> str:
    """The kind of value a person enters, in words, with its range or unit (整数，0 至 1000 学时)."""
    word = TYPE_WORDS.get(element.value_type, ("文本", "text"))[0]
    low, high, unit = element.min_value, element.max_value, element.unit or ""
    if low is not None and high is not None:
        return f"{word}，{_number(low)} 至 {_number(high)}{unit}"
    if low is not None:
        return f"{word}，不小于 {_number(low)}{unit}"
    if element.value_type in DATE_FORMATS and not element.future_allowed:
        return f"{word}，不晚于今天"
    return f"{word}{'（' + unit + '）' if unit else ''}"


def _write_notes(
    sheet: Worksheet, std: schemas.Standard, elements: list[schemas.Element], notes: list[tuple[str, str]]
) -> None:
    for key, value in notes:
        sheet.append([key, value])
        sheet.cell(row=sheet.max_row, column=1).font = _BOLD
    sheet.append([])
    sheet.append(["字段 field", "数据元 element", "类型 type", "说明 / 可选值 allowed values"])
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD
    for element in elements:
        allowed = ""
        if element.value_type == "code" and element.code_list:
            allowed = "、".join(f"{c.code} {c.label_zh}" for c in std.code_list(element.code_list).codes[:60])
        elif element.value_type == "boolean":
            allowed = "是 / 否"
        sheet.append(
            [header_for(element), element.label_zh, type_word(element), element.description_zh or allowed]
        )
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["D"].width = 80
