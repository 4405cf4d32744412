"""Each tampering of the catalogue (test_tampering.TAMPERINGS), and the chain re-hashed in SQL inside the
database, tried on a committed hub database and judged by `hub audit verify --checkpoints DIR` as an
operator runs it: exit 0 on the log as the hub wrote it, exit 1 after every one of them.

The log holds ten entries, a checkpoint written by `hub audit checkpoint` after the eighth. One
database serves the module: before each case the log is put back as the hub wrote it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hub.audit import service as audit
from hub.audit.models import AuditChainHead
from hub.cli import app
from hub.config import get_settings
from hub.db import engine_for, transaction
from hub.migrate import upgrade
from tests.conftest import SECRET
from tests.hub.audit.tampering import Row, disable_append_only, read_log, write_log
from tests.hub.audit.test_tampering import TAMPERINGS, Reader
from tests.hub.served import database_of_its_own

runner = CliRunner()


@dataclass(frozen=True)
class Hub:
    engine: Engine
    checkpoints: Path
    entries: list[Row]
    schools: list[dict[str, Any]]
    head: dict[str, Any]


def _append(engine: Engine, count: int, start: int) -> None:
    for i in range(start, start + count):
        with transaction(engine, write=True) as session:
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


def _verify(checkpoints: Path) -> tuple[int, str]:
    answer = runner.invoke(app, ["audit", "verify", "--checkpoints", str(checkpoints)], terminal_width=200)
    return answer.exit_code, answer.output


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    tmp = tmp_path_factory.mktemp("tampering")
    patch = pytest.MonkeyPatch()
    with database_of_its_own(tmp, "test_tampering") as url:
        patch.setenv("HUB_DATABASE_URL", url)
        patch.setenv("HUB_SECRET_KEY", SECRET)
        get_settings.cache_clear()
        engine = engine_for(url)
        upgrade(engine)
        try:
            _append(engine, 8, 0)
            checkpoints = tmp / "checkpoints"
            written = runner.invoke(app, ["audit", "checkpoint", "--dir", str(checkpoints)])
            assert written.exit_code == 0 and "checkpoint of 8 entries" in written.output, written.output
            _append(engine, 2, 8)
            with transaction(engine) as session:
                entries, schools = read_log(session)
                (head,) = session.execute(select(AuditChainHead.__table__)).mappings()
            yield Hub(engine, checkpoints, entries, schools, dict(head))
        finally:
            engine.dispose()
            patch.undo()
            get_settings.cache_clear()


@pytest.fixture
def pristine(hub: Hub) -> Hub:
    """The log as the hub wrote it, and `hub audit verify --checkpoints` passing on it."""
    with transaction(hub.engine, write=True) as session:
        disable_append_only(session)
        session.execute(text("DELETE FROM audit_chain"))
        write_log(
            session,
            [Row(**e.columns()) for e in hub.entries],
            [dict(s) for s in hub.schools],
            fix_head=False,
        )
        session.execute(insert(AuditChainHead), [hub.head])
    code, output = _verify(hub.checkpoints)
    assert code == 0 and "intact: 10 entries" in output and "reaches all 1 signed" in output, output
    return hub


def rehash_in_sql(session: Session, *, first: int) -> None:
    """What an operator at a SQL prompt can do without the key: alter entry `first`, then walk the chain
    from it, linking each entry to its predecessor's new seal and sealing it with the database's own
    SHA-256, and point the head at the new end."""
    disable_append_only(session)
    if session.get_bind().dialect.name == "postgresql":
        seal = "encode(sha256(convert_to(id::text || action || row_count::text || prev_hash, 'UTF8')), 'hex')"
    else:  # the sqlite3 shell has no SHA-256 of its own; an attacker loads one, as here
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        raw.create_function("sha256", 1, lambda s: hashlib.sha256(str(s).encode()).hexdigest())
        seal = "sha256(id || action || row_count || prev_hash)"
    session.execute(text("UPDATE audit_log SET row_count = row_count + 1000 WHERE id = :n"), {"n": first})
    last = int(session.scalar(text("SELECT max(id) FROM audit_log")) or 0)
    for n in range(first, last + 1):
        if n > 1:
            session.execute(
                text(
                    "UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE id = :p) WHERE id = :n"
                ),
                {"p": n - 1, "n": n},
            )
        session.execute(text(f"UPDATE audit_log SET hash = {seal} WHERE id = :n"), {"n": n})
    session.execute(
        text("UPDATE audit_chain SET last_hash = (SELECT hash FROM audit_log WHERE id = :n)"), {"n": last}
    )


IN_SQL = {
    "entry 5 altered, the chain after it re-hashed in SQL, head fixed": 5,
    "entry 1 altered, the whole chain re-hashed in SQL, head fixed": 1,
}


@pytest.mark.parametrize("how", [*TAMPERINGS, *IN_SQL])
def test_hub_audit_verify_with_checkpoints_finds_every_tampering(pristine: Hub, how: str) -> None:
    with transaction(pristine.engine, write=True) as session:
        if how in IN_SQL:
            rehash_in_sql(session, first=IN_SQL[how])
        else:
            TAMPERINGS[how](session)
    code, output = _verify(pristine.checkpoints)
    assert code == 1, f"`hub audit verify --checkpoints` passed after: {how}\n{output}"
    assert "broken at entry" in output or "checkpoint" in output
