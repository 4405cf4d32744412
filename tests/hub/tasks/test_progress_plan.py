"""A county bureau's progress page of a city-wide request reads its own schools' key ranges (issue 17).

PostgreSQL only: every statement the page sends is explained with sequential scans disabled, which the
planner still chooses where no index can serve the query. None of the tables that grow with teachers
and schools may be read whole: each is reached through an index on the division, the school code or
the task.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.factories import create_city, create_principal
from tests.hub.tasks.factories import approve, publish, request_body, submit_request

LARGE = ("schools", "teachers", "teacher_periods", "tasks", "task_rows", "task_reminders")


@pytest.fixture
def postgres(connection: Connection) -> Connection:
    if connection.dialect.name != "postgresql":
        pytest.skip("query plans: PostgreSQL")
    return connection


def test_a_county_progress_page_uses_an_index_on_every_large_table(
    client: TestClient,
    admin_headers: dict[str, str],
    session: Session,
    settings: Settings,
    postgres: Connection,
) -> None:
    city = create_city(session, settings, schools=12, teachers=120)
    counts = city.schools["division_code"].value_counts()
    county = str(counts.index[0])
    city_code = county[:4] + "00"
    people = {
        kind: create_principal(
            client, admin_headers, kind=kind, code=f"{kind}-c", name=kind, division=city_code
        )
        for kind in ("department", "statistics", "education")
    }
    county_bureau = create_principal(
        client, admin_headers, kind="education", code="edu-county", name="县教育局", division=county
    )
    collecting = submit_request(client, people["department"], request_body("姓名", "本学期家访次数"))
    approve(client, people["statistics"], collecting["id"])
    publish(client, people["education"], collecting["id"])

    sent: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(postgres, "before_cursor_execute", keep)
    try:
        page = client.get(f"/api/v1/requests/{collecting['id']}/progress", headers=county_bureau)
    finally:
        event.remove(postgres, "before_cursor_execute", keep)
    assert page.status_code == 200, page.text
    shown = {s["school_code"] for s in page.json()["schools"]}
    assert shown == set(city.schools.loc[city.schools["division_code"] == county, "code"])

    scans: list[str] = []
    checked = 0
    postgres.exec_driver_sql("SET enable_seqscan = off")
    try:
        for statement, parameters in sent:
            if not any(re.search(rf"\b{table}\b", statement) for table in LARGE):
                continue
            plan = "\n".join(r[0] for r in postgres.exec_driver_sql("EXPLAIN " + statement, parameters))
            checked += 1
            for table in LARGE:
                if re.search(rf"Seq Scan on {table}\b", plan):
                    scans.append(f"{table}:\n{statement[:300]}\n{plan}")
    finally:
        postgres.exec_driver_sql("RESET enable_seqscan")
    assert checked >= 3
    assert scans == [], "\n\n".join(scans)


def test_a_publication_counts_the_rows_it_wrote_for_the_statistics_refresh(
    client: TestClient,
    admin_headers: dict[str, str],
    session: Session,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The refresh after a province-wide publication is decided on the rows written: an INSERT … SELECT
    answering rowcount -1 had skipped it for every publication (issue 17)."""
    from sqlalchemy import func, select

    from hub.tasks import service as tasks
    from hub.tasks.models import TaskRow

    asked: list[tuple[tuple[str, ...], int]] = []
    real = tasks.refresh_statistics

    def spy(session: Session, *tables: str, rows: int, **kw: Any) -> None:
        asked.append((tables, rows))
        real(session, *tables, rows=rows, **kw)

    monkeypatch.setattr(tasks, "refresh_statistics", spy)
    create_city(session, settings, schools=4, teachers=40)
    people = {
        kind: create_principal(client, admin_headers, kind=kind, code=f"{kind}-x", name=kind)
        for kind in ("department", "statistics", "education")
    }
    collecting = submit_request(client, people["department"], request_body("姓名", "本学期家访次数"))
    approve(client, people["statistics"], collecting["id"])
    publish(client, people["education"], collecting["id"])
    stored = session.scalar(select(func.count()).select_from(TaskRow))
    assert (("task_rows",), stored) in asked and stored == 40
