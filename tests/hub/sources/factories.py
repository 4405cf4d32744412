"""Source configs and upstream data shaped the way real HR systems hold it (their own column names)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from hub.demo.city import City, generate_city
from hub.sources import service
from hub.sources.models import Source
from hub.sources.payloads import SourceIn

# How an HR system's feed names its fields (pinyin initials, a nested employer object).
FEED_MAPPING: dict[str, str | None] = {
    "xm": "name",
    "xb": "gender",
    "sfzh": "id_number",
    "csrq": "birth_date",
    "dw.code": "school_code",
    "dw.name": None,
}
# And how its database names its columns.
SQL_MAPPING: dict[str, str | None] = {
    "sfzh": "id_number",
    "xm": "name",
    "xb": "gender",
    "csrq": "birth_date",
    "dwdm": "school_code",
    "updated_at": None,
}
GENDER_LABELS = {"1": "男", "2": "女"}


def create_source(
    session: Session,
    *,
    name: str = "hr-feed",
    kind: str = "http",
    entity: str = "teacher",
    settings: dict[str, Any] | None = None,
    mapping: dict[str, str | None] | None = None,
    schedule: dict[str, Any] | None = None,
    failure_threshold: int = 3,
    enabled: bool = True,
) -> Source:
    payload = SourceIn.model_validate(
        {
            "name": name,
            "kind": kind,
            "entity": entity,
            "settings": settings or {},
            "mapping": FEED_MAPPING if mapping is None and kind == "http" else (mapping or {}),
            "schedule": schedule,
            "failure_threshold": failure_threshold,
            "enabled": enabled,
        }
    )
    return service.create_source(session, payload, principal_id=None, actor=None)


def upstream_teachers(city: City, count: int, *, seed: int = 5) -> pd.DataFrame:
    """Teachers of the city's schools as text, element names as columns."""
    frame = generate_city(seed=seed, schools=2, teachers=count).teachers.head(count).reset_index(drop=True)
    codes = list(city.schools["code"])
    return pd.DataFrame(
        {
            "name": frame["name"].astype(str),
            "gender": frame["gender"].astype(str).map(GENDER_LABELS),
            "id_number": frame["id_number"].astype(str),
            "birth_date": frame["birth_date"].dt.strftime("%Y-%m-%d"),
            "school_code": [codes[i % len(codes)] for i in range(len(frame))],
        }
    )


def feed_records(teachers: pd.DataFrame, city: City) -> list[dict[str, Any]]:
    names = dict(zip(city.schools["code"], city.schools["name"], strict=True))
    return [
        {
            "xm": row.name,
            "xb": row.gender,
            "sfzh": row.id_number,
            "csrq": row.birth_date,
            "dw": {"code": row.school_code, "name": names[row.school_code]},
        }
        for row in teachers.itertuples(index=False)
    ]


def feed_settings(url: str, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "url": url,
        "paging": "page",
        "page_size": 7,
        "items_path": "data.items",
        "timeout": 2,
        "max_retries": 2,
        "backoff_base": 0.01,
    }
    return settings | overrides
