"""burden baselines per division and year; 举报 from the public, tracked, routed, with a due day

The old baseline counted forms per term and school and, when none was set, fell back to the hub's own
first term, so every school "met" −50 % against itself. A baseline now counts the demands that reached
each school of a division (county, city, province, or every school) in a past year, from that year's
list and tasks. Old rows counted another thing (forms per term) and cannot be carried over: the education
bureau sets the year's baseline anew.

Complaints gain a tracking code (every old one gets its own), the channel (school or public), the
queue (education bureau or discipline inspection), the school as a public reporter named it, the
reporter's contact and the day the answer is due; a public report has no filing principal and may
name no school code.

Revision ID: 0009_register
Revises: 0008_audit_seal
Create Date: 2026-12-03
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

import hub.db

revision = "0009_register"
down_revision = "0008_audit_seal"
branch_labels = None
depends_on = None


TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _tracking_code() -> str:
    # The same shape as hub.complaints.service.new_tracking_code (a migration does not import the app).
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"JB-{body[:4]}-{body[4:8]}-{body[8:]}"


def _complaints_upgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tracking_code", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("channel", sa.String(length=8), nullable=False, server_default="school")
        )
        batch_op.add_column(
            sa.Column("queue", sa.String(length=16), nullable=False, server_default="education")
        )
        batch_op.add_column(sa.Column("school_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("contact", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.alter_column("school_code", existing_type=sa.String(length=10), nullable=True)
        batch_op.alter_column("filed_by", existing_type=sa.Integer(), nullable=True)
    complaints = sa.table("complaints", sa.column("id", sa.Integer), sa.column("tracking_code", sa.String))
    connection = op.get_bind()
    for (complaint_id,) in connection.execute(sa.select(complaints.c.id)).all():
        connection.execute(
            complaints.update().where(complaints.c.id == complaint_id).values(tracking_code=_tracking_code())
        )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.alter_column("tracking_code", existing_type=sa.String(length=20), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_complaints_tracking_code"), ["tracking_code"])
        batch_op.create_index(batch_op.f("ix_complaints_queue"), ["queue"], unique=False)


def _complaints_downgrade() -> None:
    op.execute("DELETE FROM complaints WHERE filed_by IS NULL")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_queue"))
        batch_op.drop_constraint(batch_op.f("uq_complaints_tracking_code"), type_="unique")
        batch_op.alter_column("filed_by", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("school_code", existing_type=sa.String(length=10), nullable=False)
        for column in ("due_on", "contact", "school_name", "queue", "channel", "tracking_code"):
            batch_op.drop_column(column)


def upgrade() -> None:
    _complaints_upgrade()
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
    _complaints_downgrade()
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
