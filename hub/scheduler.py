"""The one scheduler: APScheduler 3 with its jobs persisted in the hub's database.

Two kinds of job share it. Each enabled source with a schedule is a job whose id is the source's name
(`hub.sources.scheduler` parses its trigger and runs it). The hub's own jobs carry ids starting with
`hub:`: closing published requests whose deadline has passed, creating the coming months' history
partitions and, when `HUB_AUDIT_CHECKPOINT_DIR` is set, writing a signed checkpoint of the audit log.

The jobs live in the `apscheduler_jobs` table (SQLAlchemyJobStore), so a restart neither loses nor
doubles them and a run missed while the process was down is made up once (coalesce) within the grace
time. Two runs of the same job never overlap (max_instances=1). Every minute the scheduler brings its
jobs in line with the source configs and the settings; a job whose schedule did not change is left
alone, so its next run time survives.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hub.audit.checkpoints import write_checkpoint
from hub.config import Settings, get_settings
from hub.db import engine_for, transaction
from hub.kit.clock import DEFAULT_TIMEZONE, local_today
from hub.kit.partitions import ensure_history_partitions
from hub.notices.service import due_deliveries, record_outcomes, send
from hub.sources.models import scheduler_jobs_table
from hub.sources.scheduler import SYSTEM_PREFIX, SyncResult, sync_source_jobs
from hub.tasks.service import close_due_requests

log = logging.getLogger(__name__)

SYNC_JOB_ID = f"{SYSTEM_PREFIX}sync-sources"
DELIVERIES_JOB_ID = f"{SYSTEM_PREFIX}webhook-deliveries"
CLOSE_DUE_JOB_ID = f"{SYSTEM_PREFIX}close-due-requests"
PARTITIONS_JOB_ID = f"{SYSTEM_PREFIX}history-partitions"
CHECKPOINT_JOB_ID = f"{SYSTEM_PREFIX}audit-checkpoint"

SYNC_SECONDS = 60
DELIVERY_SECONDS = 30
# A run missed while the scheduler was down still happens if it is at most this late (coalesced to one).
MISFIRE_GRACE_SECONDS = 3600
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}


# --- what the hub's own jobs run ----------------------------------------------------------------


def close_due_requests_job() -> None:
    """Daily: published requests whose deadline has passed are answered, their open tasks closed."""
    settings = get_settings()
    with transaction(engine_for(settings.database_url), write=True) as session:
        closed = close_due_requests(session, local_today())
    if closed:
        log.info("requests answered at their deadline: %s", ", ".join(map(str, closed)))


def history_partitions_job() -> None:
    """Daily: the record history's partitions for this month and the next three exist (PostgreSQL)."""
    engine = engine_for(get_settings().database_url)
    with engine.begin() as connection:
        created = ensure_history_partitions(connection, datetime.now(UTC).date())
    if created:
        log.info("history partitions created: %s", ", ".join(created))


def audit_checkpoint_job() -> None:
    """Hourly: the audit chain's head, signed, into HUB_AUDIT_CHECKPOINT_DIR (kept outside the database)."""
    settings = get_settings()
    if settings.audit_checkpoint_dir is None:
        return
    with transaction(engine_for(settings.database_url)) as session:
        checkpoint = write_checkpoint(session, settings.audit_checkpoint_dir)
    log.info("audit checkpoint at entry %s: %s", checkpoint.entries, checkpoint.path)


def deliver_webhooks_job() -> None:
    """Every half minute: the notices' webhook deliveries that are due, each signed, sent outside any
    transaction (a slow endpoint holds no lock), the outcomes written after; failures wait and retry."""
    settings = get_settings()
    engine = engine_for(settings.database_url)
    with transaction(engine) as session:
        due = due_deliveries(
            session, secret_key=settings.secret_key.get_secret_value(), now=datetime.now(UTC)
        )
    if not due:
        return
    with httpx.Client() as client:
        outcomes = [send(d, client) for d in due]
    with transaction(engine, write=True) as session:
        record_outcomes(session, outcomes, now=datetime.now(UTC))


@dataclass(frozen=True, kw_only=True)
class HubJob:
    id: str
    function: Callable[[], None]
    name: str
    trigger: BaseTrigger


def hub_jobs(settings: Settings) -> list[HubJob]:
    """The hub's own jobs under these settings, in the hub's timezone."""
    zone = ZoneInfo(DEFAULT_TIMEZONE)
    jobs = [
        HubJob(
            id=CLOSE_DUE_JOB_ID,
            function=close_due_requests_job,
            name="close requests whose deadline has passed",
            trigger=CronTrigger(hour=0, minute=15, timezone=zone),
        ),
        HubJob(
            id=PARTITIONS_JOB_ID,
            function=history_partitions_job,
            name="create the coming months' history partitions",
            trigger=CronTrigger(hour=1, minute=5, timezone=zone),
        ),
    ]
    if settings.audit_checkpoint_dir is not None:
        jobs.append(
            HubJob(
                id=CHECKPOINT_JOB_ID,
                function=audit_checkpoint_job,
                name="write a signed checkpoint of the audit log",
                trigger=CronTrigger(minute=0, timezone=zone),
            )
        )
    return jobs


