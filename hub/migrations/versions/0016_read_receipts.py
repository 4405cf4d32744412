"""read receipts: which teacher records each department read returned, one packed blob a school

A teacher (through her school) can be shown every read that included her record. Each read keeps, per
school, the sorted 8-byte fingerprints of the records it returned (hub.audit.receipts); the primary
key leads with the school so a lookup reads only that school's receipts. Receipts are part of the
audit log: append-only on PostgreSQL like the rest of it (the trigger function of 0008), and each
entry's seal covers their digest.

Revision ID: 0016_read_receipts
Revises: 0015_agreements
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_read_receipts"
down_revision = "0015_agreements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_receipts",
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("entry_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("fingerprints", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("school_code", "entry_id", name=op.f("pk_audit_receipts")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_receipts_append_only BEFORE UPDATE OR DELETE ON audit_receipts"
            " FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_receipts_no_truncate BEFORE TRUNCATE ON audit_receipts"
            " FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )


def downgrade() -> None:
    op.drop_table("audit_receipts")  # its triggers go with it
