"""An attacker with write access to the database but none of the hub's keys, for the tampering tests."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.audit.models import AuditBySchool, AuditChainHead, AuditEntry


def disable_append_only(session: Session) -> None:
    """What a database superuser can do: switch off the append-only triggers for this transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))


def sha256_seal(entry: Any) -> str:
    """The best an attacker without the MAC key can do: the old plain SHA-256 chain."""
    payload = orjson.dumps(audit.entry_payload(entry), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload + entry.prev_hash.encode()).hexdigest()


class Row:
    """One entry's columns, editable."""

    def __init__(self, **columns: Any) -> None:
        self.__dict__.update(columns)

    def columns(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_log(session: Session) -> tuple[list[Row], list[dict[str, Any]]]:
    entries = [
        Row(**{c.name: getattr(e, c.name) for c in AuditEntry.__table__.columns})
        for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    ]
    schools = [dict(r) for r in session.execute(select(AuditBySchool.__table__)).mappings()]
    return entries, schools


def write_log(
    session: Session, entries: list[Row], schools: list[dict[str, Any]], *, fix_head: bool = True
) -> None:
    """Replace the whole log by `entries` (as an attacker would), and point the head at its end."""
    disable_append_only(session)
    session.execute(delete(AuditBySchool))
    session.execute(delete(AuditEntry))
    if entries:
        session.execute(insert(AuditEntry), [e.columns() for e in entries])
    if schools:
        session.execute(insert(AuditBySchool), schools)
    if fix_head:
        last_id, last_hash = (entries[-1].id, entries[-1].hash) if entries else (0, "0" * 64)
        session.execute(
            update(AuditChainHead).where(AuditChainHead.id == 1).values(last_id=last_id, last_hash=last_hash)
        )
    session.flush()
    session.expire_all()


def reseal_from(entries: list[Row], first: int, seal: Any = sha256_seal) -> None:
    """Renumber from 1 and recompute every seal and link from index `first` on, without the key."""
    for index, entry in enumerate(entries):
        entry.id = index + 1
        if index >= first:
            entry.prev_hash = entries[index - 1].hash if index else "0" * 64
            entry.hash = seal(entry)
