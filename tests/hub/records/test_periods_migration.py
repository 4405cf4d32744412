"""Upgrading a store that kept one value per element: today's values of periodic elements become the
current period's, with their history, and nothing timeless moves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url

from hub.databases import drop_database, empty_schema, ensure_database
from hub.db import make_engine
from hub.kit.clock import local_today
from hub.migrate import alembic_config
from schemas.periods import period_containing


@pytest.fixture
def old_url(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A scratch database of its own (beside the test database on PostgreSQL, a file on SQLite)."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    url = make_url(database_url)
    scratch = url.set(database=f"{url.database}_periods_migration").render_as_string(hide_password=False)
    ensure_database(scratch)
    empty_schema(make_engine(scratch))
    yield scratch
    drop_database(scratch)


def test_current_values_and_their_history_move_into_the_current_period(old_url: str) -> None:
    url = old_url
    engine = make_engine(url)
    config = alembic_config(url)
    at = datetime(2026, 3, 1, tzinfo=UTC)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0018_activation")
        connection.execute(
            text(
                "INSERT INTO schools (code, name, division_code, student_count, annual_expenditure, updated_at)"
                " VALUES ('3301060001', '一中', '330106', 900, 12.5, :at)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO teachers (school_code, teacher_key, name, training_hours, weekly_lessons, updated_at)"
                " VALUES ('3301060001', 'k1', '张三', 60, 12, :at), ('3301060001', 'k2', '李四', NULL, NULL, :at)"
            ),
            {"at": at},
        )
        history = [
            ("k1", {"_inserted": True}),
            ("k1", {"name": ["张", "张三"], "training_hours": [40, 60]}),
            ("k1", {"weekly_lessons": [10, 12]}),
            ("k2", {"name": ["李", "李四"]}),
        ]
        for key, changes in history:
            connection.execute(
                text(
                    "INSERT INTO record_history (recorded_at, entity, school_code, record_key, changes)"
                    " VALUES (:at, 'teacher', '3301060001', :key, :changes)"
                ),
                {"at": at, "key": key, "changes": orjson.dumps(changes).decode()},
            )
        command.upgrade(config, "head")
        today = local_today()
        year = period_containing("calendar_year", today).key
        term = period_containing("term", today).key
        school_year = period_containing("school_year", today).key
        teachers = connection.execute(
            text(
                "SELECT teacher_key, period, training_hours, weekly_lessons FROM teacher_periods ORDER BY 1, 2"
            )
        ).all()
        assert sorted(teachers) == sorted([("k1", year, 60, None), ("k1", term, None, 12)])
        schools = connection.execute(
            text("SELECT code, period, student_count, annual_expenditure FROM school_periods ORDER BY 2")
        ).all()
        assert {(s[1], s[2]) for s in schools} == {(school_year, 900), (year, None)}
        rows = connection.execute(
            text("SELECT record_key, period, changes FROM record_history ORDER BY id")
        ).all()
        filed = sorted(
            (key, period or "", orjson.dumps(orjson.loads(changes) if isinstance(changes, str) else changes))
            for key, period, changes in rows
        )
        expected = [
            ("k1", "", {"_inserted": True}),
            ("k1", "", {"name": ["张", "张三"]}),
            ("k1", year, {"training_hours": [40, 60]}),
            ("k1", term, {"weekly_lessons": [10, 12]}),
            ("k2", "", {"name": ["李", "李四"]}),
        ]
        assert filed == sorted((k, p, orjson.dumps(c)) for k, p, c in expected)
        command.downgrade(config, "0018_activation")
    engine.dispose()


def test_the_copies_of_periodic_values_on_the_records_are_emptied_and_none_is_lost(old_url: str) -> None:
    """0032: the period table is the one place of a periodic value; a copy the period table lacked is
    filed under the period it was written in before the copies are emptied."""
    engine = make_engine(old_url)
    config = alembic_config(old_url)
    at = datetime(2025, 5, 1, tzinfo=UTC)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0026_task_periods")
        connection.execute(
            text(
                "INSERT INTO schools (code, name, division_code, student_count, updated_at)"
                " VALUES ('3301060001', '一中', '330106', 900, :at)"
            ),
            {"at": at},
        )
        connection.execute(
            text(
                "INSERT INTO teachers (school_code, teacher_key, name, training_hours, weekly_lessons, updated_at)"
                " VALUES ('3301060001', 'k1', '张三', 60, 12, :at), ('3301060001', 'k2', '李四', 30, NULL, :at)"
            ),
            {"at": at},
        )
        # k1's hours are in the period table (as every write since 0019 put them); k2's only on the record.
        connection.execute(
            text(
                "INSERT INTO teacher_periods (school_code, teacher_key, period, training_hours, weekly_lessons,"
                " created_at, updated_at) VALUES ('3301060001', 'k1', '2025', 60, NULL, :at, :at),"
                " ('3301060001', 'k1', '2024-2025-2', NULL, 12, :at, :at)"
            ),
            {"at": at},
        )
        command.upgrade(config, "0032_periodic_one_place")
        copies = connection.execute(
            text(
                "SELECT training_hours, weekly_lessons FROM teachers UNION ALL SELECT student_count, NULL FROM schools"
            )
        ).all()
        assert set(copies) == {(None, None)}
        teachers = connection.execute(
            text(
                "SELECT teacher_key, period, training_hours, weekly_lessons FROM teacher_periods ORDER BY 1, 2"
            )
        ).all()
        assert teachers == [
            ("k1", "2024-2025-2", None, 12),
            ("k1", "2025", 60, None),
            ("k2", "2025", 30, None),  # filed under the year it was written in
        ]
        schools = connection.execute(text("SELECT period, student_count FROM school_periods")).all()
        assert schools == [("2024-2025", 900)]
        command.downgrade(config, "0026_task_periods")
    engine.dispose()
