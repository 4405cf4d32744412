from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class DayIn(BaseModel):
    day: date
    name: str = Field(
        default="", max_length=60, description="e.g. 春节, or the holiday a 调休 day makes up for"
    )


class YearIn(BaseModel):
    holidays: list[DayIn] = Field(
        default_factory=list,
        max_length=366,
        description="Days off (放假), weekends inside a holiday included",
    )
    workdays: list[DayIn] = Field(
        default_factory=list, max_length=60, description="Weekend days that are working days (调休上班)"
    )
    note: str = Field(
        default="", max_length=500, description="The notice it comes from, e.g. 国办发明电〔2026〕7号"
    )


class DayOut(BaseModel):
    day: date
    name: str


class YearOut(BaseModel):
    year: int
    known: bool = Field(description="false: nobody loaded this year; deadlines count it Monday–Friday")
    source: str | None = Field(description="chinese-calendar (the package), bureau (loaded here) or null")
    holidays: list[DayOut]
    workdays: list[DayOut]
    note: str
    set_at: datetime | None
