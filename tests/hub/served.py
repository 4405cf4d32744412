"""Running the `hub` command in a process of its own, as an operator does, for tests that need a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from hub.databases import drop_database, ensure_database


def hub_command(*args: str) -> list[str]:
    """The argv of `hub ARGS…` with this interpreter (the test's venv, whatever is on PATH)."""
    return [sys.executable, "-c", "from hub.cli import app; app()", *args]


def hub_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a `hub` process on database `url`, with the suite's secrets, no scheduler."""
    from tests.conftest import ADMIN_TOKEN, SECRET

    # The checkout under test first: the venv's editable install may point at another worktree.
    checkout = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join(p for p in (checkout, os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "HUB_DATABASE_URL": url, "HUB_SECRET_KEY": SECRET, "HUB_ADMIN_TOKEN": ADMIN_TOKEN,
            "HUB_SCHEDULER_ENABLED": "false", "HUB_ENV": "test", **extra}  # fmt: skip


@contextmanager
def database_of_its_own(tmp_path: Path, prefix: str) -> Iterator[str]:
    """A fresh database of the suite's kind: a PostgreSQL database of its own (dropped after) when the
    suite runs on PostgreSQL, else a SQLite file in tmp_path. Its data are committed, unlike the
    suite's rolled-back session, so other processes see them."""
    suite = os.environ.get("HUB_TEST_DATABASE_URL", "")
    if not suite.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'hub.db'}"
        return
    url = (
        make_url(suite).set(database=f"{prefix}_{uuid.uuid4().hex[:8]}").render_as_string(hide_password=False)
    )
    ensure_database(url)
    try:
        yield url
    finally:
        drop_database(url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(*args: str, cwd: Path, env: dict[str, str], start_seconds: float = 90) -> Iterator[str]:
    """`hub serve ARGS… --host 127.0.0.1 --port <free>` in a process of its own, its output in
    cwd/serve.log; yields its base URL once /health answers, and stops it after."""
    with served_process(*args, cwd=cwd, env=env, start_seconds=start_seconds) as (url, _):
        yield url


@contextmanager
def served_process(
    *args: str, cwd: Path, env: dict[str, str], start_seconds: float = 90
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As `serving`, yielding the process too, for tests that kill it."""
    port = free_port()
    log_path = cwd / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            hub_command("serve", "--host", "127.0.0.1", "--port", str(port), *args),
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_seconds
            while not _answers(f"{url}/health"):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"hub serve did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
            yield url, server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
