"""Set-based writes into the wide tables: stage the batch, record what changes, then upsert.

First every row's hash (`row_hashes`, of its validated values under their element names) is compared
with the hash stored beside the record by its last write, in the database: a row equal to the last one
written for its record cannot change it, and is counted unchanged without being written (a re-import of
an unchanged file writes no record and no history). The other rows: PostgreSQL, a chunk of records none
of which is stored yet is COPied straight into the table (the unique key index refuses it otherwise, and
the chunk takes the general path); the general path COPies into a temporary staging table, then INSERT …
SELECT … ON CONFLICT DO UPDATE. SQLite: executemany into the staging table, then the same SQL. An empty
cell never erases a value ("nothing is overwritten silently"); a value that did not change writes
nothing and adds no history. Every write keeps `row_hash` the hash of the last row applied to the
record (a cleared value empties it), so that a stored hash always names a row whose write changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import JSON, Column, MetaData, Table, bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from hub.records.models import (
    ENTITY_TABLES,
    KEY_COLUMNS,
    PERIOD_KEY_COLUMNS,
    PERIOD_TABLES,
    ROW_HASH,
    SCHOOL_COLUMN,
    RecordHistory,
)

# A row's hash is 64 bits (pandas' SipHash-2-4 of each column, combined): a changed row is taken for
# the one stored before it (and left unwritten) with a chance of about 2^-64, once in 10^19 changes.
# A second, independent 64 bits would cost as much again as the hashing (~40 % of validating a chunk).
_HASH_KEY = "yici-hub-rows-01"


@dataclass(frozen=True, kw_only=True)
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0

    def __add__(self, other: WriteCounts) -> WriteCounts:
        return WriteCounts(
            inserted=self.inserted + other.inserted,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            moved=self.moved + other.moved,
        )


class BatchWriter:
    """Writes the chunks of one ingest batch, in order, with `upsert`.

    On PostgreSQL a chunk's write runs in a worker thread while the caller validates the next chunk:
    the database works while Python does, instead of each waiting for the other. At most one write is
    in flight, always on the session's connection, and the caller does not touch the session until the
    writer is closed; closing waits for the last write. SQLite connections belong to their thread, so
    there every write runs in the caller's thread.
    """

    def __init__(
        self,
        session: Session,
        entity: str,
        *,
        batch_id: int,
        now: datetime,
        periods: dict[str, str] | None = None,
        current: bool = True,
        empty_table: bool = False,
        stales_hashes: bool = True,
    ) -> None:
        self._prepare = functools.partial(prepare_chunk, entity, periods=periods or {}, current=current)
        self._write = functools.partial(
            write_chunk,
            session,
            entity,
            batch_id=batch_id,
            now=now,
            periods=periods or {},
            current=current,
            stales_hashes=stales_hashes,
        )
        background = session.connection().dialect.name == "postgresql"
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-write") if background else None
        self._pending: tuple[Future[WriteCounts], int] | None = None
        # A first load (or a new county's) is new records chunk after chunk: once a chunk was all new,
        # the next one is COPied in without first asking which rows are stored unchanged (an index
        # probe per row, ~6 % of such an import). The key index still refuses a stored record.
        # `empty_table`: the table held no record when the batch began and stays locked (a first load,
        # hub.records.first_load, without its indexes meanwhile): every record is new, none is compared.
        self._empty_table = empty_table
        self._all_new = empty_table
        self.counts = WriteCounts()

    def write(self, frame: pd.DataFrame) -> None:
        # The Python work of a write (ordering, hashing) is done here, in the caller's thread, while the
        # previous chunk's write is still in the database: the worker thread then only waits on it.
        frame = self._prepare(frame)
        self._settle()
        job = functools.partial(self._write, frame, all_new=self._all_new, prepared=True)
        if self._pool is None:
            self._add(job(), len(frame))
        else:
            self._pending = self._pool.submit(job), len(frame)

    def _settle(self) -> None:
        if self._pending is not None:
            (pending, rows), self._pending = self._pending, None
            self._add(pending.result(), rows)

    def _add(self, counts: WriteCounts, rows: int) -> None:
        self.counts += counts
        self._all_new = self._empty_table or (rows > 0 and counts.inserted == rows)

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, error: type[BaseException] | None, *_: object) -> None:
        try:
            if error is None:
                self._settle()
            elif self._pending is not None:
                # The caller failed: let the write in flight finish before the transaction is rolled
                # back on this connection; the caller's error is the one to report.
                wait([self._pending[0]])
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)


def _json_pairs(dialect: str, columns: list[str]) -> str:
    """SQL for {column: [old, new]} over the columns whose new value is set and differs."""
    if not columns:
        return "'{}'"
    chunks = [columns[i : i + 40] for i in range(0, len(columns), 40)]
    if dialect == "postgresql":
        parts = []
        for chunk in chunks:
            args = ", ".join(
                f"'{c}', CASE WHEN s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM t.{c} "
                f"THEN jsonb_build_array(t.{c}, s.{c}) END"
                for c in chunk
            )
            parts.append(f"jsonb_build_object({args})")
        return f"jsonb_strip_nulls({' || '.join(parts)})"
    # SQLite: json_patch drops keys whose value is null, which leaves only the changed columns.
    expression = "'{}'"
    for chunk in chunks:
        args = ", ".join(
            f"'{c}', CASE WHEN s.{c} IS NOT NULL AND s.{c} IS NOT t.{c} THEN json_array(t.{c}, s.{c}) END"
            for c in chunk
        )
        expression = f"json_patch({expression}, json_object({args}))"
    return expression


def _json_first(dialect: str, columns: list[str]) -> str:
    """SQL for {column: [null, new]} over the columns the staged row sets (a period's first values)."""
    if dialect == "postgresql":
        args = ", ".join(
            f"'{c}', CASE WHEN s.{c} IS NOT NULL THEN jsonb_build_array(NULL, s.{c}) END" for c in columns
        )
        return f"jsonb_strip_nulls(jsonb_build_object({args}))"
    args = ", ".join(f"'{c}', CASE WHEN s.{c} IS NOT NULL THEN json_array(NULL, s.{c}) END" for c in columns)
    return f"json_patch('{{}}', json_object({args}))"


def _differs(dialect: str, columns: list[str], new: str, old: str) -> str:
    op = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    terms = [f"({new}.{c} IS NOT NULL AND {new}.{c} {op} {old}.{c})" for c in columns]
    return " OR ".join(terms) if terms else "FALSE"


def _extra_merge(dialect: str, old: str, new: str) -> str:
    if dialect == "postgresql":
        return f"COALESCE({old}.extra, '{{}}'::jsonb) || COALESCE({new}.extra, '{{}}'::jsonb)"
    return f"json_patch(COALESCE({old}.extra, '{{}}'), COALESCE({new}.extra, '{{}}'))"


def _extra_differs(dialect: str, old: str, new: str) -> str:
    if dialect == "postgresql":
        return f"({new}.extra IS NOT NULL AND NOT (COALESCE({old}.extra, '{{}}'::jsonb) @> {new}.extra))"
    return f"({new}.extra IS NOT NULL AND {_extra_merge(dialect, old, new)} IS NOT json(COALESCE({old}.extra, '{{}}')))"


def _python_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


_STAGE_EXTRA = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def _stage(session: Session, entity: str, frame: pd.DataFrame, columns: list[str]) -> str:
    return _stage_into(session, ENTITY_TABLES[entity], frame, columns)


def _stage_into(session: Session, table: Table, frame: pd.DataFrame, columns: list[str]) -> str:
    stage_name = f"stage_{table.name}"
    connection = session.connection()
    connection.execute(text(f"DROP TABLE IF EXISTS {stage_name}"))
    stage = Table(
        stage_name,
        MetaData(),
        # A record without new-element values stages a NULL `extra`, not JSON null: json_patch(old, 'null')
        # is null, which would erase the values it holds.
        *[Column(c, _STAGE_EXTRA if c == "extra" else table.c[c].type) for c in columns],
        prefixes=["TEMPORARY"],
    )
    stage.create(connection)
    if "teacher_key" in columns:
        # The move check and every join look a staged teacher up by key: without this index SQLite
        # scans the whole stage per stored row (quadratic in the chunk).
        connection.execute(text(f"CREATE INDEX ix_{stage_name}_key ON {stage_name} (teacher_key)"))
    dialect = connection.dialect.name
    if dialect == "postgresql":
        _copy(session, stage_name, columns, copy_csv(frame, columns))
    else:
        records = [
            {c: _python_value(v) for c, v in zip(columns, row, strict=True)}
            for row in frame[columns].itertuples(index=False, name=None)
        ]
        for start in range(0, len(records), 20000):
            connection.execute(insert(stage), records[start : start + 20000])
    return stage_name


def _copy(session: Session, table: str, columns: list[str], data: bytes) -> None:
    """COPY `data` (CSV as `copy_csv` writes it) into `table`'s `columns`, on the session's connection."""
    raw = session.connection().connection.dbapi_connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        copy.write(data)


def copy_csv(frame: pd.DataFrame, columns: list[str], constants: dict[str, str] | None = None) -> bytes:
    """`frame[columns]` as the CSV that PostgreSQL's COPY reads, written by Arrow's C++ CSV writer.

    Arrow quotes every string and leaves a missing value as a bare empty field, which is exactly
    COPY's CSV convention: "" is the empty string, nothing is NULL. Dates go as date32 (YYYY-MM-DD),
    booleans as true/false, the `extra` dicts as JSON text; `constants` add columns of one text value.
    """
    arrays = []
    for column in columns:
        values = frame[column]
        if column == "extra":
            array = pa.array([None if v is None else orjson.dumps(v, default=str).decode() for v in values])
        elif pd.api.types.is_datetime64_any_dtype(values):
            array = pa.array(values, from_pandas=True).cast(pa.date32())
        else:
            array = pa.array(values, from_pandas=True)
        arrays.append(array)
    for value in (constants or {}).values():
        arrays.append(pa.repeat(pa.scalar(value), len(frame)))
    table = pa.table(arrays, names=[*columns, *(constants or {})])
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False))
    return buffer.getvalue()


