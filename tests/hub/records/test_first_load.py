"""The first load of an empty teachers table (PostgreSQL): indexes and the foreign key built after the rows.

The threshold is lowered so that a few rows take the path a million-row first import takes.
"""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.db import utcnow
from hub.demo.city import generate_city
from hub.records import first_load
from hub.records.models import teachers_table
from hub.records.service import Provenance, ingest_frame
from hub.standard.service import current_standard
from tests.hub.factories import as_file_frame, create_city, ingest


@pytest.fixture(autouse=True)
def postgres_only(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("indexes are built after the rows on PostgreSQL only")
    monkeypatch.setattr(first_load, "FIRST_LOAD_ROWS", 1)


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=2, teachers=0)


def teachers(city, n: int, seed: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    frame = generate_city(seed=seed, schools=1, teachers=n).teachers
    codes = list(city.schools["code"])
    frame["school_code"] = [codes[i % len(codes)] for i in range(len(frame))]
    return as_file_frame(frame[["school_code", "name", "gender", "id_number", "birth_date", "title"]])


def structure(session: Session, table: str = "teachers") -> dict[str, object]:
    """A table's indexes and constraints, by name: definition and the index's object id."""
    indexes = session.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid), x.indexrelid FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = CAST(:t AS regclass)"
        ),
        {"t": table},
    ).all()
    constraints = session.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass)"
        ),
        {"t": table},
    ).all()
    return {
        "indexes": {name: definition for name, definition, _ in indexes},
        "index_ids": {name: oid for name, _, oid in indexes},
        "constraints": {name: (definition, valid) for name, definition, valid in constraints},
    }


def stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(teachers_table)) or 0


def test_a_first_load_builds_back_every_index_and_constraint_as_it_was(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    tables = ("teachers", "teacher_periods")
    before = {table: structure(session, table) for table in tables}
    assert before["teachers"]["constraints"], "the teachers table has its keys and its school's foreign key"
    frame = teachers(city, 40, seed=21).assign(继续教育学时="24")
    report = ingest(session, settings, "teacher", frame)
    assert report.inserted == 40 == stored(session)
    assert session.scalar(text("SELECT count(training_hours) FROM teacher_periods")) == 40
    for table in tables:
        after = structure(session, table)
        assert after["indexes"] == before[table]["indexes"]
        assert after["constraints"] == before[table]["constraints"]
        # Built anew, not kept: the load did go without them.
        assert set(after["index_ids"].values()).isdisjoint(before[table]["index_ids"].values())  # type: ignore[attr-defined]


def test_after_a_first_load_the_keys_work_again(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    first = teachers(city, 10, seed=22)
    ingest(session, settings, "teacher", first)
    again = first.copy()
    again.loc[again.index[0], "title"] = "1" if again.iloc[0]["title"] != "1" else "2"
    report = ingest(session, settings, "teacher", again)
    # The second import merges by the rebuilt key: one record changed, none duplicated.
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 9)
    assert stored(session) == 10
    orphan = {"school_code": "9999999999", "teacher_key": "k", "updated_at": utcnow()}
    with pytest.raises(IntegrityError, match="foreign key"), session.begin_nested():
        session.execute(teachers_table.insert().values(**orphan))


def test_a_failed_first_load_leaves_the_table_empty_with_its_indexes(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    before = structure(session)

    def fail(done: int, total: int) -> None:
        raise RuntimeError("the reader broke after the first chunk")

    with pytest.raises(RuntimeError, match="reader broke"), session.begin_nested():
        ingest_frame(
            session,
            std=current_standard(session),
            secret_key=settings.secret_key.get_secret_value(),
            entity="teacher",
            frame=teachers(city, 30, seed=23),
            provenance=Provenance(source_kind="import", source_ref="test"),
            now=utcnow(),
            on_progress=fail,
        )
    assert stored(session) == 0
    assert structure(session) == before


def test_a_table_already_holding_rows_keeps_its_indexes_through_an_import(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    ingest(session, settings, "teacher", teachers(city, 5, seed=24))
    before = structure(session)
    report = ingest(session, settings, "teacher", teachers(city, 30, seed=25))
    assert report.inserted > 0
    assert structure(session) == before  # same objects: nothing was dropped


def test_period_values_of_stored_teachers_keep_the_period_tables_key(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    """Teachers stored, no period value yet: the values of those records are merged by the period
    table's key, so it is not dropped although that table is empty."""
    first = teachers(city, 12, seed=26)
    ingest(session, settings, "teacher", first)
    before = structure(session, "teacher_periods")
    report = ingest(session, settings, "teacher", first.assign(继续教育学时="30"))
    assert (report.inserted, report.updated) == (0, 12)
    assert session.scalar(text("SELECT count(training_hours) FROM teacher_periods")) == 12
    assert structure(session, "teacher_periods") == before
