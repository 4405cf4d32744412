"""An answer by period: each periodic column holds the value of the period its field asked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.db import utcnow
from hub.kit.clock import local_today
from hub.records.files import as_text_frame
from hub.records.service import Provenance, ingest_frame
from hub.standard.service import current_standard
from tests.hub.factories import create_agreement, create_city, create_principal

YEAR = local_today().year
DEADLINE = (date.today() + timedelta(days=40)).isoformat()


def _past_hours(session: Session, settings: Settings, city: Any, year: int, hours: int) -> None:
    frame = city.teachers[["id_number"]].assign(training_hours=str(hours))
    report = ingest_frame(
        session,
        std=current_standard(session),
        secret_key=settings.secret_key.get_secret_value(),
        entity="teacher",
        frame=as_text_frame(frame),
        provenance=Provenance(source_kind="import", source_ref=f"hours {year}"),
        now=utcnow(),
        period=str(year),
    )
    assert report.accepted == len(city.teachers)


def test_each_year_is_answered_with_its_own_values_and_three_years_with_their_sum(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> None:
    city = create_city(session, settings, schools=1, teachers=6)
    _past_hours(session, settings, city, YEAR - 1, 48)
    _past_hours(session, settings, city, YEAR - 2, 30)
    dept = create_principal(client, admin_headers, code="hrss")
    create_agreement(client, admin_headers, dept)
    labels = ["公民身份号码", f"{YEAR - 1}年继续教育学时", "本年度继续教育学时", "近三年继续教育学时"]
    answer = client.post(
        "/api/v1/requests",
        headers=dept,
        json={
            "title": "继续教育学时核对",
            "purpose": "专业技术人员继续教育学时审验",
            "entity": "teacher",
            "deadline": DEADLINE,
            "fields": [{"label": label} for label in labels],
        },
    )
    assert answer.status_code == 201, answer.text
    assert [f["status"] for f in answer.json()["fields"]] == [
        "available",
        "available",
        "available",
        "derived",
    ]
    assert answer.json()["status"] == "answered"
    data = client.get(f"/api/v1/requests/{answer.json()['id']}/data", headers=dept).json()
    columns = {c["label"]: c for c in data["columns"]}
    assert columns[labels[1]]["periods"] == [str(YEAR - 1)]
    assert columns[labels[3]]["periods"] == [str(YEAR - 2), str(YEAR - 1), str(YEAR)]
    assert "periods" not in columns["公民身份号码"]
    current = dict(
        zip(city.teachers["id_number"].str[-4:], city.teachers["training_hours"].astype(int), strict=True)
    )
    assert len(data["rows"]) == 6
    for row in data["rows"]:
        this_year = current[row["公民身份号码"][-4:]]
        assert row[labels[1]] == 48  # last year's value, not today's
        assert row[labels[2]] == this_year
        assert row[labels[3]] == 30 + 48 + this_year
