"""The request owns its transaction; on a SQLite file two people writing at once both succeed.

SQLite has one writer at a time. A transaction that has read cannot start writing once another
connection has committed (it fails at once with "database is locked", whatever the busy timeout), so
a request that may write takes the write lock before its first read and waits its turn; a read does
not take it, so long reads never hold up writers (the scheduler's job store among them). These tests
use a SQLite file whatever database the suite runs on: the behaviour is SQLite's.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import SecretStr
from sqlalchemy import Engine, select

from hub.access.payloads import PrincipalCreate
from hub.access.service import create_principal
from hub.app import create_app
from hub.config import Settings
from hub.db import engine_for, transaction
from hub.identity.models import Principal
from hub.migrate import upgrade
from tests.conftest import ADMIN_TOKEN, SECRET
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_principal as create_principal_api
from tests.hub.tasks.factories import create_people, create_town, published_request

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
# Long enough for a request started in a thread to be inside its transaction.
SETTLE_SECONDS = 0.5


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """The engine `hub serve` would use on a SQLite file of this test's own, migrated."""
    engine = engine_for(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(sqlite_engine: Engine) -> Settings:
    return Settings(
        env="test",
        database_url=sqlite_engine.url.render_as_string(),
        admin_token=SecretStr(ADMIN_TOKEN),
        secret_key=SecretStr(SECRET),
        scheduler_enabled=False,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # As a user would see it: a server error is a 500, not an exception in the test.
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@contextmanager
def another_writer(engine: Engine) -> Iterator[None]:
    """Another writer (a second user's request, an import, a source run) in the middle of its
    transaction: it holds the write lock, and commits when the block ends."""
    with transaction(engine) as other:
        create_principal(other, SECRET, PrincipalCreate(kind="department", name="卫健委", code="health"))
        other.flush()
        yield


def in_thread(call: Callable[[], Response]) -> tuple[threading.Thread, list[Response]]:
    responses: list[Response] = []
    thread = threading.Thread(target=lambda: responses.append(call()), daemon=True)
    thread.start()
    return thread, responses


def test_a_write_request_waits_for_another_writer_instead_of_failing(
    client: TestClient, sqlite_engine: Engine
) -> None:
    with another_writer(sqlite_engine):
        # This request reads (its caller) and then writes; the other writer commits in between.
        thread, responses = in_thread(
            lambda: client.post(
                "/api/v1/principals",
                headers=ADMIN,
                json={"kind": "department", "name": "人社局", "code": "hr"},
            )
        )
        time.sleep(SETTLE_SECONDS)
    thread.join(timeout=30)

    [response] = responses
    assert response.status_code == 201, response.text
    with transaction(sqlite_engine) as session:
        codes = set(session.scalars(select(Principal.code)))
    assert {"health", "hr"} <= codes


def test_a_read_request_does_not_wait_for_a_writer(client: TestClient, sqlite_engine: Engine) -> None:
    with another_writer(sqlite_engine):
        thread, responses = in_thread(lambda: client.get("/api/v1/principals", headers=ADMIN))
        thread.join(timeout=10)
        assert not thread.is_alive(), "a read waited for the writer"
        # Answered while the writer still holds the lock, from the last committed state.
        [response] = responses
        assert response.status_code == 200, response.text
        assert "health" not in {p["code"] for p in response.json()}


def test_an_audited_read_waits_for_another_writer_instead_of_failing(
    client: TestClient, sqlite_engine: Engine, settings: Settings
) -> None:
    # Showing a school its task's prefilled rows is a read that writes: the audit log records it.
    with transaction(sqlite_engine) as session:
        town = create_town(session, settings, schools=1, teachers=5, withhold={"mandarin_level": [0]})
    people = create_people(client, ADMIN, town.schools)
    _, publication = published_request(client, people, "姓名", "普通话水平等级")
    [task] = publication["tasks"]
    school = people.schools[town.schools[0]]

    with another_writer(sqlite_engine):
        thread, responses = in_thread(lambda: client.get(f"/api/v1/tasks/{task['task_id']}", headers=school))
        time.sleep(SETTLE_SECONDS)
    thread.join(timeout=30)

    [response] = responses
    assert response.status_code == 200, response.text
    assert len(response.json()["rows"]) == 5


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/query/teacher/rows", {"limit": 10}),
        ("/api/v1/query/teacher/aggregate", {"group_by": "school"}),
        ("/api/v1/query/teacher/changes", {}),
    ],
)
def test_a_departments_audited_query_waits_for_another_writer_instead_of_failing(
    client: TestClient, sqlite_engine: Engine, settings: Settings, path: str, params: dict[str, object]
) -> None:
    with transaction(sqlite_engine) as session:
        town = create_town(session, settings, schools=1, teachers=6)
    dept = create_principal_api(client, ADMIN, code="hrss")
    create_grant(client, ADMIN, holder=dept, elements=["teacher.name", "teacher.gender"])

    with another_writer(sqlite_engine):
        thread, responses = in_thread(lambda: client.get(path, headers=dept, params=params))
        time.sleep(SETTLE_SECONDS)
    thread.join(timeout=30)

    [response] = responses
    assert response.status_code == 200, response.text
    assert town.schools[0] in response.text


