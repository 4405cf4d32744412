from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from hub.burden.payloads import SchoolBurdenOut


class SelfCheckItemOut(BaseModel):
    number: int
    group: str = Field(description="项目")
    content: str = Field(description="内容, as 附件2 writes it")
    source: Literal["hub", "partial", "school"] = Field(
        description="hub: answered from the hub's records; partial: they cover part of it; school: 需学校自查"
    )
    finding: Literal["compliant", "violation", "unknown"]
    answer: str = Field(description="自查情况")
    answer_en: str
    note: str = Field(description="备注")
    evidence: dict[str, Any] = Field(
        description="Counts and request, task and complaint ids behind the answer"
    )


class SelfCheckSummaryOut(BaseModel):
    hub: int
    partial: int
    school: int
    compliant: int
    violation: int
    unknown: int


class SelfCheckOut(BaseModel):
    title: str
    school_code: str
    school_name: str | None
    term: str
    term_start: date
    term_end: date
    filled_on: date = Field(description="填表时间")
    items: list[SelfCheckItemOut]
    summary: SelfCheckSummaryOut
    burden: SchoolBurdenOut
    xlsx_url: str
