"""tasks and sources: the period each periodic field of a task collects, and a source's period

Revision ID: 0026_task_periods
Revises: 0025_hub_scheduler
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0026_task_periods"
down_revision = "0025_hub_scheduler"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("periods", JSON, nullable=True))
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("period", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("period")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("periods")
