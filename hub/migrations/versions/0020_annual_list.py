"""annual list: items of the 督查检查评比考核 list and the inspections held under them (seed items 1–3)

A department's proposed item (year, kind, title, organiser, what is inspected, schools or levels,
frequency, method, time window and a reason when it is not at term-end, the materials as the request
check classified them), the Party committee office's decision or merge, and each inspection that
reached schools under an approved item, with the schools it reached.

Revision ID: 0020_annual_list
Revises: 0019_record_periods
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = "0020_annual_list"
down_revision = "0019_record_periods"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_list_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("co_organisers", hub.db.JSONType, nullable=False),
        sa.Column("inspected", sa.Text(), nullable=False),
        sa.Column("schools", hub.db.JSONType, nullable=True),
        sa.Column("division", sa.String(length=6), nullable=True),
        sa.Column("levels", hub.db.JSONType, nullable=False),
        sa.Column("frequency", sa.String(length=100), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("window_starts", sa.Date(), nullable=False),
        sa.Column("window_ends", sa.Date(), nullable=False),
        sa.Column("window_reason", sa.Text(), nullable=True),
        sa.Column("materials", hub.db.JSONType, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", hub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["principals.id"], name=op.f("fk_register_list_items_department_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["principals.id"], name=op.f("fk_register_list_items_decided_by_principals")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["register_list_items.id"],
            name=op.f("fk_register_list_items_merged_into_register_list_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_list_items")),
    )
    op.create_index(op.f("ix_register_list_items_year"), "register_list_items", ["year"], unique=False)
    op.create_index(
        op.f("ix_register_list_items_department_id"), "register_list_items", ["department_id"], unique=False
    )
    op.create_index(op.f("ix_register_list_items_status"), "register_list_items", ["status"], unique=False)
    op.create_table(
        "register_inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["register_list_items.id"],
            name=op.f("fk_register_inspections_item_id_register_list_items"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["principals.id"],
            name=op.f("fk_register_inspections_department_id_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_inspections")),
    )
    op.create_index(
        op.f("ix_register_inspections_item_id"), "register_inspections", ["item_id"], unique=False
    )
    op.create_index(
        op.f("ix_register_inspections_department_id"), "register_inspections", ["department_id"], unique=False
    )
    op.create_table(
        "register_inspected_schools",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["register_inspections.id"],
            name=op.f("fk_register_inspected_schools_inspection_id_register_inspections"),
        ),
        sa.PrimaryKeyConstraint("inspection_id", "school_code", name=op.f("pk_register_inspected_schools")),
    )
    op.create_index(
        "ix_register_inspected_schools_school",
        "register_inspected_schools",
        ["school_code", "inspection_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_register_inspected_schools_school", table_name="register_inspected_schools")
    op.drop_table("register_inspected_schools")
    op.drop_index(op.f("ix_register_inspections_department_id"), table_name="register_inspections")
    op.drop_index(op.f("ix_register_inspections_item_id"), table_name="register_inspections")
    op.drop_table("register_inspections")
    op.drop_index(op.f("ix_register_list_items_status"), table_name="register_list_items")
    op.drop_index(op.f("ix_register_list_items_department_id"), table_name="register_list_items")
    op.drop_index(op.f("ix_register_list_items_year"), table_name="register_list_items")
    op.drop_table("register_list_items")
