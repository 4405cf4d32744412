"""Upgrading a hub whose log was chained with plain SHA-256: the chain is checked, then sealed with the key."""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson
import pytest
from alembic import command
from sqlalchemy import text

from hub.audit import service as audit
from hub.db import make_engine, transaction
from hub.migrate import alembic_config


def _old_chain(connection, *, break_at: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """Three entries as release 0007 wrote them: SHA-256 over the payload (no key id) and the previous hash."""
    prev = "0" * 64
    for n in (1, 2, 3):
        payload = {
            "id": n,
            "at": f"2026-11-0{n}T08:00:00.000000+00:00",
            "principal_id": 7,
            "principal_code": "hrss",
            "principal_kind": "department",
            "action": "query.rows",
            "entity": "teacher",
            "elements": ["teacher.name"],
            "school_count": 0,
            "schools_digest": audit.schools_digest([]),
            "grant_id": None,
            "request_id": None,
            "batch_id": None,
            "row_count": n,
            "detail": None,
            "prev_hash": prev,
        }
        seal = hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS) + prev.encode()).hexdigest()
        stored = {
            **payload,
            "row_count": n + 100 if n == break_at else n,
            "hash": seal,
            "elements": '["teacher.name"]',
        }
        connection.execute(
            text(
                "INSERT INTO audit_log (id, at, principal_id, principal_code, principal_kind, action, entity,"
                " elements, school_count, schools_digest, row_count, prev_hash, hash) VALUES (:id, :at,"
                " :principal_id, :principal_code, :principal_kind, :action, :entity, :elements, :school_count,"
                " :schools_digest, :row_count, :prev_hash, :hash)"
            ),
            stored,
        )
        prev = seal
    connection.execute(text("UPDATE audit_chain SET last_id = 3, last_hash = :h WHERE id = 1"), {"h": prev})


def _at_0007(tmp_path: Path, *, break_at: int | None = None):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        _old_chain(connection, break_at=break_at)
    return engine, config


def test_an_old_chain_is_resealed_and_verifies_under_the_key(tmp_path: Path) -> None:
    engine, config = _at_0007(tmp_path)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008_audit_seal")
        # Today's `verify` reads today's schema (read receipts came later): the resealed chain must
        # still verify once every later migration ran.
        command.upgrade(config, "head")
    with transaction(engine) as session:
        result = audit.verify(session)
        keys = session.execute(text("SELECT DISTINCT key_id FROM audit_log")).scalars().all()
    assert result.ok and result.entries == 3
    assert keys == ["k0"]


def test_an_old_chain_that_was_already_broken_is_not_laundered(tmp_path: Path) -> None:
    engine, config = _at_0007(tmp_path, break_at=2)
    with pytest.raises(RuntimeError, match="audit entry 2 does not verify"), engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008_audit_seal")
