"""The one scheduler: APScheduler 3 with its jobs persisted in the hub's database.

Each enabled source with a schedule is a job whose id is the source's name; the jobs live in the
`apscheduler_jobs` table (SQLAlchemyJobStore), so a restart neither loses nor doubles them and a run
missed while the process was down is made up once (coalesce) within the grace time. Two runs of the
same job never overlap (max_instances=1). Every minute the scheduler brings its jobs in line with the
source configs; a job whose schedule did not change is left alone, so its next run time survives.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import logging
import re
import signal
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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

from hub.config import Settings, get_settings
from hub.db import engine_for, transaction
from hub.sources.errors import SourceRunning
from hub.sources.models import Source
from hub.sources.repository import SourceRepository

log = logging.getLogger(__name__)

JOB_TABLE = "apscheduler_jobs"
# Jobs that are the hub's own, not a source's; source names cannot contain ':'.
SYSTEM_PREFIX = "hub:"
SYNC_JOB_ID = "hub:sync-sources"
CLOSE_DUE_JOB_ID = "hub:close-due-requests"
RUN_SOURCE_JOB = "hub.sources.scheduler:run_source_job"
CLOSE_DUE_JOB = "hub.sources.scheduler:close_due_requests_job"
DELIVERIES_JOB_ID = "hub:webhook-deliveries"
DELIVERY_SECONDS = 30
PARTITIONS_JOB_ID = "hub:history-partitions"
PARTITIONS_JOB = "hub.sources.scheduler:history_partitions_job"
from hub.kit.clock import DEFAULT_TIMEZONE  # noqa: E402  (one timezone for the whole hub)

SYNC_SECONDS = 60
# A run missed while the scheduler was down still happens if it is at most this late (coalesced to one).
MISFIRE_GRACE_SECONDS = 3600
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS}

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScheduleError(ValueError):
    """A schedule that cannot be run; the message says why in Chinese and English."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


def _crontab_weekdays(field: str) -> str:
    """Standard cron numbers weekdays from Sunday = 0 (or 7); APScheduler from Monday = 0. Names mean the same."""

    def name(match: re.Match[str]) -> str:
        return _WEEKDAYS[int(match.group(0))]

    if "/" in field:
        return field
    return re.sub(r"(?<![\w])[0-7](?![\w])", name, field)


