"""Shapes of the query answers, for the OpenAPI document (the rows themselves are serialised directly)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Scalar = str | int | float | bool | None


class ColumnOut(BaseModel):
    element: str = Field(description="Element code, also the key of the value in each row")
    label: str
    label_en: str
    masked: bool = Field(description="Values are masked (sensitive, and not granted in clear)")
    labels: dict[str, str] | None = Field(
        default=None, description="Code → label (性别 2 → 女), for a code-listed column read in clear"
    )
    period: str | None = Field(
        default=None, description="A periodic element: the period (2025, 2024-2025) whose values it holds"
    )


class RowsPage(BaseModel):
    grant_id: int
    entity: str
    columns: list[ColumnOut]
    rows: list[dict[str, Scalar]] = Field(
        description="`record_id` (stable per reader), `school_code`, then one value per column keyed by element code"
    )
    count: int
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class GroupOut(BaseModel):
    keys: dict[str, Scalar]
    labels: dict[str, str] = Field(default={}, description="Code-list labels of the keys")
    count: int | None = Field(description="Records in the group; null when suppressed")
    values: dict[str, float | None] = Field(description="One value per sum/avg measure; null when suppressed")
    suppressed: bool


class TotalOut(BaseModel):
    count: int | None
    values: dict[str, float | None]
    suppressed: bool


class AggregateOut(BaseModel):
    grant_id: int
    entity: str
    k: int = Field(
        description="Groups of fewer records than k are suppressed, with enough others to keep them so"
    )
    group_by: list[str]
    measures: list[str]
    groups: list[GroupOut]
    total: TotalOut


class ChangeOut(BaseModel):
    record_id: str
    school_code: str
    at: datetime
    op: Literal["upsert", "removed"] = Field(
        description="upsert: new or changed values; removed: left this school"
    )
    values: dict[str, Any] = Field(
        description="Keyed by element code: a new record's values of every granted element (current ones, "
        "masked as rows are), or a changed record's new values of the granted elements that changed"
    )
    period: str | None = Field(default=None, description="The period whose periodic values changed")


class ChangesPage(BaseModel):
    grant_id: int
    entity: str
    columns: list[ColumnOut]
    changes: list[ChangeOut]
    next_cursor: str = Field(description="Pass as `since` next time; changes committed later come after it")
    has_more: bool