def write_chunk(
    session: Session,
    entity: str,
    frame: pd.DataFrame,
    *,
    batch_id: int,
    now: datetime,
    periods: dict[str, str],
    current: bool,
    all_new: bool = False,
    prepared: bool = False,
    stales_hashes: bool = True,
) -> WriteCounts:
    """Write one validated chunk. `periods` names the period (`Period.key`) each periodic column of the
    chunk belongs to: those values go to the entity's period table, the one place they are kept (the
    entity table's column of a periodic element stays empty, so no copy of a value can go stale when
    the period turns). A write of whole records (`current`) also writes the record's timeless values;
    one of past periods only writes the period table, of records already stored.
    `all_new`: the chunk is likely new records only (the last one was), so rows are not first compared
    with the stored ones (the write finds out all the same, and then merges as usual). `prepared`: the
    chunk comes from `prepare_chunk` already. `stales_hashes` (a write of past periods): it writes a
    period that a stored row hash may cover (a current one), so the records' hashes are forgotten."""
    if frame.empty:  # every row of the chunk was refused: nothing to write, and no key columns to read
        return WriteCounts(inserted=0, updated=0, unchanged=0)
    if not prepared:
        frame = prepare_chunk(entity, frame, periods=periods, current=current)
    periodic = [c for c in frame.columns if c in periods]
    if not current:
        frame = _in_key_order(entity, frame)
        past = upsert_periods(session, entity, frame, periods=periods, batch_id=batch_id, now=now)
        if stales_hashes and (past.inserted or past.updated):
            _forget_row_hashes(session, entity, frame[KEY_COLUMNS[entity][-1]].astype(str).tolist())
        return past
    # A row equal to the one last written for its record (same values, columns and periods) would
    # change nothing: it is counted unchanged and not written at all.
    if all_new:
        same, stored = np.zeros(len(frame), dtype=bool), None
    else:
        same, stored = compare_with_stored(session, entity, frame)
    skipped = WriteCounts(unchanged=int(same.sum()))
    if same.any():
        frame = frame[~same]
        stored = None if stored is None else stored[~same]
        if frame.empty:
            return skipped
    if stored is not None and stored.any() and not stored.all():
        # New records beside stored ones (a new county's teachers, a few of whom moved from another):
        # the new ones are COPied straight in, only the stored ones are merged through the stage.
        write = functools.partial(
            _write_records, session, entity, periods=periods, periodic=periodic, batch_id=batch_id, now=now
        )
        return write(frame[~stored], stored=False) + write(frame[stored], stored=True) + skipped
    return (
        _write_records(
            session,
            entity,
            frame,
            periods=periods,
            periodic=periodic,
            batch_id=batch_id,
            now=now,
            stored=bool(stored.all()) if stored is not None else None,
        )
        + skipped
    )


