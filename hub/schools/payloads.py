from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class SchoolOut(BaseModel):
    code: str = Field(description="学校标识码")
    name: str | None
    division: str | None = Field(description="The school's county (GB/T 2260)")
    division_name: str | None = Field(description="e.g. 浙江省杭州市西湖区")
    school_type: str | None = None
    address: str | None = None


class SchoolPage(BaseModel):
    items: list[SchoolOut]
    total: int = Field(description="Schools matching, over all pages")
    limit: int
    offset: int


class ElementRef(BaseModel):
    code: str
    label: str


class ReaderOut(BaseModel):
    id: int | None
    code: str | None
    kind: str | None
    name: str | None
    own_school: bool = Field(
        default=False, description="An account of this school itself (its own task reads), not a department"
    )


class UsageEntry(BaseModel):
    entry_id: int = Field(description="The audit log entry")
    at: datetime
    reader: ReaderOut
    action: str
    entity: str | None
    elements: list[ElementRef]
    request_id: int | None
    request_title: str | None = None
    grant_id: int | None
    purpose: str | None = Field(default=None, description="The purpose recorded on the grant")
    agreement_id: int | None = Field(
        default=None, description="The sharing agreement (共享协议) the request's answer was covered by"
    )
    legal_basis: str | None = Field(default=None, description="The grant's legal basis or document number")
    rows: int = Field(description="How many of this school's records the read returned")


class UsageSummaryOut(BaseModel):
    reads: int
    rows: int
    readers: int
    last_read_at: datetime | None


class UsageOut(BaseModel):
    school_code: str
    summary: UsageSummaryOut
    reads: list[UsageEntry]
    next_before: int | None = Field(description="Pass as `before` for older reads")


class TeacherLookup(BaseModel):
    """The teacher is named by ID number in the body, never in a URL (URLs end up in access logs)."""

    id_number: str = Field(
        min_length=15, max_length=18, description="公民身份号码 of one of the school's teachers"
    )


class TeacherReadsOut(BaseModel):
    school_code: str
    reads: list[UsageEntry] = Field(
        description="Department reads that returned this teacher's record, newest first"
    )


class FieldRef(BaseModel):
    label: str
    element: str | None
    element_label: str | None = None


class ConcernedRequest(BaseModel):
    id: int
    title: str
    department: str | None
    status: str
    entity: str
    created_at: datetime
    answered_at: datetime | None
    whole_jurisdiction: bool = Field(description="The request named no schools: it concerned every school")
    satisfied_without_input: bool = Field(
        description="Answered (or published) with no task for this school: its share came from the store"
    )
    task_id: int | None
    fields_total: int
    fields_not_filled: list[FieldRef] = Field(
        description="Fields this school did not have to fill for this request"
    )


class SparedField(BaseModel):
    label: str
    element: str | None
    element_label: str | None = None
    times: int = Field(description="In how many requests this school did not have to fill it")


class TaskSummary(BaseModel):
    id: int
    request_id: int
    status: str
    deadline: date
    fields: list[str]
    rows_expected: int
    rows_filled: int


class SchoolCountsOut(BaseModel):
    """The school's counts for the current term, as the burden dashboard and the 自查表 count them."""

    term: str = Field(description="学期, e.g. 2026-秋")
    demands_reached: int = Field(description="Tasks, inspections and social affairs that reached the school")
    tasks_sent: int
    inspections: int = Field(description="Inspections held in it under the annual list")
    social_demands: int = Field(description="Social affairs that entered it under the whitelist")
    fields_filled: int = Field(description="Task fields × rows it filled")
    fields_spared: int = Field(
        description="Requested fields × records the store answered instead (免填, 项次)"
    )
    items: int = Field(description="Approved items of the year's list concerning it")
    borrowed_teacher_days: int = Field(
        description="Its teachers away on approved 借用/抽调 × days of the term"
    )


class OverviewOut(BaseModel):
    school_code: str
    school_name: str | None
    requests: list[ConcernedRequest]
    requests_total: int
    satisfied_without_input: int
    fields_not_filled_total: int = Field(
        description="Labels of the requests above this school did not have to fill, summed (each label once "
        "per request; `counts.fields_spared` counts them × records, as every page's 免填 figure does)"
    )
    counts: SchoolCountsOut
    fields_not_filled: list[SparedField]
    tasks: list[TaskSummary]
    usage: UsageSummaryOut
