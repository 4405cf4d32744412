"""secondments: teachers borrowed (借用) or seconded (抽调) away from their schools (seed items 15–16)

A department's request (purpose, period, an exception reason past half a year), the education bureau's
decision with the Party committee's filing number, the day the teachers were back, and per school the
named teachers or the number asked for.

Revision ID: 0017_secondments
Revises: 0016_read_receipts
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = "0017_secondments"
down_revision = "0016_read_receipts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_secondments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("exception_reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("filing_number", sa.String(length=100), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["principals.id"],
            name=op.f("fk_register_secondments_department_id_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["principals.id"], name=op.f("fk_register_secondments_decided_by_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_secondments")),
    )
    op.create_index(
        op.f("ix_register_secondments_department_id"), "register_secondments", ["department_id"], unique=False
    )
    op.create_index(op.f("ix_register_secondments_status"), "register_secondments", ["status"], unique=False)
    op.create_table(
        "register_seconded_teachers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secondment_id", sa.Integer(), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("teacher_name", sa.String(length=100), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["secondment_id"],
            ["register_secondments.id"],
            name=op.f("fk_register_seconded_teachers_secondment_id_register_secondments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_seconded_teachers")),
    )
    op.create_index(
        "ix_register_seconded_teachers_school",
        "register_seconded_teachers",
        ["school_code", "secondment_id"],
        unique=False,
    )
    op.create_index(
        "ix_register_seconded_teachers_secondment",
        "register_seconded_teachers",
        ["secondment_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_register_seconded_teachers_secondment", table_name="register_seconded_teachers")
    op.drop_index("ix_register_seconded_teachers_school", table_name="register_seconded_teachers")
    op.drop_table("register_seconded_teachers")
    op.drop_index(op.f("ix_register_secondments_status"), table_name="register_secondments")
    op.drop_index(op.f("ix_register_secondments_department_id"), table_name="register_secondments")
    op.drop_table("register_secondments")
