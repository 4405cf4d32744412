"""indexes shaped for bulk writes: one teacher key per store, history looked up by hash

A teacher is in one school at a time (a move deletes the old row), so the teacher key is unique in
`teachers`; saying so lets an import COPY a chunk of new teachers straight into the table, the
unique index refusing the chunk if any of them is stored already. History is looked up by record key
only for equality: on PostgreSQL a hash index does that at half the insert cost of a B-tree over
64-character random keys (SQLite has no hash index and keeps a B-tree).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_teachers_teacher_key", table_name="teachers")
    op.create_index("ix_teachers_teacher_key", "teachers", ["teacher_key"], unique=True)
    op.drop_index("ix_record_history_record", table_name="record_history")
    op.create_index("ix_record_history_record", "record_history", ["record_key"], postgresql_using="hash")


def downgrade() -> None:
    op.drop_index("ix_record_history_record", table_name="record_history")
    op.create_index("ix_record_history_record", "record_history", ["entity", "record_key", "recorded_at"])
    op.drop_index("ix_teachers_teacher_key", table_name="teachers")
    op.create_index("ix_teachers_teacher_key", "teachers", ["teacher_key"])
