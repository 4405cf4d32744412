"""`hub serve --workers N`: several server processes on PostgreSQL; refused on SQLite, which serves one."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.hub.served import database_of_its_own, free_port, hub_command, hub_env, serving


def test_several_workers_on_sqlite_are_refused_with_the_reason(tmp_path: Path) -> None:
    done = subprocess.run(
        hub_command("serve", "--workers", "2", "--port", str(free_port())),
        cwd=tmp_path, env=hub_env(f"sqlite:///{tmp_path / 'hub.db'}"), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "PostgreSQL" in done.stdout


def test_two_workers_on_postgresql_both_serve(tmp_path: Path) -> None:
    if not os.environ.get("HUB_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("several workers need PostgreSQL; the suite runs on SQLite")
    with (
        database_of_its_own(tmp_path, "test_serve") as url,
        serving("--workers", "2", cwd=tmp_path, env=hub_env(url)) as served_at,
    ):
        answers = [httpx.get(f"{served_at}/health", timeout=5).status_code for _ in range(20)]
        text = (tmp_path / "serve.log").read_text()
    assert answers == [200] * 20
    pids = {
        line.split("[", 1)[1].split("]", 1)[0]
        for line in text.splitlines()
        if "Started server process" in line
    }
    assert len(pids) == 2, text


def test_the_printed_database_url_never_shows_its_password(tmp_path: Path) -> None:
    if not os.environ.get("HUB_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("a SQLite file has no password; the suite runs on SQLite")
    from sqlalchemy.engine import make_url

    with database_of_its_own(tmp_path, "test_serve") as url:
        with_password = make_url(url).set(password="TopSecret-9").render_as_string(hide_password=False)
        with serving(cwd=tmp_path, env=hub_env(with_password)) as served_at:
            assert httpx.get(f"{served_at}/health", timeout=5).status_code == 200
            text = (tmp_path / "serve.log").read_text()
    assert "TopSecret-9" not in text
    assert ":***@" in text
