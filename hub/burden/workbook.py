"""The burden dashboard as an XLSX: one sheet per school, one per county and the total, figures as numbers."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from hub.burden.service import BurdenReport, BurdenTotals, levels_of
from hub.kit.sheets import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SCHOOL_COLUMNS = (
    ("学校标识码", "school_code"),
    ("学校名称", "school_name"),
    ("县区", "division"),
    ("收到需求", "requests_received"),
    ("无需学校填报", "requests_satisfied_without_school"),
    ("被规则拦截", "requests_refused"),
    ("下发任务", "tasks_sent"),
    ("填报字段项次", "fields_filled"),
    ("免填字段项次", "fields_spared"),
    ("举报", "complaints"),
    ("统计年度", "year"),
    ("本年进入学校的事项", "demands_in_year"),
    ("基数年份", "baseline_year"),
    ("基数区划", "baseline_division"),
    ("基数", "baseline_demands"),
    ("减少比例", "reduction"),
    ("达标", "goal_met"),
)
LEVEL_COLUMNS = (
    ("学校数", "schools"),
    ("收到需求", "requests_received"),
    ("无需学校填报", "requests_satisfied_without_school"),
    ("下发任务", "tasks_sent"),
    ("填报字段项次", "fields_filled"),
    ("免填字段项次", "fields_spared"),
    ("有基数的学校", "schools_with_baseline"),
    ("本年进入学校的事项", "demands_in_year"),
    ("基数", "baseline_demands"),
    ("减少比例", "reduction"),
    ("达标学校", "schools_meeting_goal"),
)


def _cell(value: object) -> object:
    # A reader of the sheet sees 是/否/未定 rather than TRUE/FALSE/blank for the goal.
    if value is True:
        return "是"
    if value is False:
        return "否"
    return value


def build_workbook(report: BurdenReport) -> bytes:
    book = Workbook()
    schools = book.active
    assert schools is not None
    schools.title = f"各校 {report.term.label}"
    schools.append([label for label, _ in SCHOOL_COLUMNS])
    for school in report.schools:
        schools.append([_cell(getattr(school, key)) for _, key in SCHOOL_COLUMNS])
    levels = book.create_sheet("分级汇总")
    levels.append(["区划或学校", *[label for label, _ in LEVEL_COLUMNS]])
    rows: list[tuple[str, BurdenTotals]] = levels_of(report)
    for name, totals in rows:
        levels.append([name, *[getattr(totals, key) for _, key in LEVEL_COLUMNS]])
    for sheet in (schools, levels):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    if not report.totals.schools_with_baseline:
        levels.append([])
        levels.append([f"未设 {report.totals.year - 1} 年基数：不计算减少比例，也不认定达标"])
    return workbook_bytes(book)
