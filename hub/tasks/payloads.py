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


class TaskRowOut(BaseModel):
    reference: str = Field(
        description="Names the record in a submission (column 参考号) without an ID number"
    )
    name: str | None = None
    id_number_last4: str | None = Field(
        default=None, description="Masked ID number, so the school knows the row"
    )
    values: dict[str, Any] = Field(
        description="What the hub already holds for the task's fields, by element code"
    )


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
    complete: bool
    deadline: date
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
    schools: list[SchoolProgress]


class CloseOut(BaseModel):
    closed: list[int] = Field(description="Requests answered because their deadline passed")
