from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

import hub.models  # noqa: F401
from hub.db import Base

# Built by raw DDL per dialect (partitioned on PostgreSQL, monthly partitions added by date), so the model
# describes it only loosely.
HAND_BUILT = {"record_history", "record_history_default"}


def hand_built(name: str | None) -> bool:
    return name in HAND_BUILT or (name or "").startswith("record_history_")


def _diffs(engine: Engine) -> list[object]:
    def include(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
        table = getattr(obj, "table", obj)
        return not (type_ == "table" and hand_built(name)) and not hand_built(getattr(table, "name", None))

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include, "compare_type": False}
        )
        return compare_metadata(context, Base.metadata)


def test_migrations_build_exactly_the_tables_the_code_declares(engine: Engine) -> None:
    """Adding an element to the standard (a column) or a model without a migration fails here."""
    assert _diffs(engine) == []


def test_history_is_partitioned_by_time_on_postgresql(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert "record_history" in tables
    if engine.dialect.name == "postgresql":
        assert "record_history_default" in tables
