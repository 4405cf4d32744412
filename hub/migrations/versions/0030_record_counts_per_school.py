"""records: coverage counts in one row per school (its counts by name) instead of one row per count

Revision ID: 0030_record_counts_per_school
Revises: 0029_record_counts
Create Date: 2026-12-04

The counts are derived data: the table is made anew, and `hub migrate` (or `hub serve`) counts every
school again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0030_record_counts_per_school"
down_revision = "0029_record_counts"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.drop_index("ix_record_counts_name", table_name="record_counts")
    op.drop_table("record_counts")
    op.create_table(
        "record_counts",
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("counts", JSON, nullable=False),
        sa.PrimaryKeyConstraint("school_code", "entity", name=op.f("pk_record_counts")),
    )


def downgrade() -> None:
    op.drop_table("record_counts")
    op.create_table(
        "record_counts",
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("school_code", "entity", "name", name=op.f("pk_record_counts")),
    )
    op.create_index("ix_record_counts_name", "record_counts", ["entity", "name"])
