"""Appending to the sealed audit log, verifying it, and exporting a period of it.

In the manner of X-Road's message log: each entry's seal is an HMAC-SHA256, under a key of the
settings that never enters the database (hub.audit.keys), over the canonical JSON of the entry (keys
sorted, no spaces, UTF-8) followed by the previous entry's seal, so altering, deleting, inserting or
reordering any entry breaks every seal after it, and nobody without the key can re-seal the chain.
Entries are numbered 1, 2, 3 … by the chain head, which every append locks until its transaction
ends: two writers never fork the chain, and entry numbers follow commit order (the change feed of
hub.reads relies on that). A log cut at its end, or deleted whole, is caught by the signed
checkpoints of hub.audit.checkpoints, kept outside the database.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TextIO

import orjson
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hub.audit.keys import AuditKeyError, AuditKeyring, current_keyring
from hub.audit.models import GENESIS_HASH, AuditBySchool, AuditChainHead, AuditEntry, AuditReceipt
from hub.audit.receipts import WIDTH, Collector, packed_of
from hub.audit.receipts import digest as receipts_digest
from hub.db import utcnow

READ_ACTIONS = (
    "request.data",
    "query.rows",
    "query.aggregate",
    "query.changes",
    "task.read",
    "audit.read",
    "records.errors_read",
)
WRITE_ACTIONS = ("records.write",)
# Privileged acts (hub.audit.service.record_act): who did what to which target, and why.
ACT_ACTIONS = (
    "principal.create",
    "principal.revoke",
    "principal.reactivate",
    "request.decision",
    "request.release",
    "request.release_refused",
    "request.answered",
    "request.publish",
    "request.reminders",
    "grant.create",
    "grant.renew",
    "grant.revoke",
    "source.create",
    "source.update",
    "source.delete",
    "source.run",
    "complaint.answer",
    "complaint.route",
    "schools.onboard",
    "school.activate",
    "school.token_rotate",
    "school.token_revoke",
    "calendar.set",
    "calendar.delete",
    "baseline.set",
    "baseline.delete",
    "secondment.decision",
    "secondment.return",
    "list.decision",
    "list.approve",
    "list.merge",
    "whitelist.add",
)
HEAD_ID = 1


class Actor(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class ActorRef:
    """Who acted, detached from any session (reads recorded after a streamed response)."""

    id: int
    code: str
    kind: str


def actor_ref(principal: Actor) -> ActorRef:
    return ActorRef(id=principal.id, code=principal.code, kind=principal.kind)


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def schools_digest(schools: Iterable[tuple[str, int]]) -> str:
    """SHA-256 of the per-school row counts, sorted by school code."""
    return hashlib.sha256(_canonical(sorted([code, int(rows)] for code, rows in schools))).hexdigest()


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_payload(entry: AuditEntry) -> dict[str, Any]:
    """What the seal covers: every column but the seal itself."""
    return {
        "id": entry.id,
        "at": _timestamp(entry.at),
        "principal_id": entry.principal_id,
        "principal_code": entry.principal_code,
        "principal_kind": entry.principal_kind,
        "action": entry.action,
        "entity": entry.entity,
        "elements": list(entry.elements or []),
        "school_count": entry.school_count,
        "schools_digest": entry.schools_digest,
        "grant_id": entry.grant_id,
        "request_id": entry.request_id,
        "batch_id": entry.batch_id,
        "row_count": entry.row_count,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
        "key_id": entry.key_id,
    }


def entry_hash(entry: AuditEntry, keyring: AuditKeyring | None = None) -> str:
    """The entry's seal: HMAC under the key it names, over its content and its predecessor's seal."""
    keyring = keyring or current_keyring()
    return keyring.mac(entry.key_id, _canonical(entry_payload(entry)) + entry.prev_hash.encode())


def record_act(
    session: Session,
    principal: Actor | None,
    action: str,
    *,
    target: Mapping[str, Any],
    reason: str | None = None,
    entity: str | None = None,
    elements: Sequence[str] = (),
    schools: Mapping[str, int] | None = None,
    grant_id: int | None = None,
    request_id: int | None = None,
    batch_id: int | None = None,
    row_count: int = 0,
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """The one audited path of a privileged act: who (`principal`), what (`action`), on which records
    or scope (`target`: its kind and id, with `entity`, `elements`, `schools`), and why (`reason`, the
    purpose or the decision's note, None when the act takes none)."""
    return append(
        session,
        principal=principal,
        action=action,
        entity=entity,
        elements=elements,
        schools=schools,
        grant_id=grant_id,
        request_id=request_id,
        batch_id=batch_id,
        row_count=row_count,
        detail={**(detail or {}), "target": dict(target), "reason": reason},
    )


def log_read(
    session: Session,
    reader: Actor,
    *,
    filters: Mapping[str, Any],
    shown: Sequence[AuditEntry],
    verify: bool = False,
) -> AuditEntry:
    """Reading the audit log is itself an entry: who looked, with which filters, at which entries."""
    return record_act(
        session,
        reader,
        "audit.read",
        target={
            "kind": "audit_log",
            "id": None,
            "first": shown[-1].id if shown else None,
            "last": shown[0].id if shown else None,
        },
        row_count=len(shown),
        detail={"filters": {k: v for k, v in filters.items() if v not in (None, "", [])}, "verify": verify},
    )


def read_entries(
    session: Session,
    reader: Actor,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    actions: Sequence[str] | None = None,
    principal_id: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """A page of the log, newest first, and the entry saying who read it."""
    from hub.audit.repository import AuditRepository

    entries = AuditRepository(session).entries(
        start=start, end=end, actions=actions, principal_id=principal_id, before_id=before_id, limit=limit
    )
    filters = {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "action": list(actions or []),
        "principal_id": principal_id,
        "before": before_id,
        "limit": limit,
    }
    log_read(session, reader, filters=filters, shown=entries)
    return entries


def earlier_entries(
    session: Session, *, action: str, principal_id: int, grant_id: int, limit: int
) -> list[AuditEntry]:
    """The principal's latest entries of `action` under a grant, newest first."""
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.action == action,
            AuditEntry.principal_id == principal_id,
            AuditEntry.grant_id == grant_id,
        )
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def _jsonable(detail: Mapping[str, Any] | None) -> dict[str, Any] | None:
    # Round-tripped through JSON now so the stored detail is exactly what was hashed (no tuples, no floats' drift).
    return orjson.loads(orjson.dumps(detail, default=str)) if detail else None


def append(
    session: Session,
    *,
    principal: Actor | None,
    action: str,
    entity: str | None = None,
    elements: Sequence[str] = (),
    schools: Mapping[str, int] | None = None,
    grant_id: int | None = None,
    request_id: int | None = None,
    batch_id: int | None = None,
    row_count: int = 0,
    detail: Mapping[str, Any] | None = None,
    receipts: Collector | Mapping[str, bytes] | None = None,
    keyring: AuditKeyring | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (the chain head stays locked until it ends);
    `receipts` (school → packed fingerprints) remember which teacher records a read returned."""
    keyring = keyring or current_keyring()
    at = utcnow()
    # UPDATE first: on PostgreSQL it takes the head row's lock (a second writer waits here, then sees
    # the new head); on SQLite it takes the database's write lock before the head is read.
    head = session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_id=AuditChainHead.last_id + 1, updated_at=at)
        .returning(AuditChainHead.last_id, AuditChainHead.last_hash)
        .execution_options(synchronize_session=False)
    ).first()
    if head is None:
        if session.scalar(select(AuditEntry.id).limit(1)) is not None:
            raise RuntimeError(
                "audit chain head is missing while the log is not empty: run `hub audit verify`"
            )
        session.add(AuditChainHead(id=HEAD_ID, last_id=0, last_hash=GENESIS_HASH, updated_at=at))
        session.flush()
        return append(
            session,
            principal=principal,
            action=action,
            entity=entity,
            elements=elements,
            schools=schools,
            grant_id=grant_id,
            request_id=request_id,
            batch_id=batch_id,
            row_count=row_count,
            detail=detail,
            receipts=receipts,
            keyring=keyring,
        )
    entry_id, prev_hash = int(head[0]), str(head[1])
    packed = packed_of(receipts)
    if packed:  # the seal covers the receipts through their digest
        detail = {**(detail or {}), "receipts": receipts_digest(packed.items())}
    per_school = sorted((code, int(rows)) for code, rows in (schools or {}).items())
    entry = AuditEntry(
        id=entry_id,
        at=at,
        principal_id=principal.id if principal is not None else None,
        principal_code=principal.code if principal is not None else None,
        principal_kind=principal.kind if principal is not None else None,
        action=action,
        entity=entity,
        elements=list(elements),
        school_count=len(per_school),
        schools_digest=schools_digest(per_school),
        grant_id=grant_id,
        request_id=request_id,
        batch_id=batch_id,
        row_count=int(row_count),
        detail=_jsonable(detail),
        prev_hash=prev_hash,
        key_id=keyring.active_id,
    )
    entry.hash = entry_hash(entry, keyring)
    session.add(entry)
    session.flush()
    if per_school:
        is_write = action in WRITE_ACTIONS
        session.execute(
            insert(AuditBySchool),
            [
                {"school_code": code, "entry_id": entry_id, "at": at, "row_count": rows, "is_write": is_write}
                for code, rows in per_school
            ],
        )
    if packed:
        session.execute(
            insert(AuditReceipt),
            [
                {
                    "school_code": code,
                    "entry_id": entry_id,
                    "records": len(blob) // WIDTH,
                    "fingerprints": blob,
                }
                for code, blob in sorted(packed.items())
            ],
        )
    session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_hash=entry.hash)
        .execution_options(synchronize_session=False)
    )
    return entry


# --- verification ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VerifyResult:
    ok: bool
    entries: int
    head_hash: str
    first_broken: int | None = None
    reason_zh: str = ""
    reason_en: str = ""


def _school_rows(session: Session, first: int, last: int) -> dict[int, list[tuple[str, int]]]:
    rows = session.execute(
        select(AuditBySchool.entry_id, AuditBySchool.school_code, AuditBySchool.row_count).where(
            AuditBySchool.entry_id.between(first, last)
        )
    )
    out: dict[int, list[tuple[str, int]]] = {}
    for entry_id, code, count in rows:
        out.setdefault(int(entry_id), []).append((code, int(count)))
    return out


def _receipt_digests(session: Session, first: int, last: int) -> dict[int, str]:
    """The digest of each entry's receipts from `first` to `last`, streamed (blobs are never all held)."""
    rows = session.execute(
        select(AuditReceipt.entry_id, AuditReceipt.school_code, AuditReceipt.fingerprints)
        .where(AuditReceipt.entry_id.between(first, last))
        .order_by(AuditReceipt.entry_id, AuditReceipt.school_code)
        .execution_options(yield_per=200)
    )
    out: dict[int, str] = {}
    current: int | None = None
    blobs: list[tuple[str, bytes]] = []
    for entry_id, code, blob in rows:
        if current is not None and entry_id != current:
            out[current] = receipts_digest(blobs)
            blobs = []
        current = int(entry_id)
        blobs.append((code, bytes(blob)))
    if current is not None:
        out[current] = receipts_digest(blobs)
    return out


def _broken(entries: int, entry_id: int, zh: str, en: str, head_hash: str) -> VerifyResult:
    return VerifyResult(
        ok=False, entries=entries, head_hash=head_hash, first_broken=entry_id, reason_zh=zh, reason_en=en
    )


def verify(session: Session, *, chunk: int = 5000, keyring: AuditKeyring | None = None) -> VerifyResult:
    """Walk the whole chain; name the first entry that was altered, deleted, inserted or moved."""
    keyring = keyring or current_keyring()
    prev_hash, expected, count = GENESIS_HASH, 1, 0
    after = 0
    while True:
        batch = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id).limit(chunk)
            )
        )
        if not batch:
            break
        schools = _school_rows(session, batch[0].id, batch[-1].id)
        receipts = _receipt_digests(session, batch[0].id, batch[-1].id)
        for entry in batch:
            if entry.id != expected:
                return _broken(
                    count,
                    expected,
                    f"第 {expected} 条记录缺失（被删除），下一条为第 {entry.id} 条",
                    f"entry {expected} is missing (deleted); the log goes on at entry {entry.id}",
                    prev_hash,
                )
            if entry.prev_hash != prev_hash:
                return _broken(
                    count,
                    entry.id,
                    f"第 {entry.id} 条记录的前序哈希与第 {entry.id - 1} 条不符（记录被删除、插入或调换顺序）",
                    f"entry {entry.id} does not follow entry {entry.id - 1} (an entry was deleted, inserted or moved)",
                    prev_hash,
                )
            try:
                seal = entry_hash(entry, keyring)
            except AuditKeyError as missing:
                return _broken(
                    count,
                    entry.id,
                    f"第 {entry.id} 条记录由本系统未持有的密钥 {missing.key_id!r} 封存（伪造或密钥缺失）",
                    f"entry {entry.id} is sealed with key {missing.key_id!r}, which this hub does not hold"
                    " (forged, or the key is missing from HUB_AUDIT_KEYS)",
                    prev_hash,
                )
            if seal != entry.hash:
                return _broken(
                    count,
                    entry.id,
                    f"第 {entry.id} 条记录内容被改动（封存值不符）",
                    f"entry {entry.id} was altered (its seal does not match its content)",
                    prev_hash,
                )
            scope = schools.get(entry.id, [])
            if len(scope) != entry.school_count or schools_digest(scope) != entry.schools_digest:
                return _broken(
                    count,
                    entry.id,
                    f"第 {entry.id} 条记录涉及的学校被改动",
                    f"entry {entry.id}: the schools it touched were altered",
                    prev_hash,
                )
            if receipts.get(entry.id) != (entry.detail or {}).get("receipts"):
                return _broken(
                    count,
                    entry.id,
                    f"第 {entry.id} 条记录的读取回执（返回了哪些教师记录）被改动",
                    f"entry {entry.id}: its receipt (which teacher records the read returned) was altered",
                    prev_hash,
                )
            prev_hash, expected, count = entry.hash, expected + 1, count + 1
        after = batch[-1].id
        for entry in batch:
            session.expunge(entry)
    head = session.get(AuditChainHead, HEAD_ID)
    if head is None and count:
        return _broken(count, 1, "链头记录缺失", "the chain head row is missing", prev_hash)
    if head is not None and (head.last_id != count or head.last_hash != prev_hash):
        first = count + 1 if head.last_id > count else head.last_id + 1 if head.last_id < count else count
        return _broken(
            count,
            first,
            f"日志末尾被截断或改动：链头记载 {head.last_id} 条，日志只有 {count} 条",
            f"the log was cut or altered at its end: the chain head records {head.last_id} entries, the log holds {count}",
            prev_hash,
        )
    return VerifyResult(ok=True, entries=count, head_hash=prev_hash)