def _write_records(
    session: Session,
    entity: str,
    frame: pd.DataFrame,
    *,
    periods: dict[str, str],
    periodic: list[str],
    batch_id: int,
    now: datetime,
    stored: bool | None,
) -> WriteCounts:
    """Write whole records (their timeless values, then their periods). `stored`: all of them are
    stored already (True), none is (False), or not known (None)."""
    frame = _in_key_order(entity, frame)
    counts = upsert(
        session,
        entity,
        frame.drop(columns=periodic) if periodic else frame,
        batch_id=batch_id,
        now=now,
        stored=stored,
    )
    if periodic:
        in_periods = upsert_periods(
            session,
            entity,
            frame,
            periods=periods,
            batch_id=batch_id,
            now=now,
            fresh=counts.inserted == len(frame),
        )
        if in_periods.inserted or in_periods.updated:
            # Records whose periodic values alone changed count as updated too.
            changed = min(
                max(counts.updated, in_periods.updated + in_periods.inserted), len(frame) - counts.inserted
            )
            counts = WriteCounts(
                inserted=counts.inserted,
                updated=changed,
                unchanged=len(frame) - counts.inserted - changed,
                moved=counts.moved,
            )
    return counts


def prepare_chunk(
    entity: str, frame: pd.DataFrame, *, periods: dict[str, str], current: bool
) -> pd.DataFrame:
    """A validated chunk with what `write_chunk` needs computed in Python beforehand: for a write of
    whole records, each row's hash (`row_hashes`). BatchWriter calls it in the caller's thread, so that
    it overlaps the previous chunk's write in the database instead of holding up the writer."""
    if frame.empty or not current:
        return frame
    table = ENTITY_TABLES[entity]
    written = [c for c in frame.columns if c in table.c or c == "extra"]
    periodic = {c: periods[c] for c in frame.columns if c in periods}
    return frame.assign(**{ROW_HASH: row_hashes(frame, written, periods=periodic)})


