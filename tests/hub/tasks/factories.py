"""Factories for task tests: a town whose schools hold chosen elements, and the request flow up to publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import generate_city
from schemas.validators import school_code_check_digit
from tests.hub.factories import create_agreement, create_principal, ingest

# What a town's teachers hold unless a test withholds an element from some schools.
TEACHER_COLUMNS = (
    "name",
    "gender",
    "id_number",
    "birth_date",
    "school_code",
    "work_start_date",
    "title",
    "mandarin_level",
    "ethnicity",
    "training_hours",
)
SCHOOL_COLUMNS = ("code", "name", "school_type", "division_code", "urban_rural", "address")
DEADLINE = date.today() + timedelta(days=40)


@dataclass(frozen=True, kw_only=True)
class Town:
    schools: list[str]  # school codes with teachers, in code order
    teachers: pd.DataFrame  # as ingested: element names as columns
    empty_schools: list[str]  # schools without any teacher record

    def of(self, school_code: str) -> pd.DataFrame:
        return self.teachers[self.teachers["school_code"] == school_code]


def school_code(n: int) -> str:
    first9 = f"2339{n:05d}"
    return first9 + school_code_check_digit(first9)


def create_town(
    session: Session,
    settings: Settings,
    *,
    schools: int = 3,
    teachers: int = 30,
    seed: int = 7,
    withhold: dict[str, list[int]] | None = None,
    empty_schools: int = 0,
    columns: tuple[str, ...] = TEACHER_COLUMNS,
) -> Town:
    """Schools and teachers through the real ingestion path; `withhold` maps an element to the indexes
    (in school code order) of schools whose teachers do not hold it."""
    city = generate_city(seed=seed, schools=schools, teachers=teachers)
    school_frame = city.schools[list(SCHOOL_COLUMNS)].copy()
    extra_codes = [school_code(900 + i) for i in range(empty_schools)]
    for i, code in enumerate(extra_codes):
        row = school_frame.iloc[[0]].copy()
        row["code"], row["name"] = code, f"无教师记录的新建学校{i + 1}"
        school_frame = pd.concat([school_frame, row], ignore_index=True)
    report = ingest(session, settings, "school", school_frame.reset_index(drop=True))
    assert report.accepted == len(school_frame), report.rejected[:5]
    frame = city.teachers[list(columns)].copy()
    codes = sorted(frame["school_code"].unique())
    for element, indexes in (withhold or {}).items():
        frame[element] = frame[element].astype("object")
        frame.loc[frame["school_code"].isin([codes[i] for i in indexes]), element] = None
    report = ingest(session, settings, "teacher", frame.reset_index(drop=True))
    assert report.accepted == len(frame), report.rejected[:5]
    session.flush()
    return Town(schools=codes, teachers=frame.reset_index(drop=True), empty_schools=extra_codes)


@dataclass(frozen=True, kw_only=True)
class People:
    department: dict[str, str]
    statistics: dict[str, str]
    education: dict[str, str]
    schools: dict[str, dict[str, str]]  # school code → headers


def create_people(client: TestClient, admin_headers: dict[str, str], school_codes: list[str]) -> People:
    """A department holding a sharing agreement over the teacher data (its requests of gathered data
    are answered at once), both bureaus, and a principal for each school."""
    department = create_principal(client, admin_headers, code="hrss", name="市人力资源和社会保障局")
    create_agreement(client, admin_headers, department)
    return People(
        department=department,
        statistics=create_principal(client, admin_headers, kind="statistics", code="stats", name="市统计局"),
        education=create_principal(client, admin_headers, kind="education", code="edu", name="市教育局"),
        schools={
            code: create_principal(
                client,
                admin_headers,
                kind="school",
                code=f"school-{code}",
                name=f"学校{code}",
                school_code=code,
            )
            for code in school_codes
        },
    )


def request_body(*fields: str | dict[str, Any], entity: str = "teacher", **extra: Any) -> dict[str, Any]:
    return {
        "title": "教师队伍情况统计",
        "purpose": "教师队伍建设规划",
        "entity": entity,
        "deadline": DEADLINE.isoformat(),
        "fields": [{"label": f} if isinstance(f, str) else f for f in fields],
        **extra,
    }


def submit_request(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/api/v1/requests", headers=headers, json=body)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def approve(client: TestClient, statistics: dict[str, str], request_id: int) -> dict[str, Any]:
    answer = client.post(
        f"/api/v1/requests/{request_id}/decision",
        headers=statistics,
        json={
            "decision": "approve",
            "form_number": "教统 2 表",
            "approval_number": "国统制〔2026〕88号",
            "valid_until": (date.today() + timedelta(days=365)).isoformat(),
        },
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def publish(client: TestClient, education: dict[str, str], request_id: int, **body: Any) -> dict[str, Any]:
    answer = client.post(f"/api/v1/requests/{request_id}/publish", headers=education, json=body or None)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def published_request(
    client: TestClient, people: People, *fields: str | dict[str, Any], **extra: Any
) -> tuple[int, dict[str, Any]]:
    """A department's request, approved and published: (request id, publication)."""
    request = submit_request(client, people.department, request_body(*fields, **extra))
    assert request["status"] == "pending_approval", request
    approve(client, people.statistics, request["id"])
    return request["id"], publish(client, people.education, request["id"])


def task_of(client: TestClient, headers: dict[str, str], request_id: int) -> dict[str, Any]:
    """The one task of `request_id` the school behind `headers` sees, with its prefilled rows."""
    tasks = client.get(f"/api/v1/tasks?request_id={request_id}", headers=headers)
    assert tasks.status_code == 200, tasks.text
    (task,) = tasks.json()
    result: dict[str, Any] = task
    return result
