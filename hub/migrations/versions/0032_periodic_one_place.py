"""records: a periodic element's values are kept in its period table only

Since 0019 a write of the current period put a periodic value (继续教育学时, 在校学生数) both in the
period table and in the entity table's column, as a copy of "the current value". The copy went stale
the day the period turned (on 1 January the record still showed last year's hours as this year's), so
the period table becomes the one place: a copy whose record holds no value of that element in any
period is first filed under the period it was written in (its record's `updated_at`, Beijing time),
then every copy is emptied. The columns stay, empty, so older code reading them finds nothing rather
than a wrong year.

Revision ID: 0032_periodic_one_place
Revises: 0031_source_divisions
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

from schemas.periods import period_containing

revision = "0032_periodic_one_place"
down_revision = "0031_source_divisions"
branch_labels = None
depends_on = None

# The periodic elements of the standard at this revision: name → period kind.
TEACHER = {"weekly_lessons": "term", "training_hours": "calendar_year"}
SCHOOL = {
    "student_count": "school_year",
    "class_count": "school_year",
    "staff_count": "school_year",
    "enrolment_count": "school_year",
    "graduate_count": "school_year",
    "boarding_student_count": "school_year",
    "migrant_student_count": "school_year",
    "left_behind_student_count": "school_year",
    "annual_expenditure": "fiscal_year",
}
CHINA = timedelta(hours=8)


def _file_orphans(table: str, periods: str, keys: Sequence[str], elements: dict[str, str]) -> None:
    """Copies with no value of their element in any period: filed under the period of their write."""
    bind = op.get_bind()
    same_record = " AND ".join(f"p.{k} = {table}.{k}" for k in keys)
    for column, kind in elements.items():
        orphans = bind.execute(
            sa.text(
                f"SELECT {', '.join(keys)}, {column}, updated_at, batch_id FROM {table} "
                f"WHERE {column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {periods} p "
                f"WHERE {same_record} AND p.{column} IS NOT NULL)"
            )
        ).all()
        for row in orphans:
            record = dict(zip(keys, row[: len(keys)], strict=True))
            value, updated_at, batch_id = row[len(keys) :]
            if isinstance(updated_at, str):
                updated_at = datetime.fromisoformat(updated_at)
            if updated_at.tzinfo is None:
                updated_at = updated_at.replace(tzinfo=UTC)
            period = period_containing(kind, (updated_at + CHINA).date()).key
            params: dict[str, Any] = {
                **record,
                "period": period,
                "value": value,
                "now": updated_at,
                "batch": batch_id,
            }
            bind.execute(
                sa.text(
                    f"INSERT INTO {periods} ({', '.join(keys)}, period, {column}, created_at, updated_at, batch_id) "
                    f"VALUES ({', '.join(f':{k}' for k in keys)}, :period, :value, :now, :now, :batch) "
                    f"ON CONFLICT ({', '.join(keys)}, period) DO UPDATE SET {column} = excluded.{column}"
                ),
                params,
            )


def upgrade() -> None:
    _file_orphans("teachers", "teacher_periods", ["school_code", "teacher_key"], TEACHER)
    _file_orphans("schools", "school_periods", ["code"], SCHOOL)
    bind = op.get_bind()
    # The kept counts counted the copies too (`training_hours` beside `training_hours@2025`): every
    # school is counted again at its next write, and read as never counted until then.
    bind.execute(sa.text("DELETE FROM record_counts"))
    for table, elements in (("teachers", TEACHER), ("schools", SCHOOL)):
        columns = list(elements)
        bind.execute(
            sa.text(
                f"UPDATE {table} SET {', '.join(f'{c} = NULL' for c in columns)} "
                f"WHERE {' OR '.join(f'{c} IS NOT NULL' for c in columns)}"
            )
        )


def downgrade() -> None:
    # The copies are not rebuilt: 0019's code reads periodic values from the period tables as well.
    pass
