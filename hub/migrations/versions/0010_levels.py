"""levels: a principal's division (GB/T 2260 province, city or county) bounds what it sees

Existing principals keep no division (they see everything, as before); a school's account takes its
school's county.

Revision ID: 0010_levels
Revises: 0009_register
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_levels"
down_revision = "0009_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("division", sa.String(length=6), nullable=True))
        batch_op.create_index(batch_op.f("ix_principals_division"), ["division"], unique=False)
    op.execute(
        "UPDATE principals SET division = (SELECT s.division_code FROM schools s"
        " WHERE s.code = principals.school_code) WHERE school_code IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("principals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_principals_division"))
        batch_op.drop_column("division")
