"""`hub serve --workers N`: several server processes on PostgreSQL; refused on SQLite, which serves one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from hub.kit.databases import drop_database, ensure_database


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from hub.cli import app; app()", *args]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "HUB_DATABASE_URL": url, "HUB_SECRET_KEY": "serve-test-secret-0123456789abcdef",
            "HUB_SCHEDULER_ENABLED": "false", "HUB_ENV": "test"}  # fmt: skip


def test_several_workers_on_sqlite_are_refused_with_the_reason(tmp_path: Path) -> None:
    done = subprocess.run(
        _cli("serve", "--workers", "2", "--port", str(_free_port())),
        cwd=tmp_path, env=_env(f"sqlite:///{tmp_path / 'hub.db'}"), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "PostgreSQL" in done.stdout


def test_two_workers_on_postgresql_both_serve(tmp_path: Path) -> None:
    suite = os.environ.get("HUB_TEST_DATABASE_URL", "")
    if not suite.startswith("postgresql"):
        pytest.skip("several workers need PostgreSQL; the suite runs on SQLite")
    url = (
        make_url(suite)
        .set(database=f"test_serve_{uuid.uuid4().hex[:8]}")
        .render_as_string(hide_password=False)
    )
    ensure_database(url)
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        _cli("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
        cwd=tmp_path, env=_env(url), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        pids: set[str] = set()
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        served = [httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code for _ in range(20)]
        assert served == [200] * 20
        text = (tmp_path / "serve.log").read_text()
        pids = {
            line.split("[", 1)[1].split("]", 1)[0]
            for line in text.splitlines()
            if "Started server process" in line
        }
        assert len(pids) == 2, text
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        drop_database(url)
