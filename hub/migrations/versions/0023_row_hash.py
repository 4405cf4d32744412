"""records: the hash of the last row written to each record, so that a re-import skips unchanged rows

`teachers.row_hash` and `schools.row_hash` hold the 64-bit hash (16 hex digits; the column holds up to 32) of the validated row
last applied to the record (hub.records.writer.row_hashes); an incoming row with the same hash would
change nothing and is not written. Records stored before this revision have none until their next write.

Revision ID: 0023_row_hash
Revises: 0022_notices
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_row_hash"
down_revision = "0022_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (SQLite ≥ 3.35 drops a column in place): a batch copy of the
    # schools table would trip the teachers' foreign key once it holds rows.
    for table in ("schools", "teachers"):
        op.add_column(table, sa.Column("row_hash", sa.String(length=32), nullable=True))


def downgrade() -> None:
    for table in ("teachers", "schools"):
        op.drop_column(table, "row_hash")
