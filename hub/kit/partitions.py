"""Monthly partitions of the record history on PostgreSQL.

The first migration creates `record_history` partitioned by `recorded_at` with a DEFAULT partition that
catches every row. Partitions for this month and the next few are created ahead of time (at every
migration and by a daily job), so rows land in their month: old months can then be detached, archived
or moved to cheaper storage whole, and reads of a period touch only its months.

A month whose rows already went to the DEFAULT partition (a hub that ran before its partition existed)
is left there: attaching it would move those rows under an exclusive lock. The next month gets its own.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text

TABLE = "record_history"


def _first_of_month(day: date, months_later: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month.year:04d}_{month.month:02d}"


def existing_partitions(connection: Connection) -> set[str]:
    rows = connection.execute(
        text(
            "SELECT child.relname FROM pg_inherits JOIN pg_class parent ON parent.oid = inhparent "
            "JOIN pg_class child ON child.oid = inhrelid WHERE parent.relname = :table"
        ),
        {"table": TABLE},
    )
    return {name for (name,) in rows}


def ensure_history_partitions(connection: Connection, today: date, *, months_ahead: int = 3) -> list[str]:
    """Create the monthly partitions from `today`'s month to `months_ahead` months later; returns those
    created. Does nothing on SQLite (no partitions there)."""
    if connection.dialect.name != "postgresql":
        return []
    existing = existing_partitions(connection)
    created = []
    for ahead in range(months_ahead + 1):
        start, end = _first_of_month(today, ahead), _first_of_month(today, ahead + 1)
        name = partition_name(start)
        if name in existing:
            continue
        # Month bounds in UTC, as recorded_at is stored.
        bounds = {"start": f"{start.isoformat()} 00:00:00+00", "end": f"{end.isoformat()} 00:00:00+00"}
        held = connection.execute(
            text(
                f"SELECT EXISTS (SELECT 1 FROM {TABLE}_default "
                "WHERE recorded_at >= CAST(:start AS timestamptz) AND recorded_at < CAST(:end AS timestamptz))"
            ),
            bounds,
        ).scalar()
        if held:
            continue
        connection.execute(
            text(
                f"CREATE TABLE {name} PARTITION OF {TABLE} "
                f"FOR VALUES FROM ('{bounds['start']}') TO ('{bounds['end']}')"
            )
        )
        created.append(name)
    return created
