"""What the sources API takes and gives: configs (secrets masked on the way out) and runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.errors import BilingualValueError

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_SCHEDULE_HELP = (
    "Give `cron` (five fields, e.g. '0 2 * * *') or `interval_seconds`, or neither to run only on demand"
)


class Schedule(BaseModel):
    """When a source runs: a cron expression in `timezone`, or every `interval_seconds`."""

    model_config = ConfigDict(extra="forbid")

    cron: str | None = Field(default=None, max_length=120, description="Five-field cron, e.g. '*/30 * * * *'")
    interval_seconds: int | None = Field(default=None, ge=10, le=366 * 86400)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)

    @model_validator(mode="after")
    def _one_kind(self) -> Schedule:
        if self.cron and self.interval_seconds:
            raise BilingualValueError("cron 与 interval_seconds 只能二选一", f"{_SCHEDULE_HELP}, not both")
        return self


class SourceIn(BaseModel):
    """A source config as an admin or the education bureau writes it (the YAML of `hub sources add`)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN, description="Unique; lowercase letters, digits, '-' and '_'")
    kind: Literal["folder", "http", "sql"]
    entity: Literal["teacher", "school"]
    description: str = Field(default="", max_length=2000)
    settings: dict[str, Any] = Field(
        description="Connector settings: folder {path, pattern?, sheet?, min_age_seconds?}; "
        "http {url, paging?, items_path?, page_size?, bearer_token? …}; sql {url, table | query, updated_at_column?}"
    )
    mapping: dict[str, str | None] = Field(
        default_factory=dict,
        description="Source column → element name (e.g. 'sfzh': 'id_number'); null drops a column. "
        "Unmapped columns are matched by the standard's labels and synonyms.",
    )
    schedule: Schedule | None = None
    enabled: bool = True
    failure_threshold: int = Field(
        default=3, ge=1, le=1000, description="Failed runs in a row before it is marked failing"
    )
    period: str | None = Field(
        default=None,
        max_length=32,
        description="The period its periodic values belong to (2025, 2024-2025学年); none: the current one at each run",
    )
    division: str | None = Field(
        default=None,
        max_length=6,
        description="The GB/T 2260 division it feeds (default: its creator's); it writes only records of "
        "that subtree's schools, and only bureaus whose division holds it see or run it",
    )

    @field_validator("mapping")
    @classmethod
    def _mapping(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        return clean_mapping(value)


class SourceUpdate(BaseModel):
    """A partial change; settings values still masked ("******") keep the stored secret."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, max_length=2000)
    settings: dict[str, Any] | None = None
    mapping: dict[str, str | None] | None = None
    schedule: Schedule | None = None
    clear_schedule: bool = False
    enabled: bool | None = None
    failure_threshold: int | None = Field(default=None, ge=1, le=1000)
    period: str | None = Field(default=None, max_length=32, description="Empty text: back to the current one")

    @field_validator("mapping")
    @classmethod
    def _mapping(cls, value: dict[str, str | None] | None) -> dict[str, str | None] | None:
        return None if value is None else clean_mapping(value)


class SourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    entity: str
    description: str
    settings: dict[str, Any] = Field(description="Secrets (tokens, passwords) are shown as '******'")
    mapping: dict[str, str | None]
    schedule: Schedule | None
    enabled: bool
    failure_threshold: int
    period: str | None = None
    division: str | None = Field(default=None, description="The division it feeds; none: the whole hub")
    division_name: str | None = None
    consecutive_failures: int
    failing: bool
    failing_since: datetime | None
    high_water_mark: str | None
    last_run_at: datetime | None
    last_run_status: str | None = None
    created_at: datetime
    updated_at: datetime


class RunRejection(BaseModel):
    file: str | None = None
    row: int
    field: str
    value: str
    reason: str
    reason_en: str


class RunFile(BaseModel):
    name: str
    sha256: str
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    unchanged: int = 0
    error: str | None = None


class RunOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    trigger: str
    started_at: datetime
    finished_at: datetime | None
    status: Literal["succeeded", "failed"]
    rows_read: int
    accepted: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    error: str | None
    high_water_mark_from: str | None
    high_water_mark: str | None
    files: list[RunFile]
    batch_ids: list[int]
    notices: list[str]
    rejections: list[RunRejection] | None = Field(
        default=None, description="The quarantined rows with reasons; only in the single-run answer"
    )


def clean_mapping(value: dict[str, str | None]) -> dict[str, str | None]:
    """Trimmed source columns and targets, an empty target meaning "drop"; two columns may not share a target."""
    cleaned = {
        str(k).strip(): (v.strip() if isinstance(v, str) and v.strip() else None) for k, v in value.items()
    }
    targets = [v for v in cleaned.values() if v]
    repeated = sorted({v for v in targets if targets.count(v) > 1})
    if repeated:
        raise BilingualValueError(
            f"多个列映射到同一数据元：{'、'.join(repeated)}",
            f"several source columns map to {', '.join(repeated)}",
        )
    return cleaned
