"""agreements: a grant's legal basis, the agreement a request's answer used, and an end to every grant

Standing grants become the sharing agreements (共享协议) the education bureau makes with departments:
they gain the legal basis or document number they rest on. A request's grant answered at once records
the agreement that covered it. Grants that had no end (request answers made before releases existed)
end HUB_RELEASE_DAYS after they began, so no old grant stays readable forever.

Revision ID: 0015_agreements
Revises: 0014_request_levels
Create Date: 2026-12-03
"""

from __future__ import annotations

import os
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0015_agreements"
down_revision = "0014_request_levels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("legal_basis", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("agreement_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ends_by", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_grants_agreement_id"), ["agreement_id"], unique=False)
        batch_op.create_foreign_key("fk_grants_agreement_id", "grants", ["agreement_id"], ["id"])
    # Open-ended grants get an end: the release period after the day they began.
    days = int(os.environ.get("HUB_RELEASE_DAYS", "180"))
    grants = sa.table(
        "grants",
        sa.column("id", sa.Integer),
        sa.column("valid_from", sa.Date),
        sa.column("valid_until", sa.Date),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(grants.c.id, grants.c.valid_from).where(grants.c.valid_until.is_(None))
    )
    for grant_id, valid_from in rows.all():
        connection.execute(
            grants.update()
            .where(grants.c.id == grant_id)
            .values(valid_until=valid_from + timedelta(days=days))
        )


def downgrade() -> None:
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_constraint("fk_grants_agreement_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_grants_agreement_id"))
        batch_op.drop_column("ends_by")
        batch_op.drop_column("agreement_id")
        batch_op.drop_column("legal_basis")
