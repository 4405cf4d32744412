"""`hub serve --workers N`: several server processes on PostgreSQL; refused on SQLite, which serves one."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from hub.databases import drop_database, ensure_database
from tests.hub.served import free_port, hub_command, serving


def _env(url: str) -> dict[str, str]:
    return {**os.environ, "HUB_DATABASE_URL": url, "HUB_SECRET_KEY": "serve-test-secret-0123456789abcdef",
            "HUB_SCHEDULER_ENABLED": "false", "HUB_ENV": "test"}  # fmt: skip


def test_several_workers_on_sqlite_are_refused_with_the_reason(tmp_path: Path) -> None:
    done = subprocess.run(
        hub_command("serve", "--workers", "2", "--port", str(free_port())),
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
    try:
        with serving("--workers", "2", cwd=tmp_path, env=_env(url)) as served_at:
            answers = [httpx.get(f"{served_at}/health", timeout=5).status_code for _ in range(20)]
            text = (tmp_path / "serve.log").read_text()
    finally:
        drop_database(url)
    assert answers == [200] * 20
    pids = {
        line.split("[", 1)[1].split("]", 1)[0]
        for line in text.splitlines()
        if "Started server process" in line
    }
    assert len(pids) == 2, text
