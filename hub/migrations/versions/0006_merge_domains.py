"""merge the domain branches (tasks, access and audit, sources, policy) into one line

Revision ID: 0006
Revises: 0002, 0003, 0004, 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

revision = "0006"
down_revision = ("0002", "0003", "0004", "0005")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the branches were built apart and share no tables; only their history joins here


def downgrade() -> None:
    pass
