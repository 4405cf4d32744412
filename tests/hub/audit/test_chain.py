"""The audit log: every read and write chained; altering, deleting or reordering any entry is found."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.audit.models import AuditBySchool, AuditChainHead, AuditEntry, AuditReceipt
from hub.config import Settings
from hub.db import Base, make_engine, transaction
from hub.demo.city import City
from tests.hub.access.factories import create_grant
from tests.hub.audit.tampering import disable_append_only
from tests.hub.factories import create_city, create_principal

AUDIT_TABLES = [
    AuditEntry.__table__,
    AuditChainHead.__table__,
    AuditBySchool.__table__,
    AuditReceipt.__table__,
]


@pytest.fixture
def city(session: Session, settings: Settings) -> City:
    return create_city(session, settings, schools=4, teachers=40, seed=9)


@pytest.fixture
def logged(client: TestClient, admin_headers: dict[str, str], city: City) -> None:
    """A log with writes (the city), a grant, and reads through every data path."""
    dept = create_principal(client, admin_headers, code="hrss")
    create_grant(client, admin_headers, holder=dept, elements=["teacher.name", "teacher.title"])
    assert client.get("/api/v1/query/teacher/rows", headers=dept).status_code == 200
    assert client.get("/api/v1/query/teacher/rows", headers=dept, params={"format": "csv"}).status_code == 200
    assert (
        client.get("/api/v1/query/teacher/aggregate", headers=dept, params={"group_by": "title"}).status_code
        == 200
    )
    assert client.get("/api/v1/query/teacher/changes", headers=dept).status_code == 200
    body = {"title": "花名册", "purpose": "核对", "entity": "teacher", "fields": [{"label": "姓名"}]}
    rid = client.post("/api/v1/requests", headers=dept, json=body).json()["id"]
    assert client.get(f"/api/v1/requests/{rid}/data", headers=dept).status_code == 200


def test_every_write_and_read_is_on_the_chain(session: Session, city: City, logged: None) -> None:
    rows = session.execute(
        text("SELECT id, action, row_count, school_count FROM audit_log ORDER BY id")
    ).all()
    actions = [r.action for r in rows]
    assert actions == [
        "records.write",
        "records.write",
        "principal.create",  # the department's account, opened by the admin
        "grant.create",
        "query.rows",
        "query.rows",
        "query.aggregate",
        "query.changes",
        "request.answered",  # answered at once under the grant, which the entry names
        "request.data",
    ]
    assert [r.id for r in rows] == list(range(1, len(rows) + 1))
    reads = {r.action: r for r in rows}
    assert reads["request.data"].row_count == len(city.teachers)
    assert reads["request.data"].school_count == city.teachers["school_code"].nunique()
    per_school = session.execute(
        text("SELECT school_code, row_count FROM audit_by_school WHERE entry_id = :id"), {"id": rows[-1].id}
    ).all()
    assert dict(per_school) == city.teachers["school_code"].value_counts().to_dict()
    result = audit.verify(session)
    assert result.ok and result.entries == len(rows)


TAMPERING = {
    "altered": ("UPDATE audit_log SET row_count = row_count + 1 WHERE id = 4", 4, "altered"),
    "deleted": ("DELETE FROM audit_log WHERE id = 3", 3, "missing"),
    "reordered": (
        "UPDATE audit_log SET id = CASE id WHEN 4 THEN 5 ELSE 4 END WHERE id IN (4, 5)",
        4,
        "does not follow",
    ),
    "rehashed": (
        "UPDATE audit_log SET principal_code = 'someone-else', hash = hash WHERE id = 6",
        6,
        "altered",
    ),
    "cut": ("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)", 10, "cut"),
    "rescoped": ("UPDATE audit_by_school SET row_count = 0 WHERE entry_id = 10", 10, "schools"),
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_tampering_with_one_entry_is_found_and_named(session: Session, logged: None, kind: str) -> None:
    statement, broken, reason = TAMPERING[kind]
    assert audit.verify(session).ok
    disable_append_only(session)
    if kind == "reordered":
        # Swap through a free id: the primary key forbids an intermediate duplicate.
        session.execute(text("UPDATE audit_log SET id = 1000 WHERE id = 4"))
        session.execute(text("UPDATE audit_log SET id = 4 WHERE id = 5"))
        session.execute(text("UPDATE audit_log SET id = 5 WHERE id = 1000"))
    else:
        session.execute(text(statement))
    session.expire_all()
    result = audit.verify(session)
    assert not result.ok
    assert result.first_broken == broken
    assert reason in result.reason_en


def test_an_entry_rewritten_with_a_fresh_hash_still_breaks_the_next_link(
    session: Session, logged: None
) -> None:
    disable_append_only(session)
    entry = session.get(AuditEntry, 5)
    assert entry is not None
    entry.row_count += 100
    entry.hash = audit.entry_hash(entry)
    session.flush()
    session.expire_all()
    result = audit.verify(session)
    assert result.first_broken == 6 and "does not follow" in result.reason_en


@pytest.fixture
def race_engine(engine: Engine, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """The audit tables alone, committed for real, apart from the test database's other tests."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS audit_race CASCADE"))
            connection.execute(text("CREATE SCHEMA audit_race"))
        separate = make_engine(engine.url.render_as_string(hide_password=False)).execution_options(
            schema_translate_map={None: "audit_race"}
        )
    else:
        separate = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
    with separate.begin() as connection:
        Base.metadata.create_all(connection, tables=AUDIT_TABLES)
        connection.execute(AuditChainHead.__table__.insert().values(id=1, last_id=0, last_hash="0" * 64))
    yield separate
    separate.dispose()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS audit_race CASCADE"))


def test_two_writers_at_once_never_fork_the_chain(race_engine: Engine) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(25):
                with transaction(race_engine) as session:
                    audit.append(
                        session,
                        principal=None,
                        action="query.rows",
                        entity="teacher",
                        schools={f"33010{n}0001": i + 1},
                        row_count=i + 1,
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(race_engine) as session:
        result = audit.verify(session)
        hashes = session.scalars(select(AuditEntry.prev_hash)).all()
    assert result.ok and result.entries == 100
    assert len(set(hashes)) == 100  # no two entries claim the same predecessor
