"""The `hub` command: serve, scheduler, demo, import, migrate; the domains add audit, sources, eval-dedup."""

from __future__ import annotations

import contextlib
import csv
import sys
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.progress import Progress

from hub.audit import cli as audit_cli
from hub.config import get_settings
from hub.console import console, migrated_engine
from hub.db import shown_url, transaction, utcnow
from hub.evaluation import cli as evaluation_cli
from hub.sources import cli as sources_cli

app = typer.Typer(
    help="Yici Hub 一次 — collect once, use many times.", no_args_is_help=True, add_completion=False
)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (HUB_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (HUB_PORT)")] = None,
    scheduler: Annotated[bool, typer.Option(help="Run the source scheduler in this process")] = True,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Server processes (HUB_WORKERS; PostgreSQL only)")
    ] = None,
) -> None:
    """Start the API, the web pages and the scheduler (migrating the database first)."""
    import uvicorn

    settings = get_settings()
    processes = workers or settings.workers
    if processes > 1 and settings.database_url.startswith("sqlite"):
        # SQLite admits one writer at a time; the queue that makes writers take turns is per process.
        console.print(
            "[red]--workers > 1 needs PostgreSQL: SQLite serves one process / 多进程需使用 PostgreSQL[/red]"
        )
        raise typer.Exit(2)
    _count_uncounted(migrated_engine())
    background = None
    if scheduler and settings.scheduler_enabled:
        from hub.scheduler import start_background_scheduler

        background = start_background_scheduler(settings)
    console.print(
        f"Yici Hub on http://{host or settings.host}:{port or settings.port}  "
        f"(database: {shown_url(settings.database_url)})"
    )
    try:
        # Each worker builds its own app (and pool) from the same settings; this process keeps the scheduler.
        uvicorn.run(
            "hub.app:create_app",
            factory=True,
            workers=processes,
            host=host or settings.host,
            port=port or settings.port,
            log_level="info",
        )
    finally:
        if background is not None:
            background.shutdown(wait=False)


@app.command()
def migrate() -> None:
    """Bring the database to the latest schema (and count the coverage of schools never counted)."""
    counted = _count_uncounted(migrated_engine())
    console.print(
        "database is at the latest schema" + (f"; counted {counted} schools' records" if counted else "")
    )


def _count_uncounted(engine: sa.Engine) -> int:
    """Not a migration: coverage counts follow the data standard, which migrations do not load. A
    database migrated from before them (or schools added since without records) is counted once here."""
    from hub.records.counts import count_uncounted
    from hub.standard.service import current_standard

    with transaction(engine, write=True) as session:
        return count_uncounted(session, current_standard(session))