def ensure_hub_jobs(scheduler: BaseScheduler, settings: Settings) -> None:
    """Add the hub's own jobs that are missing, drop those the settings no longer want.

    A job already there is left alone, so a run missed while the scheduler was down is made up on restart.
    """
    wanted = hub_jobs(settings)
    for job in wanted:
        if scheduler.get_job(job.id, jobstore="default") is None:
            scheduler.add_job(
                job.function, trigger=job.trigger, id=job.id, name=job.name,
                jobstore="default", replace_existing=True,
            )  # fmt: skip
    wanted_ids = {job.id for job in wanted}
    for job in scheduler.get_jobs(jobstore="default"):
        if job.id.startswith(SYSTEM_PREFIX) and job.id not in wanted_ids:
            scheduler.remove_job(job.id, jobstore="default")


# --- the scheduler ------------------------------------------------------------------------------


def build_scheduler(engine: Engine, *, blocking: bool = False, max_workers: int = 4) -> BaseScheduler:
    """A scheduler whose jobs persist in the hub database, with one run per job at a time."""
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    return scheduler_class(
        jobstores={
            "default": SQLAlchemyJobStore(engine=engine, tablename=scheduler_jobs_table.name),
            # The sync job holds the live scheduler object, which only memory can keep.
            "system": MemoryJobStore(),
        },
        executors={"default": {"type": "threadpool", "max_workers": max_workers}},
        job_defaults=JOB_DEFAULTS,
        timezone=DEFAULT_TIMEZONE,
    )


def sync(scheduler: BaseScheduler, session: Session, settings: Settings | None = None) -> SyncResult:
    """Bring every persisted job in line: the hub's own, and one per scheduled source.

    The hub's jobs go first: once a source's job shows, this sync needs the job store no more (a
    `shutdown(wait=True)` holds the store's lock while it waits for a running sync to end).
    """
    ensure_hub_jobs(scheduler, settings or get_settings())
    return sync_source_jobs(scheduler, session)


def add_sync_job(scheduler: BaseScheduler, engine: Engine, *, seconds: int = SYNC_SECONDS) -> None:
    """Sync now and then every `seconds`, so sources added or changed through the API get scheduled."""
    scheduler.add_job(
        _sync_from_database, trigger=IntervalTrigger(seconds=seconds), args=[scheduler, engine],
        id=SYNC_JOB_ID, name="sync jobs with source configs", jobstore="system", replace_existing=True,
        next_run_time=datetime.now(ZoneInfo(DEFAULT_TIMEZONE)),
    )  # fmt: skip


def add_delivery_job(scheduler: BaseScheduler, *, seconds: int = DELIVERY_SECONDS) -> None:
    """Send the webhook deliveries that are due every `seconds` (in memory: it is the same job each start)."""
    scheduler.add_job(
        deliver_webhooks_job, trigger=IntervalTrigger(seconds=seconds), id=DELIVERIES_JOB_ID,
        name="send due webhook deliveries", jobstore="system", replace_existing=True,
    )  # fmt: skip


def _sync_from_database(scheduler: BaseScheduler, engine: Engine) -> None:
    # A read: the job store writes on connections of its own, which a write lock held here would block.
    with transaction(engine) as session:
        sync(scheduler, session)


# --- entry points -------------------------------------------------------------------------------


def start_background_scheduler(settings: Settings) -> BackgroundScheduler | None:
    """The scheduler inside `hub serve` (None when HUB_SCHEDULER_ENABLED is false); already started."""
    if not settings.scheduler_enabled:
        return None
    engine = engine_for(settings.database_url)
    scheduler = build_scheduler(engine)
    assert isinstance(scheduler, BackgroundScheduler)
    add_sync_job(scheduler, engine)
    add_delivery_job(scheduler)
    scheduler.start()
    return scheduler


def run_blocking_scheduler(settings: Settings, *, sync_seconds: int = SYNC_SECONDS) -> None:
    """`hub scheduler`: the one scheduler process; returns when interrupted or sent SIGTERM."""
    engine = engine_for(settings.database_url)
    scheduler = build_scheduler(engine, blocking=True)
    add_sync_job(scheduler, engine, seconds=sync_seconds)
    add_delivery_job(scheduler)

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    # `docker compose stop` sends SIGTERM: stop taking new runs; a run in progress finishes or rolls back whole.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
