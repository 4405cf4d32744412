"""`hub audit verify`, `hub audit checkpoint`, `hub audit public-key` and `hub audit export`."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from hub.console import console, migrated_engine

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    checkpoints: Annotated[
        Path | None,
        typer.Option(
            "--checkpoints",
            file_okay=False,
            help="Directory of signed checkpoints (hub audit checkpoint): the log must still reach each",
        ),
    ] = None,
) -> None:
    """Check every entry's seal and, with --checkpoints, that the log still reaches each signed checkpoint.

    Exit 1 when the log was altered, cut or deleted; 2 when the checkpoint directory holds no checkpoint.
    """
    from hub.audit.checkpoints import check_checkpoints
    from hub.audit.service import verify as verify_chain
    from hub.db import transaction

    with transaction(migrated_engine()) as session:
        result = verify_chain(session)
        read, problems = check_checkpoints(session, checkpoints) if checkpoints is not None else (0, [])
    if checkpoints is not None and read == 0:
        console.print(f"[red]no checkpoint in {checkpoints}: nothing to check the log's end against[/red]")
        raise typer.Exit(2)
    broken = False
    if result.ok:
        console.print(f"audit chain intact: {result.entries} entries, head {result.head_hash}")
    else:
        broken = True
        console.print(f"[red]audit chain broken at entry {result.first_broken}[/red]")
        console.print(f"  {result.reason_zh}")
        console.print(f"  {result.reason_en}")
        console.print(f"  ({result.entries} entries before it verified)")
    for problem in problems:
        broken = True
        console.print(f"[red]checkpoint {problem.path.name}[/red]")
        console.print(f"  {problem.reason_zh}")
        console.print(f"  {problem.reason_en}")
    if checkpoints is not None and not problems:
        console.print(f"the log reaches all {read} signed checkpoints in {checkpoints}")
    if broken:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint(
    directory: Annotated[
        Path,
        typer.Option("--dir", file_okay=False, help="Where to write it: keep it apart from the database"),
    ],
) -> None:
    """Write a signed checkpoint of the chain head (entries, last seal) into DIR."""
    from hub.audit.checkpoints import write_checkpoint
    from hub.db import transaction

    with transaction(migrated_engine()) as session:
        written = write_checkpoint(session, directory)
    console.print(f"checkpoint of {written.entries} entries written to {written.path}")


@audit_app.command("public-key")
def public_key() -> None:
    """Print the public key that checkpoints are signed with (give it to whoever keeps the checkpoints)."""
    from hub.audit.keys import current_keyring

    print(current_keyring().public_key_hex())


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
    """Export the entries of a period, with their hashes so the excerpt can be checked against the chain.

    The export is itself an entry of the log (an `audit.read` by the console), after the exported ones.
    """
    from hub.audit.service import export as write_entries
    from hub.audit.service import iter_period, record_export
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
    with (
        transaction(migrated_engine(), write=True) as session,
        file.open("w", encoding="utf-8", newline="") as out,
    ):
        count = write_entries(iter_period(session, first, last), out, fmt=chosen)
        record_export(session, None, start=first, end=last, fmt=chosen, count=count)
    console.print(f"{count} entries from {start.date()} to {end.date()} written to {file}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