def _in_key_order(entity: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows to write in the order of the tables' keys: a key index takes rows in its own order at
    about 2/3 of the cost of random ones, and the school's foreign-key check finds the same school row
    after row. Only rows that will be written are sorted (an unchanged re-import sorts nothing)."""
    keys = [k for k in KEY_COLUMNS[entity] if k in frame.columns]
    return frame.sort_values(keys, kind="stable") if keys and len(frame) > 1 else frame


def _forget_row_hashes(session: Session, entity: str, record_keys: list[str]) -> None:
    """The records' last written rows no longer stand once another write changed their periods: the
    same row sent again is written again, not skipped as unchanged."""
    table = ENTITY_TABLES[entity]
    key = table.c[KEY_COLUMNS[entity][-1]]
    for start in range(0, len(record_keys), 1000):
        session.execute(
            update(table).where(key.in_(record_keys[start : start + 1000])).values({ROW_HASH: None})
        )


def row_hashes(
    frame: pd.DataFrame, columns: Sequence[str], *, periods: dict[str, str] | None = None
) -> list[str]:
    """Each row's hash (16 hex digits) over its validated values in `columns`, under their names and
    the periods they are written to.

    The same row read from the same file twice hashes the same; a row with another value, another set
    of columns, a value under another column or for another period hashes differently. Computed by
    pandas' vectorised hashing of the typed columns (a missing value hashes as missing), not row by row.
    """
    ordered = sorted(columns)
    typed = pd.DataFrame(
        {
            column: frame[column].map(_extra_text) if column == "extra" else frame[column]
            for column in ordered
        },
        index=frame.index,
    )
    layout = (
        "\x1f".join(ordered) + "\x1e" + "\x1f".join(f"{k}={v}" for k, v in sorted((periods or {}).items()))
    )
    salt = np.frombuffer(hashlib.blake2b(layout.encode(), digest_size=8).digest(), dtype="<u8")[0]
    hashes = (
        pd.util.hash_pandas_object(typed, index=False, hash_key=_HASH_KEY).to_numpy(dtype=np.uint64) ^ salt
    )
    return [f"{value:016x}" for value in hashes.tolist()]


def _extra_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str).decode()


def _probe(session: Session, records: npt.NDArray[Any], hashes: npt.NDArray[Any] | None = None) -> None:
    """PostgreSQL: the temporary table `probe_rows` (position, record[, hash]) holding `records` with
    their positions, COPied in key order (lookups by the key index then walk it instead of jumping
    about it). COPY, not text arrays as parameters: those cost a quarter of a second per 50,000 keys
    to send and parse."""
    columns: dict[str, Any] = {"position": np.arange(len(records)), "record": records}
    if hashes is not None:
        columns["hash"] = hashes
    probe = pd.DataFrame(columns).sort_values("record", kind="stable")
    connection = session.connection()
    connection.execute(text("DROP TABLE IF EXISTS probe_rows"))
    connection.execute(
        text(
            "CREATE TEMPORARY TABLE probe_rows (position integer, record text"
            + (", hash text)" if hashes is not None else ")")
        )
    )
    _copy(session, "probe_rows", list(columns), copy_csv(probe, list(columns)))


def stored_schools(session: Session, entity: str, records: Sequence[str]) -> dict[str, str]:
    """The school of each of `records` (record keys) that is stored: one lookup of them all."""
    table = ENTITY_TABLES[entity]
    key, school = table.c[KEY_COLUMNS[entity][-1]], table.c[SCHOOL_COLUMN[entity]]
    connection = session.connection()
    if connection.dialect.name == "postgresql" and len(records) > 1000:
        _probe(session, np.asarray(records, dtype=object))
        found = connection.execute(
            text(
                f"SELECT t.{key.name}, t.{school.name} FROM probe_rows p "
                f"JOIN {table.name} t ON t.{key.name} = p.record"
            )
        ).all()
        connection.execute(text("DROP TABLE probe_rows"))
        return {str(record): str(at) for record, at in found}
    stored: dict[str, str] = {}
    for start in range(0, len(records), 5000):
        part = list(records[start : start + 5000])
        stored.update(
            (str(r), str(a)) for r, a in connection.execute(select(key, school).where(key.in_(part)))
        )
    return stored


def compare_with_stored(
    session: Session, entity: str, frame: pd.DataFrame
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_] | None]:
    """Which rows of `frame` (with its `row_hash`) are the very row last written for their record, and
    (PostgreSQL; None on SQLite) which rows' records are stored at all: compared in the database, by
    the record's key index, with nothing but keys and hashes sent."""
    key = KEY_COLUMNS[entity][-1]
    table = ENTITY_TABLES[entity].name
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # The chunk's keys and hashes are COPied into a probe table in key order, and each is looked up
        # by the key index (LATERAL … LIMIT 1 keeps the lookup per row): the cost grows with the chunk,
        # not with the table (a hash join read the whole table for every chunk: 0.7 s a chunk at 1M
        # records).
        _probe(session, frame[key].astype(str).to_numpy(), frame[ROW_HASH].to_numpy())
        found = connection.execute(
            text(
                "SELECT p.position, m.same FROM probe_rows p CROSS JOIN LATERAL (SELECT "
                f"t.{ROW_HASH} IS NOT DISTINCT FROM p.hash AS same FROM {table} t WHERE t.{key} = p.record "
                "LIMIT 1) AS m"
            )
        ).all()
        connection.execute(text("DROP TABLE probe_rows"))
        stored = np.zeros(len(frame), dtype=bool)
        same = np.zeros(len(frame), dtype=bool)
        if found:
            rows = np.array([position for position, _ in found], dtype=np.int64)
            stored[rows] = True
            same[rows[[bool(equal) for _, equal in found]]] = True
        return same, stored
    else:
        keys = frame[key].astype(str).tolist()
        hashes = frame[ROW_HASH].tolist()
        found = connection.execute(
            text(
                f"SELECT CAST(n.key AS INTEGER) FROM json_each(:pairs) AS n JOIN {table} t "
                f"ON t.{key} = json_extract(n.value, '$[0]') AND t.{ROW_HASH} = json_extract(n.value, '$[1]')"
            ),
            {"pairs": orjson.dumps([[k, h] for k, h in zip(keys, hashes, strict=True)]).decode()},
        ).scalars()
        positions = [int(p) for p in found]
    same = np.zeros(len(frame), dtype=bool)
    same[positions] = True
    return same, None


def upsert(
    session: Session,
    entity: str,
    frame: pd.DataFrame,
    *,
    batch_id: int,
    now: datetime,
    stored: bool | None = None,
) -> WriteCounts:
    """Write `frame` (columns = element names incl. keys, no periodic element; optional `extra` dicts)
    into the entity table. `stored`: every record is stored already (True: merged, nothing tried
    first), none is (False), or not known (None)."""
    if frame.empty:
        return WriteCounts(inserted=0, updated=0, unchanged=0)
    table = ENTITY_TABLES[entity]
    keys = list(KEY_COLUMNS[entity])
    value_columns = [
        c for c in frame.columns if c not in keys and c not in ("extra", ROW_HASH) and c in table.c
    ]
    has_extra = "extra" in frame.columns
    hashed = ROW_HASH in frame.columns
    columns = keys + value_columns + (["extra"] if has_extra else []) + ([ROW_HASH] if hashed else [])
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql" and not stored:
        # Optimistic: most chunks of a first load or of a new school hold only new records. The
        # unique key index refuses the COPY at the first stored record; the savepoint undoes it.
        try:
            with connection.begin_nested():
                return _copy_new(session, entity, frame, columns, batch_id=batch_id, now=now)
        except psycopg.errors.UniqueViolation:
            pass
    stage = _stage(session, entity, frame, columns)
    join = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    differs = _differs(dialect, value_columns, "s", "t")
    if has_extra:
        differs = f"{differs} OR {_extra_differs(dialect, 't', 's')}"
    params = {"now": now, "batch": batch_id, "entity": entity}
    moved = 0
    if entity == "teacher":
        # A teacher who appears under another school moved: the old row goes, with its history.
        moved = connection.execute(
            text(
                f"""INSERT INTO record_history (recorded_at, entity, school_code, record_key, batch_id, changes)
                SELECT :now, :entity, t.school_code, t.teacher_key, :batch, {_moved_json(dialect)}
                FROM teachers t JOIN {stage} s ON s.teacher_key = t.teacher_key AND s.school_code <> t.school_code"""
            ),
            params,
        ).rowcount
        if moved:
            # Their periods go with them, found by the old row's whole key (school, teacher) while it
            # is still there: the period table's own key, never a scan of it.
            connection.execute(
                text(
                    "UPDATE teacher_periods SET school_code = m.new_school FROM (SELECT t.school_code AS "
                    f"old_school, t.teacher_key, s.school_code AS new_school FROM {stage} s JOIN teachers t "
                    "ON t.teacher_key = s.teacher_key AND t.school_code <> s.school_code) AS m "
                    "WHERE teacher_periods.school_code = m.old_school AND teacher_periods.teacher_key = m.teacher_key"
                )
            )
            # teacher_key is unique across schools, so the only stored row of a moved teacher is the old
            # school's: found through the stage's index and the table's, never a scan of either.
            connection.execute(
                text(
                    f"DELETE FROM teachers WHERE teacher_key IN (SELECT s.teacher_key FROM {stage} s "
                    "JOIN teachers t ON t.teacher_key = s.teacher_key AND t.school_code <> s.school_code)"
                )
            )
    changes = _json_pairs(dialect, value_columns)
    if has_extra:
        extra_pair = (
            "jsonb_build_object('extra', jsonb_build_array(t.extra, s.extra))"
            if dialect == "postgresql"
            else "json_object('extra', json_array(json(t.extra), json(s.extra)))"
        )
        merge = "||" if dialect == "postgresql" else None
        changes = (
            f"({changes} {merge} CASE WHEN {_extra_differs(dialect, 't', 's')} THEN {extra_pair} ELSE '{{}}'::jsonb END)"
            if merge
            else f"json_patch({changes}, CASE WHEN {_extra_differs(dialect, 't', 's')} THEN {extra_pair} ELSE '{{}}' END)"
        )
    record_key = "s.teacher_key" if entity == "teacher" else "s.code"
    school_key = "s.school_code" if entity == "teacher" else "s.code"
    history_insert = (
        "INSERT INTO record_history (recorded_at, entity, school_code, record_key, batch_id, changes) "
        f"SELECT :now, :entity, {school_key}, {record_key}, :batch, "
    )
    # New records get a marker; changed records {element: [old, new]} for what changed only.
    inserted = connection.execute(
        text(
            f"""{history_insert} {_inserted_json(dialect)}
            FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {join})"""
        ),
        params,
    ).rowcount
    updated = connection.execute(
        text(f"{history_insert} {changes} FROM {stage} s JOIN {table.name} t ON {join} WHERE {differs}"),
        params,
    ).rowcount
    set_clause = ", ".join(f"{c} = COALESCE(excluded.{c}, {table.name}.{c})" for c in value_columns)
    if has_extra:
        set_clause += f", extra = {_extra_merge(dialect, table.name, 'excluded')}"
    set_clause += ", updated_at = excluded.updated_at, batch_id = excluded.batch_id"
    if hashed:
        set_clause += f", {ROW_HASH} = excluded.{ROW_HASH}"
    insert_columns = ", ".join(columns + ["updated_at", "batch_id"])
    connection.execute(
        text(
            f"""INSERT INTO {table.name} ({insert_columns})
            SELECT {", ".join(f"s.{c}" for c in columns)}, :now, :batch FROM {stage} s WHERE TRUE
            ON CONFLICT ({", ".join(keys)}) DO UPDATE SET {set_clause}
            WHERE {_differs(dialect, value_columns, "excluded", table.name)}
            {f"OR {_extra_differs(dialect, table.name, 'excluded')}" if has_extra else ""}"""
        ),
        params,
    )
    if hashed:
        # A row equal in its values to the record but written differently (fewer columns, or stored
        # before rows had hashes) changes nothing; its hash is kept, so the next equal row is skipped.
        distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
        connection.execute(
            text(
                f"UPDATE {table.name} SET {ROW_HASH} = s.{ROW_HASH} FROM {stage} s WHERE "
                + " AND ".join(f"{table.name}.{k} = s.{k}" for k in keys)
                + f" AND {table.name}.{ROW_HASH} {distinct} s.{ROW_HASH}"
            )
        )
    connection.execute(text(f"DROP TABLE IF EXISTS {stage}"))
    # A moved teacher is re-inserted under the new school: it is counted moved, not new.
    return WriteCounts(
        inserted=inserted - moved,
        updated=updated,
        unchanged=len(frame) - inserted - updated,
        moved=moved,
    )


def upsert_periods(
    session: Session,
    entity: str,
    frame: pd.DataFrame,
    *,
    periods: dict[str, str],
    batch_id: int,
    now: datetime,
    fresh: bool = False,
) -> WriteCounts:
    """Write the periodic columns of `frame` into the entity's period table, one period at a time.

    A blank cell changes nothing (as in the entity table); a changed value adds a history row carrying
    its period, and so does the first value of a period of a record already stored ([null, value]: the
    change feed and as-of reads see last year's hours arrive). `fresh`: every record of the frame was
    just inserted, its insert marker stands for its periods too. Counts are of (record, period) rows:
    new, changed, unchanged."""
    table = PERIOD_TABLES[entity]
    keys = [k for k in PERIOD_KEY_COLUMNS[entity] if k != "period"]
    by_period: dict[str, list[str]] = {}
    for column, period in periods.items():
        if column in frame.columns and column in table.c:
            by_period.setdefault(period, []).append(column)
    connection = session.connection()
    dialect = connection.dialect.name
    inserted = updated = unchanged = 0
    for period, value_columns in by_period.items():
        part = frame.loc[frame[value_columns].notna().any(axis=1), keys + value_columns]
        if part.empty:
            continue
        columns = keys + value_columns
        params = {"now": now, "batch": batch_id, "entity": entity, "period": period}
        if dialect == "postgresql" and fresh:
            try:
                with connection.begin_nested():
                    constants = {
                        "period": period,
                        "created_at": _timestamp_text(now),
                        "updated_at": _timestamp_text(now),
                        "batch_id": str(batch_id),
                    }
                    _copy(session, table.name, [*columns, *constants], copy_csv(part, columns, constants))
                    inserted += len(part)
                    continue
            except psycopg.errors.UniqueViolation:
                pass
        stage = _stage_into(session, table, part, columns)
        join = " AND ".join(f"t.{k} = s.{k}" for k in keys) + " AND t.period = CAST(:period AS VARCHAR(16))"
        record_key = "s.teacher_key" if entity == "teacher" else "s.code"
        school_key = "s.school_code" if entity == "teacher" else "s.code"
        changed = connection.execute(
            text(
                "INSERT INTO record_history (recorded_at, entity, school_code, record_key, batch_id, changes, "
                f"period) SELECT :now, :entity, {school_key}, {record_key}, :batch, "
                f"{_json_pairs(dialect, value_columns)}, CAST(:period AS VARCHAR(16)) FROM {stage} s JOIN {table.name} t ON {join} "
                f"WHERE {_differs(dialect, value_columns, 's', 't')}"
            ),
            params,
        ).rowcount
        absent = f"NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {join})"
        if fresh:
            new = connection.scalar(text(f"SELECT count(*) FROM {stage} s WHERE {absent}"), params)
        else:
            new = connection.execute(
                text(
                    "INSERT INTO record_history (recorded_at, entity, school_code, record_key, batch_id, "
                    f"changes, period) SELECT :now, :entity, {school_key}, {record_key}, :batch, "
                    f"{_json_first(dialect, value_columns)}, CAST(:period AS VARCHAR(16)) FROM {stage} s WHERE {absent}"
                ),
                params,
            ).rowcount
        set_clause = ", ".join(f"{c} = COALESCE(excluded.{c}, {table.name}.{c})" for c in value_columns)
        connection.execute(
            text(
                f"""INSERT INTO {table.name} ({", ".join([*columns, "period", "created_at", "updated_at", "batch_id"])})
                SELECT {", ".join(f"s.{c}" for c in columns)}, CAST(:period AS VARCHAR(16)), :now, :now, :batch FROM {stage} s WHERE TRUE
                ON CONFLICT ({", ".join([*keys, "period"])}) DO UPDATE SET {set_clause},
                updated_at = excluded.updated_at, batch_id = excluded.batch_id
                WHERE {_differs(dialect, value_columns, "excluded", table.name)}"""
            ),
            params,
        )
        connection.execute(text(f"DROP TABLE IF EXISTS {stage}"))
        inserted += int(new or 0)
        updated += changed
        unchanged += len(part) - int(new or 0) - changed
    return WriteCounts(inserted=inserted, updated=updated, unchanged=unchanged)


def _copy_new(
    session: Session, entity: str, frame: pd.DataFrame, columns: list[str], *, batch_id: int, now: datetime
) -> WriteCounts:
    """PostgreSQL, a chunk of records none of which is stored yet (a first load, a new school): COPY
    them straight into the table and mark them inserted in the history. Nothing to merge, nothing that
    moved: the staging table and the upsert would only cost a second write of every row. Raises
    UniqueViolation when a record is stored already (keys are unique across schools)."""
    constants = {"updated_at": _timestamp_text(now), "batch_id": str(batch_id)}
    _copy(session, ENTITY_TABLES[entity].name, [*columns, *constants], copy_csv(frame, columns, constants))
    record_key, school_key = KEY_COLUMNS[entity][-1], SCHOOL_COLUMN[entity]
    # The insert markers are COPied too: as one INSERT … SELECT FROM unnest(arrays) they cost half as
    # much again (the arrays are built, sent and taken apart as text).
    markers = {
        "recorded_at": _timestamp_text(now),
        "entity": entity,
        "batch_id": str(batch_id),
        "changes": _INSERTED_MARKER,
    }
    _copy(
        session,
        "record_history",
        ["school_code", "record_key", *markers],
        copy_csv(frame, [school_key, record_key], markers),
    )
    return WriteCounts(inserted=len(frame))


_INSERTED_MARKER = '{"_inserted": true}'


def _timestamp_text(moment: datetime) -> str:
    """`moment` as COPY reads a timestamptz, with its zone (a naive one is UTC, as UTCDateTime takes it)."""
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).isoformat()


