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


# --- the annual list (督查检查评比考核清单) and inspections under it ---

ListItemKind = Literal["supervision", "inspection", "appraisal", "assessment"]


def _clean(value: str | None) -> str | None:
    value = " ".join(value.split()) if value is not None else None
    return value or None


class MaterialIn(BaseModel):
    label: str = Field(min_length=1, max_length=200, description="A datum or material asked of schools")
    entity: Literal["teacher", "school"] = Field(default="school", description="Whose datum it is")


class ListItemIn(BaseModel):
    year: int = Field(ge=2000, le=2100, description="The year the item is held in")
    kind: ListItemKind = Field(
        description="督查 supervision, 检查 inspection, 评比 appraisal, 考核 assessment"
    )
    title: str = Field(min_length=1, max_length=300)
    organiser: str | None = Field(default=None, max_length=200, description="Defaults to the proposer")
    inspected: str = Field(min_length=1, max_length=4000, description="What is inspected (检查内容)")
    schools: list[str] | None = Field(
        default=None, max_length=100000, description="School codes concerned; every school if omitted"
    )
    levels: list[str] = Field(default_factory=list, max_length=20, description="小学, 初中 …; empty: all")
    frequency: str = Field(min_length=1, max_length=100, description="每年1次 …")
    method: str = Field(min_length=1, max_length=4000, description="How it is held (实地查看, 听取汇报 …)")
    evidence: str | None = Field(default=None, max_length=4000, description="Evidence asked of schools")
    window_starts: date
    window_ends: date
    window_reason: str | None = Field(
        default=None, max_length=4000, description="Why the window is not at year-end or term-end"
    )
    materials: list[MaterialIn] = Field(default_factory=list, max_length=200)

    @field_validator("title", "organiser", "inspected", "frequency", "method", "evidence", "window_reason")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return _clean(value)


class MaterialOut(BaseModel):
    label: str
    entity: str
    status: str = Field(description="As the request check classified it: new or missing (asked of schools)")
    element: str | None


class SimilarOut(BaseModel):
    item_id: int
    title: str
    department: str
    status: str
    score: float = Field(description="0–1: how alike the titles and contents are")


class ListItemOut(BaseModel):
    id: int
    year: int
    kind: str
    title: str
    department: str
    organiser: str
    co_organisers: list[str]
    inspected: str
    schools: list[str] | None
    division: str | None
    levels: list[str]
    frequency: str
    method: str
    window_starts: date
    window_ends: date
    window_at_term_end: bool
    window_reason: str | None
    materials: list[MaterialOut]
    status: str
    merged_into: int | None
    decision_note: str | None
    decided_at: datetime | None
    inspections: int = Field(description="Inspections held under it")
    similar: list[SimilarOut] = Field(description="Items of other departments alike, proposed as merges")


class ListDecisionIn(BaseModel):
    decision: Literal["approve", "refuse"]
    note: str | None = Field(default=None, max_length=4000)

    @field_validator("note")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return _clean(value)


class ListApprovalIn(BaseModel):
    """The office approves the year's list in one act: every proposal still waiting, but those it refuses."""

    refuse: list[int] = Field(
        default_factory=list,
        max_length=10000,
        description="Proposed items of the year to refuse in the same act",
    )
    expected: list[int] | None = Field(
        default=None,
        max_length=10000,
        description="The proposed items the office reviewed; when given and the waiting proposals differ "
        "(one came in meanwhile), nothing is decided (409)",
    )
    keep_apart: bool = Field(
        default=False,
        description="Approve even though two waiting proposals are similar (merge them first otherwise)",
    )
    note: str | None = Field(default=None, max_length=4000)

    @field_validator("note")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return _clean(value)


class ListApprovalOut(BaseModel):
    year: int
    approved: list[int] = Field(description="The items put on the list by this act")
    refused: list[int]
    listed: int = Field(description="Approved items of the year's list after the act")


class ListMergeIn(BaseModel):
    into: int = Field(ge=1, le=2**31 - 1, description="The item this one is folded into")
    note: str | None = Field(default=None, max_length=4000)


