"""records: one value per record and period for periodic elements (teacher_periods, school_periods)

The store held one current value per element. Elements that belong to a period (继续教育学时 of a
calendar year, 在校学生数 at the start of a school year, 周课时数 of a term) get a typed table per
entity keyed by record and period; today's values move into the current period of each element's kind,
and their history (record_history gains `period`) is filed under that period, batch by batch.

Revision ID: 0019_record_periods
Revises: 0018_activation
Create Date: 2026-12-04
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime
from schemas.periods import period_containing

revision = "0019_record_periods"
down_revision = "0018_activation"
branch_labels = None
depends_on = None

# The periodic elements of the standard at this revision: name → (SQL type, period kind).
TEACHER = {
    "weekly_lessons": (sa.BigInteger(), "term"),
    "training_hours": (sa.BigInteger(), "calendar_year"),
}
SCHOOL = {
    "student_count": (sa.BigInteger(), "school_year"),
    "class_count": (sa.BigInteger(), "school_year"),
    "staff_count": (sa.BigInteger(), "school_year"),
    "enrolment_count": (sa.BigInteger(), "school_year"),
    "graduate_count": (sa.BigInteger(), "school_year"),
    "boarding_student_count": (sa.BigInteger(), "school_year"),
    "migrant_student_count": (sa.BigInteger(), "school_year"),
    "left_behind_student_count": (sa.BigInteger(), "school_year"),
    "annual_expenditure": (sa.Numeric(precision=18, scale=4), "fiscal_year"),
}
# Periods change at midnight in China, not in UTC.
CHINA = timedelta(hours=8)
BATCH = 2000


def _create(name: str, keys: list[sa.Column[Any]], elements: dict[str, tuple[Any, str]]) -> None:
    op.create_table(
        name,
        *keys,
        sa.Column("period", sa.String(length=16), nullable=False),
        *[sa.Column(column, type_, nullable=True) for column, (type_, _) in elements.items()],
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            [keys[0].name], ["schools.code"], name=op.f(f"fk_{name}_{keys[0].name}_schools")
        ),
        sa.PrimaryKeyConstraint(*[k.name for k in keys], "period", name=op.f(f"pk_{name}")),
    )


def _move_current(
    entity: str,
    table: str,
    periods: str,
    keys: Sequence[str],
    elements: dict[str, tuple[Any, str]],
    today: Any,
) -> None:
    """Today's values of each period kind become the values of that kind's current period (set-based),
    written when the record first came into the store (its oldest history entry)."""
    first_written = (
        f"COALESCE((SELECT MIN(h.recorded_at) FROM record_history h WHERE h.record_key = {table}.{keys[-1]} "
        f"AND h.entity = '{entity}'), {table}.updated_at)"
    )
    by_period: dict[str, list[str]] = {}
    for column, (_, kind) in elements.items():
        by_period.setdefault(period_containing(kind, today).key, []).append(column)
    for period, columns in by_period.items():
        op.get_bind().execute(
            sa.text(
                f"INSERT INTO {periods} ({', '.join([*keys, 'period', *columns, 'created_at', 'updated_at', 'batch_id'])}) "
                f"SELECT {', '.join(keys)}, :period, {', '.join(columns)}, {first_written}, updated_at, batch_id "
                f"FROM {table} "
                f"WHERE {' OR '.join(f'{c} IS NOT NULL' for c in columns)}"
            ),
            {"period": period},
        )


def _file_history(entity: str, elements: dict[str, tuple[Any, str]], today: Any) -> None:
    """History entries that changed periodic values: those values' entries move under the period their
    values moved into. Read in keyset batches by id, never the whole table at once."""
    bind = op.get_bind()
    period_of = {column: period_containing(kind, today).key for column, (_, kind) in elements.items()}
    names = sorted(elements)
    if bind.dialect.name == "postgresql":
        touches = "changes ?| CAST(:names AS text[])"
        params: dict[str, Any] = {"names": names}
    else:
        placeholders = ", ".join(f":n{i}" for i in range(len(names)))
        touches = f"EXISTS (SELECT 1 FROM json_each(record_history.changes) WHERE key IN ({placeholders}))"
        params = {f"n{i}": name for i, name in enumerate(names)}
    select = sa.text(
        "SELECT id, recorded_at, school_code, record_key, batch_id, changes FROM record_history "
        f"WHERE entity = :entity AND id > :after AND period IS NULL AND {touches} ORDER BY id LIMIT {BATCH}"
    )
    history = sa.table(
        "record_history",
        sa.column("id"),
        sa.column("recorded_at"),  # as read: re-written unchanged
        sa.column("entity"),
        sa.column("school_code"),
        sa.column("record_key"),
        sa.column("batch_id"),
        sa.column("changes", sa.JSON()),
        sa.column("period"),
    )
    after = 0
    while True:
        rows = bind.execute(select, {**params, "entity": entity, "after": after}).mappings().all()
        if not rows:
            return
        after = rows[-1]["id"]
        added: list[dict[str, Any]] = []
        for row in rows:
            changes = row["changes"]
            changes = json.loads(changes) if isinstance(changes, str) else dict(changes)
            timeless = {k: v for k, v in changes.items() if k not in period_of}
            split: dict[str, dict[str, Any]] = {}
            for key, value in changes.items():
                if key in period_of:
                    split.setdefault(period_of[key], {})[key] = value
            where = (history.c.id == row["id"]) & (history.c.recorded_at == row["recorded_at"])
            if not timeless and len(split) == 1:
                bind.execute(sa.update(history).where(where).values(period=next(iter(split))))
                continue
            for period, values in split.items():
                added.append(
                    {
                        "recorded_at": row["recorded_at"],
                        "entity": entity,
                        "school_code": row["school_code"],
                        "record_key": row["record_key"],
                        "batch_id": row["batch_id"],
                        "changes": values,
                        "period": period,
                    }
                )
            if timeless:
                bind.execute(sa.update(history).where(where).values(changes=timeless))
            else:
                bind.execute(sa.delete(history).where(where))
        if added:
            bind.execute(sa.insert(history), added)


def upgrade() -> None:
    _create(
        "teacher_periods",
        [
            sa.Column("school_code", sa.String(length=10), nullable=False),
            sa.Column("teacher_key", sa.String(length=64), nullable=False),
        ],
        TEACHER,
    )
    op.create_index("ix_teacher_periods_teacher_key", "teacher_periods", ["teacher_key"])
    _create("school_periods", [sa.Column("code", sa.String(length=10), nullable=False)], SCHOOL)
    op.create_index("ix_school_periods_period", "school_periods", ["period"])
    # Nullable, no default: on PostgreSQL adding it rewrites no partition.
    op.add_column("record_history", sa.Column("period", sa.String(length=16), nullable=True))
    today = (datetime.now(UTC) + CHINA).date()
    _move_current("teacher", "teachers", "teacher_periods", ["school_code", "teacher_key"], TEACHER, today)
    _move_current("school", "schools", "school_periods", ["code"], SCHOOL, today)
    _file_history("teacher", TEACHER, today)
    _file_history("school", SCHOOL, today)


def downgrade() -> None:
    op.drop_column("record_history", "period")
    op.drop_index("ix_school_periods_period", table_name="school_periods")
    op.drop_table("school_periods")
    op.drop_index("ix_teacher_periods_teacher_key", table_name="teacher_periods")
    op.drop_table("teacher_periods")
