"""whitelist: the social affairs the education bureau lets into schools each year (seed items 4–9)

The bureau's whitelist items (year, division, category, title, organiser), and each social demand
registered against one, with the schools it reached.

Revision ID: 0021_whitelist
Revises: 0020_annual_list
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = "0021_whitelist"
down_revision = "0020_annual_list"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_whitelist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("division", sa.String(length=6), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["principals.id"], name=op.f("fk_register_whitelist_items_created_by_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_whitelist_items")),
    )
    op.create_index(
        op.f("ix_register_whitelist_items_year"), "register_whitelist_items", ["year"], unique=False
    )
    op.create_table(
        "register_social_demands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["register_whitelist_items.id"],
            name=op.f("fk_register_social_demands_item_id_register_whitelist_items"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["principals.id"],
            name=op.f("fk_register_social_demands_department_id_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_social_demands")),
    )
    op.create_index(
        op.f("ix_register_social_demands_item_id"), "register_social_demands", ["item_id"], unique=False
    )
    op.create_index(
        op.f("ix_register_social_demands_department_id"),
        "register_social_demands",
        ["department_id"],
        unique=False,
    )
    op.create_table(
        "register_demanded_schools",
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"],
            ["register_social_demands.id"],
            name=op.f("fk_register_demanded_schools_demand_id_register_social_demands"),
        ),
        sa.PrimaryKeyConstraint("demand_id", "school_code", name=op.f("pk_register_demanded_schools")),
    )
    op.create_index(
        "ix_register_demanded_schools_school",
        "register_demanded_schools",
        ["school_code", "demand_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_register_demanded_schools_school", table_name="register_demanded_schools")
    op.drop_table("register_demanded_schools")
    op.drop_index(op.f("ix_register_social_demands_department_id"), table_name="register_social_demands")
    op.drop_index(op.f("ix_register_social_demands_item_id"), table_name="register_social_demands")
    op.drop_table("register_social_demands")
    op.drop_index(op.f("ix_register_whitelist_items_year"), table_name="register_whitelist_items")
    op.drop_table("register_whitelist_items")
