"""Sources on the one scheduler: their jobs persisted in the hub database, never overlapping, resumed after a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobEvent
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, func, select

from hub.audit import service as audit
from hub.audit.models import AuditEntry
from hub.config import get_settings
from hub.db import transaction
from hub.records.models import schools_table
from hub.scheduler import build_scheduler
from hub.sources.errors import SourceRunning
from hub.sources.models import Source, SourceRun
from hub.sources.payloads import SourceUpdate
from hub.sources.scheduler import ScheduleError, build_trigger, run_source_job, sync_source_jobs
from hub.sources.service import run_source, update_source
from schemas.validators import school_code_check_digit
from tests.hub.sources.factories import create_source, feed_settings

# What the overlapping test's job saw: (start, end) of each execution.
executions: list[tuple[float, float]] = []
executions_lock = threading.Lock()


def slow_job() -> None:
    """A job that takes longer than its interval, as a big source run can."""
    start = time.monotonic()
    time.sleep(0.6)
    with executions_lock:
        executions.append((start, time.monotonic()))


@pytest.fixture
def scheduler(scratch_engine: Engine) -> Iterator[BaseScheduler]:
    made = build_scheduler(scratch_engine)
    yield made
    if made.running:
        made.shutdown(wait=True)


def source_job_ids(scheduler: BaseScheduler) -> list[str]:
    return sorted(job.id for job in scheduler.get_jobs(jobstore="default") if not job.id.startswith("hub:"))


def test_two_runs_of_the_same_job_never_overlap(scheduler: BaseScheduler) -> None:
    executions.clear()
    skipped: list[JobEvent] = []
    scheduler.add_listener(skipped.append, EVENT_JOB_MAX_INSTANCES)
    scheduler.start()
    # Due every 0.2 s, each run takes 0.6 s; the job store holds it by reference, like a source's job.
    scheduler.add_job(
        "tests.hub.sources.test_scheduler:slow_job",
        trigger=IntervalTrigger(seconds=0.2),
        id="slow",
        replace_existing=True,
    )
    time.sleep(2.2)
    scheduler.remove_job("slow")
    scheduler.shutdown(wait=True)

    runs = sorted(executions)
    assert len(runs) >= 2
    for (_, previous_end), (next_start, _) in zip(runs, runs[1:], strict=False):
        assert next_start >= previous_end, "two runs of one job overlapped"
    assert skipped, "runs that came due while one was running should have been skipped"


def test_a_restart_resumes_the_schedule_from_the_job_store(scratch_engine: Engine) -> None:
    with transaction(scratch_engine) as session:
        create_source(
            session,
            name="hr-feed",
            settings=feed_settings("http://127.0.0.1:9/x"),
            schedule={"interval_seconds": 3600},
        )
        create_source(
            session,
            name="hr-db-nightly",
            kind="http",
            settings=feed_settings("http://127.0.0.1:9/y"),
            schedule={"cron": "0 2 * * 1-5"},
        )
        create_source(session, name="on-demand", settings=feed_settings("http://127.0.0.1:9/z"))

    first = build_scheduler(scratch_engine)
    first.start(paused=True)
    with transaction(scratch_engine) as session:
        result = sync_source_jobs(first, session)
    assert sorted(result.added) == ["hr-db-nightly", "hr-feed"]
    planned = {job.id: job.next_run_time for job in first.get_jobs(jobstore="default")}
    first.shutdown()

    time.sleep(0.05)  # a re-added interval job would now get a later next run time
    second = build_scheduler(scratch_engine)
    second.start(paused=True)
    try:
        assert {job.id: job.next_run_time for job in second.get_jobs(jobstore="default")} == planned
        with transaction(scratch_engine) as session:
            again = sync_source_jobs(second, session)
        assert (again.added, again.changed, again.removed) == ((), (), ())
        assert source_job_ids(second) == ["hr-db-nightly", "hr-feed"]  # not doubled
        assert {job.id: job.next_run_time for job in second.get_jobs(jobstore="default")} == planned
        # Cron weekdays as cron writes them: 1-5 is Monday to Friday.
        nightly = second.get_job("hr-db-nightly")
        assert nightly is not None and nightly.next_run_time.weekday() < 5 and nightly.next_run_time.hour == 2
    finally:
        second.shutdown()


def test_changed_disabled_and_deleted_sources_change_their_jobs(
    scratch_engine: Engine, scheduler: BaseScheduler
) -> None:
    with transaction(scratch_engine) as session:
        create_source(
            session,
            name="a",
            settings=feed_settings("http://127.0.0.1:9/a"),
            schedule={"interval_seconds": 3600},
        )
        create_source(
            session,
            name="b",
            settings=feed_settings("http://127.0.0.1:9/b"),
            schedule={"interval_seconds": 3600},
        )
    scheduler.start(paused=True)
    with transaction(scratch_engine) as session:
        sync_source_jobs(scheduler, session)
    with transaction(scratch_engine) as session:
        update_source(session, "a", SourceUpdate(schedule={"interval_seconds": 60}), actor=None)  # type: ignore[arg-type]
        update_source(session, "b", SourceUpdate(enabled=False), actor=None)
    with transaction(scratch_engine) as session:
        result = sync_source_jobs(scheduler, session)

    assert (result.changed, result.removed) == (("a",), ("b",))
    job = scheduler.get_job("a")
    assert job is not None and str(job.trigger) == "interval[0:01:00]"
    assert source_job_ids(scheduler) == ["a"]


def test_bad_schedules_are_refused() -> None:
    for cron in ("* * *", "61 * * * *", "0 2 * * mon-funday"):
        with pytest.raises(ScheduleError):
            build_trigger(cron, None)
    with pytest.raises(ScheduleError):
        build_trigger(None, 60, "Mars/Olympus_Mons")
    assert build_trigger(None, None) is None


def school_drop(tmp_path: Path) -> Path:
    """A folder a `folder` source reads, holding a CSV of two schools."""
    drop = tmp_path / "drop"
    drop.mkdir()
    pd.DataFrame(
        {
            "学校标识码": [code + school_code_check_digit(code) for code in ("330102001", "330102002")],
            "学校名称": ["杭州市第一中学", "杭州市第二中学"],
        }
    ).to_csv(drop / "schools.csv", index=False)
    return drop


def test_scheduled_runs_one_failing_source_does_not_stop_another(
    scratch_database_url: str,
    scratch_engine: Engine,
    scheduler: BaseScheduler,
    feed,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    # The jobs run as in `hub scheduler`: they find the database through the process settings.
    monkeypatch.setenv("HUB_DATABASE_URL", scratch_database_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "scheduler-test-secret-key")
    get_settings.cache_clear()
    state, url = feed
    state.down = True
    drop = school_drop(tmp_path)
    with transaction(scratch_engine) as session:
        create_source(
            session,
            name="broken-feed",
            settings=feed_settings(url),
            schedule={"interval_seconds": 3600},
            failure_threshold=1,
        )
        create_source(
            session,
            name="school-drop",
            kind="folder",
            entity="school",
            settings={"path": str(drop)},
            schedule={"interval_seconds": 3600},
        )
    try:
        scheduler.start()
        with transaction(scratch_engine) as session:
            sync_source_jobs(scheduler, session)
        for name in ("broken-feed", "school-drop"):
            scheduler.modify_job(name, next_run_time=pd.Timestamp.now(tz="Asia/Shanghai").to_pydatetime())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with transaction(scratch_engine) as session:
                if (session.scalar(select(func.count()).select_from(SourceRun)) or 0) >= 2:
                    break
            time.sleep(0.1)
        with transaction(scratch_engine) as session:
            outcome = {
                name: (status, error)
                for name, status, error in session.execute(
                    select(Source.name, SourceRun.status, SourceRun.error).join(
                        Source, Source.id == SourceRun.source_id
                    )
                )
            }
            failing = {s.name: s.failing for s in session.scalars(select(Source))}
            schools = session.scalar(select(func.count()).select_from(schools_table))
            triggers = set(session.scalars(select(SourceRun.trigger)))
            runs = {
                e.detail["target"]["id"]: (
                    e.principal_id,
                    e.detail["trigger"],
                    e.detail["status"],
                    e.row_count,
                )
                for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "source.run"))
            }
            sealed = audit.verify(session).ok
    finally:
        get_settings.cache_clear()
    assert outcome["broken-feed"][0] == "failed" and "HTTP 500" in (outcome["broken-feed"][1] or "")
    assert outcome["school-drop"] == ("succeeded", None)
    assert schools == 2
    assert failing == {"broken-feed": True, "school-drop": False}
    assert triggers == {"schedule"}
    # Each scheduled run, failed or not, is on the audit log as the hub's own act.
    assert runs == {
        "broken-feed": (None, "schedule", "failed", 0),
        "school-drop": (None, "schedule", "succeeded", 2),
    }
    assert sealed


def test_a_scheduled_run_waits_for_another_writer_instead_of_failing(
    scratch_database_url: str,
    scratch_engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On SQLite a run that read before another writer committed could not write any more ("locked")."""
    monkeypatch.setenv("HUB_DATABASE_URL", scratch_database_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "scheduler-test-secret-key")
    get_settings.cache_clear()
    drop = school_drop(tmp_path)
    with transaction(scratch_engine) as session:
        create_source(
            session, name="school-drop", kind="folder", entity="school", settings={"path": str(drop)}
        )
    try:
        # Someone adds a source through the API while the scheduled run starts.
        with transaction(scratch_engine) as other:
            create_source(other, name="hr-feed", settings=feed_settings("http://127.0.0.1:9/x"))
            other.flush()
            job = threading.Thread(target=run_source_job, args=["school-drop"], daemon=True)
            job.start()
            time.sleep(0.5)
        job.join(timeout=30)
        with transaction(scratch_engine) as session:
            runs = session.execute(select(SourceRun.status, SourceRun.error)).all()
            schools = session.scalar(select(func.count()).select_from(schools_table))
    finally:
        get_settings.cache_clear()
    assert [tuple(run) for run in runs] == [("succeeded", None)]
    assert schools == 2


def test_a_second_run_of_a_running_source_is_refused_not_overlapped(scratch_engine: Engine) -> None:
    """Across processes (the API's "run now" while the scheduler runs it) the source's row is the lock."""
    if scratch_engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite has one writer at a time anyway)")
    with transaction(scratch_engine) as session:
        create_source(session, name="hr-feed", settings=feed_settings("http://127.0.0.1:9/x"))
    settings = get_settings()
    with scratch_engine.connect() as running:
        running.begin()
        running.execute(select(Source).where(Source.name == "hr-feed").with_for_update())
        with pytest.raises(SourceRunning, match="already running"), transaction(scratch_engine) as session:
            run_source(session, settings, "hr-feed", actor=None)
    with transaction(scratch_engine) as session:
        # runs once the other has ended
        assert run_source(session, settings, "hr-feed", actor=None).status == "failed"
