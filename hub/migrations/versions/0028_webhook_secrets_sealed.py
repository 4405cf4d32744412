"""webhooks: each secret sealed (AES-256-GCM under a key from the settings) instead of kept in clear

A reader of the database could sign notices with a clear secret and forge them. Each stored secret is
sealed under the key of the settings this migration runs with (derived from HUB_SECRET_KEY, as the hub
derives it when it signs), bound to its principal; the clear column goes.

Revision ID: 0028_webhook_secrets_sealed
Revises: 0027_selfcheck_submissions
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028_webhook_secrets_sealed"
down_revision = "0027_selfcheck_submissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from hub.config import get_settings
    from hub.notices import sealing

    key = get_settings().secret_key.get_secret_value()
    with op.batch_alter_table("webhooks") as batch:
        batch.add_column(sa.Column("secret_sealed", sa.Text(), nullable=True))
    connection = op.get_bind()
    hooks = sa.table(
        "webhooks",
        sa.column("principal_id", sa.Integer),
        sa.column("secret", sa.String),
        sa.column("secret_sealed", sa.Text),
    )
    for principal_id, secret in connection.execute(sa.select(hooks.c.principal_id, hooks.c.secret)).all():
        connection.execute(
            hooks.update()
            .where(hooks.c.principal_id == principal_id)
            .values(secret_sealed=sealing.seal(key, principal_id, secret))
        )
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret_sealed", existing_type=sa.Text(), nullable=False)
        batch.drop_column("secret")


def downgrade() -> None:
    from hub.config import get_settings
    from hub.notices import sealing

    key = get_settings().secret_key.get_secret_value()
    with op.batch_alter_table("webhooks") as batch:
        batch.add_column(sa.Column("secret", sa.String(length=200), nullable=True))
    connection = op.get_bind()
    hooks = sa.table(
        "webhooks",
        sa.column("principal_id", sa.Integer),
        sa.column("secret", sa.String),
        sa.column("secret_sealed", sa.Text),
    )
    for principal_id, sealed in connection.execute(
        sa.select(hooks.c.principal_id, hooks.c.secret_sealed)
    ).all():
        connection.execute(
            hooks.update()
            .where(hooks.c.principal_id == principal_id)
            .values(secret=sealing.unseal(key, principal_id, sealed))
        )
    with op.batch_alter_table("webhooks") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=200), nullable=False)
        batch.drop_column("secret_sealed")
