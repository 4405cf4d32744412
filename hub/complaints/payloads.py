from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from hub.complaints.reasons import REASON_CODES
from hub.errors import BilingualValueError


def normalise_reason(value: str) -> str:
    value = " ".join(value.split()).lower()
    if value not in REASON_CODES:
        raise BilingualValueError(
            f"举报理由 {value!r} 不在代码表中（{'、'.join(REASON_CODES)}）",
            f"reason {value!r} is not one of " + ", ".join(REASON_CODES),
        )
    return value


class ReasonOut(BaseModel):
    code: str = Field(description="e.g. 'rule 12' (the seed's rule number) or 'other'")
    label_zh: str
    label_en: str
    rule_zh: str = Field(description="The seed's words the reason rests on")
    items: list[int] = Field(description="Items of the 自查表 (附件2) this kind of complaint bears on")


class ComplaintIn(BaseModel):
    reason: str = Field(
        description="A reason code from GET /complaints/reasons",
        json_schema_extra={"enum": list(REASON_CODES)},
    )
    text: str = Field(min_length=1, max_length=4000, description="What happened, in the school's words")
    request_id: int | None = Field(
        default=None, description="A request through the hub that concerned the school"
    )
    outside_department: str | None = Field(
        default=None, max_length=200, description="Who made a demand that did not come through the hub"
    )
    outside_demand: str | None = Field(
        default=None, max_length=4000, description="What that outside demand asked, and when"
    )
    to: Literal["education", "discipline"] = Field(
        default="education",
        description="education: the education bureau; discipline: the discipline-inspection (纪检监察) queue, "
        "which the education bureau cannot read (a report about the bureau itself)",
    )

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        return normalise_reason(value)

    @field_validator("text", "outside_department", "outside_demand")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        value = value.strip() if value is not None else None
        return value or None

    @model_validator(mode="after")
    def _has_text(self) -> ComplaintIn:
        if not self.text:
            raise BilingualValueError("请说明举报内容", "say what the complaint is about (text)")
        return self


class PublicComplaintIn(BaseModel):
    """A 举报 from anyone, without an account: only the text is required."""

    text: str = Field(
        default="", max_length=4000, description="What happened (required: an empty text is refused, 422)"
    )
    school_name: str | None = Field(
        default=None, max_length=200, description="The school concerned, as known"
    )
    school_code: str | None = Field(default=None, pattern=r"^\d{10}$", description="学校标识码, when known")
    contact: str | None = Field(
        default=None,
        max_length=200,
        description="How to reach the reporter; shown only to the queue that handles the report",
    )
    to: Literal["education", "discipline"] = Field(
        default="education",
        description="education: the education bureau; discipline: the discipline-inspection (纪检监察) queue, "
        "which the education bureau cannot read",
    )
    reason: str = Field(
        default="other",
        description="A reason code from GET /complaints/reasons",
        json_schema_extra={"enum": list(REASON_CODES)},
    )

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        return normalise_reason(value)

    @field_validator("text", "school_name", "contact")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if value is not None else None


class PublicComplaintCreated(BaseModel):
    tracking_code: str = Field(description="Keep it: the answer is read with it, no account needed")
    status: Literal["open", "answered", "closed"]
    due_on: date | None = Field(description="The day the answer is due")


class PublicComplaintOut(BaseModel):
    """What anyone holding the tracking code sees: the state and the answer, never who filed it."""

    tracking_code: str
    status: Literal["open", "answered", "closed"]
    queue: Literal["education", "discipline"]
    text: str
    school_name: str | None
    created_at: datetime
    due_on: date | None
    overdue: bool = Field(description="Not answered and past its due day")
    response: str | None
    answered_at: datetime | None


class RouteIn(BaseModel):
    queue: Literal["education", "discipline"] = Field(description="The queue that handles it from now on")


class QueueStatisticsOut(BaseModel):
    queue: Literal["education", "discipline"]
    filed: int
    public: int = Field(description="Filed through the public form")
    open: int
    answered: int
    closed: int
    overdue: int = Field(description="Open and past the due day")
    answered_in_time: int = Field(description="Answered on or before the due day")


class AnswerIn(BaseModel):
    response: str = Field(
        min_length=1, max_length=4000, description="The education bureau's answer to the school"
    )
    status: Literal["answered", "closed"] = Field(
        default="answered", description="answered: replied, may reply again; closed: settled, no more answers"
    )

    @field_validator("response")
    @classmethod
    def _strip(cls, value: str) -> str:
        if not value.strip():
            raise BilingualValueError("答复不能为空", "the response is empty")
        return value.strip()


class ComplaintOut(BaseModel):
    id: int
    tracking_code: str
    channel: Literal["school", "public"]
    queue: Literal["education", "discipline"]
    school_code: str | None
    school_name: str | None = None
    contact: str | None = Field(
        default=None, description="A public reporter's contact, for the handling queue only"
    )
    due_on: date | None = None
    overdue: bool = False
    term: str = Field(description="The term (学期) it was filed in, e.g. 2026-秋")
    reason: str
    reason_zh: str
    reason_en: str
    text: str
    request_id: int | None
    request_title: str | None = None
    outside_department: str | None
    outside_demand: str | None
    status: Literal["open", "answered", "closed"]
    response: str | None
    answered_by: str | None = Field(default=None, description="Name of the bureau that answered")
    answered_at: datetime | None
    created_at: datetime
