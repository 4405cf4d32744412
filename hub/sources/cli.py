"""`hub sources list|add|run|runs|remove|suggest-mapping` (the scheduler that runs them is `hub scheduler`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Column, Table

from hub.console import console, migrated_engine

if TYPE_CHECKING:
    from hub.sources.payloads import SourceIn

sources_app = typer.Typer(
    help="Sources that fill the store by themselves: drop folders, HTTP feeds, databases."
)

_STATUS_STYLE = {"succeeded": "green", "failed": "red"}


def register(app: typer.Typer) -> None:
    app.add_typer(sources_app, name="sources", no_args_is_help=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[red]{message}[/red]")
    return typer.Exit(code)


# --- reading source configs ---------------------------------------------------------------------


def load_configs(file: Path) -> list[SourceIn]:
    """Source configs from YAML: one mapping, a list of them, or a list under `sources:`.

    A relative folder `path` is taken relative to the YAML file, so a config can sit beside its folder.
    """
    import yaml
    from pydantic import ValidationError

    from hub.sources.payloads import SourceIn

    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(f"无法读取 {file} / cannot read {file}: {exc}", 2) from exc
    if isinstance(document, dict) and "sources" in document and "name" not in document:
        document = document["sources"]
    items = document if isinstance(document, list) else [document]
    configs: list[SourceIn] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise _fail(f"{file}: 第 {position} 项不是数据源配置 / item {position} is not a source config", 2)
        if item.get("kind") == "folder" and isinstance(item.get("settings"), dict):
            path = item["settings"].get("path")
            if isinstance(path, str) and "${" not in path and not Path(path).expanduser().is_absolute():
                item["settings"]["path"] = str((file.parent / path).resolve())
        try:
            configs.append(SourceIn.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise _fail(
                f"{file}: 第 {position} 个数据源配置有误 / source {position} is invalid: {problems}", 2
            ) from exc
    return configs


# --- commands -----------------------------------------------------------------------------------


@sources_app.command("list")
def list_sources(
    failing: Annotated[bool, typer.Option("--failing", help="Only sources marked failing")] = False,
) -> None:
    """List sources: kind, entity, schedule, last run and whether they keep failing."""
    from hub.db import transaction
    from hub.sources.service import list_sources as listed

    with transaction(migrated_engine()) as session:
        sources = listed(session, failing=True if failing else None)
    table = Table(
        Column("name", no_wrap=True),
        Column("reads", no_wrap=True),
        Column("schedule", overflow="fold"),
        Column("last run", overflow="fold"),
        Column("failures", no_wrap=True),
    )
    for source in sources:
        schedule = source.schedule
        when = (schedule.cron or f"every {schedule.interval_seconds}s") if schedule else "on demand"
        if not source.enabled:
            when = f"[yellow]disabled[/yellow] ({when})"
        status = source.last_run_status
        last = (
            f"[{_STATUS_STYLE.get(status, 'white')}]{status}[/] {source.last_run_at:%Y-%m-%d %H:%M}"
            if status and source.last_run_at
            else "-"
        )
        failures = f"{source.consecutive_failures}/{source.failure_threshold}"
        table.add_row(
            source.name,
            f"{source.kind} → {source.entity}",
            when,
            last,
            f"[red]{failures} failing[/red]" if source.failing else failures,
        )
    console.print(table if sources else "no sources yet: add one with `hub sources add --file source.yaml`")


@sources_app.command("add")
def add(
    file: Annotated[
        Path, typer.Option("--file", "-f", exists=True, dir_okay=False, help="YAML source config")
    ],
    replace: Annotated[
        bool, typer.Option(help="Update sources that already exist instead of refusing")
    ] = False,
) -> None:
    """Add the sources described in a YAML file (see the README for the format)."""
    from hub.db import transaction
    from hub.errors import HubError
    from hub.sources.repository import SourceRepository
    from hub.sources.service import create_source, replace_source

    configs = load_configs(file)
    try:
        with transaction(migrated_engine(), write=True) as session:
            for config in configs:
                exists = SourceRepository(session).get(config.name) is not None
                if exists and replace:
                    replace_source(session, config)
                    verb = "updated"
                else:
                    create_source(session, config, principal_id=None, actor=None)
                    verb = "added"
                console.print(f"{verb} source [bold]{config.name}[/bold] ({config.kind}, {config.entity})")
    except HubError as exc:
        raise _fail(exc.message) from exc


@sources_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="Source name")]) -> None:
    """Delete a source config and its run history (stored rows keep their provenance)."""
    from hub.db import transaction
    from hub.errors import HubError
    from hub.sources.service import delete_source

    try:
        with transaction(migrated_engine(), write=True) as session:
            delete_source(session, name, actor=None)
    except HubError as exc:
        raise _fail(exc.message) from exc
    console.print(f"removed source {name}")


@sources_app.command("run")
def run(name: Annotated[str, typer.Argument(help="Source name")]) -> None:
    """Run one source now through the validated import path; exit status 1 if the run failed."""
    from hub.config import get_settings
    from hub.db import transaction
    from hub.errors import HubError
    from hub.sources.service import run_source

    engine = migrated_engine()
    try:
        with console.status(f"running {name} …"), transaction(engine, write=True) as session:
            result = run_source(session, get_settings(), name, trigger="manual", actor=None)
    except HubError as exc:
        raise _fail(exc.message) from exc
    style = _STATUS_STYLE[result.status]
    seconds = (result.finished_at - result.started_at).total_seconds() if result.finished_at else 0.0
    console.print(
        f"run {result.id} [{style}]{result.status}[/] in {seconds:.1f}s: {result.rows_read} read, "
        f"{result.accepted} accepted ({result.inserted} new, {result.updated} changed, {result.unchanged} unchanged), "
        f"{result.rejected} rejected"
    )
    if result.high_water_mark:
        console.print(f"high-water mark: {result.high_water_mark_from or '-'} → {result.high_water_mark}")
    for entry in result.files:
        problem = f" [red]{entry['error']}[/red]" if entry.get("error") else ""
        console.print(
            f"  file {entry['name']}: {entry.get('rows_read', 0)} read, {entry.get('accepted', 0)} accepted{problem}"
        )
    for notice in result.notices[:20]:
        console.print(f"  [yellow]{notice}[/yellow]")
    for rejection in result.rejections[:20]:
        where = f"{rejection['file']} " if rejection.get("file") else ""
        console.print(
            f"  {where}row {rejection['row']} · {rejection['field']} · {rejection['value']!r}: "
            f"{rejection['reason']} / {rejection['reason_en']}"
        )
    if len(result.rejections) > 20:
        console.print(
            f"  … and {len(result.rejections) - 20} more (GET /api/v1/sources/{name}/runs/{result.id})"
        )
    if result.status == "failed":
        raise _fail(result.error or "failed")


@sources_app.command("runs")
def runs(
    name: Annotated[str, typer.Argument(help="Source name")],
    limit: Annotated[int, typer.Option(help="How many, newest first")] = 20,
) -> None:
    """A source's run history."""
    from hub.db import transaction
    from hub.errors import HubError
    from hub.sources.service import list_runs

    table = Table(
        Column("run", no_wrap=True),
        Column("started", overflow="fold"),
        Column("status", no_wrap=True),
        Column("rows: read / accepted / rejected / unchanged", overflow="fold"),
        Column("error", overflow="fold"),
    )
    try:
        with transaction(migrated_engine()) as session:
            for item in list_runs(session, name, limit=limit):
                seconds = (item.finished_at - item.started_at).total_seconds() if item.finished_at else 0.0
                table.add_row(
                    f"{item.id} ({item.trigger})",
                    f"{item.started_at:%Y-%m-%d %H:%M:%S} ({seconds:.1f}s)",
                    f"[{_STATUS_STYLE.get(item.status, 'white')}]{item.status}[/]",
                    f"{item.rows_read} / {item.accepted} / {item.rejected} / {item.unchanged}",
                    (item.error or "")[:300],
                )
    except HubError as exc:
        raise _fail(exc.message) from exc
    console.print(table)


