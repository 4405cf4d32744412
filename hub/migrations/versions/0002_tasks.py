"""tasks: school tasks, the rows they ask about, submissions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 15:09:17.586817
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import hub.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("rows_expected", sa.Integer(), nullable=False),
        sa.Column("rows_filled", sa.Integer(), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("last_submission_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("marked_done_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_tasks_created_by_principals")
        ),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name=op.f("fk_tasks_request_id_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("request_id", "school_code", name="uq_tasks_request_school"),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_school_code"), ["school_code"], unique=False)

    op.create_table(
        "task_rows",
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("record_key", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_rows_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("school_code", "task_id", "reference", name=op.f("pk_task_rows")),
    )
    with op.batch_alter_table("task_rows", schema=None) as batch_op:
        batch_op.create_index("ix_task_rows_task_record", ["task_id", "record_key"], unique=False)

    op.create_table(
        "task_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("extra_columns", _json(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["ingest_batches.id"], name=op.f("fk_task_submissions_batch_id_ingest_batches")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["principals.id"], name=op.f("fk_task_submissions_submitted_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_submissions_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_submissions")),
    )
    with op.batch_alter_table("task_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_submissions_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    op.drop_table("task_submissions")
    op.drop_table("task_rows")
    op.drop_table("tasks")
