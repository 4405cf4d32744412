"""access and audit: grant divisions and revocation, the hash-chained audit log, its per-school index

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-27 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import hub.db

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("divisions", JSON, nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_grants_revoked_by_principals"), "principals", ["revoked_by"], ["id"]
        )

    op.create_table(
        "audit_log",
        sa.Column("id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=True),
        sa.Column("principal_code", sa.String(length=64), nullable=True),
        sa.Column("principal_kind", sa.String(length=16), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=True),
        sa.Column("elements", JSON, nullable=False),
        sa.Column("school_count", sa.Integer(), nullable=False),
        sa.Column("schools_digest", sa.String(length=64), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("detail", JSON, nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for column in ("at", "principal_id", "action", "grant_id", "request_id", "batch_id"):
            batch_op.create_index(batch_op.f(f"ix_audit_log_{column}"), [column], unique=False)

    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    op.execute("INSERT INTO audit_chain (id, last_id, last_hash) VALUES (1, 0, '" + "0" * 64 + "')")

    op.create_table(
        "audit_by_school",
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("entry_id", BIG_ID, nullable=False),
        sa.Column("at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("is_write", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("school_code", "entry_id", name=op.f("pk_audit_by_school")),
    )
    with op.batch_alter_table("audit_by_school", schema=None) as batch_op:
        batch_op.create_index("ix_audit_by_school_school_at", ["school_code", "at"], unique=False)
        batch_op.create_index("ix_audit_by_school_entry_id", ["entry_id"], unique=False)

    # The change feed of hub.reads reads history batch by batch, in the order the batches committed.
    op.create_index("ix_record_history_batch", "record_history", ["batch_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_record_history_batch", table_name="record_history")
    op.drop_table("audit_by_school")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        for column in ("at", "principal_id", "action", "grant_id", "request_id", "batch_id"):
            batch_op.drop_index(batch_op.f(f"ix_audit_log_{column}"))
    op.drop_table("audit_log")
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_grants_revoked_by_principals"), type_="foreignkey")
        batch_op.drop_column("revoked_by")
        batch_op.drop_column("divisions")