def _inserted_json(dialect: str) -> str:
    # A new record's values are the current row itself: history keeps only what later changes
    # replaced (old values), so an insert costs one small marker instead of a copy of the row.
    return "'{\"_inserted\": true}'" + ("::jsonb" if dialect == "postgresql" else "")


def _moved_json(dialect: str) -> str:
    if dialect == "postgresql":
        return "jsonb_build_object('school_code', jsonb_build_array(t.school_code, s.school_code))"
    return "json_object('school_code', json_array(t.school_code, s.school_code))"


def _history_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# As the set-based writes add history (the id comes from the table's own sequence or rowid).
_CLEAR_HISTORY = text(
    "INSERT INTO record_history (recorded_at, entity, school_code, record_key, batch_id, changes) "
    "VALUES (:now, :entity, :school, :record, :batch, :changes)"
).bindparams(
    bindparam("now", type_=RecordHistory.__table__.c.recorded_at.type),
    bindparam("changes", type_=RecordHistory.__table__.c.changes.type),
)


def clear_values(
    session: Session,
    entity: str,
    cells: dict[str, list[str]],
    *,
    batch_id: int,
    now: datetime,
    periods: dict[str, str] | None = None,
) -> int:
    """Empty the named values of records (record key → element names), each change in the history.
    A periodic element named in `periods` (name → Period.key) is emptied for that period.

    `upsert` never erases a value; this is the explicit clear a school asks for cell by cell, so it
    touches a handful of records and goes record by record. Returns the number of values cleared.
    """
    table = ENTITY_TABLES[entity]
    keys = KEY_COLUMNS[entity]
    record_column = table.c[keys[-1]]
    cleared = 0
    for record_key, asked in cells.items():
        in_period = [n for n in asked if periods and n in periods]
        names = [n for n in asked if n not in in_period]
        for name in in_period:
            assert periods is not None
            cleared += _clear_period_value(
                session,
                entity,
                record_key,
                name,
                periods[name],
                batch_id=batch_id,
                now=now,
            )
        row = session.execute(select(table).where(record_column == record_key)).mappings().first()
        if row is None:
            continue
        changes: dict[str, Any] = {}
        values: dict[str, Any] = {}
        extra = dict(row["extra"] or {})
        for name in names:
            if name in table.c and name not in keys and name != "extra":
                if row[name] is not None:
                    changes[name] = [_history_value(row[name]), None]
                    values[name] = None
            elif name in extra:
                del extra[name]
        if extra != (row["extra"] or {}):
            changes["extra"] = [row["extra"], extra or None]
            values["extra"] = extra or None
        if not values:
            continue
        cleared += len(values) - ("extra" in values) + len(set(row["extra"] or {}) - set(extra))
        session.execute(
            update(table)
            .where(record_column == record_key)
            .values(**values, updated_at=now, batch_id=batch_id, **{ROW_HASH: None})
        )
        session.execute(
            _CLEAR_HISTORY,
            {
                "now": now,
                "entity": entity,
                "school": row[SCHOOL_COLUMN[entity]],
                "record": record_key,
                "batch": batch_id,
                "changes": changes,
            },
        )
    return cleared