class InspectionIn(BaseModel):
    item_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The approved list item of this year it falls under"
    )
    title: str | None = Field(default=None, max_length=300, description="Only to name an unlisted one")
    schools: list[str] = Field(min_length=1, max_length=100000)
    starts_on: date
    ends_on: date
    evidence: str | None = Field(default=None, max_length=4000, description="Evidence asked of schools")
    note: str | None = Field(default=None, max_length=4000)

    @field_validator("title", "evidence", "note")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return _clean(value)


class SchoolRefOut(BaseModel):
    school_code: str
    school_name: str | None


class InspectionOut(BaseModel):
    id: int
    item_id: int
    item_title: str
    kind: str
    department: str
    starts_on: date
    ends_on: date
    evidence: str
    note: str
    schools: list[SchoolRefOut]
    created_at: datetime


# --- the 进校园 whitelist ---

WhitelistCategory = Literal["publicity", "safety", "competition", "exam", "appraisal", "other"]


class WhitelistItemIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    category: WhitelistCategory = Field(
        description="宣传教育 publicity, 安全检查 safety, 竞赛 competition, 社会考试和监考 exam, 评比 appraisal"
    )
    title: str = Field(min_length=1, max_length=300)
    organiser: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)

    @field_validator("title", "organiser", "description")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return _clean(value)


class WhitelistItemOut(BaseModel):
    id: int
    year: int
    division: str | None
    category: str
    title: str
    organiser: str
    description: str
    demands: int = Field(description="Social demands registered under it")
    schools_reached: int = Field(description="Distinct schools those demands reached")


class SocialDemandIn(BaseModel):
    item_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The whitelist item it falls under"
    )
    category: WhitelistCategory | None = Field(default=None, description="Only to name an unlisted one")
    title: str = Field(min_length=1, max_length=300)
    schools: list[str] = Field(min_length=1, max_length=100000)
    held_on: date
    note: str | None = Field(default=None, max_length=4000)

    @field_validator("title", "note")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return _clean(value)


class SocialDemandOut(BaseModel):
    id: int
    item_id: int
    item_title: str
    category: str
    department: str
    title: str
    held_on: date
    note: str
    schools: list[SchoolRefOut]
    created_at: datetime


class SchoolDemandsOut(BaseModel):
    school_code: str
    school_name: str | None
    demands: int
    per_item: dict[int, int] = Field(description="Whitelist item id → demands that reached the school")


class WhitelistCountsOut(BaseModel):
    year: int
    items: list[WhitelistItemOut]
    schools: list[SchoolDemandsOut]


# --- one definition of each count ---


class CountsOut(BaseModel):
    demands_reached: int = Field(
        description="Tasks + inspections under the list + social affairs under the whitelist"
    )
    tasks_sent: int = Field(description="Tasks (forms) the education bureau published to the school")
    inspections: int = Field(description="Inspections held in it under the annual list")
    social_demands: int = Field(description="Social affairs that entered it under the whitelist")
    fields_filled: int = Field(description="Task fields × rows it filled")
    fields_spared: int = Field(
        description="Requested fields × records the store answered instead of asking (免填)"
    )
    items: int = Field(description="Approved items of the year's list concerning it")
    borrowed_teacher_days: int = Field(
        description="Its teachers away on approved 借用/抽调 × days of the period"
    )


class SchoolCountsOut(CountsOut):
    school_code: str
    school_name: str | None
    division: str | None


class LevelCountsOut(CountsOut):
    division: str = Field(description="A county, city or province (GB/T 2260), or 合计 for the total")
    division_name: str = Field(description="The division's GB/T 2260 name (西湖区, 杭州市 …), or 合计")
    level: Literal["county", "prefecture", "province", "total"]
    schools: int


class CountsReportOut(BaseModel):
    term: str
    schools: list[SchoolCountsOut]
    levels: list[LevelCountsOut] = Field(
        description="Each county's sums, then each city's and province's where the schools span several, "
        "then the total (合计)"
    )


class RequestSparedOut(BaseModel):
    """One request's 免填 counts, by the definitions of GET /register/counts."""

    request_id: int
    schools: int = Field(description="Schools the request concerned (inside the caller's division)")
    schools_spared: int = Field(
        description="Of those, the schools it asked nothing of: the store answered (no task reached them)"
    )
    fields_spared: int = Field(description="Requested fields × records the store answered instead of asking")
