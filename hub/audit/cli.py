"""`hub audit verify` and `hub audit export`."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

console = Console()
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def _engine() -> Engine:
    from hub.config import get_settings
    from hub.db import engine_for
    from hub.migrate import MigrationError, upgrade

    engine = engine_for(get_settings().database_url)
    try:
        upgrade(engine)
    except MigrationError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    return engine


@audit_app.command("verify")
def verify() -> None:
    """Check the whole hash chain; name the first altered, deleted or reordered entry (exit 1 if broken)."""
    from hub.audit.service import verify as verify_chain
    from hub.db import transaction

    with transaction(_engine()) as session:
        result = verify_chain(session)
    if result.ok:
        console.print(f"audit chain intact: {result.entries} entries, head {result.head_hash}")
        return
    console.print(f"[red]audit chain broken at entry {result.first_broken}[/red]")
    console.print(f"  {result.reason_zh}")
    console.print(f"  {result.reason_en}")
    console.print(f"  ({result.entries} entries before it verified)")
    raise typer.Exit(1)


@audit_app.command("export")
def export(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Output file: .csv or .jsonl")],
    start: Annotated[
        datetime, typer.Option("--from", help="First day (YYYY-MM-DD), UTC", formats=["%Y-%m-%d"])
    ],
    end: Annotated[
        datetime, typer.Option("--to", help="Last day (YYYY-MM-DD), included, UTC", formats=["%Y-%m-%d"])
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl (default: from the file's suffix)")
    ] = None,
) -> None:
    """Export the entries of a period, with their hashes so the excerpt can be checked against the chain."""
    from hub.audit.service import export as write_entries
    from hub.audit.service import iter_period
    from hub.db import transaction

    chosen = (fmt or file.suffix.lstrip(".")).lower()
    if chosen not in ("csv", "jsonl"):
        console.print("[red]format must be csv or jsonl (give --format or a .csv/.jsonl file)[/red]")
        raise typer.Exit(2)
    first = datetime.combine(start.date(), time.min, tzinfo=UTC)
    last = datetime.combine(end.date() + timedelta(days=1), time.min, tzinfo=UTC)
    if last <= first:
        console.print("[red]--to is before --from[/red]")
        raise typer.Exit(2)
    with transaction(_engine()) as session, file.open("w", encoding="utf-8", newline="") as out:
        count = write_entries(iter_period(session, first, last), out, fmt=chosen)
    console.print(f"{count} entries from {start.date()} to {end.date()} written to {file}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
