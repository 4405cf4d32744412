"""Ingestion: the one path every record takes into the store (imports, task submissions, connector runs).

map headers → refuse a file missing required columns → then chunk by chunk: resolve schools, refuse
rows repeating a record of the file, validate (pandera, lazily), reject bad rows with row, field, value
and reason, write every valid row in the caller's transaction. Memory stays flat: a chunk at a time,
16 bytes per record for the repeat check, and only the first rejections kept (the rest go to the
caller's `on_rejections`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

import schemas
from hub.audit import service as audit
from hub.db import BULK_ROWS, SMALL_TABLE_ROWS, refresh_statistics
from hub.identity.divisions import division_prefix
from hub.identity.models import Principal
from hub.kit.clock import local_date
from hub.kit.csvfile import csv_bytes
from hub.kit.tokens import teacher_keys
from hub.records import counts as coverage
from hub.records import first_load
from hub.records.errors import BatchNotFound, PeriodColumnsMissing, RequiredColumnsMissing
from hub.records.masking import mask
from hub.records.models import (
    ENTITY_TABLES,
    KEY_COLUMNS,
    PERIOD_TABLES,
    ROW_HASH,
    SCHOOL_COLUMN,
    IngestBatch,
    periodic_elements,
)
from hub.records.periods import WritePeriods, map_dated_headers, split_periods
from hub.records.repository import SchoolRepository
from hub.records.writer import BatchWriter, stored_schools
from hub.standard.service import map_headers
from schemas import divisions
from schemas.frames import validate_frame
from schemas.periods import period_containing

# Rows validated (and written) at a time: large enough that per-chunk costs vanish, small enough that
# the write of one chunk and the validation of the next overlap for most of an import.
CHUNK_ROWS = 50_000
# Rejections a batch keeps for its errors.csv (all of them go to `on_rejections`).
BATCH_REJECTIONS = 5000


@dataclass(frozen=True, kw_only=True)
class Provenance:
    source_kind: str  # import | task | connector | demo
    source_ref: str = ""
    principal_id: int | None = None
    file_sha256: str | None = None
    # The GB/T 2260 division the rows are bounded to (a bounded bureau's import, a source's division):
    # rows of schools outside it are refused, and the batch belongs to it. None: the whole hub.
    division: str | None = None


@dataclass(frozen=True, kw_only=True)
class Rejection:
    row: int
    field: str
    value: str
    reason: str
    reason_en: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
            "reason_en": self.reason_en,
        }


@dataclass(kw_only=True)
class IngestReport:
    batch_id: int
    rows_read: int
    accepted: int
    inserted: int
    updated: int
    unchanged: int
    moved: int = 0
    # The rejections kept (all of them unless the caller bounded them with `keep_rejections`).
    rejected: list[Rejection] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    # The period each periodic column was written to (element name → Period.key).
    periods: dict[str, str] = field(default_factory=dict)
    # A past period's file: timeless columns read but not written (they describe the record today).
    ignored_columns: list[str] = field(default_factory=list)
    rejected_rows: int = 0
    rejected_cells: int = 0
    # Header → the period (Period.key) each periodic column was written to. A file holding one element
    # for several periods (2024年学时, 2025年学时) writes the file's own period first, then each further
    # period's values of the stored records as a batch of its own (`batch_ids`, after `batch_id`);
    # inserted/updated/unchanged count the records of the first write.
    column_periods: dict[str, str] = field(default_factory=dict)
    batch_ids: list[int] = field(default_factory=list)


def _label(std: schemas.Standard, entity: str, name: str) -> str:
    try:
        element = std.element(f"{entity}.{name}")
    except KeyError:
        return name
    return element.label_zh


def ingest_frame(
    session: Session,
    *,
    std: schemas.Standard,
    secret_key: str,
    entity: str,
    frame: pd.DataFrame,
    provenance: Provenance,
    school_scope: set[str] | None = None,
    now: datetime,
    on_progress: Callable[[int, int], None] | None = None,
    period: str | WritePeriods | None = None,
) -> IngestReport:
    """Validate `frame` (headers as written in the file, index = row numbers a person sees) and store it.

    `school_scope` limits teacher rows to those schools (a school submitting a task cannot write
    another school's teachers). `on_progress(rows done, rows in all)` is called after each chunk.
    `period` says which period the periodic values belong to (default: the current one of each
    element's kind); for a past period only those values of records already stored are written.
    """
    total = len(frame)
    return ingest_chunks(
        session,
        std=std,
        secret_key=secret_key,
        entity=entity,
        headers=[str(h) for h in frame.columns],
        chunks=(frame.iloc[start : start + CHUNK_ROWS] for start in range(0, total, CHUNK_ROWS)),
        provenance=provenance,
        school_scope=school_scope,
        now=now,
        on_progress=None if on_progress is None else lambda done: on_progress(done, total),
        period=period,
    )


def ingest_chunks(
    session: Session,
    *,
    std: schemas.Standard,
    secret_key: str,
    entity: str,
    headers: Sequence[str],
    chunks: Iterable[pd.DataFrame],
    provenance: Provenance,
    school_scope: set[str] | None = None,
    now: datetime,
    on_progress: Callable[[int], None] | None = None,
    on_rejections: Callable[[list[Rejection]], None] | None = None,
    keep_rejections: int | None = None,
    blank_columns: Callable[[], Iterable[str]] | None = None,
    period: str | WritePeriods | None = None,
) -> IngestReport:
    """Validate and store a table that comes in chunks (frames under `headers`, index = row numbers).

    Each chunk is checked and written before the next is read, so memory does not grow with the file;
    everything lands in the caller's transaction (a failure anywhere leaves nothing behind). A row
    repeating a record of an earlier row (same ID number, same school code) is refused naming that
    row, whichever chunk it is in. `on_progress(rows done)` is called after each chunk;
    `on_rejections(rejections)` gets each chunk's rejections in row order; the report keeps the first
    `keep_rejections` (all when None). `blank_columns()`, asked at the end, names columns the reader
    found empty, left out of `unknown_columns`. `period` as for `ingest_frame`; a past period's file
    (only values of stored records, checked against the store) is gathered whole first.
    """
    columns = map_dated_headers(std, entity, list(headers), today=local_date(now))
    split = split_periods(std, entity, columns, period, today=local_date(now))
    mapping, unknown, plan = split.mapping, columns.unknown, split.plan
    identity = next((h for h, n in columns.columns.items() if n == IDENTITY[entity]), None)
    if split.later and identity is None:
        element = std.element(f"{entity}.{IDENTITY[entity]}")
        raise RequiredColumnsMissing(
            f"缺少必填列：{element.label_zh}（{IDENTITY[entity]}）：其他期间的列按它找到记录",
            f"required column missing: {element.label_en} (the columns of other periods find their record by it)",
            detail={"missing_columns": [IDENTITY[entity]], "unknown_columns": unknown},
        )
    kept: list[pd.DataFrame] = []

    def tapped(chunks: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        # The columns of further periods are kept aside (two columns a row) for their own writes.
        for chunk in chunks:
            if split.later:
                kept.append(chunk[[identity, *(c.header for c in split.later)]])
            yield chunk

    past_scope = school_scope
    if (not plan.current or split.later) and provenance.division is not None:
        # A past period's values go to stored records inside the importer's division only.
        inside = _Subtree(session, provenance.division).codes
        past_scope = inside if school_scope is None else school_scope & inside
    arguments: dict[str, Any] = dict(
        std=std,
        secret_key=secret_key,
        entity=entity,
        provenance=provenance,
        school_scope=school_scope,
        now=now,
    )
    if not plan.current:
        frames = [chunk[list(mapping)].rename(columns=mapping) for chunk in tapped(chunks)]
        data = pd.concat(frames) if frames else pd.DataFrame(columns=list(mapping.values()), dtype="str")
        report = _ingest_past(
            session,
            data=data,
            mapping=mapping,
            unknown=unknown,
            plan=plan,
            **{**arguments, "school_scope": past_scope},
        )
    else:
        report = _ingest_current(
            session,
            chunks=tapped(chunks),
            mapping=mapping,
            unknown=unknown,
            plan=plan,
            on_progress=on_progress,
            on_rejections=on_rejections,
            keep_rejections=keep_rejections,
            blank_columns=blank_columns,
            **arguments,
        )
    report.column_periods = {
        header: plan.keys[name]
        for header, name in mapping.items()
        if name in plan.keys and name in report.periods
    }
    for layer in split.layers():
        assert identity is not None
        frame = pd.concat([k[[identity, *(c.header for c in layer)]] for k in kept]) if kept else None
        if frame is None:
            break
        data = frame.set_axis([IDENTITY[entity], *(c.name for c in layer)], axis=1)
        further = _ingest_past(
            session,
            data=data,
            mapping={IDENTITY[entity]: IDENTITY[entity], **{c.name: c.name for c in layer}},
            unknown=[],
            plan=WritePeriods(asked=None, by_element={c.name: c.period for c in layer}, current=False),
            **{**arguments, "school_scope": past_scope},
        )
        labels = {_label(std, entity, c.name): c.header for c in layer}
        refused = {r.row for r in report.rejected}
        report.rejected_rows += len({r.row for r in further.rejected} - refused)
        report.rejected_cells += further.rejected_cells
        report.rejected += [
            dataclasses.replace(r, field=labels.get(r.field, r.field)) for r in further.rejected
        ]
        report.rejected.sort(key=lambda r: (r.row, r.field))
        report.columns.update({c.header: c.name for c in layer})
        report.column_periods.update({c.header: c.period.key for c in layer})
        report.batch_ids.append(further.batch_id)
    return report


def _ingest_current(
    session: Session,
    *,
    std: schemas.Standard,
    secret_key: str,
    entity: str,
    chunks: Iterable[pd.DataFrame],
    mapping: dict[str, str],
    unknown: list[str],
    plan: WritePeriods,
    provenance: Provenance,
    school_scope: set[str] | None,
    now: datetime,
    on_progress: Callable[[int], None] | None,
    on_rejections: Callable[[list[Rejection]], None] | None,
    keep_rejections: int | None,
    blank_columns: Callable[[], Iterable[str]] | None,
) -> IngestReport:
    """A write of whole records, chunk by chunk (`ingest_chunks`)."""
    required = [e for e in std.elements_for(entity) if e.required and e.derivation is None]
    missing = [e for e in required if e.name not in mapping.values()]
    if missing:
        names = "、".join(f"{e.label_zh}（{e.name}）" for e in missing)
        raise RequiredColumnsMissing(
            f"缺少必填列：{names}",
            f"required columns missing: {', '.join(e.label_en for e in missing)}",
            detail={"missing_columns": [e.name for e in missing], "unknown_columns": unknown},
        )
    subtree = _Subtree(session, provenance.division) if provenance.division is not None else None
    if subtree is not None and entity == "teacher":
        school_scope = subtree.codes if school_scope is None else school_scope & subtree.codes
    without_school = entity == "teacher" and "school_code" not in mapping.values()
    if without_school and (school_scope is None or len(school_scope) != 1):
        raise RequiredColumnsMissing(
            "缺少必填列：任职学校（school_code）",
            "required column missing: school (school_code)",
            detail={"missing_columns": ["school_code"]},
        )
    batch = _open_batch(session, std, entity, provenance, now=now, unknown=unknown, rows_read=0)
    # Everything the chunks are checked against is read now: while a chunk is written (on PostgreSQL
    # in a worker thread, on the session's connection) the session is the writer's.
    outside_reason = subtree.reason if subtree is not None else None
    schools = _Schools(session, school_scope, outside_reason) if entity == "teacher" else None
    key_column = "id_number" if entity == "teacher" else "code"
    seen = _SeenKeys()
    kept: list[Rejection] = []
    batch_rejections: list[dict[str, Any]] = []
    rows_read = accepted = rejected_rows = rejected_cells = 0
    per_school: Counter[str] = Counter()
    elements: set[str] = set()
    columns = list(mapping)
    written_periods = {name: key for name, key in plan.keys.items() if name in mapping.values()}
    first, chunks = _first_of(chunks)
    # A large load into an empty table builds its indexes and checks its foreign key once, at the end.
    # Its period table too, when both are empty: then every period row is a new record's, COPied in.
    # (Values of stored records are merged by the period table's key, which must then stay.)
    rows = 0 if first is None else len(first)
    deferred = [first_load.defer_if_empty(session, ENTITY_TABLES[entity].name, rows=rows)]
    if deferred[0] is not None:
        deferred.append(first_load.defer_if_empty(session, PERIOD_TABLES[entity].name, rows=rows))
    with BatchWriter(
        session,
        entity,
        batch_id=batch.id,
        now=now,
        periods=written_periods,
        empty_table=deferred[0] is not None,
    ) as writer:
        for chunk in chunks:
            # Readers hand over text; validate_frame trims and normalises the cells it checks.
            data = chunk[columns].rename(columns=mapping).astype("str").fillna("")
            data = data[(data != "").any(axis=1)]  # blank lines are layout, not records
            rows_read += len(data)
            rejected: list[Rejection] = []
            if schools is not None:
                data = schools.resolve(std, data, rejected)
            data = _refuse_repeats(std, entity, key_column, data, seen, rejected)
            valid, failures = _validated(std, entity, data, secret_key=secret_key)
            rejected += failures
            if subtree is not None and entity == "school":
                valid = subtree.keep_schools(std, valid, rejected)
            accepted += len(valid)
            if len(valid):
                per_school.update(valid[SCHOOL_COLUMN[entity]].value_counts().to_dict())
                elements |= _written_elements(entity, valid)
            writer.write(valid)
            rejected.sort(key=lambda r: (r.row, r.field))
            rejected_rows += len({r.row for r in rejected})
            rejected_cells += len(rejected)
            room = BATCH_REJECTIONS - len(batch_rejections)
            batch_rejections += [r.as_dict() for r in rejected[: max(room, 0)]]
            if keep_rejections is None:
                kept += rejected
            else:
                kept += rejected[: max(keep_rejections - len(kept), 0)]
            if on_rejections is not None and rejected:
                on_rejections(rejected)
            if on_progress is not None:
                on_progress(rows_read)
    counts = writer.counts
    for dropped in deferred:
        first_load.restore(session, dropped)
    coverage.recount(session, std, entity, coverage.touched_schools(session, entity, batch.id))
    if blank_columns is not None:
        blank = set(blank_columns())
        unknown = [column for column in unknown if column not in blank]
    batch.unknown_columns = unknown
    batch.rows_read = rows_read
    batch.accepted = accepted
    batch.rejected = rejected_rows
    batch.inserted, batch.updated, batch.unchanged = counts.inserted, counts.updated, counts.unchanged
    batch.rejected_rows = batch_rejections
    session.flush()
    written = counts.inserted + counts.updated
    # Schools are found by division on every bureau's page: their range's statistics matter too.
    keys = (*KEY_COLUMNS[entity], "division_code") if entity == "school" else KEY_COLUMNS[entity]
    small = SMALL_TABLE_ROWS if entity == "school" else BULK_ROWS
    refresh_statistics(session, ENTITY_TABLES[entity].name, rows=written, columns=keys, threshold=small)
    audit.record_ingest(session, batch=batch, entity=entity, per_school=per_school, elements=sorted(elements))
    return IngestReport(
        batch_id=batch.id,
        rows_read=rows_read,
        accepted=accepted,
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        moved=counts.moved,
        rejected=kept,
        unknown_columns=unknown,
        columns=mapping,
        periods=written_periods,
        rejected_rows=rejected_rows,
        rejected_cells=rejected_cells,
    )


def _first_of(chunks: Iterable[pd.DataFrame]) -> tuple[pd.DataFrame | None, Iterator[pd.DataFrame]]:
    """The first chunk (None for none), and all the chunks again, that one included."""
    rest = iter(chunks)
    first = next(rest, None)
    return first, rest if first is None else itertools.chain([first], rest)


# The record's identity in a file: what a past period's row needs besides the values of that period.
IDENTITY = {"teacher": "id_number", "school": "code"}


def check_frame(
    session: Session,
    *,
    std: schemas.Standard,
    secret_key: str,
    entity: str,
    frame: pd.DataFrame,
    school_scope: set[str] | None = None,
    current: bool = True,
) -> tuple[pd.DataFrame, list[Rejection]]:
    """What `ingest_frame` would accept of `frame` (typed, with each record's key) and what it would
    refuse, writing nothing: the checks of a chunk without its write, for a preview. `current` False:
    values of a past period, for records already stored (as `ingest_frame` checks them)."""
    mapping, _ = map_headers(std, entity, [str(h) for h in frame.columns])
    data = frame[list(mapping)].rename(columns=mapping).astype("str").fillna("")
    data = data[(data != "").any(axis=1)]
    rejected: list[Rejection] = []
    if current and entity == "teacher":
        data = _Schools(session, school_scope).resolve(std, data, rejected)
    key_column = IDENTITY[entity]
    if key_column in data.columns:
        data = _refuse_repeats(std, entity, key_column, data, _SeenKeys(), rejected)
    valid, failures = _validated(std, entity, data, secret_key=secret_key, whole_records=current)
    rejected += failures
    if not current:
        valid, unknown_records = _stored_records(session, std, entity, valid, school_scope)
        rejected += unknown_records
    rejected.sort(key=lambda r: (r.row, r.field))
    return valid, rejected


def _ingest_past(
    session: Session,
    *,
    std: schemas.Standard,
    secret_key: str,
    entity: str,
    data: pd.DataFrame,
    mapping: dict[str, str],
    unknown: list[str],
    plan: WritePeriods,
    provenance: Provenance,
    school_scope: set[str] | None,
    now: datetime,
) -> IngestReport:
    """A file of a past period: the values of that period of records already in the store, nothing else.
    The record is found by its identity (ID number, school code); its other columns are read as they
    were then and left alone, so last year's file never overwrites today's name or school."""
    identity = IDENTITY[entity]
    periodic = [e for e in periodic_elements(std, entity) if e.name in data.columns]
    if identity not in data.columns:
        element = std.element(f"{entity}.{identity}")
        raise RequiredColumnsMissing(
            f"缺少必填列：{element.label_zh}（{identity}）",
            f"required column missing: {element.label_en}",
            detail={"missing_columns": [identity], "unknown_columns": unknown},
        )
    if not periodic:
        names = "、".join(e.label_zh for e in periodic_elements(std, entity))
        raise PeriodColumnsMissing(
            f"{plan.label_zh}的文件没有按期间统计的列（{names}）：往期只写入这些数据",
            f"a file for {plan.asked.label_en if plan.asked else 'a past period'} holds no column of "
            "a periodic element; only those are written for a past period",
            detail={"field": "period", "value": plan.asked.key if plan.asked else None},
        )
    ignored = [c for c in data.columns if c != identity and c not in {e.name for e in periodic}]
    data = data[[identity, *[e.name for e in periodic]]].astype("str").fillna("")
    data = data[(data[[e.name for e in periodic]] != "").any(axis=1)]
    rows_read = len(data)
    rejected: list[Rejection] = []
    duplicated = data[identity].str.upper().duplicated(keep="first") & (data[identity] != "")
    for row, value in data.loc[duplicated, identity].items():
        element = std.element(f"{entity}.{identity}")
        rejected.append(
            Rejection(
                row=int(row),
                field=element.label_zh,
                value=mask(element, value) if element.sensitivity == "sensitive" else value,
                reason="同一记录在文件中重复",
                reason_en="the same record is repeated in the file",
            )
        )
    data = data[~duplicated]
    valid, failures = _validated(std, entity, data, secret_key=secret_key, whole_records=False)
    rejected += failures
    valid, unknown_records = _stored_records(session, std, entity, valid, school_scope)
    rejected += unknown_records
    batch = _open_batch(session, std, entity, provenance, now=now, unknown=unknown, rows_read=rows_read)
    written_periods = {e.name: plan.keys[e.name] for e in periodic}
    # A record's row hash covers the current periods its last current write named: only a write into
    # a current period can make it stale (and then the next import of that row must write it again).
    today = local_date(now)
    touches_current = any(
        e.period is not None and plan.by_element[e.name] == period_containing(e.period.kind, today)
        for e in periodic
    )
    with BatchWriter(
        session,
        entity,
        batch_id=batch.id,
        now=now,
        periods=written_periods,
        current=False,
        stales_hashes=touches_current,
    ) as writer:
        writer.write(valid)
    counts = writer.counts
    coverage.recount(session, std, entity, coverage.touched_schools(session, entity, batch.id))
    rejected.sort(key=lambda r: (r.row, r.field))
    batch.accepted = len(valid)
    batch.rejected = len({r.row for r in rejected})
    batch.inserted, batch.updated, batch.unchanged = counts.inserted, counts.updated, counts.unchanged
    batch.rejected_rows = [r.as_dict() for r in rejected[:5000]]
    session.flush()
    per_school: Counter[str] = Counter()
    if len(valid):
        per_school.update(valid[SCHOOL_COLUMN[entity]].value_counts().to_dict())
    audit.record_ingest(
        session,
        batch=batch,
        entity=entity,
        per_school=per_school,
        elements=sorted(f"{entity}.{e.name}" for e in periodic),
    )
    return IngestReport(
        batch_id=batch.id,
        rows_read=rows_read,
        accepted=len(valid),
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=rejected,
        unknown_columns=unknown,
        columns={k: v for k, v in mapping.items() if v not in ignored},
        periods=written_periods,
        ignored_columns=ignored,
        rejected_rows=len({r.row for r in rejected}),
        rejected_cells=len(rejected),
    )


def _stored_records(
    session: Session,
    std: schemas.Standard,
    entity: str,
    valid: pd.DataFrame,
    school_scope: set[str] | None,
) -> tuple[pd.DataFrame, list[Rejection]]:
    """The rows of records in the store (with their school), and a rejection for each of the others."""
    if valid.empty:
        return valid, []
    key = "teacher_key" if entity == "teacher" else "code"
    wanted = valid[key].astype(str)
    found = stored_schools(session, entity, wanted.tolist())
    schools = wanted.map(found)
    inside = (schools.notna() if school_scope is None else schools.isin(school_scope)).to_numpy()
    identity = std.element(f"{entity}.{IDENTITY[entity]}")
    rejected: list[Rejection] = []
    # Only the rows refused are gone through one by one (their value masked for the report).
    for row, shown in valid.loc[~inside, IDENTITY[entity]].astype(str).items():
        at = found.get(wanted[row])
        value = mask(identity, shown) if identity.sensitivity == "sensitive" else shown
        if at is None:
            rejected.append(
                Rejection(
                    row=int(row),
                    field=identity.label_zh,
                    value=value,
                    reason="库中没有这条记录：往期数据只写入已有记录，请先按当前期间导入",
                    reason_en="no such record in the store: a past period's values go to stored records only",
                )
            )
        elif school_scope is not None and at not in school_scope:
            rejected.append(
                Rejection(
                    row=int(row),
                    field=identity.label_zh,
                    value=value,
                    reason="不是本校的记录",
                    reason_en="a record of another school",
                )
            )
    kept = valid[inside].copy()
    if entity == "teacher":
        kept["school_code"] = schools[inside].to_numpy()
    return kept, rejected


class _SeenKeys:
    """The record keys (ID numbers, school codes) of the rows accepted for checking so far, and their rows.

    Two independent 64-bit hashes per key (16 bytes, plus 8 for the row), kept per chunk in sorted
    arrays: a million rows take 24 MB instead of the ~150 MB of a set of strings, and two distinct
    keys are taken for one only if both hashes collide (about 2^-128 per pair).
    """

    _KEYS = ("yici-hub-keys-01", "yici-hub-keys-02")

    def __init__(self) -> None:
        self._chunks: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]]] = []

    def hashes(self, keys: npt.NDArray[Any]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        return (
            pd.util.hash_array(keys, hash_key=self._KEYS[0], categorize=False),
            pd.util.hash_array(keys, hash_key=self._KEYS[1], categorize=False),
        )

    def earlier_rows(
        self, first: npt.NDArray[np.uint64], second: npt.NDArray[np.uint64]
    ) -> npt.NDArray[np.int64]:
        """The row of an earlier chunk holding each key, or -1."""
        found = np.full(len(first), -1, dtype=np.int64)
        for seen_first, seen_second, rows in self._chunks:
            if not len(seen_first):
                continue
            at = np.minimum(np.searchsorted(seen_first, first), len(seen_first) - 1)
            hit = (seen_first[at] == first) & (seen_second[at] == second) & (found < 0)
            found[hit] = rows[at[hit]]
        return found

    def add(
        self, first: npt.NDArray[np.uint64], second: npt.NDArray[np.uint64], rows: npt.NDArray[np.int64]
    ) -> None:
        order = np.argsort(first, kind="stable")
        self._chunks.append((first[order], second[order], rows[order]))


def _refuse_repeats(
    std: schemas.Standard,
    entity: str,
    key_column: str,
    data: pd.DataFrame,
    seen: _SeenKeys,
    rejected: list[Rejection],
) -> pd.DataFrame:
    """Refuse each row whose record key an earlier row of the file holds (teachers: the ID number in
    any case of its check letter), naming that row; the first stays."""
    if data.empty:
        return data
    values = data[key_column]
    keys = values.str.upper() if entity == "teacher" else values
    present = (values != "").to_numpy() if entity == "teacher" else np.ones(len(values), dtype=bool)
    key_array = keys.to_numpy(dtype=object)
    rows = data.index.to_numpy(dtype=np.int64)
    first, second = seen.hashes(key_array)
    earlier = seen.earlier_rows(first, second)
    within = keys.duplicated(keep="first").to_numpy()
    repeated = present & ((earlier >= 0) | within)
    if repeated.any():
        first_in_chunk = pd.Series(rows, index=key_array).groupby(level=0, sort=False).first()
        element = std.element(f"{entity}.{key_column}")
        label = _label(std, entity, key_column)
        for position in np.flatnonzero(repeated):
            original = (
                int(earlier[position]) if earlier[position] >= 0 else int(first_in_chunk[key_array[position]])
            )
            value = str(values.iloc[position])
            if entity == "teacher":
                rejected.append(
                    Rejection(
                        row=int(rows[position]),
                        field=label,
                        value=mask(element, value),
                        reason=f"与第 {original} 行为同一教师（身份证号重复）",
                        reason_en=f"same teacher as row {original} (duplicate ID number)",
                    )
                )
            else:
                rejected.append(
                    Rejection(
                        row=int(rows[position]),
                        field=label,
                        value=value,
                        reason="学校标识码在文件中重复",
                        reason_en="school code repeated in the file",
                    )
                )
    first_seen = present & ~repeated
    seen.add(first[first_seen], second[first_seen], rows[first_seen])
    return data[~repeated]


def _validated(
    std: schemas.Standard, entity: str, data: pd.DataFrame, *, secret_key: str, whole_records: bool = True
) -> tuple[pd.DataFrame, list[Rejection]]:
    """The rows of `data` that pass every check, typed and ready to write, and a rejection per bad cell."""
    report = validate_frame(std, entity, data.replace("", pd.NA), whole_records=whole_records)
    sensitive = {e.name for e in std.elements_for(entity) if e.sensitivity == "sensitive"}
    rejected = [
        Rejection(
            row=int(failure.row),
            field=_label(std, entity, failure.field),
            value=mask(std.element(f"{entity}.{failure.field}"), failure.value)
            if failure.field in sensitive
            else failure.value,
            reason=failure.reason_zh,
            reason_en=failure.reason_en,
        )
        for failure in report.failures
    ]
    bad_rows = {r.row for r in rejected}
    valid = report.valid[~report.valid.index.isin(list(bad_rows))].copy()
    # Approved new elements (codes entity.x_…) have no column of their own: they travel as `extra`.
    extra = [c for c in valid.columns if std.element(f"{entity}.{c}").code.startswith(f"{entity}.x_")]
    if entity == "teacher" and not valid.empty:
        valid["teacher_key"] = teacher_keys(secret_key, valid["id_number"].astype(str).tolist())
    if extra and not valid.empty:
        valid["extra"] = [
            {k: _jsonable(v) for k, v in zip(extra, values, strict=True) if not _is_missing(v)} or None
            for values in valid[extra].itertuples(index=False, name=None)
        ]
        valid = valid.drop(columns=extra)
    return valid, rejected


def _open_batch(
    session: Session,
    std: schemas.Standard,
    entity: str,
    provenance: Provenance,
    *,
    now: datetime,
    unknown: list[str],
    rows_read: int,
) -> IngestBatch:
    """The batch an import writes under: where its rows came from, who sent them, under which standard."""
    batch = IngestBatch(
        entity=entity,
        source_kind=provenance.source_kind,
        source_ref=provenance.source_ref[:300],
        file_sha256=provenance.file_sha256,
        principal_id=provenance.principal_id,
        division=provenance.division,
        standard_version=std.version,
        started_at=now,
        rows_read=rows_read,
        unknown_columns=unknown,
    )
    session.add(batch)
    session.flush()
    return batch


def _written_elements(entity: str, valid: pd.DataFrame) -> set[str]:
    names = {c for c in valid.columns if c not in ("teacher_key", "extra")}
    if "extra" in valid.columns:
        for values in valid["extra"]:
            names.update(values or ())
    return {f"{entity}.{name}" for name in names}


class _Schools:
    """Teacher rows name their school by code or by full name (real exports do both); both become the code.

    Every school's code and name is read once, before the first chunk: a province holds tens of
    thousands, a few megabytes.
    """

    def __init__(
        self,
        session: Session,
        school_scope: set[str] | None,
        outside_reason: tuple[str, str] | None = None,
    ) -> None:
        repository = SchoolRepository(session)
        self._by_name = repository.codes_by_name()
        self._known = set(repository.all_codes())
        self._scope = school_scope
        self._outside = outside_reason or ("不是本校的教师", "teacher of another school")

    def resolve(self, std: schemas.Standard, data: pd.DataFrame, rejected: list[Rejection]) -> pd.DataFrame:
        """The rows of a known school (of the scope), with its code; a rejection for each other row."""
        if "school_code" not in data.columns:
            assert self._scope is not None and len(self._scope) == 1  # refused before the first chunk
            data = data.assign(school_code=next(iter(self._scope)))
        values = data["school_code"]
        by_name = self._by_name
        resolved = values.where(values.str.fullmatch(r"\d{10}"), values.map(lambda v: by_name.get(v, v)))
        label = _label(std, "teacher", "school_code")
        bad = ~resolved.isin(self._known)
        for row, value in values[bad].items():
            rejected.append(
                Rejection(
                    row=int(row),
                    field=label,
                    value=value,
                    reason="学校不在库中",
                    reason_en="school is not in the store",
                )
            )
        if self._scope is not None:
            outside = ~bad & ~resolved.isin(self._scope)
            for row, value in values[outside].items():
                rejected.append(
                    Rejection(
                        row=int(row),
                        field=label,
                        value=value,
                        reason=self._outside[0],
                        reason_en=self._outside[1],
                    )
                )
            bad = bad | outside
        data = data.assign(school_code=resolved)
        return data[~bad]


class _Subtree:
    """The schools of the division an import is bounded to (a bounded bureau's, a source's): read once,
    a province's tens of thousands of codes at most."""

    def __init__(self, session: Session, division: str) -> None:
        self.division = division
        self.codes = SchoolRepository(session).codes_within(division)
        self._session = session
        name = divisions.full_name(division)
        self.reason = (
            f"学校不在本次导入的行政区划 {division}（{name}）内",
            f"school outside division {division}",
        )

    def keep_schools(
        self, std: schemas.Standard, valid: pd.DataFrame, rejected: list[Rejection]
    ) -> pd.DataFrame:
        """School rows placed inside the division, of a school new to the store or already in it;
        a rejection naming the row for a school elsewhere (or moved out of it by the row)."""
        if valid.empty:
            return valid
        placed = valid["division_code"].astype("str") if "division_code" in valid.columns else None
        codes = valid["code"].astype("str")
        stored_elsewhere = SchoolRepository(self._session).existing_codes(codes) - self.codes
        prefix = division_prefix(self.division)
        # A row that does not place its school keeps it where it is: inside, or refused.
        outside = ~placed.str.startswith(prefix) if placed is not None else ~codes.isin(self.codes)
        bad = codes.isin(stored_elsewhere) | outside
        label = _label(std, "school", "division_code")
        for row in valid.index[bad]:
            value = str(placed[row]) if placed is not None else str(codes[row])
            rejected.append(
                Rejection(
                    row=int(row), field=label, value=value, reason=self.reason[0], reason_en=self.reason[1]
                )
            )
        return valid[~bad]


def _is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def values_as_of(session: Session, entity: str, record_key: str, at: datetime) -> dict[str, Any]:
    """A record's element values as they stood at `at`: the current row with later changes undone.

    History keeps old values (reverse deltas), so reading the present costs nothing and the past is
    the present minus what changed since. A record inserted after `at` did not exist then ({}).
    """
    from hub.records.repository import RecordRepository

    table = ENTITY_TABLES[entity]
    key_column = table.c[KEY_COLUMNS[entity][-1]]
    row = session.execute(sa.select(table).where(key_column == record_key)).mappings().first()
    if row is None:
        return {}
    values = {
        k: _jsonable(v)
        for k, v in row.items()
        if k not in ("extra", "updated_at", "batch_id", ROW_HASH) and v is not None
    }
    extra: dict[str, Any] = dict(row["extra"] or {})
    later = [h for h in RecordRepository(session).history(entity, record_key) if h.recorded_at > at]
    moved_batches = {h.batch_id for h in later if set(h.changes) == {"school_code"}}
    for entry in reversed(later):
        changes = dict(entry.changes)
        if changes.pop("_inserted", None):
            if entry.batch_id in moved_batches:
                continue  # re-inserted under its new school: it existed before, under the old one
            return {}
        for element, (old, _) in changes.items():
            if element == "extra":
                extra = dict(old or {})
            elif old is None:
                values.pop(element, None)
            else:
                values[element] = old
    values.update({k: v for k, v in extra.items() if v is not None})
    return values


def rejected_rows_csv(session: Session, reader: Principal, batch_id: int) -> bytes:
    """An import's rejected rows as a CSV a person opens in Excel (UTF-8 with BOM). The rows hold the
    values as uploaded (names, ID numbers), so the download is an audited read."""
    batch = session.get(IngestBatch, batch_id)
    bound = reader.division
    # A batch belongs to the division it was bounded to; one of the whole hub (None) to the top only.
    if batch is None or (
        bound is not None and (batch.division is None or not divisions.contains(bound, batch.division))
    ):
        raise BatchNotFound(f"导入批次 {batch_id} 不存在", f"batch {batch_id} not found")
    rows = batch.rejected_rows or []
    audit.record_act(
        session,
        reader,
        "records.errors_read",
        target={"kind": "batch", "id": batch.id},
        batch_id=batch.id,
        row_count=len(rows),
    )
    return csv_bytes(
        ["行号 row", "字段 field", "值 value", "原因", "reason"],
        ([r["row"], r["field"], r["value"], r["reason"], r["reason_en"]] for r in rows),
    )
