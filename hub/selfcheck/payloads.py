from __future__ import annotations

from datetime import date, datetime
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
    submitted_at: datetime | None = Field(description="When the school submitted it; null: not yet")
    submittable_from: date = Field(description="The first day of the term's end, from which it is submitted")
    open_items: list[int] = Field(
        description="Items the hub's records cannot settle and the school has not answered yet"
    )


class SchoolAnswerIn(BaseModel):
    number: int = Field(ge=1, le=2**31 - 1, description="The item (1–21)")
    finding: Literal["compliant", "violation"] = Field(
        description="compliant: the school keeps to the item; violation: it found a breach"
    )
    text: str = Field(default="", max_length=4000, description="自查情况, in the school's words")


class SelfCheckSubmissionIn(BaseModel):
    """The school's answers to the items its records leave open (答 items the records settle: the same
    finding or nothing; the opposite is refused)."""

    answers: list[SchoolAnswerIn] = Field(max_length=100)


class RollupItemOut(BaseModel):
    number: int
    group: str
    content: str


class RollupRowOut(BaseModel):
    code: str = Field(description="The division's GB/T 2260 code, or the school's code at the bottom")
    name: str
    level: Literal["province", "prefecture", "county", "school", "total"]
    schools: int
    submitted: int = Field(description="Schools that submitted their 自查表 of the term")
    schools_with_violation: int = Field(
        description="Schools whose records (or own submitted answers) show a breach of any item"
    )
    violations: dict[int, int] = Field(description="Item number → schools whose records show a breach")
    unknown: dict[int, int] = Field(
        description="Item number → schools that answer it themselves (需学校自查)"
    )


class SelfCheckRollupOut(BaseModel):
    title: str
    division: str | None = Field(description="The subtree rolled up (null: every school)")
    term: str
    items: list[RollupItemOut]
    rows: list[RollupRowOut] = Field(
        description="One level below the caller: a province per city, a city per county, a county per "
        "school; the total last"
    )
