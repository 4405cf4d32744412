"""Plain keyword-default factories. Data goes in through the real ingestion path, so tests see what users see."""

from __future__ import annotations

import pandas as pd
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.db import utcnow
from hub.demo.city import City, generate_city
from hub.records.files import as_text_frame
from hub.records.service import IngestReport, Provenance, ingest_frame
from hub.standard.service import current_standard

as_file_frame = as_text_frame  # the name tests use


def ingest(
    session: Session, settings: Settings, entity: str, frame: pd.DataFrame, *, source_kind: str = "import"
) -> IngestReport:
    return ingest_frame(
        session,
        std=current_standard(session),
        secret_key=settings.secret_key.get_secret_value(),
        entity=entity,
        frame=as_file_frame(frame)
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 2
        else frame,
        provenance=Provenance(source_kind=source_kind, source_ref="test"),
        now=utcnow(),
    )


def create_city(
    session: Session, settings: Settings, *, schools: int = 3, teachers: int = 30, seed: int = 1
) -> City:
    city = generate_city(seed=seed, schools=schools, teachers=max(teachers, schools))
    ingest(session, settings, "school", city.schools)
    if teachers:
        ingest(session, settings, "teacher", city.teachers)
    session.flush()
    return city


def create_principal(
    client: TestClient,
    admin_headers: dict[str, str],
    *,
    kind: str = "department",
    code: str = "d1",
    name: str = "市人力资源和社会保障局",
    school_code: str | None = None,
    division: str | None = None,
) -> dict[str, str]:
    """Create a principal through the API; returns its Authorization header."""
    body = {"kind": kind, "name": name, "code": code}
    if school_code:
        body["school_code"] = school_code
    if division:
        body["division"] = division
    answer = client.post("/api/v1/principals", headers=admin_headers, json=body)
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def create_agreement(
    client: TestClient,
    admin_headers: dict[str, str],
    holder: dict[str, str],
    *,
    entity: str = "teacher",
    elements: list[str] | None = None,
    purpose: str = "核对本部门职责范围内的教师信息",
) -> dict[str, object]:
    """A standing sharing agreement (共享协议) for the holder: by default every element of `entity`
    the catalogue shares, over every school, so its requests of gathered data are answered at once."""
    if elements is None:
        listed = client.get("/api/v1/standard/elements", headers=holder, params={"entity": entity})
        assert listed.status_code == 200, listed.text
        elements = [e["code"] for e in listed.json()["items"] if e["sharing"] != "not_shared"]
    me = client.get("/api/v1/me", headers=holder)
    assert me.status_code == 200, me.text
    body = {"department_id": me.json()["id"], "entity": entity, "elements": elements, "purpose": purpose}
    answer = client.post("/api/v1/grants", headers=admin_headers, json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()
