"""Source configs and their runs: where the connectors library meets the store.

A run reads the source, maps its columns to elements and sends every chunk through
`hub.records.service.ingest_frame`, the one validation and write path, with the provenance
`connector` / `source:<name>:run:<id>`. The run, the rows it stored, the files it took in and the
high-water mark it reached commit together, so a run is taken in once or not at all.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import schemas
from connectors.files import read_table
from connectors.mapping import ColumnMapping
from connectors.mapping import apply_mapping as map_columns
from hub.audit import service as audit
from hub.config import Settings
from hub.db import transaction, utcnow
from hub.errors import HubError
from hub.identity.divisions import known, not_found
from hub.identity.models import Principal
from hub.records.periods import read_period
from hub.records.service import IngestReport, Provenance, ingest_frame
from hub.sources import readers
from hub.sources.errors import (
    FolderEmpty,
    MappingInvalid,
    ScheduleInvalid,
    SourceExists,
    SourceKindFixed,
    SourceNotFound,
    SourceRunning,
    SourceRunNotFound,
    SourceSettingsInvalid,
)
from hub.sources.models import Source, SourceFile, SourceRun
from hub.sources.payloads import RunOut, Schedule, SourceIn, SourceOut, SourceUpdate
from hub.sources.repository import RunRepository, SourceBusyError, SourceRepository
from hub.standard.service import current_standard
from schemas import divisions

log = logging.getLogger(__name__)

SECRET_MASK = "******"
# Keys whose values are secrets wherever they appear in settings (and header names in `headers`).
_SECRET_KEY = re.compile(
    r"token|secret|passw|pwd|api[-_]?key|auth_value|authorization|credential|cookie", re.I
)
MAX_STORED_REJECTIONS = 10_000


# --- secrets ------------------------------------------------------------------------------------


def _mask_url(value: str) -> str:
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if not parts.scheme or parts.password is None:
        return value
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:{SECRET_MASK}@{host}"))


def _mask_value(key: str, value: Any, *, secret: bool = False) -> Any:
    if isinstance(value, dict):
        return {k: _mask_value(k, v, secret=secret or bool(_SECRET_KEY.search(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_value(key, v, secret=secret) for v in value]
    if isinstance(value, str):
        # A reference to the environment (`${HR_DB_PASSWORD}`) names the secret without holding it.
        if (secret or _SECRET_KEY.search(key)) and value and not readers.has_environment_reference(value):
            return SECRET_MASK
        return _mask_url(value)
    return value


def mask_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings as the API shows them: tokens, passwords and passwords inside URLs replaced by ******."""
    return {key: _mask_value(key, value) for key, value in settings.items()}


def _secret_values(value: Any, key: str = "", *, secret: bool = False) -> list[str]:
    """Every secret string in settings (after environment expansion), to keep them out of error texts."""
    secret = secret or bool(_SECRET_KEY.search(key))
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _secret_values(v, k, secret=secret)]
    if isinstance(value, list):
        return [found for v in value for found in _secret_values(v, key, secret=secret)]
    if isinstance(value, str) and value:
        if secret:
            return [value]
        try:
            password = urlsplit(value).password
        except ValueError:
            return []
        return [password] if password else []
    return []


def redact(text: str, settings: dict[str, Any]) -> str:
    """The text with any secret of these settings (a token echoed in a URL, a password) replaced by ******."""
    try:
        secrets = _secret_values(readers.expand_environment(settings))
    except readers.SourceSettingsError:
        secrets = _secret_values(settings)
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, SECRET_MASK)
    return text