def build_trigger(
    cron: str | None, interval_seconds: int | None, timezone: str = DEFAULT_TIMEZONE
) -> BaseTrigger | None:
    """The trigger of a schedule (None: run only on demand). Cron is the standard five fields."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(f"未知时区 {timezone}", f"unknown time zone {timezone!r}") from exc
    if cron:
        fields = cron.split()
        if len(fields) != 5:
            raise ScheduleError(
                f"cron 表达式须为 5 段（分 时 日 月 周），而“{cron}”有 {len(fields)} 段",
                f"a cron expression has 5 fields (minute hour day month weekday); {cron!r} has {len(fields)}",
            )
        fields[4] = _crontab_weekdays(fields[4])
        minute, hour, day, month, day_of_week = fields
        try:
            return CronTrigger(
                minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, timezone=zone
            )
        except ValueError as exc:
            raise ScheduleError(
                f"cron 表达式“{cron}”无效：{exc}", f"invalid cron expression {cron!r}: {exc}"
            ) from exc
    if interval_seconds:
        return IntervalTrigger(seconds=interval_seconds, timezone=zone)
    return None


def schedule_fingerprint(source: Source) -> str:
    """What a job's schedule is, kept as the job's name: a changed config shows as a changed fingerprint."""
    what = f"cron '{source.schedule_cron}'" if source.schedule_cron else f"every {source.schedule_seconds}s"
    return f"source {source.name}: {what} ({source.timezone})"


def build_scheduler(engine: Engine, *, blocking: bool = False, max_workers: int = 4) -> BaseScheduler:
    """A scheduler whose jobs persist in the hub database, with one run per job at a time."""
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    return scheduler_class(
        jobstores={
            "default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE),
            # The sync job holds the live scheduler object, which only memory can keep.
            "system": MemoryJobStore(),
        },
        executors={"default": {"type": "threadpool", "max_workers": max_workers}},
        job_defaults=JOB_DEFAULTS,
        timezone=DEFAULT_TIMEZONE,
    )


@dataclass(frozen=True, kw_only=True)
class SyncResult:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def sync_jobs(scheduler: BaseScheduler, session: Session) -> SyncResult:
    """Make the persisted jobs match the enabled, scheduled sources: add, reschedule or remove."""
    wanted = {
        s.name: s
        for s in SourceRepository(session).find(enabled=True)
        if s.schedule_cron or s.schedule_seconds
    }
    existing = {job.id: job for job in scheduler.get_jobs(jobstore="default")}
    added: list[str] = []
    changed: list[str] = []
    removed: list[str] = []
    kept: list[str] = []
    for job_id in existing:
        if not job_id.startswith(SYSTEM_PREFIX) and job_id not in wanted:
            scheduler.remove_job(job_id, jobstore="default")
            removed.append(job_id)
    for name, source in wanted.items():
        fingerprint = schedule_fingerprint(source)
        job = existing.get(name)
        if job is not None and job.name == fingerprint:
            kept.append(name)
            continue
        try:
            trigger = build_trigger(source.schedule_cron, source.schedule_seconds, source.timezone)
        except ScheduleError as exc:
            log.error("source %s has an invalid schedule: %s", name, exc)
            continue
        scheduler.add_job(
            RUN_SOURCE_JOB, trigger=trigger, args=[name], id=name, name=fingerprint,
            jobstore="default", replace_existing=True,
        )  # fmt: skip
        (changed if job is not None else added).append(name)
    _ensure_daily_jobs(scheduler)
    result = SyncResult(added=tuple(added), changed=tuple(changed), removed=tuple(removed), kept=tuple(kept))
    if added or changed or removed:
        log.info("scheduler jobs: added %s, changed %s, removed %s", added, changed, removed)
    return result


def _close_due_available() -> bool:
    try:
        if importlib.util.find_spec("hub.tasks.service") is None:
            return False
    except ModuleNotFoundError:
        return False
    return hasattr(importlib.import_module("hub.tasks.service"), "close_due_requests")


def _daily_jobs() -> list[tuple[str, str, str, int, int]]:
    """(id, function, name, hour, minute) of the hub's own daily jobs, in the hub's timezone."""
    jobs = [(PARTITIONS_JOB_ID, PARTITIONS_JOB, "create the coming months' history partitions", 1, 5)]
    if _close_due_available():
        jobs.append((CLOSE_DUE_JOB_ID, CLOSE_DUE_JOB, "close requests whose deadline has passed", 0, 15))
    return jobs


def _ensure_daily_jobs(scheduler: BaseScheduler) -> None:
    # Added once and then left alone, so a run missed while the scheduler was down is made up on restart.
    for job_id, function, name, hour, minute in _daily_jobs():
        if scheduler.get_job(job_id, jobstore="default") is None:
            scheduler.add_job(
                function, trigger=CronTrigger(hour=hour, minute=minute, timezone=ZoneInfo(DEFAULT_TIMEZONE)),
                id=job_id, name=name, jobstore="default", replace_existing=True,
            )  # fmt: skip


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
        sync_jobs(scheduler, session)


# --- what the jobs run --------------------------------------------------------------------------


_sqlite_turn = threading.Lock()


def run_source_job(name: str) -> None:
    """The scheduled run of one source, in its own transaction; a failure stays on that source's run."""
    from hub.sources.service import record_crash, run_source

    settings = get_settings()
    engine = engine_for(settings.database_url)
    # SQLite has one writer: runs in this process take turns instead of timing out on each other.
    turn = _sqlite_turn if engine.dialect.name == "sqlite" else contextlib.nullcontext()
    try:
        with turn, transaction(engine, write=True) as session:
            run = run_source(session, settings, name, trigger="schedule")
            log.info(
                "source %s run %s: %s (%s read, %s accepted)",
                name,
                run.id,
                run.status,
                run.rows_read,
                run.accepted,
            )
    except SourceRunning:
        log.info("source %s is already running elsewhere; this run is skipped", name)
    except (
        Exception
    ) as exc:  # the transaction itself broke (database gone): note it on the source if possible
        log.exception("source %s: the run could not be recorded", name)
        record_crash(engine, name, exc)


def close_due_requests_job() -> None:
    """Daily: requests and tasks whose deadline has passed are closed (hub.tasks)."""
    settings = get_settings()
    close_due_requests = importlib.import_module("hub.tasks.service").close_due_requests
    today = datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date()
    with transaction(engine_for(settings.database_url), write=True) as session:
        close_due_requests(session, today)


def deliver_webhooks_job() -> None:
    """Every half minute: the notices' webhook deliveries that are due, each signed, sent outside any
    transaction (a slow endpoint holds no lock), the outcomes written after; failures wait and retry."""
    import httpx

    from hub.notices.service import due_deliveries, record_outcomes, send

    engine = engine_for(get_settings().database_url)
    with transaction(engine) as session:
        due = due_deliveries(session, now=datetime.now(UTC))
    if not due:
        return
    with httpx.Client() as client:
        outcomes = [send(d, client) for d in due]
    with transaction(engine, write=True) as session:
        record_outcomes(session, outcomes, now=datetime.now(UTC))


def history_partitions_job() -> None:
    """Daily: the record history's partitions for this month and the next three exist (PostgreSQL)."""
    from hub.kit.partitions import ensure_history_partitions

    engine = engine_for(get_settings().database_url)
    with engine.begin() as connection:
        created = ensure_history_partitions(connection, datetime.now(UTC).date())
    if created:
        log.info("history partitions created: %s", ", ".join(created))


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
