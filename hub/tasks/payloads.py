from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from hub.records.payloads import RejectedCell


class AllowedValue(BaseModel):
    code: str
    label: str


class TaskFieldOut(BaseModel):
    element: str = Field(description="Element code, e.g. teacher.x_kehou_fuwu")
    name: str = Field(description="Element name; also accepted as a column header or JSON key")
    label: str = Field(description="The standard's zh label: the column header of the template")
    label_en: str
    type: str
    unit: str | None = None
    code_list: str | None = None
    allowed_values: list[AllowedValue] = Field(default=[], description="Codes and labels; either is accepted")
    min_value: float | None = None
    max_value: float | None = None
    description: str = ""
    period: str | None = Field(
        default=None, description="A periodic element: the period (key, e.g. 2025) the task collects"
    )
    period_label: str | None = Field(default=None, description="That period as forms write it (2025年)")
    key: str = Field(
        default="",
        description="How rows' values and JSON submissions name this field: its element code, or "
        "code@period where the task collects the element for several periods (teacher.training_hours@2024)",
    )
    header: str = Field(default="", description="The field's column header in the template")


class TaskRowOut(BaseModel):
    reference: str = Field(
        description="Names the record in a submission (column 参考号) without an ID number"
    )
    name: str | None = None
    id_number_last4: str | None = Field(
        default=None, description="Masked ID number, so the school knows the row"
    )
    values: dict[str, Any] = Field(
        description="What the hub already holds for the task's fields, by field key (element code, "
        "or code@period for one of several periods)"
    )


class ReminderOut(BaseModel):
    sent_at: datetime
    note: str
    seen_at: datetime | None = Field(description="When the school opened the task after it; null: not yet")


class TaskOut(BaseModel):
    id: int
    request_id: int
    title: str
    purpose: str
    department: str | None = None
    form_number: str | None = Field(default=None, description="表号")
    approval_number: str | None = Field(default=None, description="批准文号")
    valid_until: date | None = Field(default=None, description="有效期至")
    school_code: str
    school_name: str | None = None
    entity: str
    status: Literal["open", "complete", "closed"]
    state: Literal["not_opened", "in_progress", "submitted", "overdue"] = Field(
        description="未查看 not_opened, 填报中 in_progress, 已提交 submitted, 已逾期 overdue"
    )
    complete: bool
    deadline: date
    opened_at: datetime | None = Field(default=None, description="When the school first opened it")
    done_reason: str | None = Field(default=None, description="Why rows stay empty, given at 确认完成")
    reminders: list[ReminderOut] = Field(default_factory=list, description="催报 received, newest first")
    fields: list[TaskFieldOut]
    rows_expected: int
    rows_filled: int
    submissions: int
    created_at: datetime
    last_submission_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    template_url: str
    submission_url: str
    rows: list[TaskRowOut] | None = Field(
        default=None, description="Prefilled rows (left out of bureau listings)"
    )


class JsonSubmission(BaseModel):
    rows: list[dict[str, Any]] = Field(
        max_length=200000,
        description="One object per record: keys are zh labels, element names or codes, plus 参考号 or 公民身份号码",
    )


class KeptCell(BaseModel):
    row: int
    field: str
    value: str = Field(description="What the older copy held (not applied)")
    reason: str
    reason_en: str


class SubmissionOut(BaseModel):
    task_id: int
    batch_id: int | None
    source: str
    rows_read: int
    accepted: int
    rejected_rows: int
    rejected: list[RejectedCell] = Field(description="Row, field, value and reason of every refused cell")
    extra_columns: list[str] = Field(
        description="Columns that are not fields of this task: reported, not stored"
    )
    missing_columns: list[str] = Field(description="Fields of the task the submission did not carry")
    kept: list[KeptCell] = Field(
        default_factory=list,
        description="Cells of an older copy of the template not applied: a newer value was saved since",
    )
    cleared: int = Field(0, description="Saved values cleared by cells holding #清空")
    task_status: str
    rows_expected: int
    rows_filled: int
    request_status: str


