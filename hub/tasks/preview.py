"""What an upload would change, shown before it is applied (a dry run that writes nothing).

A second upload of a task's sheet may hold values that differ from those the school saved since the
first: the preview lists each value it would fill, overwrite or clear, beside the one saved, with the
rows and cells it would refuse and those an older copy would not apply. It reads through the same
steps as the submission (rows matched to records, #清空, older copies, the store's checks), takes no
write lock and changes nothing: not even the task's 未查看 state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

import schemas
from hub.config import Settings
from hub.identity.models import Principal
from hub.records.service import Rejection, check_frame
from hub.requests.repository import RequestRepository
from hub.tasks import service
from hub.tasks.models import Task
from hub.tasks.repository import TaskRepository


@dataclass(frozen=True, kw_only=True)
class Change:
    """One cell the upload would change: its row in the file, the record, the field, saved → new."""

    row: int
    reference: str
    name: str | None
    field: str  # the element's label
    element: str  # its code
    old: str  # as a person reads it ("" when nothing is saved)
    new: str  # "" when the cell clears the value


@dataclass(kw_only=True)
class SubmissionPreview:
    task: Task
    rows_read: int
    rows_valid: int
    filled: list[Change] = field(default_factory=list)  # empty before, a value now
    overwritten: list[Change] = field(default_factory=list)  # a saved value replaced by another
    cleared: list[Change] = field(default_factory=list)  # a saved value cleared with #清空
    unchanged: int = 0  # cells holding what is saved already
    rejected: list[Rejection] = field(default_factory=list)
    kept: list[service.KeptValue] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    @property
    def would_overwrite(self) -> bool:
        """Whether applying it replaces or clears a value the school saved: then it asks first."""
        return bool(self.overwritten or self.cleared)

    @property
    def rejected_rows(self) -> int:
        return len({r.row for r in self.rejected})


def preview(
    session: Session,
    settings: Settings,
    principal: Principal,
    task_id: int,
    submission: service.SubmissionInput,
    *,
    now: datetime,
) -> SubmissionPreview:
    """What `service.submit` would do with `submission`, cell by cell, writing nothing."""
    task = service.fillable_task(session, principal, task_id)
    request = RequestRepository(session).get(task.request_id)
    assert request is not None
    if task.status == "closed" or service.due_now(session, request, now=now):
        raise service.task_closed(task)
    prepared = service.prepare_submission(session, settings, task, request, submission, since=None)
    std, data = prepared.std, prepared.data
    written = service.task_write_periods(std, task, now)
    valid, refused = check_frame(
        session,
        std=std,
        secret_key=settings.secret_key.get_secret_value(),
        entity=task.entity,
        frame=data,
        school_scope={task.school_code},
        current=written.current,
    )
    rejected = sorted([*prepared.rejected, *refused], key=lambda r: (r.row, r.field))
    out = SubmissionPreview(
        task=task,
        rows_read=len(prepared.frame),
        rows_valid=len(valid),
        rejected=rejected,
        kept=prepared.kept,
        extra_columns=prepared.layout.extra,
        missing_columns=prepared.missing_columns,
    )
    if valid.empty:
        return out
    # A frame column is an element's, or one period's of a field collecting several (name@period).
    of_column = {c.column: c for c in prepared.columns}
    elements = {name: std.element(f"{task.entity}.{name.partition('@')[0]}") for name in prepared.fields}
    repository = TaskRepository(session)
    saved = {
        row["record_key"]: row
        for row in repository.prefill(task, ["name", *elements], service.task_period_names(std, task))
    }
    references = {key: reference for reference, key in repository.reference_keys(task).items()}
    key_column = "teacher_key" if task.entity == "teacher" else "code"
    for row, record in valid.iterrows():
        key = str(record[key_column])
        stored = saved.get(key, {})
        extra = record.get("extra") if "extra" in valid.columns else None
        for name, element in elements.items():
            before = shown(std, element, stored.get(name))
            clears = name in prepared.to_clear.get(int(row), [])
            if name in valid.columns:
                value = record[name]
            elif "@" in name:
                value = str(data.at[row, name]).strip() or None  # checked when written, as an import's
            else:
                value = (extra or {}).get(name)
            after = "" if clears else value if "@" in name and value else shown(std, element, value)
            if not after and not clears:
                continue  # a blank cell changes nothing
            change = Change(
                row=int(row),
                reference=references.get(key, key if task.entity == "school" else ""),
                name=stored.get("name"),
                field=of_column[name].label()
                if name in of_column and of_column[name].several
                else element.label_zh,
                element=element.code,
                old=before,
                new=after,
            )
            if clears:
                if before:
                    out.cleared.append(change)
            elif before == after:
                out.unchanged += 1
            elif before:
                out.overwritten.append(change)
            else:
                out.filled.append(change)
    return out


def shown(std: schemas.Standard, element: schemas.Element, value: Any) -> str:
    """A stored or checked value as the school reads it: a code list's label, 是/否, a day, a number."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    match element.value_type:
        case "code" if element.code_list:
            text = str(value)
            return next((c.label_zh for c in std.code_list(element.code_list).codes if c.code == text), text)
        case "boolean":
            truth = (
                value.strip().lower() in ("true", "1", "t", "是") if isinstance(value, str) else bool(value)
            )
            return "是" if truth else "否"
        case "date":
            return _day(value).isoformat()
        case "year_month":
            return _day(value).isoformat()[:7] if not isinstance(value, str) else value[:7]
        case "integer":
            return str(int(float(value)))
        case "decimal":
            return format(float(value), ".15g")
        case _:
            return str(value).strip()


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
