"""Coverage counts kept by the writes: a request check reads them instead of counting the store's rows,
and they always say what counting the rows would (after imports, changes, moves, past periods, clears)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

import schemas
from hub.config import Settings
from hub.db import utcnow
from hub.records import counts
from hub.records.models import PERIOD_TABLES, RecordCount, teachers_table
from hub.records.repository import RecordRepository, _summed
from hub.records.service import Provenance, ingest_frame
from hub.records.writer import clear_values
from hub.standard.service import current_standard
from tests.hub.factories import as_file_frame, create_city, ingest


def _stored(std: schemas.Standard, entity: str) -> list[schemas.Element]:
    return [e for e in std.elements_for(entity) if e.derivation is None]


def _assert_counts_match_rows(session: Session, entity: str = "teacher") -> None:
    """Every element's kept counts, per school and per period held, equal those counted from the rows."""
    std = current_standard(session)
    repository = RecordRepository(session)
    stored = _stored(std, entity)
    scopes: list[list[str] | None] = [
        None,
        sorted(session.scalars(select(teachers_table.c.school_code)).all())[:1],
    ]
    for scope in scopes:
        counted = repository._counted_elements(entity, stored, scope)
        assert repository.element_counts(entity, stored, scope) == counted
        assert repository.element_totals(entity, stored, scope) == _summed(stored, counted.values())
        periodic = [e for e in stored if e.periodic]
        held = set(session.scalars(select(PERIOD_TABLES[entity].c.period).distinct()))
        for period in sorted(held | {"2025"}):
            in_period = repository._counted_periods(entity, periodic, period, scope)
            assert repository.period_counts(entity, periodic, period, scope) == in_period
            assert repository.element_totals(entity, periodic, scope, period=period) == _summed(
                periodic, in_period.values()
            )


def _kept_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(RecordCount)) or 0


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=3, teachers=60, seed=4)


def test_an_import_keeps_the_counts_a_check_reads(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    assert _kept_rows(session) > 0
    _assert_counts_match_rows(session)
    _assert_counts_match_rows(session, "school")


def test_changed_moved_and_cleared_records_keep_the_counts_true(
    session: Session, settings: Settings, city
) -> None:  # type: ignore[no-untyped-def]
    teachers = city.teachers.copy()
    codes = list(city.schools["code"])
    changed = teachers.iloc[:10].copy()
    changed["title"] = ""  # blank: changes nothing
    changed["party_join_date"] = "2010-07"  # a conditional element, now held by more records
    changed.iloc[0, changed.columns.get_loc("school_code")] = next(
        c for c in codes if c != changed.iloc[0]["school_code"]
    )  # a move: both schools change
    ingest(session, settings, "teacher", changed)
    _assert_counts_match_rows(session)

    key = session.scalar(select(teachers_table.c.teacher_key).where(teachers_table.c.mobile.is_not(None)))
    std = current_standard(session)
    clear_values(session, "teacher", {key: ["mobile"]}, batch_id=0, now=utcnow())
    school = session.scalar(select(teachers_table.c.school_code).where(teachers_table.c.teacher_key == key))
    counts.recount(session, std, "teacher", {school})
    _assert_counts_match_rows(session)


def test_a_past_periods_file_keeps_the_period_counts_true(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    last_year = city.teachers[["id_number"]].iloc[:25].assign(training_hours="12")
    ingest_frame(
        session,
        std=current_standard(session),
        secret_key=settings.secret_key.get_secret_value(),
        entity="teacher",
        frame=as_file_frame(last_year),
        provenance=Provenance(source_kind="import", source_ref="test"),
        now=utcnow(),
        period="2025",
    )
    held = RecordRepository(session).period_counts(
        "teacher", [current_standard(session).element("teacher.training_hours")], "2025", None
    )
    assert sum(c.filled["teacher.training_hours"] for c in held.values()) == 25
    _assert_counts_match_rows(session)


def test_a_school_never_counted_is_counted_from_its_rows(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    """A database migrated from before the counts: the answer is the same, and `hub migrate` counts it."""
    std = current_standard(session)
    stored = _stored(std, "teacher")
    before = RecordRepository(session).element_counts("teacher", stored, None)
    totals = RecordRepository(session).element_totals("teacher", stored, None)
    # One school counted before the standard gave 入党时间 its condition, the others never counted.
    first = city.schools["code"].iloc[0]
    kept = session.scalar(
        select(RecordCount.counts).where(RecordCount.school_code == first, RecordCount.entity == "teacher")
    )
    session.execute(delete(RecordCount).where(RecordCount.school_code != first))
    session.execute(
        update(RecordCount)
        .where(RecordCount.school_code == first, RecordCount.entity == "teacher")
        .values(counts={k: v for k, v in kept.items() if "|" not in k})
    )
    assert RecordRepository(session).element_counts("teacher", stored, None) == before
    assert RecordRepository(session).element_totals("teacher", stored, None) == totals
    session.execute(delete(RecordCount))
    assert RecordRepository(session).element_counts("teacher", stored, None) == before
    assert RecordRepository(session).element_totals("teacher", stored, None) == totals
    assert counts.count_uncounted(session, std) == 2 * len(city.schools)
    assert _kept_rows(session) > 0
    assert RecordRepository(session).element_counts("teacher", stored, None) == before
    assert counts.count_uncounted(session, std) == 0


def test_re_importing_the_same_file_counts_nothing_again(session: Session, settings: Settings, city) -> None:  # type: ignore[no-untyped-def]
    session.execute(delete(RecordCount).where(RecordCount.entity == "teacher"))
    ingest(session, settings, "teacher", city.teachers)
    # Nothing changed, so no school was counted again (the counts are left as they were: none).
    kept = select(func.count()).select_from(RecordCount).where(RecordCount.entity == "teacher")
    assert session.scalar(kept) == 0
