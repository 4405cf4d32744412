"""Many clients at once: every one is answered, and a saturated server says "retry" instead of failing.

The database pool used to be smaller than the request threads: past 15 concurrent callers a request
waited 30 s for a connection and then answered 500. Now at most `db_pool_size` requests are served at
once and the rest wait their turn outside (hub.kit.admission). These tests run on the suite's database
kind (PostgreSQL in CI), in a database of their own with committed data, through the real app.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import SecretStr
from sqlalchemy import Engine

from hub.app import create_app
from hub.config import Settings
from hub.db import engine_for, transaction
from hub.migrate import upgrade
from tests.conftest import ADMIN_TOKEN, SECRET
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_principal
from tests.hub.served import database_of_its_own
from tests.hub.tasks.factories import create_town

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
POOL = 4


@pytest.fixture
def database_url_of_its_own(tmp_path: Path) -> Iterator[str]:
    with database_of_its_own(tmp_path, "test_load") as url:
        yield url
        engine_for(url, pool_size=POOL).dispose()


def _settings(url: str, **overrides: object) -> Settings:
    return Settings(
        env="test",
        database_url=url,
        admin_token=SecretStr(ADMIN_TOKEN),
        secret_key=SecretStr(SECRET),
        scheduler_enabled=False,
        db_pool_size=POOL,
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
def migrated(database_url_of_its_own: str) -> Engine:
    engine = engine_for(database_url_of_its_own, pool_size=POOL)
    upgrade(engine)
    return engine


def _all_at_once(count: int, call) -> list[Response]:  # type: ignore[no-untyped-def]
    start = threading.Barrier(count)
    answers: list[Response] = []
    lock = threading.Lock()

    def one() -> None:
        start.wait()
        answer = call()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=one, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    return answers


@pytest.mark.parametrize("clients", [64, 128])
def test_every_concurrent_department_read_is_answered_with_a_pool_of_four(
    migrated: Engine, database_url_of_its_own: str, clients: int
) -> None:
    settings = _settings(database_url_of_its_own, admission_wait_seconds=60)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        with transaction(migrated, write=True) as session:
            town = create_town(session, settings, schools=2, teachers=40)
        dept = create_principal(client, ADMIN, code="hrss")
        create_grant(client, ADMIN, holder=dept, elements=["teacher.name", "teacher.gender"])
        answers = _all_at_once(
            clients, lambda: client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 50})
        )
    assert sorted({a.status_code for a in answers}) == [200]
    assert all(town.schools[0] in a.text or town.schools[1] in a.text for a in answers)


def test_a_saturated_server_answers_503_with_retry_after_never_500(
    migrated: Engine, database_url_of_its_own: str
) -> None:
    # Waits so short that most callers cannot get a place: they are told to retry, nobody gets a 500.
    settings = _settings(database_url_of_its_own, admission_wait_seconds=0.001)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        with transaction(migrated, write=True) as session:
            create_town(session, settings, schools=2, teachers=40)
        dept = create_principal(client, ADMIN, code="hrss")
        create_grant(client, ADMIN, holder=dept, elements=["teacher.name"])
        answers = _all_at_once(
            64, lambda: client.get("/api/v1/query/teacher/rows", headers=dept, params={"limit": 50})
        )
    statuses = {a.status_code for a in answers}
    assert statuses <= {200, 503}, statuses
    assert 503 in statuses
    busy = next(a for a in answers if a.status_code == 503)
    assert busy.json()["code"] == "ServiceBusy"
    assert int(busy.headers["retry-after"]) >= 1
