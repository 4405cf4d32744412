from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class SchoolBurdenOut(BaseModel):
    school_code: str
    school_name: str | None
    division: str | None = Field(description="The school's county (GB/T 2260)")
    term: str = Field(description="学期, e.g. 2026-秋 (2026-09-01 … 2027-01-31)")
    requests_received: int = Field(description="Requests created in the term whose scope held the school")
    requests_satisfied_without_school: int = Field(
        description="Of those, answered with no task for the school"
    )
    requests_refused: int = Field(
        description="Of those, refused by the hub's rules before reaching any school"
    )
    tasks_sent: int = Field(
        description="Tasks published to the school in the term: the forms it still filled"
    )
    fields_filled: int = Field(description="Task fields × rows the school filled")
    fields_spared: int = Field(
        description="Requested fields × records answered from the store instead of asking"
    )
    complaints: int = Field(description="Complaints (举报) the school filed in the term")
    complaints_open: int
    inspections: int = Field(description="Inspections held in the school in the term under the annual list")
    social_demands: int = Field(description="Social affairs that entered it in the term under the whitelist")
    demands_reached: int = Field(
        description="Tasks + inspections + social affairs that reached it in the term"
    )
    items: int = Field(description="Approved items of the year's 督查检查评比考核 list concerning it")
    borrowed_teacher_days: int = Field(
        description="Its teachers away on approved 借用/抽调 × days of the term"
    )
    year: int = Field(description="The calendar year the reduction counts (the year the term starts in)")
    demands_in_year: int = Field(
        description="Demands that reached the school in that year so far (tasks, inspections, social affairs)"
    )
    baseline_year: int | None = Field(
        description="The year before, when the education bureau set its baseline"
    )
    baseline_division: str | None = Field(
        description="The division (GB/T 2260) the baseline was set for, or * for every school; null: none"
    )
    baseline_demands: int | None = Field(
        description="Demands that reached a school of that division in baseline_year (its list and tasks)"
    )
    reduction: float | None = Field(
        description="1 − demands_in_year / baseline_demands (0.5 meets seed rule 2); null without a baseline"
    )
    goal_met: bool | None = Field(
        description="false once the year's demands pass half the baseline; true only after the year ended "
        "within it; null while it runs or without a baseline"
    )


class BurdenTotalsOut(BaseModel):
    term: str
    schools: int
    requests_received: int
    requests_satisfied_without_school: int
    requests_refused: int
    tasks_sent: int
    fields_filled: int
    fields_spared: int
    complaints: int
    complaints_open: int
    inspections: int
    social_demands: int
    demands_reached: int
    items: int = Field(description="School × approved list item pairs")
    borrowed_teacher_days: int
    year: int
    schools_with_baseline: int
    demands_in_year: int = Field(description="Summed over schools with a baseline")
    demands_in_year_all: int = Field(description="Every school's demands in the year, baseline or not")
    baseline_demands: int = Field(description="Summed over schools with a baseline")
    reduction: float | None = Field(
        description="Over schools with a baseline: 1 − their demands / their baselines; null: no baseline"
    )
    schools_meeting_goal: int


class LevelRowOut(BaseModel):
    code: str = Field(description="The division's GB/T 2260 code, or the school's code at the bottom")
    name: str
    level: Literal["province", "prefecture", "county", "school", "total"]
    totals: BurdenTotalsOut


class CityBurdenOut(BaseModel):
    division: str | None = Field(description="The subtree the figures cover (null: every school)")
    term: str
    term_start: str
    term_end: str
    goal: float = Field(description="The reduction seed rule 2 asks for (0.5: 减少50%以上)")
    first_term: str | None = Field(description="The first term the hub recorded a request in")
    totals: BurdenTotalsOut
    schools: list[SchoolBurdenOut]
    history: list[BurdenTotalsOut] = Field(description="The city's totals per term, up to this one")
    levels: list[LevelRowOut] = Field(
        description="Rolled up one level below the caller: a province per city, a city per county, a "
        "county per school; the total last"
    )


class SchoolBurdenReportOut(SchoolBurdenOut):
    term_start: str
    term_end: str
    goal: float
    history: list[SchoolBurdenOut] = Field(description="The school's figures per term, up to this one")


class BaselineIn(BaseModel):
    year: int = Field(
        ge=2000, le=2100, description="The past year counted, e.g. 2025 (2026 is measured against it)"
    )
    division: str | None = Field(
        default=None,
        pattern=r"^\d{6}$",
        description="GB/T 2260 code of the level it covers (province, city or county); omitted: every school",
    )
    demands: int = Field(
        ge=0,
        le=100000,
        description="Demands that reached one school in that year: listed inspections and tasks",
    )
    items: int | None = Field(
        default=None, ge=0, le=100000, description="Items on that year's 督查检查评比考核 list at this level"
    )
    note: str = Field(default="", max_length=1000, description="Where the figures come from (the ledgers)")


class BaselineOut(BaseModel):
    year: int
    division: str = Field(description="A GB/T 2260 code, or * for every school")
    demands: int
    items: int | None
    note: str
    set_at: datetime