# --- export ------------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "id",
    "at",
    "principal_id",
    "principal_code",
    "principal_kind",
    "action",
    "entity",
    "elements",
    "schools",
    "grant_id",
    "request_id",
    "batch_id",
    "row_count",
    "detail",
    "prev_hash",
    "key_id",
    "hash",
)


def iter_period(
    session: Session, start: datetime, end: datetime, *, chunk: int = 2000
) -> Iterator[dict[str, Any]]:
    """Entries with start <= at < end, oldest first, each with its per-school row counts."""
    after = 0
    while True:
        batch = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.at >= start, AuditEntry.at < end, AuditEntry.id > after)
                .order_by(AuditEntry.id)
                .limit(chunk)
            )
        )
        if not batch:
            return
        schools = _school_rows(session, batch[0].id, batch[-1].id)
        for entry in batch:
            record = entry_payload(entry)
            record["schools"] = dict(sorted(schools.get(entry.id, [])))
            record["hash"] = entry.hash
            yield record
        after = batch[-1].id


def export(records: Iterable[dict[str, Any]], out: TextIO, *, fmt: str) -> int:
    """Write entries as JSON Lines or CSV (JSON-valued cells); returns how many were written."""
    count = 0
    if fmt == "jsonl":
        for record in records:
            out.write(orjson.dumps(record, option=orjson.OPT_SORT_KEYS).decode() + "\n")
            count += 1
        return count
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for record in records:
        row = []
        for column in EXPORT_COLUMNS:
            value = record.get(column)
            row.append(orjson.dumps(value).decode() if isinstance(value, (list, dict)) else value)
        writer.writerow(row)
        count += 1
    return count


