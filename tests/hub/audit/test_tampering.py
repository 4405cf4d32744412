"""Twenty-odd ways to rewrite the audit log with write access to the database but no key: all found.

Found means `hub audit verify --checkpoints DIR` fails: the MAC chain (hub.audit.service.verify) or a
signed checkpoint (hub.audit.checkpoints) no longer holds. Each case starts from a log of ten entries,
with a checkpoint taken after the eighth.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hub.audit import checkpoints as cps
from hub.audit import service as audit
from hub.audit.keys import AuditKeyring
from tests.hub.audit.tampering import Row, disable_append_only, read_log, reseal_from, sha256_seal, write_log


class Reader:
    id = 7
    code = "hrss"
    kind = "department"


@pytest.fixture
def checkpoint_dir(session: Session, tmp_path: Path) -> Path:
    for i in range(8):
        audit.append(
            session,
            principal=Reader(),
            action="query.rows",
            entity="teacher",
            elements=["teacher.name", "teacher.birth_date"],
            schools={"3301060001": i + 1, "3301060002": 2},
            row_count=i + 3,
            grant_id=3,
        )
    directory = tmp_path / "checkpoints"
    cps.write_checkpoint(session, directory)
    for i in range(2):
        audit.append(session, principal=Reader(), action="query.rows", entity="teacher", row_count=i)
    session.flush()
    assert _found(session, directory) is None
    return directory


def _found(session: Session, directory: Path) -> str | None:
    """Why verification fails (None: the log passes)."""
    session.expire_all()
    result = audit.verify(session)
    if not result.ok:
        return result.reason_en
    _, problems = cps.check_checkpoints(session, directory)
    return problems[0].reason_en if problems else None


def _edit(
    session: Session, change: Callable[[list[Row], list[dict]], None], *, fix_head: bool = True
) -> None:
    entries, schools = read_log(session)
    change(entries, schools)
    write_log(session, entries, schools, fix_head=fix_head)


def _attacker_key(entry: Row) -> str:
    payload = orjson.dumps(audit.entry_payload(entry), option=orjson.OPT_SORT_KEYS)
    return hmac.new(
        b"a key the attacker made up", payload + entry.prev_hash.encode(), hashlib.sha256
    ).hexdigest()


def _drop(entries: list[Row], schools: list[dict], entry_id: int) -> None:
    entries[:] = [e for e in entries if e.id != entry_id]
    schools[:] = [s for s in schools if s["entry_id"] != entry_id]


def _renumber_schools(entries: list[Row], schools: list[dict], old_ids: list[int]) -> None:
    new_id = {old: e.id for old, e in zip(old_ids, entries, strict=True)}
    for row in schools:
        row["entry_id"] = new_id[row["entry_id"]]


def _delete_and_reseal(entries: list[Row], schools: list[dict], seal: Callable[[Row], str]) -> None:
    _drop(entries, schools, 4)
    old_ids = [e.id for e in entries]
    reseal_from(entries, 3, seal)
    _renumber_schools(entries, schools, old_ids)


def _alter(entries: list[Row], index: int = 4) -> None:
    entries[index].row_count += 1000


def _alter_and_reseal(entries: list[Row], seal: Callable[[Row], str]) -> None:
    _alter(entries)
    reseal_from(entries, 4, seal)


def _insert_forged(entries: list[Row], schools: list[dict]) -> None:
    forged = Row(**entries[2].columns())
    forged.principal_code = "nobody"
    old_ids = [e.id for e in entries]
    entries.insert(3, forged)
    reseal_from(entries, 3)
    _renumber_schools(entries[:3] + entries[4:], schools, old_ids)


def _swap(entries: list[Row]) -> None:
    entries[3], entries[4] = entries[4], entries[3]
    entries[3].id, entries[4].id = 4, 5


def _append_forged(entries: list[Row]) -> None:
    forged = Row(**entries[-1].columns())
    forged.id, forged.prev_hash, forged.action = forged.id + 1, entries[-1].hash, "grant.create"
    forged.hash = _attacker_key(forged)
    entries.append(forged)


def _cut_below_checkpoint(entries: list[Row], schools: list[dict]) -> None:
    for entry_id in (10, 9, 8, 7):
        _drop(entries, schools, entry_id)


def _everything(entries: list[Row], schools: list[dict]) -> None:
    entries.clear()
    schools.clear()


TAMPERINGS: dict[str, Callable[[Session], None]] = {
    "a field altered": lambda s: _edit(s, lambda e, _: _alter(e)),
    "a field altered, its seal recomputed with SHA-256": lambda s: _edit(
        s, lambda e, _: (_alter(e), setattr(e[4], "hash", sha256_seal(e[4])))
    ),
    "a field altered, the chain after it re-hashed with SHA-256, head fixed": lambda s: _edit(
        s, lambda e, _: _alter_and_reseal(e, sha256_seal)
    ),
    "a field altered, the chain after it re-sealed with a made-up key": lambda s: _edit(
        s, lambda e, _: _alter_and_reseal(e, _attacker_key)
    ),
    "the key id changed to one the hub does not hold": lambda s: _edit(
        s, lambda e, _: setattr(e[4], "key_id", "k9")
    ),
    "the whole chain re-sealed with SHA-256 from the first entry": lambda s: _edit(
        s, lambda e, _: (_alter(e, 0), reseal_from(e, 0))
    ),
    "an entry deleted": lambda s: _edit(s, lambda e, sc: _drop(e, sc, 4)),
    "an entry deleted, the rest renumbered and re-hashed, head fixed": lambda s: _edit(
        s, lambda e, sc: _delete_and_reseal(e, sc, sha256_seal)
    ),
    "an entry deleted, the rest renumbered and re-sealed with a made-up key": lambda s: _edit(
        s, lambda e, sc: _delete_and_reseal(e, sc, _attacker_key)
    ),
    "a forged entry inserted and the chain re-hashed": lambda s: _edit(s, _insert_forged),
    "two entries swapped": lambda s: _edit(s, lambda e, _: _swap(e)),
    "a forged entry appended, head fixed": lambda s: _edit(s, lambda e, _: _append_forged(e)),
    "the tail cut, head left": lambda s: _edit(s, _cut_below_checkpoint, fix_head=False),
    "the tail cut below the checkpoint, head fixed": lambda s: _edit(s, _cut_below_checkpoint),
    "every entry deleted, head left": lambda s: _edit(s, _everything, fix_head=False),
    "every entry deleted, head reset": lambda s: _edit(s, _everything),
    "every audit table emptied": lambda s: (
        _edit(s, _everything, fix_head=False),
        s.execute(text("DELETE FROM audit_chain")),
    ),
    "a school's row count altered": lambda s: _edit(s, lambda _, sc: sc[0].update(row_count=0)),
    "a school's rows of an entry deleted": lambda s: _edit(
        s, lambda _, sc: sc.__setitem__(slice(None), [r for r in sc if r["entry_id"] != 2])
    ),
    "a school added to an entry": lambda s: _edit(
        s, lambda _, sc: sc.append({**sc[0], "school_code": "3301069999"})
    ),
    "the head's last seal altered": lambda s: (
        disable_append_only(s),
        s.execute(text("UPDATE audit_chain SET last_hash = :h"), {"h": "f" * 64}),
    ),
}


@pytest.mark.parametrize("how", list(TAMPERINGS))
def test_every_kind_of_tampering_is_found(session: Session, checkpoint_dir: Path, how: str) -> None:
    TAMPERINGS[how](session)
    assert _found(session, checkpoint_dir) is not None, f"not found: {how}"


def test_a_forged_or_foreign_checkpoint_is_refused(session: Session, checkpoint_dir: Path) -> None:
    (original,) = cps.iter_checkpoints(checkpoint_dir)
    body = orjson.loads(original.read_bytes())
    body["entries"] = 2  # claim the log was shorter, to cover a cut
    original.write_bytes(orjson.dumps(body))
    foreign = AuditKeyring(active_id="x", mac_keys={"x": b"x"}, signing_seed=b"\x01" * 32)
    cps.write_checkpoint(session, checkpoint_dir, keyring=foreign)
    read, problems = cps.check_checkpoints(session, checkpoint_dir)
    assert read == 2
    assert len(problems) == 2
    assert all("no valid signature" in p.reason_en for p in problems)
    assert base64.b64decode(body["signature"])  # the file kept its (now wrong) signature


def test_the_database_refuses_to_rewrite_the_log(session: Session, checkpoint_dir: Path) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("append-only triggers are PostgreSQL's; SQLite relies on the seals and checkpoints")
    for statement in (
        "UPDATE audit_log SET row_count = 0 WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 10",
        "TRUNCATE audit_log CASCADE",
        "UPDATE audit_by_school SET row_count = 0",
        "DELETE FROM audit_by_school",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement))
    assert _found(session, checkpoint_dir) is None


def test_a_rotated_key_keeps_older_entries_verifiable(session: Session) -> None:
    first = AuditKeyring(active_id="2026a", mac_keys={"2026a": b"first key"}, signing_seed=b"\x02" * 32)
    both = AuditKeyring(
        active_id="2026b", mac_keys={"2026a": b"first key", "2026b": b"second key"}, signing_seed=b"\x02" * 32
    )
    audit.append(session, principal=Reader(), action="query.rows", keyring=first)
    audit.append(session, principal=Reader(), action="query.rows", keyring=both)
    session.flush()
    assert audit.verify(session, keyring=both).ok
    only_new = AuditKeyring(active_id="2026b", mac_keys={"2026b": b"second key"}, signing_seed=b"\x02" * 32)
    result = audit.verify(session, keyring=only_new)
    assert not result.ok and result.first_broken == 1 and "'2026a'" in result.reason_en


def test_the_attacker_tools_change_nothing_by_themselves(session: Session, checkpoint_dir: Path) -> None:
    """Control: the log read and written back unchanged still verifies, so a finding above is the tampering's."""
    _edit(session, lambda entries, schools: None)
    assert _found(session, checkpoint_dir) is None
