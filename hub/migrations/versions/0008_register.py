"""burden baselines per division and year

The old baseline counted forms per term and school and, when none was set, fell back to the hub's own
first term, so every school "met" −50 % against itself. A baseline now counts the demands that reached
each school of a division (county, city, province, or every school) in a past year, from that year's
list and tasks. Old rows counted another thing (forms per term) and cannot be carried over: the education
bureau sets the year's baseline anew.

Revision ID: 0008_register
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hub.db

revision = "0008_register"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("burden_baselines")
    op.create_table(
        "burden_baselines",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("division", sa.String(length=6), nullable=False),
        sa.Column("demands", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", hub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by"], ["principals.id"], name=op.f("fk_burden_baselines_set_by_principals")
        ),
        sa.PrimaryKeyConstraint("year", "division", name=op.f("pk_burden_baselines")),
    )


def downgrade() -> None:
    op.drop_table("burden_baselines")
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