def record_export(
    session: Session, reader: Actor | None, *, start: datetime, end: datetime, fmt: str, count: int
) -> AuditEntry:
    """An export of a period of the log is a read of it (`reader` None: the operator at the console)."""
    return record_act(
        session,
        reader,
        "audit.read",
        target={"kind": "audit_log", "id": None, "from": start.isoformat(), "to": end.isoformat()},
        row_count=count,
        detail={"export": fmt},
    )


def export_text(records: Iterable[dict[str, Any]], *, fmt: str) -> str:
    buffer = io.StringIO()
    export(records, buffer, fmt=fmt)
    return buffer.getvalue()


def record_ingest(
    session: Session, *, batch: Any, entity: str, per_school: Mapping[str, int], elements: list[str]
) -> AuditEntry:
    """Record one write into the store (an ingest batch): which elements, which schools, how many rows."""
    from hub.identity.models import Principal

    principal = session.get(Principal, batch.principal_id) if batch.principal_id is not None else None
    return append(
        session,
        principal=principal,
        action="records.write",
        entity=entity,
        elements=elements,
        schools={str(k): int(v) for k, v in per_school.items()},
        batch_id=batch.id,
        row_count=int(batch.accepted or 0),
        detail={
            "source_kind": batch.source_kind,
            "source_ref": batch.source_ref,
            "inserted": int(batch.inserted or 0),
            "updated": int(batch.updated or 0),
            "unchanged": int(batch.unchanged or 0),
            "rejected": int(batch.rejected or 0),
        },
    )


def record_task_read(session: Session, principal: Actor, task: Any, *, rows: int) -> AuditEntry:
    """Record a task's prefilled rows being shown (to its school, or the bureau): a read of that school's records."""
    identity = ["name", "id_number"] if task.entity == "teacher" else ["name"]
    return append(
        session,
        principal=principal,
        action="task.read",
        entity=task.entity,
        elements=[*(f"{task.entity}.{name}" for name in identity), *task.fields],
        schools={task.school_code: rows} if rows else {},
        request_id=task.request_id,
        row_count=rows,
        detail={"task_id": task.id},
    )
