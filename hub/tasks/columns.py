"""The columns of a task: one per field, and one per period for a periodic field it collects for several.

A request for 近三年继续教育学时 whose store holds only this year's hours sends a task collecting last
year's and the year before's: two columns of one element, each named by its period (2024年继续教育学时,
2025年继续教育学时) in the template, the web table, the JSON rows (`teacher.training_hours@2024`) and
the progress count. A field collected for one period keeps its element code as its key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import schemas
from dedup.periods import strip_periods
from hub.tasks.models import Task
from schemas.periods import Period, parse_period, period_containing


@dataclass(frozen=True, kw_only=True)
class TaskColumn:
    element: schemas.Element
    # The period a periodic column collects (None: a timeless element).
    period: Period | None = None
    # The task collects the element for several periods: each column is keyed by its period too.
    several: bool = False

    @property
    def key(self) -> str:
        """How rows, the web form and JSON submissions name the column (element code[@period])."""
        code = self.element.code
        return f"{code}@{self.period.key}" if self.several and self.period is not None else code

    @property
    def column(self) -> str:
        """The column a submission's frame carries for the store (element name[@period], as the import reads it)."""
        name = self.element.name
        return f"{name}@{self.period.key}" if self.several and self.period is not None else name

    def label(self, lang: str = "zh") -> str:
        """The label with the period collected in place of the label's own period words: 本年度继续教育学时
        collected for 2025 reads 继续教育学时（2025年）."""
        element = self.element
        if self.period is None:
            return element.label_en if lang == "en" else element.label_zh
        if lang == "en":
            return f"{element.label_en} ({self.period.label_en})"
        bare = strip_periods(element.label_zh)
        return (
            f"{bare.rest if bare is not None and bare.rest else element.label_zh}（{self.period.label_zh}）"
        )

    @property
    def header(self) -> str:
        """The template's header: the period first (2024年继续教育学时), so the upload reads it back as that
        period's column, and the unit where the label does not carry it."""
        element = self.element
        if self.period is None:
            text = element.label_zh
        else:
            bare = strip_periods(element.label_zh)
            text = (
                f"{self.period.label_zh}{bare.rest if bare is not None and bare.rest else element.label_zh}"
            )
        if element.unit and element.unit not in text:
            return f"{text}（{element.unit}）"
        return text


def task_periods(task: Task) -> dict[str, list[str]]:
    """Element code → the periods (keys, oldest first) a periodic field of the task collects. Tasks
    published before a field could collect several periods hold one key as text."""
    out: dict[str, list[str]] = {}
    for code, keys in (task.periods or {}).items():
        out[code] = sorted([keys] if isinstance(keys, str) else list(keys))
    return out


def task_columns(std: schemas.Standard, task: Task, today: date) -> list[TaskColumn]:
    """The task's columns in its fields' order; a periodic field without periods of its own collects today's."""
    periods = task_periods(task)
    columns: list[TaskColumn] = []
    for code in task.fields:
        element = std.element(code)
        if element.period is None:
            columns.append(TaskColumn(element=element))
            continue
        kind = element.period.kind
        keys = periods.get(code) or [period_containing(kind, today).key]
        for key in keys:
            columns.append(
                TaskColumn(element=element, period=parse_period(key, kind=kind), several=len(keys) > 1)
            )
    return columns


def latest_periods(task: Task) -> dict[str, str]:
    """Element code → the newest period a periodic field collects (the one a submission writes with
    the record; the older ones follow it, as an import of several years does)."""
    return {code: keys[-1] for code, keys in task_periods(task).items() if keys}
