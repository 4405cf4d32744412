"""The benches' demo city: loaded by `hub demo`'s own loader, timed, and its tokens returned."""

from __future__ import annotations

import os
import time
from pathlib import Path

from rich.console import Console
from sqlalchemy import Engine

from hub.config import Settings
from hub.demo.loader import load_demo


def load_city(
    engine: Engine, settings: Settings, *, schools: int, teachers: int, folder: Path
) -> dict[str, str]:
    """The demo city of `schools` and `teachers` in `engine` (its demo-tokens.txt written in `folder`)."""
    started = time.perf_counter()
    previous = Path.cwd()
    os.chdir(folder)  # the loader writes demo-tokens.txt to the working directory
    try:
        tokens = load_demo(
            engine, settings, schools=schools, teachers=teachers, seed=2026, console=Console(quiet=True)
        )
    finally:
        os.chdir(previous)
    print(
        f"demo city: {schools} schools, {teachers} teachers loaded in {time.perf_counter() - started:.1f} s"
    )
    return tokens