class ChangeOut(BaseModel):
    row: int = Field(description="The row in the file")
    reference: str = Field(description="参考号 of the record")
    name: str | None = Field(default=None, description="The teacher's (or school's) name")
    field: str = Field(description="The field's label")
    element: str
    old: str = Field(description="The value saved now, as a person reads it (empty: none)")
    new: str = Field(description="The value the upload would save (empty: cleared)")


class SubmissionPreviewOut(BaseModel):
    """What an upload would change, before it is applied; nothing is stored."""

    task_id: int
    rows_read: int
    rows_valid: int = Field(description="Rows the upload would store")
    rejected_rows: int
    would_overwrite: bool = Field(description="Whether it would replace or clear saved values: confirm first")
    filled: int = Field(description="Empty cells it would fill")
    overwritten: list[ChangeOut] = Field(description="Saved values it would replace, old and new")
    cleared: list[ChangeOut] = Field(description="Saved values it would clear (#清空)")
    unchanged: int = Field(description="Cells holding what is saved already")
    filled_cells: list[ChangeOut] = Field(description="The first cells it would fill")
    rejected: list[RejectedCell]
    kept: list[KeptCell] = Field(description="Cells of an older copy that would not be applied")
    extra_columns: list[str]
    missing_columns: list[str]
    previewed_at: datetime = Field(
        description="Pass it back as ?previewed_at= when submitting: values saved after it are kept"
    )


class PublishedTask(BaseModel):
    task_id: int
    school_code: str
    fields: list[str]
    rows_expected: int
    rows_filled: int


class PublicationOut(BaseModel):
    request_id: int
    status: str
    deadline: date
    fields: list[str] = Field(description="Elements the request still lacked when it was published")
    schools_in_scope: int
    schools_with_data: int = Field(description="Schools whose data was complete: no task reached them")
    schools_without_account: int = Field(
        description="Schools given a task that have no account whose token works: they cannot sign in to "
        "fill it until the education bureau onboards them (POST /api/v1/schools/accounts)"
    )
    schools_without_account_codes: list[str] = Field(description="Their codes (the first 1,000)")
    tasks: list[PublishedTask]


class SchoolProgress(BaseModel):
    school_code: str
    school_name: str | None
    task_id: int
    status: str
    complete: bool
    fields: list[str]
    rows_expected: int
    rows_filled: int
    submissions: int
    last_submission_at: datetime | None
    state: Literal["not_opened", "in_progress", "submitted", "overdue"]
    opened_at: datetime | None
    done_reason: str | None
    reminders: int = Field(description="催报 sent to the school about this task")
    last_reminded_at: datetime | None


class ProgressOut(BaseModel):
    request_id: int
    status: str
    deadline: date | None
    published_at: datetime | None
    answered_at: datetime | None
    schools_in_scope: int
    tasks_total: int
    tasks_complete: int
    rows_expected: int
    rows_filled: int
    states: dict[str, int] = Field(
        description="Schools per state (not_opened, in_progress, submitted, overdue)"
    )
    schools: list[SchoolProgress]


class CloseOut(BaseModel):
    closed: list[int] = Field(description="Requests answered because their deadline passed")


class CompleteIn(BaseModel):
    reason: str | None = Field(
        default=None, max_length=2000, description="Why rows stay empty (required while some are)"
    )


class RemindIn(BaseModel):
    schools: list[str] | None = Field(
        default=None, max_length=5000, description="School codes; omitted: every school not submitted"
    )
    note: str = Field(default="", max_length=500, description="What the school reads with the reminder")


class RemindOut(BaseModel):
    request_id: int
    reminded: list[str] = Field(description="School codes reminded")
    skipped: list[str] = Field(description="School codes asked for that had nothing to submit any more")
