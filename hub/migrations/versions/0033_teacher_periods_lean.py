"""records: teacher_periods without a foreign key to schools or an index of teacher_key

A teacher's period rows are found by their whole key (school, teacher, period) and written only beside
the teacher's row, which keeps the foreign key to schools; moving a teacher re-keys them by the old
row's key. Their own foreign key and teacher_key index cost more than the rows themselves: with them a
200k-teacher import spent 28 s writing the period table, without them 12 s (issue 16).

Revision ID: 0033_teacher_periods_lean
Revises: 0032_periodic_one_place
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0033_teacher_periods_lean"
down_revision = "0032_periodic_one_place"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teacher_periods") as batch:
        batch.drop_index("ix_teacher_periods_teacher_key")
        batch.drop_constraint("fk_teacher_periods_school_code_schools", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("teacher_periods") as batch:
        batch.create_foreign_key(
            "fk_teacher_periods_school_code_schools", "schools", ["school_code"], ["code"]
        )
        batch.create_index("ix_teacher_periods_teacher_key", ["teacher_key"])
