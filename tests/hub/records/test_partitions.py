"""Monthly history partitions on PostgreSQL: rows land in their month; a month already in DEFAULT stays there."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from hub.config import Settings
from hub.kit.partitions import ensure_history_partitions, existing_partitions, partition_name
from tests.hub.factories import create_city


@pytest.fixture
def postgres(connection: Connection) -> Connection:
    if connection.dialect.name != "postgresql":
        pytest.skip("partitions: PostgreSQL only (SQLite keeps one history table)")
    return connection


def test_migrations_create_this_month_and_the_next_three(postgres: Connection) -> None:
    this_month = datetime.now(UTC).date().replace(day=1)
    names = existing_partitions(postgres)
    assert partition_name(this_month) in names
    assert len({n for n in names if n != "record_history_default"}) >= 4


def test_history_rows_land_in_their_months_partition(
    postgres: Connection, session: Session, settings: Settings
) -> None:
    create_city(session, settings, schools=2, teachers=6)
    session.flush()
    where = (
        postgres.execute(text("SELECT DISTINCT tableoid::regclass::text FROM record_history")).scalars().all()
    )
    assert where == [partition_name(datetime.now(UTC).date().replace(day=1))]


def test_a_month_already_in_the_default_partition_is_left_there(postgres: Connection) -> None:
    far = date(2091, 3, 14)
    postgres.execute(
        text(
            "INSERT INTO record_history (recorded_at, entity, school_code, record_key, changes) "
            "VALUES ('2091-03-14 08:00:00+00', 'school', '2133010013', '2133010013', '{}')"
        )
    )
    created = ensure_history_partitions(postgres, far, months_ahead=1)
    assert created == [partition_name(date(2091, 4, 1))]  # March holds a row in DEFAULT: no partition
    assert ensure_history_partitions(postgres, far, months_ahead=1) == []  # and once made, not again