@sources_app.command("suggest-mapping")
def suggest_mapping(
    name: Annotated[str | None, typer.Argument(help="A stored source's name")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", exists=True, dir_okay=False, help="A YAML source config, or a CSV/XLSX file"
        ),
    ] = None,
    entity: Annotated[str, typer.Option(help="teacher or school (for a CSV/XLSX file)")] = "teacher",
) -> None:
    """Read a source's columns and propose a mapping to elements, with the matcher's confidence."""
    from hub.config import get_settings
    from hub.db import transaction
    from hub.errors import HubError
    from hub.requests.service import matcher_for
    from hub.sources.service import get_source, propose_mapping, sample_frame

    if (name is None) == (file is None):
        raise _fail("给出数据源名称或 --file 之一 / give a source NAME or --file, one of them", 2)
    try:
        with transaction(migrated_engine()) as session:
            if name is not None:
                source = get_source(session, name)
                kind, settings, source_entity, mapping = (
                    source.kind,
                    source.settings,
                    source.entity,
                    source.mapping,
                )
            else:
                assert file is not None
                kind, settings, source_entity, mapping = _file_source(file, entity)
            with console.status("reading the source's columns …"):
                frame = sample_frame(kind, settings)
            proposals = propose_mapping(matcher_for(session), source_entity, frame, existing=mapping)
    except HubError as exc:
        raise _fail(exc.message) from exc
    except Exception as exc:  # the source could not be read: say why, as a run would
        from hub.sources.service import describe_failure

        raise _fail(describe_failure(exc)) from exc
    _print_proposals(proposals, threshold=get_settings().dedup_threshold)