def _clear_period_value(
    session: Session,
    entity: str,
    record_key: str,
    name: str,
    period: str,
    *,
    batch_id: int,
    now: datetime,
) -> int:
    """Empty one periodic value of a record for `period`, with the change in the history under its period."""
    periods = PERIOD_TABLES[entity]
    table = ENTITY_TABLES[entity]
    record_column = periods.c[KEY_COLUMNS[entity][-1]]
    # The record's whole key (its school first): the period table is found by it alone.
    school = session.scalar(
        select(table.c[SCHOOL_COLUMN[entity]]).where(table.c[KEY_COLUMNS[entity][-1]] == record_key)
    )
    where = (
        (periods.c[SCHOOL_COLUMN[entity]] == school)
        & (record_column == record_key)
        & (periods.c.period == period)
    )
    row = session.execute(select(periods).where(where)).mappings().first()
    if row is None or row[name] is None:
        return 0
    session.execute(
        update(periods).where(where).values({name: None, "updated_at": now, "batch_id": batch_id})
    )
    session.execute(
        _CLEAR_PERIOD_HISTORY,
        {
            "now": now,
            "entity": entity,
            "school": row[SCHOOL_COLUMN[entity]],
            "record": record_key,
            "batch": batch_id,
            "changes": {name: [_history_value(row[name]), None]},
            "period": period,
        },
    )
    # The record's last written row no longer stands: the same row sent again must be written again.
    session.execute(
        update(table).where(table.c[KEY_COLUMNS[entity][-1]] == record_key).values({ROW_HASH: None})
    )
    return 1


_CLEAR_PERIOD_HISTORY = text(
    "INSERT INTO record_history (recorded_at, entity, school_code, record_key, batch_id, changes, period) "
    "VALUES (:now, :entity, :school, :record, :batch, :changes, :period)"
).bindparams(
    bindparam("now", type_=RecordHistory.__table__.c.recorded_at.type),
    bindparam("changes", type_=RecordHistory.__table__.c.changes.type),
)
