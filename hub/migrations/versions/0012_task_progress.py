"""task progress a bureau can act on: when a school first opened its task, why it marked it done with
empty rows, and the reminders (催报) sent to schools that have not submitted

Revision ID: 0012_task_progress
Revises: 0011_calendar
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = "0012_task_progress"
down_revision = "0011_calendar"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("done_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("opened_at", hub.db.UTCDateTime(timezone=True), nullable=True))
    # Tasks a school already submitted to were opened by it (their first submission is the earliest sign).
    op.execute("UPDATE tasks SET opened_at = last_submission_at WHERE submissions > 0")
    op.create_table(
        "task_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("sent_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("seen_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["principals.id"], name=op.f("fk_task_reminders_sent_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_reminders_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_reminders")),
    )
    with op.batch_alter_table("task_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_reminders_school_code"), ["school_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_task_reminders_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    op.drop_table("task_reminders")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_column("opened_at")
        batch_op.drop_column("done_reason")
