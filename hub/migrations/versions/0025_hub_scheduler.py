"""scheduler: the hub's own jobs run from hub.scheduler; drop their rows stored by an older hub

The rows of `hub:close-due-requests` and `hub:history-partitions` name their function by its old
place (`hub.sources.scheduler:…`), which no longer exists: the job store would fail to load them
(and log a traceback). Without them, the scheduler's first sync adds both jobs again from
`hub.scheduler`. Source jobs (`hub.sources.scheduler:run_source_job`) are kept as they are.

Revision ID: 0025_hub_scheduler
Revises: 0024_web_sessions
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_hub_scheduler"
down_revision = "0024_web_sessions"
branch_labels = None
depends_on = None

MOVED_JOBS = ("hub:close-due-requests", "hub:history-partitions")


def upgrade() -> None:
    jobs = sa.table("apscheduler_jobs", sa.column("id", sa.Unicode(191)))
    op.execute(jobs.delete().where(jobs.c.id.in_(MOVED_JOBS)))


def downgrade() -> None:
    # An older hub adds its own rows again on its first sync; nothing to restore.
    pass
