"""request levels: a request's division (the narrowest GB/T 2260 division holding its schools)

Bureaus bounded by a division see the requests at a level inside it (an index range on this column)
and those from above that reach their schools. Existing requests keep no division: they belong to the
whole hub, as before.

Revision ID: 0014_request_levels
Revises: 0013_field_periods
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_request_levels"
down_revision = "0013_field_periods"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("division", sa.String(length=6), nullable=True))
        batch_op.create_index(batch_op.f("ix_requests_division"), ["division"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requests_division"))
        batch_op.drop_column("division")
