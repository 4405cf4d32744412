"""Read receipts: membership by binary search, and a receipt altered or removed breaks the chain."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from hub.audit import service as audit
from hub.audit.receipts import Collector, fingerprint, holds, pack
from hub.config import Settings
from tests.hub.audit.tampering import disable_append_only
from tests.hub.tasks.factories import People, Town, create_people, create_town, request_body, submit_request


def test_a_packed_receipt_holds_exactly_its_records() -> None:
    receipt = Collector()
    keys = [f"{n:064x}" for n in range(0, 3000, 3)]
    for key in keys:
        receipt.add("2339000011", key)
    receipt.add("2339000011", keys[0])  # a record returned twice is kept once
    (blob,) = receipt.packed().values()
    assert len(blob) == 8 * len(keys)
    assert all(holds(blob, fingerprint("2339000011", key)) for key in keys)
    assert not any(holds(blob, fingerprint("2339000011", f"{n:064x}")) for n in range(1, 3000, 3))
    assert not holds(blob, fingerprint("2339000029", keys[0]))  # the same key at another school
    assert not holds(pack([]), fingerprint("2339000011", keys[0]))


@pytest.fixture
def read_logged(
    client: TestClient, admin_headers: dict[str, str], session: Session, settings: Settings
) -> int:
    """A department's read of a request's answer; the id of its audit entry."""
    town: Town = create_town(session, settings)
    people: People = create_people(client, admin_headers, town.schools)
    answered = submit_request(client, people.department, request_body("姓名"))
    assert client.get(f"/api/v1/requests/{answered['id']}/data", headers=people.department).status_code == 200
    entry = session.execute(text("SELECT max(id) FROM audit_log WHERE action = 'request.data'")).scalar_one()
    assert audit.verify(session).ok
    return int(entry)


@pytest.mark.parametrize(
    "tampering",
    [
        "UPDATE audit_receipts SET fingerprints = :blob WHERE entry_id = :id",
        "DELETE FROM audit_receipts WHERE entry_id = :id",
    ],
)
def test_a_receipt_altered_or_removed_is_found_and_named(
    session: Session, read_logged: int, tampering: str
) -> None:
    disable_append_only(session)
    session.execute(text(tampering), {"id": read_logged, "blob": b"\x00" * 8})
    result = audit.verify(session)
    assert not result.ok and result.first_broken == read_logged
    assert "receipt" in result.reason_en and "读取回执" in result.reason_zh


def test_receipts_are_append_only_on_postgresql(session: Session, read_logged: int) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's")
    with pytest.raises(Exception, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM audit_receipts WHERE entry_id = :id"), {"id": read_logged})
