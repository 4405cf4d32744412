"""Upgrading a hub whose webhook secrets were kept in clear: each is sealed under the settings' key
(bound to its department), the clear column goes, and the hub still signs with the same secret."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from hub.config import get_settings
from hub.db import make_engine
from hub.migrate import alembic_config
from hub.notices import sealing

CLEAR = "a-shared-secret-of-the-department"


def test_clear_secrets_are_sealed_by_the_upgrade_and_open_again_by_a_downgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0027_selfcheck_submissions")
        connection.execute(
            text(
                "INSERT INTO principals (id, kind, name, code, token_digest, active, created_at) VALUES"
                " (7, 'department', '市红十字会', 'redcross', 'x', 1, '2026-11-01 08:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO webhooks (principal_id, url, secret, active, created_at, updated_at) VALUES"
                " (7, 'https://redcross.example.org/hook', :secret, 1, '2026-11-01 08:00:00', '2026-11-01 08:00:00')"
            ),
            {"secret": CLEAR},
        )
        command.upgrade(config, "head")
        columns = {c["name"] for c in inspect(connection).get_columns("webhooks")}
        assert "secret" not in columns and "secret_sealed" in columns
        (sealed,) = connection.execute(text("SELECT secret_sealed FROM webhooks")).scalars().all()
        assert CLEAR not in sealed and sealed.startswith("v1:")
        key = get_settings().secret_key.get_secret_value()
        assert sealing.unseal(key, 7, sealed) == CLEAR

        command.downgrade(config, "0027_selfcheck_submissions")
        assert connection.execute(text("SELECT secret FROM webhooks")).scalar_one() == CLEAR
    engine.dispose()
