"""Print op.create_table() code for the entity tables from the bundled standard.

Used once per standard change to write a frozen migration (a migration must not read the live standard,
or an old database would silently miss columns); tests/hub/test_migrations.py fails when they drift.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.schema import CreateTable  # noqa: F401

import schemas
from hub.records.models import build_entity_tables


def render_type(column) -> str:  # type: ignore[no-untyped-def]
    t = column.type
    name = type(t).__name__
    if name == "String":
        return f"sa.String({t.length})"
    if name == "Numeric":
        return f"sa.Numeric({t.precision}, {t.scale})"
    if name == "UTCDateTime":
        return "UTCDateTime()"
    if name == "JSON":
        return "JSONType"
    return f"sa.{name}()"


def main() -> None:
    tables = build_entity_tables(MetaData(), schemas.load_standard())
    for entity in ("school", "teacher"):
        table = tables[entity]
        print(f"    op.create_table(\n        {table.name!r},")
        for column in table.columns:
            args = [repr(column.name), render_type(column)]
            if column.foreign_keys:
                fk = next(iter(column.foreign_keys))
                args.append(
                    f"sa.ForeignKey({fk.target_fullname!r}, name='fk_{table.name}_{column.name}_{fk.column.table.name}')"
                )
            if column.primary_key:
                args.append("primary_key=True")
            else:
                args.append(f"nullable={column.nullable}")
            print(f"        sa.Column({', '.join(args)}),")
        print("    )")


if __name__ == "__main__":
    main()
