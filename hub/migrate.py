"""Alembic, driven from code: `hub serve` and `hub demo` bring the database to head or refuse clearly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from hub.kit.partitions import ensure_history_partitions

MIGRATIONS = Path(__file__).parent / "migrations"


class MigrationError(RuntimeError):
    pass


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as connection:
        return tuple(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: Engine) -> None:
    """Migrate to head; refuse a database migrated by a newer hub (downgrading would lose data)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {r.revision for r in script.walk_revisions()}
    for current in current_revisions(engine):
        if current not in known:
            raise MigrationError(
                f"数据库版本 {current} 比本程序新，请升级 hub / the database is at revision {current}, "
                "which this hub does not know: upgrade the hub before serving this database"
            )
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
        # Not a migration: monthly partitions depend on the date, so every upgrade (and a daily job) adds them.
        ensure_history_partitions(connection, datetime.now(UTC).date())
