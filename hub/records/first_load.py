"""The first load of an empty table on PostgreSQL: indexes and foreign keys built once, after the rows.

Maintaining a table's indexes and checking its foreign key row by row is most of what a bulk COPY into
it costs (the key indexes take each row in turn; the check against `schools` is a trigger per row).
A table that holds no row yet has nothing those structures protect until the load ends, so the load
drops them first and builds them at its end, in the same transaction: one sort per index and one
set-based check of the foreign key, as pg_restore loads a dump. A province's first import of a million
teachers is that case.

Why it stays safe:
- The table is locked (ACCESS EXCLUSIVE) before it is found empty, and the lock is held until the load
  commits: no other writer can add a row the dropped indexes would have refused, and a reader waits
  for the load instead of seeing a table without its indexes.
- Every definition is read from the catalogue before it is dropped and re-created from that text, so
  what comes back is exactly what was there (names included).
- The re-creation runs before commit. A duplicate key or a school that is gone makes it fail, and the
  whole load is rolled back with the table, its indexes and its constraints as they were: the file's
  rows are refused together, never half stored. (The import refuses a repeated record of the file row
  by row before this point, so that is a safeguard, not the way errors are reported.)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

# Below this many rows in the first chunk the load is too small for the rebuild to pay, and an
# exclusive lock on the table for it is not worth taking.
FIRST_LOAD_ROWS = 10_000


@dataclass(frozen=True)
class Deferred:
    """What was dropped from a table, in the order it is re-created."""

    table: str
    constraints: tuple[tuple[str, str], ...]  # (name, definition), primary key and unique first
    indexes: tuple[str, ...]  # CREATE INDEX statements of the indexes no constraint owns
    foreign_keys: tuple[tuple[str, str], ...]


def defer_if_empty(session: Session, table: str, *, rows: int) -> Deferred | None:
    """On PostgreSQL, when `table` holds no row and `rows` are about to be loaded: lock it, drop its
    indexes and constraints, and say what to build again (`restore`). None when nothing was dropped."""
    if rows < FIRST_LOAD_ROWS or session.get_bind().dialect.name != "postgresql":
        return None
    # Asked without a lock first: a table already in use is never locked for this.
    if session.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar_one():
        return None
    session.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
    if session.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table})")).scalar_one():
        return None  # filled by another load in between; the lock goes with this transaction
    if session.execute(
        text("SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = CAST(:t AS regclass))"),
        {"t": table},
    ).scalar_one():
        return None  # another table refers to this one: its keys must stay
    constraints = session.execute(
        text(
            "SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = CAST(:t AS regclass) AND contype IN ('p', 'u', 'f') "
            "ORDER BY contype = 'f', contype <> 'p', conname"
        ),
        {"t": table},
    ).all()
    indexes = session.execute(
        text(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = CAST(:t AS regclass) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid "
            "AND c.conrelid = x.indrelid) ORDER BY i.relname"
        ),
        {"t": table},
    ).all()
    deferred = Deferred(
        table=table,
        constraints=tuple((name, definition) for name, definition, kind in constraints if kind != "f"),
        indexes=tuple(definition for _, definition in indexes),
        foreign_keys=tuple((name, definition) for name, definition, kind in constraints if kind == "f"),
    )
    for name, _ in deferred.foreign_keys:
        session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        session.execute(text(f'DROP INDEX "{name}"'))
    for name, _ in deferred.constraints:
        session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    return deferred


def restore(session: Session, deferred: Deferred | None) -> None:
    """Build again what `defer_if_empty` dropped, from the catalogue's own definitions."""
    if deferred is None:
        return
    table = deferred.table
    # The sorts of the index builds fit in memory instead of spilling to disk (this transaction only).
    session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for name, definition in deferred.constraints:
        session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    for definition in deferred.indexes:
        session.execute(text(definition))
    for name, definition in deferred.foreign_keys:
        session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
