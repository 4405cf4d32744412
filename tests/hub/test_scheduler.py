"""The one scheduler and the hub's own jobs: closing overdue requests, partitions, audit checkpoints."""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from pydantic import SecretStr
from sqlalchemy import Engine, insert

from hub.audit.checkpoints import check_checkpoints, iter_checkpoints
from hub.config import Settings, get_settings
from hub.db import make_engine, transaction
from hub.migrate import alembic_config, upgrade
from hub.scheduler import (
    CHECKPOINT_JOB_ID,
    CLOSE_DUE_JOB_ID,
    PARTITIONS_JOB_ID,
    audit_checkpoint_job,
    build_scheduler,
    close_due_requests_job,
    history_partitions_job,
    start_background_scheduler,
    sync,
)
from hub.sources.models import scheduler_jobs_table
from tests.hub.sources.factories import create_source, feed_settings


@pytest.fixture
def scheduler(scratch_engine: Engine) -> Iterator[BaseScheduler]:
    made = build_scheduler(scratch_engine)
    made.start(paused=True)
    yield made
    if made.running:
        made.shutdown(wait=True)


@pytest.fixture
def configured(scratch_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The jobs find the database through the process settings, as in `hub scheduler`."""
    monkeypatch.setenv("HUB_DATABASE_URL", scratch_database_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "scheduler-test-secret-key")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def settings_for(url: str, **changes: object) -> Settings:
    return Settings(env="test", database_url=url, secret_key=SecretStr("x" * 32), **changes)  # type: ignore[arg-type]


def hub_job_times(scheduler: BaseScheduler) -> dict[str, tuple[int, int]]:
    return {
        job.id: (job.next_run_time.hour, job.next_run_time.minute)
        for job in scheduler.get_jobs(jobstore="default")
        if job.id.startswith("hub:")
    }


def test_the_daily_jobs_are_scheduled_once(
    scratch_database_url: str, scratch_engine: Engine, scheduler: BaseScheduler
) -> None:
    settings = settings_for(scratch_database_url)
    with transaction(scratch_engine) as session:
        sync(scheduler, session, settings)
        sync(scheduler, session, settings)
    assert hub_job_times(scheduler) == {CLOSE_DUE_JOB_ID: (0, 15), PARTITIONS_JOB_ID: (1, 5)}
    jobs = {job.id: job.func_ref for job in scheduler.get_jobs(jobstore="default")}
    assert jobs[CLOSE_DUE_JOB_ID] == "hub.scheduler:close_due_requests_job"


def test_the_audit_checkpoint_is_hourly_only_when_a_directory_is_set(
    scratch_database_url: str, scratch_engine: Engine, scheduler: BaseScheduler, tmp_path: Path
) -> None:
    with transaction(scratch_engine) as session:
        sync(scheduler, session, settings_for(scratch_database_url, audit_checkpoint_dir=tmp_path))
        job = scheduler.get_job(CHECKPOINT_JOB_ID)
        assert job is not None and str(job.trigger) == "cron[minute='0']"
        sync(scheduler, session, settings_for(scratch_database_url))
    assert scheduler.get_job(CHECKPOINT_JOB_ID) is None
    assert set(hub_job_times(scheduler)) == {CLOSE_DUE_JOB_ID, PARTITIONS_JOB_ID}


def test_the_checkpoint_job_writes_one_the_verifier_accepts(
    scratch_engine: Engine, configured: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_checkpoint_job()  # no directory set: nothing written anywhere
    monkeypatch.setenv("HUB_AUDIT_CHECKPOINT_DIR", str(tmp_path / "checkpoints"))
    get_settings.cache_clear()
    audit_checkpoint_job()
    assert len(list(iter_checkpoints(tmp_path / "checkpoints"))) == 1
    with transaction(scratch_engine) as session:
        read, problems = check_checkpoints(session, tmp_path / "checkpoints")
    assert (read, problems) == (1, [])


def test_the_daily_jobs_run_against_the_configured_database(scratch_engine: Engine, configured: None) -> None:
    """SQLite has no partitions: that job is a no-op there; on PostgreSQL it leaves the next months in place."""
    from hub.kit.partitions import existing_partitions

    close_due_requests_job()  # nothing published yet: nothing to close, and no error
    history_partitions_job()
    if scratch_engine.dialect.name == "postgresql":
        with scratch_engine.connect() as connection:
            assert len(existing_partitions(connection) - {"record_history_default"}) >= 4


def test_jobs_stored_by_an_older_hub_are_replaced_not_lost(
    scratch_database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A hub before 0025 stored its own jobs under `hub.sources.scheduler`; after the upgrade the
    scheduler loads without a failed job and adds them again from `hub.scheduler`, keeping source jobs."""
    engine = make_engine(scratch_database_url)
    config = alembic_config(scratch_database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0024_web_sessions")
    zone = ZoneInfo("Asia/Shanghai")

    def old_row(job_id: str, func: str, args: tuple[object, ...] = ()) -> dict[str, object]:
        trigger = CronTrigger(hour=0, minute=15, timezone=zone)
        next_run = trigger.get_next_fire_time(None, datetime.now(zone))
        state = {
            "version": 1, "id": job_id, "func": func, "trigger": trigger, "executor": "default",
            "args": args, "kwargs": {}, "name": job_id, "misfire_grace_time": 3600, "coalesce": True,
            "max_instances": 1, "next_run_time": next_run,
        }  # fmt: skip
        assert next_run is not None
        return {"id": job_id, "next_run_time": next_run.timestamp(), "job_state": pickle.dumps(state, 5)}

    with engine.begin() as connection:
        connection.execute(
            insert(scheduler_jobs_table),
            [
                old_row(CLOSE_DUE_JOB_ID, "hub.sources.scheduler:close_due_requests_job"),
                old_row(PARTITIONS_JOB_ID, "hub.sources.scheduler:history_partitions_job"),
                old_row("hr-feed", "hub.sources.scheduler:run_source_job", ("hr-feed",)),
            ],
        )
    upgrade(engine)
    with transaction(engine) as session:
        create_source(
            session,
            name="hr-feed",
            settings=feed_settings("http://127.0.0.1:9/x"),
            schedule={"cron": "15 0 * * *"},
        )
    scheduler = build_scheduler(engine)
    scheduler.start(paused=True)
    try:
        with caplog.at_level(logging.ERROR), transaction(engine) as session:
            sync(scheduler, session, settings_for(scratch_database_url))
        refs = {job.id: job.func_ref for job in scheduler.get_jobs(jobstore="default")}
    finally:
        scheduler.shutdown(wait=True)
        engine.dispose()
    assert "Unable to restore" not in caplog.text
    assert refs == {
        CLOSE_DUE_JOB_ID: "hub.scheduler:close_due_requests_job",
        PARTITIONS_JOB_ID: "hub.scheduler:history_partitions_job",
        "hr-feed": "hub.sources.scheduler:run_source_job",
    }


def test_the_scheduler_inside_hub_serve_starts_only_when_enabled(
    scratch_database_url: str, scratch_engine: Engine
) -> None:
    off = Settings(
        env="test", database_url=scratch_database_url, secret_key=SecretStr("x" * 32), scheduler_enabled=False
    )
    assert start_background_scheduler(off) is None
    with transaction(scratch_engine) as session:
        create_source(
            session,
            name="hr-feed",
            settings=feed_settings("http://127.0.0.1:9/x"),
            schedule={"interval_seconds": 3600},
        )
    on = off.model_copy(update={"scheduler_enabled": True})
    scheduler = start_background_scheduler(on)
    assert scheduler is not None
    try:
        assert scheduler.running
        deadline = time.monotonic() + 10
        while scheduler.get_job("hr-feed") is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the first sync runs at once, in the scheduler's threads
        assert scheduler.get_job("hr-feed") is not None
    finally:
        scheduler.shutdown(wait=True)
