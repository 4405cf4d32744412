"""a requested field remembers the periods it asked and those the store lacked

Revision ID: 0013_field_periods
Revises: 0012_task_progress
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013_field_periods"
down_revision = "0012_task_progress"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("request_fields") as batch:
        batch.add_column(sa.Column("periods", JSON, nullable=True))
        batch.add_column(sa.Column("missing_periods", JSON, nullable=True))
        batch.add_column(sa.Column("period_span", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("request_fields") as batch:
        batch.drop_column("period_span")
        batch.drop_column("missing_periods")
        batch.drop_column("periods")
