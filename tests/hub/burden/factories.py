"""A small city and its requests, built through the API, for the burden, complaint and 自查表 tests.

Every figure the tests expect is computed here from what was sent (teacher counts, fields), never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.demo.city import generate_city
from tests.hub.factories import create_agreement, create_principal, ingest

TEACHER_COLUMNS = ("name", "gender", "id_number", "birth_date", "school_code", "work_start_date", "title")
SCHOOL_COLUMNS = ("code", "name", "school_type", "division_code", "urban_rural", "address")
APPROVAL_NUMBER = "国统制〔2026〕88号"
GATHERED_LABELS = ("姓名", "性别", "出生日期")
NEW_LABEL = "课后服务每周时长"


def far_deadline() -> date:
    return date.today() + timedelta(days=40)


@dataclass(kw_only=True)
class City:
    schools: list[str]  # school codes in code order
    teachers: dict[str, int]  # school code → teachers held
    department: dict[str, str]
    statistics: dict[str, str]
    education: dict[str, str]
    school_headers: dict[str, dict[str, str]]
    requests: dict[str, int] = field(default_factory=dict)  # scenario name → request id


def create_city(
    client: TestClient,
    session: Session,
    settings: Settings,
    admin: dict[str, str],
    *,
    schools: int = 3,
    seed: int = 5,
) -> City:
    """Schools and teachers through the store's ingestion path, and one principal of each kind."""
    generated = generate_city(seed=seed, schools=schools, teachers=10 * schools)
    report = ingest(
        session, settings, "school", generated.schools[list(SCHOOL_COLUMNS)].reset_index(drop=True)
    )
    assert report.accepted == schools, report.rejected[:3]
    teachers = generated.teachers[list(TEACHER_COLUMNS)].reset_index(drop=True)
    report = ingest(session, settings, "teacher", teachers)
    assert report.accepted == len(teachers), report.rejected[:3]
    session.flush()
    codes = sorted(generated.schools["code"])
    counts = teachers["school_code"].value_counts()
    # 人社局 holds a sharing agreement, so its request of gathered data is answered at once.
    department = create_principal(client, admin, code="hrss", name="市人力资源和社会保障局")
    create_agreement(client, admin, department)
    return City(
        schools=codes,
        teachers={code: int(counts.get(code, 0)) for code in codes},
        department=department,
        statistics=create_principal(client, admin, kind="statistics", code="stats", name="市统计局"),
        education=create_principal(client, admin, kind="education", code="edu", name="市教育局"),
        school_headers={
            code: create_principal(
                client, admin, kind="school", code=f"s{code}", name=f"学校{code}", school_code=code
            )
            for code in codes
        },
    )


def request_body(
    *labels: str | dict[str, Any], title: str = "教师队伍情况统计", **extra: Any
) -> dict[str, Any]:
    return {
        "title": title,
        "purpose": "教师队伍建设规划",
        "entity": "teacher",
        "deadline": far_deadline().isoformat(),
        "fields": [{"label": f} if isinstance(f, str) else f for f in labels],
        **extra,
    }


def submit(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post("/api/v1/requests", headers=headers, json=body)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def approve_and_publish(client: TestClient, city: City, request_id: int) -> dict[str, Any]:
    decision = client.post(
        f"/api/v1/requests/{request_id}/decision",
        headers=city.statistics,
        json={
            "decision": "approve",
            "form_number": "人社统 1 表",
            "approval_number": APPROVAL_NUMBER,
            "valid_until": (date.today() + timedelta(days=300)).isoformat(),
        },
    )
    assert decision.status_code == 200, decision.text
    published = client.post(f"/api/v1/requests/{request_id}/publish", headers=city.education)
    assert published.status_code == 200, published.text
    result: dict[str, Any] = published.json()
    return result


def fill_task(
    client: TestClient, city: City, school: str, request_id: int, values: dict[str, str]
) -> dict[str, Any]:
    """The school fills every row of its task for `request_id` with `values` (label → value)."""
    tasks = client.get(f"/api/v1/tasks?request_id={request_id}", headers=city.school_headers[school])
    assert tasks.status_code == 200, tasks.text
    (task,) = tasks.json()
    rows = [{"参考号": row["reference"], **values} for row in task["rows"]]
    answer = client.post(
        f"/api/v1/tasks/{task['id']}/submission", headers=city.school_headers[school], json={"rows": rows}
    )
    assert answer.status_code == 200 and answer.json()["rejected"] == [], answer.text
    result: dict[str, Any] = answer.json()
    return result


def run_scenario(client: TestClient, city: City) -> City:
    """Three requests a term sees, to every school unless said otherwise:
    - answered: asks only gathered fields, so the store answers it at once;
    - published: asks one gathered and one new field; approved, published, the first school fills its task;
    - rejected: scoped to the first school only, due tomorrow: refused by rule 12 before reaching it.
    """
    answered = submit(client, city.department, request_body(*GATHERED_LABELS, title="教师基本信息"))
    assert answered["status"] == "answered", answered
    published = submit(
        client,
        city.department,
        request_body("姓名", {"label": NEW_LABEL, "type": "integer"}, title="课后服务情况"),
    )
    assert published["status"] == "pending_approval", published
    publication = approve_and_publish(client, city, published["id"])
    assert sorted(t["school_code"] for t in publication["tasks"]) == city.schools
    fill_task(client, city, city.schools[0], published["id"], {NEW_LABEL: "6"})
    rejected = submit(
        client,
        city.department,
        request_body(
            {"label": "本学期参加区级培训次数", "type": "integer"},
            title="培训情况急报",
            schools=[city.schools[0]],
            deadline=(date.today() + timedelta(days=1)).isoformat(),
        ),
    )
    assert rejected["status"] == "rejected", rejected
    city.requests.update(answered=answered["id"], published=published["id"], rejected=rejected["id"])
    return city
