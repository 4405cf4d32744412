"""A request's progress as Excel: one row per school, as the education bureau follows it up."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font

from hub.kit.clock import DEFAULT_TIMEZONE
from hub.kit.sheets import workbook_bytes
from hub.tasks.service import Progress

STATE_WORDS = {
    "not_opened": ("未查看", "not opened"),
    "in_progress": ("填报中", "in progress"),
    "submitted": ("已提交", "submitted"),
    "overdue": ("已逾期", "overdue"),
}
HEADERS = (
    "学校名称",
    "学校标识码",
    "状态",
    "已填行数",
    "应填行数",
    "已填比例（已填行数 ÷ 应填行数）",
    "提交次数",
    "最近提交",
    "首次查看",
    "催报次数",
    "最近催报",
    "未填原因（确认完成时说明）",
)
_LOCAL = ZoneInfo(DEFAULT_TIMEZONE)


def _local(moment: datetime | None) -> datetime | None:
    # Excel keeps no time zone: write Beijing time, as people read it.
    return moment.astimezone(_LOCAL).replace(tzinfo=None) if moment is not None else None


def progress_workbook(progress: Progress) -> bytes:
    """The progress table: a title row naming the request and its deadline, then a frozen header."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "填报进度"
    request = progress.request
    sheet.append([f"{request.title}（需求 {request.id}）填报进度", f"截止日期 {request.deadline or '—'}"])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for task in progress.tasks:
        share = task.rows_filled / task.rows_expected if task.rows_expected else 1.0
        sheet.append(
            [
                progress.school_names.get(task.school_code, ""),
                task.school_code,
                STATE_WORDS[progress.states[task.id]][0],
                task.rows_filled,
                task.rows_expected,
                share,
                task.submissions,
                _local(task.last_submission_at),
                _local(task.opened_at),
                len(progress.reminders_of(task.id)),
                _local(progress.last_reminded_at(task.id)),
                task.done_reason or "",
            ]
        )
        row = sheet.max_row
        sheet.cell(row=row, column=2).number_format = "@"
        sheet.cell(row=row, column=6).number_format = "0%"
        for column in (8, 9, 11):
            sheet.cell(row=row, column=column).number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A3"
    for letter, width in zip("ABCDEFGHIJKL", (30, 13, 9, 9, 9, 16, 9, 17, 17, 9, 17, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook_bytes(workbook)
