from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    @app.command("eval-dedup")
    def eval_dedup(
        file: Annotated[
            Path,
            typer.Argument(
                exists=True,
                help="A dev set in dedup-devset.yaml format, or a directory: every *.yaml in it, per file and in total",
            ),
        ],
        verbose: Annotated[bool, typer.Option(help="Show each step's outcome too")] = False,
    ) -> None:
        """Replay a dev set of forms through the REST flow on a fresh database and print P/R/F1."""
        import warnings

        warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
        from dedup.devset import combine, devset_files
        from hub.evaluation.service import replay

        console = Console()
        files = devset_files(file)
        if not files:
            raise typer.BadParameter(f"{file} 中没有 *.yaml 文件 / no *.yaml file in {file}")
        results = []
        for path in files:
            with console.status(f"replaying {path.name} through the REST API …"):
                results.append((path.name, replay(path)))
            if verbose:
                for line in results[-1][1].trace:
                    console.print(f"  {line}")
            if file.is_dir():
                console.print(f"{path.name}: {results[-1][1].summary()}")
        score = combine([(name, r.score) for name, r in results]) if file.is_dir() else results[0][1].score
        console.print(score.summary())
        for mistake in score.mistakes:
            console.print(f"  [red]✗[/red] {mistake}")
        if not score.mistakes:
            console.print("  no mistakes")
