from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from hub.errors import BilingualValueError


class TeacherLineIn(BaseModel):
    school_code: str = Field(pattern=r"^\d{10}$", description="The teacher's school")
    teacher_name: str | None = Field(
        default=None, max_length=100, description="A named teacher; leave empty to ask for a number"
    )
    headcount: int = Field(default=1, ge=1, le=1000, description="How many teachers (1 for a named one)")

    @field_validator("teacher_name")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        value = " ".join(value.split()) if value is not None else None
        return value or None

    @model_validator(mode="after")
    def _named_is_one(self) -> TeacherLineIn:
        if self.teacher_name is not None and self.headcount != 1:
            raise BilingualValueError(
                f"点名借用的教师（{self.teacher_name}）人数应为 1",
                f"a named teacher ({self.teacher_name}) counts as one (headcount 1)",
            )
        return self


class SecondmentIn(BaseModel):
    kind: Literal["borrow", "second"] = Field(description="borrow (借用, seed 15) or second (抽调, seed 16)")
    purpose: str = Field(min_length=1, max_length=4000, description="What the teachers are needed for")
    starts_on: date
    ends_on: date
    teachers: list[TeacherLineIn] = Field(max_length=500)
    exception_reason: str | None = Field(
        default=None, max_length=4000, description="Why it must last more than half a year"
    )

    @field_validator("purpose", "exception_reason")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        value = value.strip() if value is not None else None
        return value or None


class SecondmentDecisionIn(BaseModel):
    decision: Literal["approve", "refuse"]
    filing_number: str | None = Field(
        default=None, max_length=100, description="The Party committee's filing number (备案号) on approval"
    )
    note: str | None = Field(default=None, max_length=4000)

    @field_validator("filing_number", "note")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        value = value.strip() if value is not None else None
        return value or None


class SecondmentReturnIn(BaseModel):
    returned_on: date


class TeacherLineOut(BaseModel):
    school_code: str
    school_name: str | None
    teacher_name: str | None
    headcount: int


class SecondmentOut(BaseModel):
    id: int
    kind: str
    department: str
    purpose: str
    starts_on: date
    ends_on: date
    exception_reason: str | None
    status: str
    filing_number: str | None
    decision_note: str | None
    decided_at: datetime | None
    returned_on: date | None
    overrun: bool = Field(description="Still away after its end, or back later than it")
    days_over: int
    teachers: list[TeacherLineOut]


class AwayOut(BaseModel):
    """One school's teachers away under one approved secondment."""

    secondment_id: int
    kind: str
    school_code: str
    school_name: str | None
    teacher_name: str | None
    headcount: int
    department: str
    purpose: str
    since: date
    until: date
    returned_on: date | None
    filing_number: str | None
    overrun: bool
    days_over: int = Field(description="Days past its end (0 when not overrun)")
