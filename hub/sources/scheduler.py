"""A source's schedule: its trigger (cron or interval), its job in the hub's scheduler, and its run.

The scheduler itself, and the hub's own jobs, are `hub.scheduler`; this module gives it one job per
enabled, scheduled source, whose id is the source's name, and the function that job runs.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session

from hub.config import get_settings
from hub.db import engine_for, transaction
from hub.kit.clock import DEFAULT_TIMEZONE
from hub.sources.errors import SourceRunning
from hub.sources.models import Source
from hub.sources.repository import SourceRepository

log = logging.getLogger(__name__)

# The hub's own jobs (hub.scheduler) carry ids with this prefix; source names cannot contain ':'.
SYSTEM_PREFIX = "hub:"

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


@dataclass(frozen=True, kw_only=True)
class SyncResult:
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def sync_source_jobs(scheduler: BaseScheduler, session: Session) -> SyncResult:
    """Make the persisted source jobs match the enabled, scheduled sources: add, reschedule or remove."""
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
            run_source_job, trigger=trigger, args=[name], id=name, name=fingerprint,
            jobstore="default", replace_existing=True,
        )  # fmt: skip
        (changed if job is not None else added).append(name)
    result = SyncResult(added=tuple(added), changed=tuple(changed), removed=tuple(removed), kept=tuple(kept))
    if added or changed or removed:
        log.info("scheduler jobs: added %s, changed %s, removed %s", added, changed, removed)
    return result


# --- what a source's job runs --------------------------------------------------------------------------


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
            run = run_source(session, settings, name, trigger="schedule", actor=None)
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