def test_64_people_writing_at_once_all_succeed(client: TestClient, sqlite_engine: Engine) -> None:
    # Writers of one process take their turn in order (hub.kit.turns) instead of racing for the file
    # lock, where some lost past the busy timeout and got 500 "database is locked".
    start = threading.Barrier(64)

    def file_one(n: int) -> Response:
        start.wait()
        return client.post(
            "/api/v1/public/complaints", json={"text": f"第{n}号举报：要求学校在微信群截图上报"}
        )

    threads = [in_thread(lambda n=n: file_one(n)) for n in range(64)]
    for thread, _ in threads:
        thread.join(timeout=60)
    statuses = [responses[0].status_code for _, responses in threads]
    assert statuses.count(201) == 64, sorted(set(statuses))
    followed = {responses[0].json()["tracking_code"] for _, responses in threads}
    assert len(followed) == 64


def test_a_dry_run_does_not_wait_for_a_writer(client: TestClient, sqlite_engine: Engine) -> None:
    # POST /requests/check stores nothing, so it must not queue behind (or hold up) people who write.
    dept = create_principal_api(client, ADMIN, code="hrss")
    with another_writer(sqlite_engine):
        thread, responses = in_thread(
            lambda: client.post(
                "/api/v1/requests/check",
                headers=dept,
                json={
                    "title": "教师信息核对",
                    "purpose": "职称评审资格复核",
                    "entity": "teacher",
                    "fields": [{"label": "姓名"}],
                },
            )
        )
        thread.join(timeout=10)
        assert not thread.is_alive(), "the dry run waited for the writer"
    [response] = responses
    assert response.status_code == 200, response.text
    assert response.json()["id"] is None


def test_an_upload_preview_does_not_wait_for_a_writer(
    client: TestClient, sqlite_engine: Engine, settings: Settings
) -> None:
    # POST /tasks/{id}/submission/preview stores nothing: a school previewing its upload never queues
    # behind an import or another school's submission.
    with transaction(sqlite_engine) as session:
        town = create_town(session, settings, schools=1, teachers=5, withhold={"mandarin_level": [0]})
    people = create_people(client, ADMIN, town.schools)
    _, publication = published_request(client, people, "姓名", "普通话水平等级")
    [task] = publication["tasks"]
    school = people.schools[town.schools[0]]
    with another_writer(sqlite_engine):
        thread, responses = in_thread(
            lambda: client.post(
                f"/api/v1/tasks/{task['task_id']}/submission/preview",
                headers=school,
                json={"rows": [{"参考号": "T00001", "普通话水平等级": "一级甲等"}]},
            )
        )
        thread.join(timeout=10)
        assert not thread.is_alive(), "the preview waited for the writer"
    [response] = responses
    assert response.status_code == 200, response.text
    assert response.json()["filled"] == 1
