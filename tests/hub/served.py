"""Running the `hub` command in a process of its own, as an operator does, for tests that need a real server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def hub_command(*args: str) -> list[str]:
    """The argv of `hub ARGS…` with this interpreter (the test's venv, whatever is on PATH)."""
    return [sys.executable, "-c", "from hub.cli import app; app()", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(*args: str, cwd: Path, env: dict[str, str], start_seconds: float = 90) -> Iterator[str]:
    """`hub serve ARGS… --host 127.0.0.1 --port <free>` in a process of its own, its output in
    cwd/serve.log; yields its base URL once /health answers, and stops it after."""
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
            yield url
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
