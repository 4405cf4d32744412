from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from hub.complaints.reasons import REASON_CODES
from hub.errors import BilingualValueError


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

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        value = " ".join(value.split()).lower()
        if value not in REASON_CODES:
            raise BilingualValueError(
                f"举报理由 {value!r} 不在代码表中（{'、'.join(REASON_CODES)}）",
                f"reason {value!r} is not one of " + ", ".join(REASON_CODES),
            )
        return value

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
    school_code: str
    school_name: str | None = None
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
