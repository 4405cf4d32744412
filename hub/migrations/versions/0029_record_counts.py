"""records: coverage counts per school and element, kept by every write (hub.records.counts)

Revision ID: 0029_record_counts
Revises: 0028_webhook_secrets_sealed
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029_record_counts"
down_revision = "0028_webhook_secrets_sealed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled in by `hub migrate` (and `hub serve`) for the schools never counted: the counts follow the
    # data standard, which a migration does not load.
    op.create_table(
        "record_counts",
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("held", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("school_code", "entity", "name", name=op.f("pk_record_counts")),
    )
    op.create_index("ix_record_counts_name", "record_counts", ["entity", "name"])


def downgrade() -> None:
    op.drop_index("ix_record_counts_name", table_name="record_counts")
    op.drop_table("record_counts")
