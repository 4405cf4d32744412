"""Signed checkpoints of the audit chain's head, written outside the database.

The MAC chain proves that no entry was altered or inserted, but a log cut at its end (with the chain
head fixed) or deleted whole still looks intact from inside the database. A checkpoint records "the
chain had N entries and entry N was sealed S", signed with the hub's Ed25519 key, in a directory the
operator keeps apart from the database (another disk, a WORM bucket, the auditor's mailbox). Verifying
against the checkpoints then finds any log that no longer reaches one of them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.audit.keys import AuditKeyring, current_keyring
from hub.audit.models import AuditChainHead, AuditEntry
from hub.db import utcnow

FORMAT = "yici-hub audit checkpoint v1"
SUFFIX = ".checkpoint.json"


@dataclass(frozen=True, kw_only=True)
class Checkpoint:
    entries: int
    head_hash: str
    at: str
    public_key: str
    path: Path


@dataclass(frozen=True, kw_only=True)
class CheckpointProblem:
    """Why the log fails a checkpoint, in both languages."""

    path: Path
    reason_zh: str
    reason_en: str


def _signed_part(entries: int, head_hash: str, at: str, public_key: str) -> bytes:
    return orjson.dumps(
        {"format": FORMAT, "entries": entries, "head_hash": head_hash, "at": at, "public_key": public_key},
        option=orjson.OPT_SORT_KEYS,
    )


def write_checkpoint(session: Session, directory: Path, *, keyring: AuditKeyring | None = None) -> Checkpoint:
    """Sign the current chain head and write it into `directory` (one new file; none is overwritten)."""
    keyring = keyring or current_keyring()
    head = session.get(AuditChainHead, 1)
    entries, head_hash = (int(head.last_id), str(head.last_hash)) if head is not None else (0, "0" * 64)
    at = utcnow().astimezone(UTC).isoformat(timespec="seconds")
    public_key = keyring.public_key_hex()
    signature = keyring.sign(_signed_part(entries, head_hash, at, public_key))
    directory.mkdir(parents=True, exist_ok=True)
    stamp = at.replace(":", "").replace("-", "").replace("+0000", "Z")
    path = directory / f"audit-{entries:012d}-{stamp}{SUFFIX}"
    body = {
        "format": FORMAT,
        "entries": entries,
        "head_hash": head_hash,
        "at": at,
        "public_key": public_key,
        "signature": base64.b64encode(signature).decode(),
    }
    with path.open("xb") as out:  # "x": a checkpoint is never overwritten
        out.write(orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return Checkpoint(entries=entries, head_hash=head_hash, at=at, public_key=public_key, path=path)


def _read(path: Path) -> dict[str, Any]:
    body = orjson.loads(path.read_bytes())
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ValueError("not a checkpoint of this format")
    return body


def iter_checkpoints(directory: Path) -> Iterator[Path]:
    yield from sorted(directory.glob(f"*{SUFFIX}"))


def check_checkpoints(
    session: Session, directory: Path, *, keyring: AuditKeyring | None = None
) -> tuple[int, list[CheckpointProblem]]:
    """Check every checkpoint in `directory` against the log: (checkpoints read, problems found).

    A checkpoint counts only if its signature verifies under this hub's public key (one signed with
    another key is reported, never trusted). The log must still hold the checkpoint's entry with the
    same seal; the MAC chain (hub.audit.service.verify) vouches for everything before it.
    """
    keyring = keyring or current_keyring()
    public = keyring.public_key()
    ours = keyring.public_key_hex()
    problems: list[CheckpointProblem] = []
    count = 0
    for path in iter_checkpoints(directory):
        count += 1
        try:
            body = _read(path)
            entries, head_hash = int(body["entries"]), str(body["head_hash"])
            signed = _signed_part(entries, head_hash, str(body["at"]), str(body["public_key"]))
            if body["public_key"] != ours:
                raise InvalidSignature
            public.verify(base64.b64decode(body["signature"]), signed)
        except InvalidSignature:
            problems.append(
                CheckpointProblem(
                    path=path,
                    reason_zh=f"检查点 {path.name} 的签名无效（被改动，或不是本系统签发的）",
                    reason_en=f"checkpoint {path.name} has no valid signature of this hub (altered or foreign)",
                )
            )
            continue
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            problems.append(
                CheckpointProblem(
                    path=path,
                    reason_zh=f"检查点 {path.name} 无法读取",
                    reason_en=f"checkpoint {path.name} cannot be read",
                )
            )
            continue
        if entries == 0:
            continue
        sealed = session.scalar(select(AuditEntry.hash).where(AuditEntry.id == entries))
        if sealed is None:
            held = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
            problems.append(
                CheckpointProblem(
                    path=path,
                    reason_zh=f"日志被截断或删除：检查点 {body['at']} 记载 {entries} 条，日志现只有 {held} 条",
                    reason_en=(
                        f"the log was cut or deleted: the checkpoint of {body['at']} records {entries} entries,"
                        f" the log now holds {held}"
                    ),
                )
            )
        elif sealed != head_hash:
            problems.append(
                CheckpointProblem(
                    path=path,
                    reason_zh=f"第 {entries} 条记录与检查点 {body['at']} 的封存值不符（日志被重写）",
                    reason_en=f"entry {entries} differs from the checkpoint of {body['at']} (the log was rewritten)",
                )
            )
    return count, problems
