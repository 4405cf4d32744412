"""GET /register/counts as an XLSX: one row per school, one per county and the total, figures as numbers."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from hub.kit.sheets import workbook_bytes
from hub.register.counts import CountedSchool, LevelCounts, county_name

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    ("进校事项", "demands_reached"),
    ("下发任务", "tasks_sent"),
    ("清单内督查检查", "inspections"),
    ("白名单进校园事项", "social_demands"),
    ("填报字段项次", "fields_filled"),
    ("免填字段项次", "fields_spared"),
    ("清单事项", "items"),
    ("借用教师人·天", "borrowed_teacher_days"),
)


LEVEL_ZH = {"county": "县级", "prefecture": "地市级", "province": "省级", "total": "合计"}


def counts_xlsx(term: str, schools: list[CountedSchool], levels: list[LevelCounts]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "各校"
    sheet.append([f"各校负担统计（{term}）：学校概览、减负统计和自查表同一口径"])
    sheet.append(["学校标识码", "学校名称", "区划代码", "县区", *(zh for zh, _ in COLUMNS)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for s in schools:
        sheet.append(
            [
                s.school_code,
                s.school_name,
                s.division,
                county_name(s.division),
                *(getattr(s.counts, key) for _, key in COLUMNS),
            ]
        )
    sheet.freeze_panes = "A3"
    per_level = book.create_sheet("各级合计")
    per_level.append([f"各区县、市合计（{term}）"])
    per_level.append(["区划代码", "区划名称", "层级", "学校数", *(zh for zh, _ in COLUMNS)])
    for cell in per_level[2]:
        cell.font = Font(bold=True)
    for level in levels:
        per_level.append(
            [
                "" if level.level == "total" else level.division,
                level.division_name,
                LEVEL_ZH[level.level],
                level.schools,
                *(getattr(level, key) for _, key in COLUMNS),
            ]
        )
    return workbook_bytes(book)