def _file_source(file: Path, entity: str) -> tuple[str, dict[str, Any], str, dict[str, str | None]]:
    if file.suffix.lower() in (".yaml", ".yml"):
        config = load_configs(file)[0]
        return config.kind, config.settings, config.entity, config.mapping
    if entity not in ("teacher", "school"):
        raise _fail("--entity 须为 teacher 或 school / --entity must be teacher or school", 2)
    return "file", {"path": str(file)}, entity, {}


def _print_proposals(proposals: list[Any], *, threshold: float) -> None:
    table = Table("column", "samples", "element", "label", "confidence", "how", title="proposed mapping")
    lines = ["mapping:"]
    for proposal in proposals:
        confidence = proposal.confidence
        style = "green" if confidence >= threshold else "yellow" if confidence >= threshold * 0.6 else "red"
        table.add_row(
            proposal.column,
            ", ".join(_masked(sample) if proposal.sensitive else sample for sample in proposal.samples[:3]),
            proposal.element or "-",
            proposal.label or "",
            f"[{style}]{confidence:.2f}[/]" if proposal.element else "[red]-[/]",
            proposal.how
            if not proposal.taken_by
            else f"{proposal.taken_by!r} matches it better; {proposal.how}",
        )
        key = _yaml_key(proposal.column)
        if proposal.taken_by:
            lines.append(f"  # {key}: {proposal.element}   # {proposal.taken_by!r} matches it better")
        elif proposal.element and confidence >= threshold:
            lines.append(f"  {key}: {proposal.element}")
        elif proposal.element:
            lines.append(f"  # {key}: {proposal.element}   # check: confidence {confidence:.2f}")
        elif proposal.derived:
            lines.append(f"  {key}: ~   # {proposal.derived} is derived: the hub computes it")
        else:
            lines.append(f"  # {key}: ~   # no element matches; map it by hand or leave it out")
    console.print(table)
    console.print("\n".join(lines), markup=False, highlight=False)


def _masked(value: str) -> str:
    return value if len(value) < 8 else f"{value[:3]}****{value[-2:]}"


def _yaml_key(column: str) -> str:
    import yaml

    return yaml.safe_dump(column, allow_unicode=True).removesuffix("\n...\n").strip()


@sources_app.callback()
def _sources() -> None:
    """Sources: configs stored in the hub, run on a schedule by `hub scheduler` or now by `hub sources run`."""
