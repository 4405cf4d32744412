from __future__ import annotations

from pydantic import BaseModel, Field


class RejectedCell(BaseModel):
    row: int = Field(description="Row number as seen in the file (header row excluded from data rows)")
    field: str
    value: str
    reason: str = Field(description="Why, in Chinese")
    reason_en: str = Field(description="Why, in English")


class ImportResult(BaseModel):
    batch_id: int
    rows_read: int
    accepted: int
    inserted: int
    updated: int
    unchanged: int
    moved: int = Field(0, description="teachers stored under another school before, now under this one")
    rejected_rows: int
    rejected: list[RejectedCell]
    unknown_columns: list[str]
    columns: dict[str, str]
    periods: dict[str, str] = Field(
        default_factory=dict, description="The period each periodic column was written to (element → period)"
    )
    column_periods: dict[str, str] = Field(
        default_factory=dict,
        description="Header → the period its values went to; a header naming a period (2024年培训学时, "
        "2023学年在校学生数) is that period's column",
    )
    ignored_columns: list[str] = Field(
        default_factory=list,
        description="A past period's file: columns read but not written (they describe the record today)",
    )
    errors_url: str | None = None
