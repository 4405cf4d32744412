"""kill -9 in the middle of work: nothing half-written is ever seen, and the same work run again gives
exact counts.

An import and a school's submission each write in one transaction; these tests kill the real process
(SIGKILL, no clean-up of any kind) while that transaction is open and check what the database holds
afterwards. They run on the suite's database kind, in a database of their own whose data are committed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, func, select

from hub.audit import service as audit
from hub.audit.models import AuditEntry
from hub.config import Settings, get_settings
from hub.db import engine_for, transaction
from hub.demo.city import generate_city
from hub.migrate import upgrade
from hub.records.models import IngestBatch, teachers_table
from tests.conftest import ADMIN_TOKEN, SECRET
from tests.hub.served import database_of_its_own, hub_command, hub_env, served_process, serving
from tests.hub.tasks.factories import (
    SCHOOL_COLUMNS,
    TEACHER_COLUMNS,
    approve,
    create_people,
    create_town,
    publish,
    request_body,
    submit_request,
)

pytestmark = pytest.mark.slow
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(autouse=True)
def same_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process seals and checks audit entries with the keys of the `hub` processes it starts."""
    monkeypatch.setenv("HUB_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _settings(url: str) -> Settings:
    return Settings(
        env="test",
        database_url=url,
        admin_token=SecretStr(ADMIN_TOKEN),
        secret_key=SecretStr(SECRET),
        scheduler_enabled=False,
    )


def _counts(engine: Engine) -> tuple[int, int]:
    with transaction(engine) as session:
        teachers = session.scalar(select(func.count()).select_from(teachers_table))
        batches = session.scalar(select(func.count()).select_from(IngestBatch))
    return int(teachers or 0), int(batches or 0)


def _sealed_writes(engine: Engine) -> int:
    """The audit log's `records.write` entries, once the whole chain is checked: a kill in the middle
    of a write (the chain head locked by it) must leave neither an entry nor a broken chain."""
    with transaction(engine) as session:
        result = audit.verify(session)
        assert result.ok, result.reason_en
        return int(
            session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "records.write")
            )
            or 0
        )


def _writing(url: str, engine: Engine, wal: Path) -> Callable[[], bool]:
    """Whether another process holds a write transaction open on the database right now.

    PostgreSQL says so in pg_stat_activity; SQLite (in WAL mode) shows it as a write-ahead log that
    grows past what a committed schema leaves there, as the open transaction spills its pages.
    """
    if url.startswith("postgresql"):

        def open_elsewhere() -> bool:
            with engine.connect() as connection:
                found = connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                    "AND (state = 'idle in transaction' OR (state = 'active' AND query ~* '^\\s*(copy|insert|update)'))"
                ).scalar()
            return bool(found)

        return open_elsewhere
    baseline = wal.stat().st_size if wal.exists() else 0
    return lambda: wal.exists() and wal.stat().st_size > baseline + 4 * 1024 * 1024


def _kill_when(process: subprocess.Popen[Any], ready: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the process ended before it was caught writing"
        assert time.monotonic() < deadline, "the process was never seen writing"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_an_import_killed_mid_write_leaves_nothing_and_the_rerun_stores_every_row(tmp_path: Path) -> None:
    with database_of_its_own(tmp_path, "test_kill_import") as url:
        engine = engine_for(url)
        try:
            upgrade(engine)
            city = generate_city(seed=21, schools=12, teachers=40_000)
            with transaction(engine, write=True) as session:
                from tests.hub.factories import ingest

                report = ingest(session, _settings(url), "school", city.schools[list(SCHOOL_COLUMNS)])
                assert report.accepted == 12
            before = _counts(engine)
            file = tmp_path / "teachers.csv"
            city.teachers[list(TEACHER_COLUMNS)].to_csv(file, index=False)
            env = hub_env(url)

            importing = subprocess.Popen(
                hub_command("import", "teachers", str(file)),
                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )  # fmt: skip
            _kill_when(importing, _writing(url, engine, tmp_path / "hub.db-wal"))
            assert importing.returncode == -signal.SIGKILL
            assert _counts(engine) == before  # no teacher and no batch of the killed import

            rerun = subprocess.run(
                hub_command("import", "teachers", str(file)),
                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            assert rerun.returncode == 0, rerun.stdout + rerun.stderr
            assert re.search(r"40000 accepted \(40000 new", rerun.stdout), rerun.stdout
            assert _counts(engine) == (before[0] + 40_000, before[1] + 1)
            assert _sealed_writes(engine) == 2  # the schools' and the rerun's: nothing of the killed one
        finally:
            engine.dispose()


def test_a_server_killed_mid_submission_keeps_all_or_none_and_the_resubmission_counts_exactly(
    tmp_path: Path,
) -> None:
    if not os.environ.get("HUB_TEST_DATABASE_URL", "").startswith("postgresql"):
        # On SQLite a submission's rows reach the file only at commit: there is no moment to catch.
        pytest.skip("a submission's open transaction is visible only on PostgreSQL")
    with database_of_its_own(tmp_path, "test_kill_serve") as url:
        engine = engine_for(url)
        try:
            upgrade(engine)
            with transaction(engine, write=True) as session:
                town = create_town(
                    session, _settings(url), schools=2, teachers=6000, withhold={"mandarin_level": [0, 1]}
                )
            big = town.schools[0]
            rows = len(town.of(big))
            writes = _sealed_writes(engine)  # the town's schools and teachers
            with (
                served_process(cwd=tmp_path, env=hub_env(url)) as (served_at, server),
                httpx.Client(base_url=served_at) as client,
            ):
                people = create_people(client, ADMIN, town.schools)  # type: ignore[arg-type]
                request = submit_request(client, people.department, request_body("姓名", "普通话水平等级"))  # type: ignore[arg-type]
                approve(client, people.statistics, request["id"])  # type: ignore[arg-type]
                publish(client, people.education, request["id"])  # type: ignore[arg-type]
                school = people.schools[big]
                (task,) = client.get(f"/api/v1/tasks?request_id={request['id']}", headers=school).json()
                body = {
                    "rows": [{"参考号": r["reference"], "普通话水平等级": "一级乙等"} for r in task["rows"]]
                }
                assert len(body["rows"]) == rows

                answer: list[Any] = []

                def send() -> None:
                    try:
                        answer.append(
                            client.post(
                                f"/api/v1/tasks/{task['id']}/submission",
                                headers=school,
                                json=body,
                                timeout=300,
                            )
                        )
                    except httpx.HTTPError as exc:
                        answer.append(exc)

                sending = threading.Thread(target=send, daemon=True)
                sending.start()
                _kill_when(server, _writing(url, engine, tmp_path / "unused"))
                sending.join(timeout=60)
                assert answer and isinstance(answer[0], httpx.HTTPError), answer  # killed before it answered

            with (
                serving(cwd=tmp_path, env=hub_env(url)) as served_at,
                httpx.Client(base_url=served_at) as client,
            ):
                school = people.schools[big]
                seen = client.get(f"/api/v1/tasks/{task['id']}", headers=school).json()
                assert seen["rows_filled"] == 0 and seen["submissions"] == 0  # none of the killed submission
                again = client.post(
                    f"/api/v1/tasks/{task['id']}/submission", headers=school, json=body, timeout=300
                )
                assert again.status_code == 200, again.text
                assert again.json()["rows_filled"] == rows
                seen = client.get(f"/api/v1/tasks/{task['id']}", headers=school).json()
                assert seen["rows_filled"] == rows and seen["submissions"] == 1
            assert _sealed_writes(engine) == writes + 1  # the resubmission's; nothing of the killed one
        finally:
            engine.dispose()
