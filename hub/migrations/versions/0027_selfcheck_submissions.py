"""selfcheck: a school's submitted 自查表 of a term

Revision ID: 0027_selfcheck_submissions
Revises: 0026_task_periods
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from hub.db import UTCDateTime

revision = "0027_selfcheck_submissions"
down_revision = "0026_task_periods"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "selfcheck_submissions",
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("term", sa.String(length=16), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("hub_findings", JSON, nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["principals.id"],
            name=op.f("fk_selfcheck_submissions_submitted_by_principals"),
        ),
        sa.PrimaryKeyConstraint("school_code", "term", name=op.f("pk_selfcheck_submissions")),
    )


def downgrade() -> None:
    op.drop_table("selfcheck_submissions")
