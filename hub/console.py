"""What every `hub` command shares: the console it prints to and the database it opens, migrated first.

`hub/cli.py` and the domains' own commands (`hub/<domain>/cli.py`) import this; it imports no domain.
"""

from __future__ import annotations

import typer
from rich.console import Console
from sqlalchemy import Engine

from hub.config import get_settings
from hub.db import engine_for
from hub.migrate import MigrationError, upgrade

console = Console()


def migrated_engine() -> Engine:
    """The configured database, brought to the latest schema; exit 2 with the reason when it cannot be."""
    engine = engine_for(get_settings().database_url)
    try:
        upgrade(engine)
    except MigrationError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    return engine
