"""onboarding: one-time activation codes for school accounts, and token expiry

The education bureau opens every school account of its division at once; each gets a one-time code
(stored as its HMAC only) that the school trades for its token. Tokens may expire (HUB_TOKEN_DAYS).

Revision ID: 0018_activation
Revises: 0017_secondments
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "0018_activation"
down_revision = "0017_secondments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("principals") as batch:
        batch.add_column(sa.Column("token_expires_at", UTCDateTime(), nullable=True))
    op.create_table(
        "activation_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_code", sa.String(length=10), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=True),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.Column("voided_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["principals.id"], name=op.f("fk_activation_codes_principal_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["principals.id"], name=op.f("fk_activation_codes_issued_by_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activation_codes")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_activation_codes_code_digest")),
    )
    op.create_index(op.f("ix_activation_codes_school_code"), "activation_codes", ["school_code"])
    op.create_index(op.f("ix_activation_codes_principal_id"), "activation_codes", ["principal_id"])


def downgrade() -> None:
    op.drop_table("activation_codes")
    with op.batch_alter_table("principals") as batch:
        batch.drop_column("token_expires_at")