@app.command("import")
def import_file(
    entity: Annotated[str, typer.Argument(help="teachers or schools")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet name (default: the first)")] = None,
    errors: Annotated[Path | None, typer.Option(help="Write rejected rows to this CSV")] = None,
    period: Annotated[
        str | None,
        typer.Option(
            help="Period of the file's periodic values (2024, 2024-2025学年); default: the current one"
        ),
    ] = None,
) -> None:
    """Import teachers or schools from a CSV (UTF-8/BOM/GBK) or XLSX file through the validated path.

    The file is read, checked and stored in chunks (memory stays flat whatever its size), all in one
    transaction: an error anywhere stores nothing. Rejected rows go to `--errors` as they are found.
    """
    from hub.errors import HubError
    from hub.records.files import entity_headers, file_sha256, open_upload
    from hub.records.service import Provenance, Rejection, ingest_chunks
    from hub.standard.service import current_standard

    if entity not in ("teachers", "schools"):
        console.print("[red]entity must be `teachers` or `schools`[/red]")
        raise typer.Exit(2)
    settings = get_settings()
    engine = migrated_engine()
    shown = 20
    with contextlib.ExitStack() as stack:
        errors_out = None
        if errors:
            from hub.kit.csvfile import BOM, text_cell

            errors_file = stack.enter_context(errors.open("w", encoding="utf-8", newline=""))
            errors_file.write(BOM)
            errors_out = csv.writer(errors_file)
            errors_out.writerow(["row", "field", "value", "原因", "reason"])

        def write_rejections(rejections: list[Rejection]) -> None:
            if errors_out is not None:
                errors_out.writerows(
                    [text_cell(v) for v in (r.row, r.field, r.value, r.reason, r.reason_en)]
                    for r in rejections
                )

        try:
            with Progress(console=console) as progress, transaction(engine, write=True) as session:
                reading = progress.add_task(f"reading {file.name}", total=None)
                sha256 = file_sha256(file)
                std = current_standard(session)
                stream = open_upload(
                    file, sheet=sheet, expected_headers=entity_headers(std, entity.removesuffix("s"))
                )
                progress.update(reading, total=1, completed=1)
                storing = progress.add_task("validating and storing rows", total=None)
                report = ingest_chunks(
                    session,
                    std=std,
                    secret_key=settings.secret_key.get_secret_value(),
                    entity=entity.removesuffix("s"),
                    headers=stream.headers,
                    chunks=stream.chunks(),
                    provenance=Provenance(source_kind="import", source_ref=str(file), file_sha256=sha256),
                    now=utcnow(),
                    on_progress=lambda done: progress.update(storing, completed=done),
                    on_rejections=write_rejections,
                    keep_rejections=shown,
                    blank_columns=lambda: stream.blank_columns,
                    period=period,
                )
                progress.update(storing, total=report.rows_read, completed=report.rows_read)
        except HubError as exc:
            console.print(f"[red]{exc.message}[/red]")
            if errors:
                stack.close()
                errors.unlink(missing_ok=True)
            raise typer.Exit(1) from exc
    if errors and not report.rejected_cells:
        errors.unlink(missing_ok=True)
    console.print(
        f"read {report.rows_read} rows: {report.accepted} accepted ({report.inserted} new, {report.updated} changed, "
        f"{report.moved} moved between schools, {report.unchanged} unchanged), {report.rejected_rows} rejected"
    )
    if report.periods:
        console.print("periods: " + ", ".join(f"{name} {key}" for name, key in report.periods.items()))
    if report.ignored_columns:
        console.print(
            f"[yellow]a past period's file: not written (today's values kept): {', '.join(report.ignored_columns)}[/yellow]"
        )
    if report.unknown_columns:
        console.print(f"[yellow]unknown columns (ignored): {', '.join(report.unknown_columns)}[/yellow]")
    for r in report.rejected[:shown]:
        console.print(f"  row {r.row} · {r.field} · {r.value!r}: {r.reason} / {r.reason_en}")
    if report.rejected_cells > shown:
        console.print(f"  … and {report.rejected_cells - shown} more")
    if errors and report.rejected_cells:
        console.print(f"rejected rows written to {errors}")


@app.command()
def demo(
    schools: Annotated[int, typer.Option(help="How many schools")] = 320,
    teachers: Annotated[int, typer.Option(help="How many teachers")] = 10500,
    seed: Annotated[int, typer.Option(help="Random seed")] = 2026,
    host: Annotated[
        str | None, typer.Option(help="The host `hub serve` will listen on, for the printed links")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="The port `hub serve` will listen on, for the printed links")
    ] = None,
    province: Annotated[
        bool,
        typer.Option(
            "--province",
            help="A province instead: four cities, twenty counties, bureaus at every level "
            "(default 400 schools, 12,000 teachers)",
        ),
    ] = False,
) -> None:
    """Load a synthetic city (or, with --province, a province) through the real import path and create
    one principal per role (per level)."""
    from hub.demo.loader import load_demo

    settings = get_settings()
    engine = migrated_engine()
    if province:
        from hub.demo.province import load_province

        load_province(
            engine,
            settings,
            schools=schools if schools != 320 else 400,
            teachers=teachers if teachers != 10500 else 12000,
            seed=seed,
            console=console,
            host=host,
            port=port,
        )
        return
    load_demo(
        engine, settings, schools=schools, teachers=teachers, seed=seed, console=console, host=host, port=port
    )


@app.command("scheduler")
def scheduler(
    sync_seconds: Annotated[int, typer.Option(help="How often to pick up changed source configs")] = 60,
) -> None:
    """Run the one scheduler process: source jobs and the hub's own, persisted in the hub database."""
    import logging

    from hub.scheduler import SYNC_SECONDS, run_blocking_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    migrated_engine()  # migrate first: the job store's table comes with the migrations
    console.print(
        f"scheduler on {shown_url(settings.database_url)}; syncing with source configs every {sync_seconds}s"
    )
    run_blocking_scheduler(settings, sync_seconds=sync_seconds or SYNC_SECONDS)


# The domains' own commands (`hub audit …`, `hub sources …`, `hub eval-dedup`), listed here and nowhere else.
DOMAIN_COMMANDS = (audit_cli, evaluation_cli, sources_cli)
for _domain_cli in DOMAIN_COMMANDS:
    _domain_cli.register(app)


def main() -> None:  # pragma: no cover - console entry point
    sys.exit(app())
