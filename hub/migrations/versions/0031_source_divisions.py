"""sources and import batches: the GB/T 2260 division each belongs to

Revision ID: 0031_source_divisions
Revises: 0030_record_counts_per_school
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_source_divisions"
down_revision = "0030_record_counts_per_school"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing sources and batches name none: they stay the hub's own, seen by hub-wide principals.
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("division", sa.String(length=6), nullable=True))
        batch.create_index("ix_sources_division", ["division"])
    with op.batch_alter_table("ingest_batches") as batch:
        batch.add_column(sa.Column("division", sa.String(length=6), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingest_batches") as batch:
        batch.drop_column("division")
    with op.batch_alter_table("sources") as batch:
        batch.drop_index("ix_sources_division")
        batch.drop_column("division")