def restore_secrets(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """Settings sent back as the API showed them keep the stored secrets where they still read ******."""

    def restore(key: str, value: Any, previous: Any) -> Any:
        if isinstance(value, dict) and isinstance(previous, dict):
            return {k: restore(k, v, previous.get(k)) for k, v in value.items()}
        if isinstance(value, str) and SECRET_MASK in value and _mask_value(key, previous) == value:
            return previous
        return value

    return {key: restore(key, value, old.get(key)) for key, value in new.items()}


# --- configs ------------------------------------------------------------------------------------


def _check_settings(kind: str, settings: dict[str, Any]) -> None:
    try:
        if kind == "folder":
            readers.check_folder_settings(settings)
        elif kind == "http":
            readers.check_keys("http", settings, readers.HTTP_SETTINGS, ("url",))
            if not readers.has_environment_reference(settings):
                readers.http_source(settings)
        else:
            readers.check_sql_settings(settings)
    except readers.SourceSettingsError as exc:
        raise SourceSettingsInvalid(
            f"数据源设置有误：{exc.field}：{exc.message_zh}",
            f"invalid source settings: {exc.field}: {exc.message_en}",
            detail={"field": f"settings.{exc.field}"},
        ) from exc


def _check_mapping(
    std: schemas.Standard, entity: str, mapping: dict[str, str | None]
) -> dict[str, str | None]:
    """Targets as element names; a code ("teacher.birth_date") is accepted too. Unknown targets are refused."""
    names = {e.name: e for e in std.elements_for(entity)}
    checked: dict[str, str | None] = {}
    problems: list[dict[str, str]] = []
    for column, target in mapping.items():
        if target is None:
            checked[column] = None
            continue
        name = target.removeprefix(f"{entity}.")
        element = names.get(name)
        if element is None:
            problems.append({"column": column, "target": target, "reason": "unknown element"})
        elif element.derivation is not None:
            problems.append(
                {"column": column, "target": target, "reason": "derived element (computed, not stored)"}
            )
        else:
            checked[column] = name
    if problems:
        listed = ", ".join(f"{p['column']} → {p['target']} ({p['reason']})" for p in problems)
        raise MappingInvalid(
            "列映射指向了不存在或不可写入的数据元",
            f"the mapping names elements a {entity} cannot store: {listed}",
            detail={"mapping": problems},
        )
    return checked


def _bound(viewer: Principal | None) -> str | None:
    """The division bounding what `viewer` reaches (None: the console or a hub-wide principal)."""
    return viewer.division if viewer is not None else None


def _not_found(name: str) -> SourceNotFound:
    return SourceNotFound(f"数据源 {name} 不存在", f"source {name!r} not found", detail={"source": name})


def get_source(session: Session, name: str, *, viewer: Principal | None = None) -> Source:
    """The source, if `viewer`'s division holds it (a 404 otherwise, as for one that does not exist)."""
    source = SourceRepository(session).get(name, within_division=_bound(viewer))
    if source is None:
        raise _not_found(name)
    return source


def _division_of(payload: SourceIn, creator: Principal | None) -> str | None:
    """A source feeds its creator's division, or one inside it that the payload names (404 outside:
    the division is not confirmed to exist, as everywhere a bounded bureau looks outside its own)."""
    bound = _bound(creator)
    if not payload.division:
        return bound
    division = known(payload.division.strip())
    if bound is not None and not divisions.contains(bound, division):
        raise not_found(division)
    return division


def _source_target(source: Source) -> dict[str, Any]:
    return {"kind": "source", "id": source.name, "source_id": source.id, "source_kind": source.kind}


def create_source(
    session: Session,
    payload: SourceIn,
    *,
    principal_id: int | None,
    actor: Principal | None,
    now: datetime | None = None,
) -> Source:
    """Store a new source config (names are unique); `actor` None is the operator at the console.
    The source feeds `actor`'s division (or one inside it named by the payload)."""
    repository = SourceRepository(session)
    division = _division_of(payload, actor)
    if repository.get(payload.name) is not None:
        raise SourceExists(
            f"数据源 {payload.name} 已存在",
            f"source {payload.name!r} already exists",
            detail={"source": payload.name},
        )
    _check_settings(payload.kind, payload.settings)
    mapping = _check_mapping(current_standard(session), payload.entity, payload.mapping)
    now = now or utcnow()
    schedule = payload.schedule or Schedule()
    _check_schedule(schedule)
    if payload.period:
        read_period(payload.period)
    source = repository.add(
        Source(
            name=payload.name,
            kind=payload.kind,
            entity=payload.entity,
            description=payload.description,
            settings=payload.settings,
            mapping=mapping,
            schedule_cron=schedule.cron,
            schedule_seconds=schedule.interval_seconds,
            timezone=schedule.timezone,
            enabled=payload.enabled,
            failure_threshold=payload.failure_threshold,
            period=payload.period or None,
            division=division,
            consecutive_failures=0,
            failing=False,
            created_by=principal_id,
            created_at=now,
            updated_at=now,
        )
    )
    audit.record_act(
        session,
        actor,
        "source.create",
        target=_source_target(source),
        reason=payload.description or None,
        entity=source.entity,
        detail={"settings": mask_settings(source.settings), "mapping": source.mapping},
    )
    return source


def update_source(
    session: Session,
    name: str,
    payload: SourceUpdate,
    *,
    actor: Principal | None,
    now: datetime | None = None,
) -> Source:
    """Change a source config; settings shown masked keep their stored secrets. `actor` None is the
    operator at the console."""
    source = get_source(session, name, viewer=actor)
    if payload.settings is not None:
        settings = restore_secrets(payload.settings, source.settings)
        _check_settings(source.kind, settings)
        source.settings = settings
    if payload.mapping is not None:
        source.mapping = _check_mapping(current_standard(session), source.entity, payload.mapping)
    if payload.clear_schedule:
        source.schedule_cron, source.schedule_seconds = None, None
    if payload.schedule is not None:
        _check_schedule(payload.schedule)
        source.schedule_cron = payload.schedule.cron
        source.schedule_seconds = payload.schedule.interval_seconds
        source.timezone = payload.schedule.timezone
    if payload.description is not None:
        source.description = payload.description
    if payload.enabled is not None:
        source.enabled = payload.enabled
    if payload.failure_threshold is not None:
        source.failure_threshold = payload.failure_threshold
        _judge(source, now or utcnow())
    if payload.period is not None:
        read_period(payload.period)
        source.period = payload.period.strip() or None
    source.updated_at = now or utcnow()
    session.flush()
    audit.record_act(
        session,
        actor,
        "source.update",
        target=_source_target(source),
        reason=payload.description,
        entity=source.entity,
        detail={"changed": sorted(payload.model_dump(exclude_unset=True))},
    )
    return source


def replace_source(session: Session, payload: SourceIn, *, now: datetime | None = None) -> Source:
    """Make an existing source match a full config (`hub sources add --replace`); kind and entity stay fixed."""
    source = get_source(session, payload.name)
    if (source.kind, source.entity) != (payload.kind, payload.entity):
        raise SourceKindFixed(
            f"数据源 {payload.name} 的类型或实体不能修改，请删除后重建",
            f"source {payload.name!r} is a "
            f"{source.kind} source of {source.entity} records; delete it to change that",
        )
    update = SourceUpdate(
        description=payload.description,
        settings=payload.settings,
        mapping=payload.mapping,
        schedule=payload.schedule,
        clear_schedule=payload.schedule is None,
        enabled=payload.enabled,
        failure_threshold=payload.failure_threshold,
        period=payload.period or "",
    )
    return update_source(session, payload.name, update, actor=None, now=now)


def delete_source(session: Session, name: str, *, actor: Principal | None) -> None:
    """Remove a config with its runs and file records; the stored rows keep their provenance."""
    source = get_source(session, name, viewer=actor)
    target = _source_target(source)
    SourceRepository(session).delete(source)
    audit.record_act(session, actor, "source.delete", target=target, entity=source.entity)


def _check_schedule(schedule: Schedule) -> None:
    from hub.sources.scheduler import ScheduleError, build_trigger

    try:
        build_trigger(schedule.cron, schedule.interval_seconds, schedule.timezone)
    except ScheduleError as exc:
        raise ScheduleInvalid(exc.message_zh, exc.message_en, detail={"field": "schedule"}) from exc


def schedule_of(source: Source) -> Schedule | None:
    if not source.schedule_cron and not source.schedule_seconds:
        return None
    return Schedule(
        cron=source.schedule_cron, interval_seconds=source.schedule_seconds, timezone=source.timezone
    )


def source_out(source: Source, *, last_run_status: str | None = None) -> SourceOut:
    return SourceOut(
        id=source.id,
        name=source.name,
        kind=source.kind,
        entity=source.entity,
        description=source.description,
        settings=mask_settings(source.settings),
        mapping=source.mapping,
        schedule=schedule_of(source),
        enabled=source.enabled,
        failure_threshold=source.failure_threshold,
        period=source.period,
        division=source.division,
        division_name=divisions.full_name(source.division) if source.division else None,
        consecutive_failures=source.consecutive_failures,
        failing=source.failing,
        failing_since=source.failing_since,
        high_water_mark=source.high_water_mark,
        last_run_at=source.last_run_at,
        last_run_status=last_run_status,
        created_at=source.created_at,
        updated_at=source.updated_at,
    )


def list_sources(
    session: Session, *, failing: bool | None = None, viewer: Principal | None = None
) -> list[SourceOut]:
    """The sources `viewer`'s division holds (all of them for the console and hub-wide principals)."""
    repository = SourceRepository(session)
    sources = repository.find(failing=failing, within_division=_bound(viewer))
    statuses = repository.last_statuses([s.id for s in sources])
    return [source_out(s, last_run_status=statuses.get(s.id)) for s in sources]


def run_out(run: SourceRun, source_name: str, *, with_rejections: bool = False) -> RunOut:
    values = {column: getattr(run, column) for column in _RUN_FIELDS}
    return RunOut.model_validate(
        {**values, "source": source_name, "rejections": run.rejections if with_rejections else None}
    )


_RUN_FIELDS = (
    "id", "trigger", "started_at", "finished_at", "status", "rows_read", "accepted", "rejected", "inserted",
    "updated", "unchanged", "error", "high_water_mark_from", "high_water_mark", "files", "batch_ids", "notices",
)  # fmt: skip


def list_runs(
    session: Session, name: str, *, limit: int = 50, viewer: Principal | None = None
) -> list[SourceRun]:
    return RunRepository(session).recent(get_source(session, name, viewer=viewer).id, limit=limit)


def get_run(session: Session, name: str, run_id: int, *, viewer: Principal | None = None) -> SourceRun:
    run = RunRepository(session).get(get_source(session, name, viewer=viewer).id, run_id)
    if run is None:
        raise SourceRunNotFound(
            f"数据源 {name} 没有第 {run_id} 次运行", f"source {name!r} has no run {run_id}"
        )
    return run


def read_run(session: Session, reader: Principal, name: str, run_id: int) -> SourceRun:
    """One run with its quarantined rows. Those rows hold the values as the source sent them (names,
    ID numbers), so showing them is an audited read, like an import's errors.csv (404 outside the
    reader's division)."""
    run = get_run(session, name, run_id, viewer=reader)
    audit.record_act(
        session,
        reader,
        "records.errors_read",
        target={"kind": "source_run", "id": run.id, "source": name},
        row_count=len(run.rejections or []),
    )
    return run


# --- proposing a mapping -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """The element the matcher proposes for one source column, and how sure it is."""

    column: str
    samples: tuple[str, ...]
    element: str | None
    label: str | None
    confidence: float
    how: str
    taken_by: str | None = None
    # The column holds an element the hub derives (年龄 from 出生日期): it is left out, not mapped.
    derived: str | None = None
    sensitive: bool = False


def sample_frame(kind: str, settings: dict[str, Any]) -> pd.DataFrame:
    """A few rows of a source, with its columns: the newest matching file, a feed's first page, a query's first rows."""
    if kind == "file":
        return read_table(Path(settings["path"])).frame
    if kind == "folder":
        newest = readers.newest_file(readers.expand_environment(settings))
        if newest is None:
            raise FolderEmpty(
                f"文件夹 {settings.get('path')} 中没有可读的 CSV/XLSX 文件",
                f"no CSV or XLSX file in {settings.get('path')}",
            )
        return read_table(newest).frame
    if kind == "http":
        return readers.sample_http(settings)
    return readers.sample_sql(settings)


def propose_mapping(
    matcher: Any, entity: str, frame: pd.DataFrame, *, existing: dict[str, str | None] | None = None
) -> list[Proposal]:
    """Match every column's header (with sample values) against the standard, as a request's labels are.

    When two columns propose one element, the surer keeps it; the other names it in `taken_by`.
    """
    std: schemas.Standard = matcher.standard
    existing = existing or {}
    proposals: list[Proposal] = []
    for column in (str(c) for c in frame.columns):
        values = frame[column].astype("string").fillna("").str.strip()
        samples = tuple(dict.fromkeys(v for v in values if v))[:5]
        match = matcher.match(column, entity=entity, samples=list(samples))
        element: schemas.Element | None = None
        derived: str | None = None
        how = match.explanation_en
        if match.element and match.element.startswith(f"{entity}."):
            element = std.element(match.element)
            if element.derivation is not None:
                how = f"{element.label_zh} is derived (the hub computes it): leave this column out"
                derived, element = element.name, None
        if column in existing:
            how = f"configured: {existing[column] or 'dropped'}; {how}"
        proposals.append(
            Proposal(
                column=column,
                samples=samples,
                element=element.name if element else None,
                label=element.label_zh if element else None,
                confidence=float(match.confidence) if element else 0.0,
                how=how,
                derived=derived,
                sensitive=element is not None and element.sensitivity == "sensitive",
            )
        )
    best: dict[str, Proposal] = {}
    for proposal in proposals:
        if proposal.element and proposal.confidence > getattr(best.get(proposal.element), "confidence", -1.0):
            best[proposal.element] = proposal
    return [
        dataclasses.replace(p, taken_by=best[p.element].column)
        if p.element and best[p.element] is not p
        else p
        for p in proposals
    ]


# --- runs ---------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class _Tally:
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    batch_ids: list[int] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    high_water_mark: str | None = None

    def add(self, report: IngestReport, filename: str | None) -> None:
        self.rows_read += report.rows_read
        self.accepted += report.accepted
        self.rejected += report.rejected_rows
        self.inserted += report.inserted
        self.updated += report.updated
        self.unchanged += report.unchanged
        self.batch_ids.append(report.batch_id)
        room = MAX_STORED_REJECTIONS - len(self.rejections)
        for rejection in report.rejected[: max(room, 0)]:
            self.rejections.append({"file": filename, **rejection.as_dict()})
        if report.unknown_columns:
            where = f"{filename}: " if filename else ""
            self.notices.append(
                f"{where}未映射的列已忽略：{'、'.join(report.unknown_columns)} / "
                f"unmapped columns ignored: {', '.join(report.unknown_columns)}"
            )


def apply_mapping(frame: pd.DataFrame, mapping: dict[str, str | None]) -> tuple[pd.DataFrame, list[str]]:
    """The frame with mapped columns renamed to their elements, and the mapped columns the source lacks.

    Columns mapped to nothing are dropped; columns not in the mapping are kept under their own
    headers, for ingestion to match by the standard's labels and synonyms (a form's 身份证号 needs no
    mapping). Mapped columns go first, so a second column that also reads as their element cannot
    take their place.
    """
    targets = ColumnMapping(columns={column: target for column, target in mapping.items() if target})
    mapped = map_columns(frame, targets)
    rest = [column for column in mapped.unmapped if column not in mapping]
    out = pd.concat([mapped.frame, frame.loc[:, rest]], axis=1) if rest else mapped.frame
    return out, list(mapped.missing)


def _expected_headers(std: schemas.Standard, entity: str, mapping: dict[str, str | None]) -> list[str]:
    labels = [*mapping]
    for element in std.elements_for(entity):
        labels += [element.label_zh, element.label_en, element.name, *element.synonyms]
    return labels


def _chunks(session: Session, std: schemas.Standard, source: Source) -> Iterator[readers.Chunk]:
    settings = source.settings
    if source.kind == "folder":
        seen = SourceRepository(session).seen_hashes(source.id)
        expected = _expected_headers(std, source.entity, source.mapping)
        return readers.read_folder(readers.expand_environment(settings), seen, expected_headers=expected)
    if source.kind == "http":
        return readers.read_http(settings)
    return readers.read_sql(settings, since=source.high_water_mark)


def _ingest_chunk(
    session: Session, app_settings: Settings, std: schemas.Standard, source: Source, chunk: readers.Chunk,
    *, reference: str, tally: _Tally,
) -> None:  # fmt: skip
    assert chunk.frame is not None
    frame, missing = apply_mapping(chunk.frame, source.mapping)
    if missing:
        where = f"{chunk.filename}: " if chunk.filename else ""
        tally.notices.append(
            f"{where}映射中的列在数据源中不存在：{'、'.join(missing)} / mapped columns the source lacks: {', '.join(missing)}"
        )
    report = ingest_frame(
        session,
        std=std,
        secret_key=app_settings.secret_key.get_secret_value(),
        entity=source.entity,
        frame=frame,
        provenance=Provenance(
            source_kind="connector",
            source_ref=reference,
            file_sha256=chunk.sha256,
            division=source.division,
        ),
        now=utcnow(),
        period=source.period,
    )
    tally.add(report, chunk.filename)


def _execute(session: Session, app_settings: Settings, source: Source, run: SourceRun) -> _Tally:
    std = current_standard(session)
    reference = f"source:{source.name}:run:{run.id}"
    tally = _Tally(high_water_mark=source.high_water_mark)
    for chunk in _chunks(session, std, source):
        tally.notices.extend(chunk.notices)
        if source.kind == "folder":
            _take_file(session, app_settings, std, source, run, chunk, reference=reference, tally=tally)
            continue
        if chunk.frame is not None and not chunk.frame.empty:  # an empty feed is no news, not a failure
            _ingest_chunk(session, app_settings, std, source, chunk, reference=reference, tally=tally)
        if isinstance(chunk, readers.SqlChunk) and chunk.high_water_mark is not None:
            tally.high_water_mark = chunk.high_water_mark
    return tally


def _take_file(
    session: Session, app_settings: Settings, std: schemas.Standard, source: Source, run: SourceRun,
    chunk: readers.Chunk, *, reference: str, tally: _Tally,
) -> None:  # fmt: skip
    """One file of a folder: it stands alone, so a bad file is quarantined like a bad row and the others go in."""
    assert chunk.sha256 is not None and chunk.filename is not None
    entry: dict[str, Any] = {"name": chunk.filename, "sha256": chunk.sha256}
    if chunk.error is not None:
        entry["error"] = chunk.error
    elif chunk.frame is not None and not chunk.frame.empty:
        counted = ("rows_read", "accepted", "rejected", "unchanged")
        before = [getattr(tally, name) for name in counted]
        try:
            with session.begin_nested():
                _ingest_chunk(session, app_settings, std, source, chunk, reference=reference, tally=tally)
        except HubError as exc:
            entry["error"] = exc.message
        else:
            entry |= {name: getattr(tally, name) - old for name, old in zip(counted, before, strict=True)}
    tally.files.append(entry)
    # Remembered whatever became of it: the same bytes would fail the same way; a corrected file is new.
    session.add(
        SourceFile(source_id=source.id, sha256=chunk.sha256, filename=chunk.filename[:300], run_id=run.id)
    )
    session.flush()


def describe_failure(exc: BaseException) -> str:
    """The error a person reads on the run: what failed and, where the library knows it, what to change."""
    if isinstance(exc, HubError):
        return exc.message
    if isinstance(exc, readers.KNOWN_FAILURES):
        return str(exc)
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _judge(source: Source, now: datetime) -> None:
    if source.consecutive_failures >= source.failure_threshold:
        if not source.failing:
            source.failing, source.failing_since = True, now
    else:
        source.failing, source.failing_since = False, None


def run_source(
    session: Session, app_settings: Settings, name: str, *, actor: Principal | None, trigger: str = "manual"
) -> SourceRun:
    """Run one source now, in the caller's transaction, and record the run (failed runs included) on
    the run history and, as `source.run`, on the audit log: `actor` is who ran it (None: the
    scheduler or the operator at the console, told apart by `trigger`).

    Any failure of the source (unreachable, refused, malformed, mapped wrongly) ends as a failed run
    with its error; nothing it read is kept. Raises only when the source does not exist (or lies
    outside `actor`'s division) or another run of it is in progress. Rows of schools outside the
    source's division are quarantined with the reason.
    """
    repository = SourceRepository(session)
    get_source(session, name, viewer=actor)
    try:
        source = repository.lock(name)
    except SourceBusyError as exc:
        raise SourceRunning(
            f"数据源 {name} 正在运行", f"source {name!r} is already running", detail={"source": name}
        ) from exc
    if source is None:
        raise _not_found(name)
    started = utcnow()
    run = SourceRun(
        source_id=source.id, trigger=trigger, started_at=started, status="failed",
        high_water_mark_from=source.high_water_mark, files=[], batch_ids=[], rejections=[], notices=[],
    )  # fmt: skip
    session.add(run)
    session.flush()
    try:
        with session.begin_nested():
            tally = _execute(session, app_settings, source, run)
    except Exception as exc:  # one source's failure is recorded on its run and never propagates
        run.status = "failed"
        run.error = redact(describe_failure(exc), source.settings)[:4000]
        expected = isinstance(exc, (HubError, *readers.KNOWN_FAILURES))
        log.warning("source %s run %s failed: %s", name, run.id, run.error, exc_info=not expected)
        source.consecutive_failures += 1
    else:
        run.status = "succeeded"
        run.rows_read, run.accepted, run.rejected = tally.rows_read, tally.accepted, tally.rejected
        run.inserted, run.updated, run.unchanged = tally.inserted, tally.updated, tally.unchanged
        run.batch_ids, run.files, run.rejections = tally.batch_ids, tally.files, tally.rejections
        run.notices = list(dict.fromkeys(tally.notices))
        run.high_water_mark = tally.high_water_mark
        source.high_water_mark = tally.high_water_mark
        source.consecutive_failures = 0
    run.finished_at = utcnow()
    source.last_run_at = started
    _judge(source, run.finished_at)
    session.flush()
    _audit_run(session, actor, source, run)
    return run


def _audit_run(session: Session, actor: Principal | None, source: Source, run: SourceRun) -> None:
    """The run as a privileged act: it writes into the store on the hub's authority. Its rows' own
    `records.write` entries (one per batch) name the schools; this entry ties them to the run."""
    audit.record_act(
        session,
        actor,
        "source.run",
        target={**_source_target(source), "run_id": run.id},
        entity=source.entity,
        row_count=run.accepted or 0,
        detail={
            "trigger": run.trigger,
            "status": run.status,
            "rows_read": run.rows_read or 0,
            "rejected": run.rejected or 0,
            "batch_ids": list(run.batch_ids or []),
            "error": run.error,
        },
    )


def record_crash(engine: Engine, name: str, exc: BaseException) -> None:
    """A run whose own transaction broke is still a failed run of its source, recorded in a fresh one."""
    try:
        with transaction(engine, write=True) as session:
            source = SourceRepository(session).get(name)
            if source is None:
                return
            now = utcnow()
            run = SourceRun(
                source_id=source.id,
                trigger="schedule",
                started_at=now,
                finished_at=now,
                status="failed",
                error=redact(describe_failure(exc), source.settings)[:4000],
                files=[],
                batch_ids=[],
                rejections=[],
                notices=[],
            )  # fmt: skip
            session.add(run)
            source.consecutive_failures += 1
            source.last_run_at = now
            _judge(source, now)
            session.flush()
            _audit_run(session, None, source, run)
    except Exception:  # the database is unreachable: the log is all that is left
        log.exception("source %s: could not record the failed run", name)
