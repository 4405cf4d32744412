from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    @app.command("eval-dedup")
    def eval_dedup(
        file: Annotated[
            Path, typer.Argument(exists=True, dir_okay=False, help="A dev set in dedup-devset.yaml format")
        ],
        verbose: Annotated[bool, typer.Option(help="Show each step's outcome too")] = False,
    ) -> None:
        """Replay a dev set of forms through the REST flow on a fresh database and print P/R/F1."""
        import warnings

        warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
        from hub.evaluation.service import replay

        console = Console()
        with console.status("replaying the dev set through the REST API …"):
            result = replay(file)
        if verbose:
            for line in result.trace:
                console.print(f"  {line}")
        console.print(result.summary())
        for mistake in result.mistakes:
            console.print(f"  [red]✗[/red] {mistake}")
        if not result.mistakes:
            console.print("  no mistakes")
