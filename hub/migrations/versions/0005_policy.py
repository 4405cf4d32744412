"""policy: complaints (举报) and burden baselines (seed rule 2)

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-27 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("filed_by", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("outside_department", sa.String(length=200), nullable=True),
        sa.Column("outside_demand", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["principals.id"], name=op.f("fk_complaints_answered_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by"], ["principals.id"], name=op.f("fk_complaints_filed_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_complaints_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index("ix_complaints_school_created", ["school_code", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_status"), ["status"], unique=False)

    op.create_table(
        "burden_baselines",
        sa.Column("term", sa.String(length=16), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("forms", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by"], ["principals.id"], name=op.f("fk_burden_baselines_set_by_principals")
        ),
        sa.PrimaryKeyConstraint("term", "school_code", name=op.f("pk_burden_baselines")),
    )


def downgrade() -> None:
    op.drop_table("burden_baselines")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_status"))
        batch_op.drop_index(batch_op.f("ix_complaints_request_id"))
        batch_op.drop_index("ix_complaints_school_created")
    op.drop_table("complaints")
