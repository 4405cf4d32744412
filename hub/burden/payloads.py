from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SchoolBurdenOut(BaseModel):
    school_code: str
    school_name: str | None
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
    baseline_forms: int | None = Field(description="Forms the school filled per term before the hub")
    baseline_source: str | None = Field(
        description="school_term | school | term | all (set by the education bureau) or first_term (requests "
        "received in the hub's first term)"
    )
    reduction: float | None = Field(description="1 − tasks_sent / baseline_forms (0.5 meets seed rule 2)")
    goal_met: bool | None


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
    schools_with_baseline: int
    baseline_forms: int = Field(description="Summed over schools with a baseline")
    reduction: float | None = Field(
        description="Over schools with a baseline: 1 − their tasks / their baselines"
    )
    schools_meeting_goal: int


class CityBurdenOut(BaseModel):
    term: str
    term_start: str
    term_end: str
    goal: float = Field(description="The reduction seed rule 2 asks for (0.5: 减少50%以上)")
    first_term: str | None = Field(description="The first term the hub recorded a request in")
    totals: BurdenTotalsOut
    schools: list[SchoolBurdenOut]
    history: list[BurdenTotalsOut] = Field(description="The city's totals per term, up to this one")


class SchoolBurdenReportOut(SchoolBurdenOut):
    term_start: str
    term_end: str
    goal: float
    history: list[SchoolBurdenOut] = Field(description="The school's figures per term, up to this one")


class BaselineIn(BaseModel):
    term: str | None = Field(default=None, description="e.g. 2026-秋; omitted: every term")
    school_code: str | None = Field(default=None, pattern=r"^\d{10}$", description="Omitted: every school")
    forms: int = Field(ge=0, le=100000, description="Forms the school filled per term before the hub")
    note: str = Field(default="", max_length=1000, description="Where the figure comes from")


class BaselineOut(BaseModel):
    term: str = Field(description="A term, or * for every term")
    school_code: str = Field(description="A school code, or * for every school")
    forms: int
    note: str
    set_at: datetime
