"""docker-compose.yml and the Dockerfile: the services the design names, and commands the CLI really has."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
import yaml

from hub.cli import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def parse_cli(argv: list[str]) -> dict[str, Any]:
    """Parse a command line against the real `hub` CLI (without running it); a usage error fails the test."""
    assert argv[0] == "hub", argv
    group: Any = typer.main.get_command(app)
    context = group.make_context("hub", list(argv[1:]))
    name, command, rest = group.resolve_command(context, [*context._protected_args, *context.args])
    assert command is not None and name is not None
    params: dict[str, Any] = command.make_context(name, rest, parent=context).params
    return {"command": name, **params}


def exec_form(instruction: str) -> list[str]:
    value = instruction.strip()
    if value.startswith("["):
        parsed: list[str] = json.loads(value)
        return parsed
    return shlex.split(value)


def test_compose_runs_postgres_with_a_health_check_and_a_volume(compose: dict[str, Any]) -> None:
    db = compose["services"]["db"]
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    [volume] = db["volumes"]
    name, _, target = volume.partition(":")
    assert target == "/var/lib/postgresql/data" and name in compose["volumes"]


def test_compose_runs_the_api_without_a_scheduler_once_the_database_is_healthy(
    compose: dict[str, Any],
) -> None:
    api = compose["services"]["api"]
    assert parse_cli(api["command"]) == {
        "command": "serve",
        "host": "0.0.0.0",
        "port": 8000,
        "scheduler": False,
        "workers": None,  # one process unless HUB_WORKERS says otherwise
    }
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    environment = api["environment"]
    assert environment["HUB_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@db:5432/" in environment["HUB_DATABASE_URL"]
    for secret in ("HUB_SECRET_KEY", "HUB_ADMIN_TOKEN"):
        # Taken from the environment, and compose refuses to start without it (no default secret).
        assert re.fullmatch(rf"\$\{{{secret}:\?.+\}}", environment[secret]), environment[secret]
    assert environment["HUB_ENV"] == "production"
    assert any(port.endswith(":8000") for port in api["ports"])


def test_compose_runs_one_scheduler_process_after_the_api_migrated(compose: dict[str, Any]) -> None:
    scheduler = compose["services"]["scheduler"]
    assert parse_cli(scheduler["command"])["command"] == "scheduler"
    assert scheduler["depends_on"]["api"]["condition"] == "service_healthy"
    assert (
        scheduler["environment"]["HUB_DATABASE_URL"]
        == compose["services"]["api"]["environment"]["HUB_DATABASE_URL"]
    )
    assert "deploy" not in scheduler or scheduler["deploy"].get("replicas", 1) == 1
    assert scheduler["healthcheck"] == {"disable": True}  # the image's check probes an API it does not serve
    # Folder sources read the same drop folders wherever they run (scheduled, or "run now" through the API).
    assert scheduler["volumes"] == compose["services"]["api"]["volumes"]


def test_the_image_installs_the_project_and_serves_as_a_non_root_user(
    dockerfile: list[tuple[str, str]],
) -> None:
    keywords = [keyword for keyword, _ in dockerfile]
    assert dockerfile[0] == ("FROM", "python:3.11-slim")
    assert any(keyword == "RUN" and "pip install ." in rest for keyword, rest in dockerfile)
    users = [rest for keyword, rest in dockerfile if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")
    [command] = [rest for keyword, rest in dockerfile if keyword == "CMD"]
    assert parse_cli(exec_form(command))["command"] == "serve"
    assert parse_cli(exec_form(command))["host"] == "0.0.0.0"
    # The health check the compose file relies on probes the API's /health.
    [health] = [rest for keyword, rest in dockerfile if keyword == "HEALTHCHECK"]
    assert "/health" in health and ":8000" in health


def test_a_command_the_cli_lacks_is_caught() -> None:
    # typer carries its own click; its usage errors are TyperExceptions.
    with pytest.raises(typer.TyperException, match="no-such-option"):
        parse_cli(["hub", "serve", "--no-such-option"])
    with pytest.raises(typer.TyperException, match="schedule"):
        parse_cli(["hub", "schedule"])
