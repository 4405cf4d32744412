"""Set-based writes into the wide tables: stage the batch, record what changes, then upsert.

PostgreSQL: COPY into a temporary staging table, then INSERT … SELECT … ON CONFLICT DO UPDATE.
SQLite: executemany into the staging table, then the same SQL. An empty cell never erases a value
("nothing is overwritten silently"); a value that did not change writes nothing and adds no history.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Column, MetaData, Table, insert, text
from sqlalchemy.orm import Session

from hub.records.models import ENTITY_TABLES, KEY_COLUMNS


@dataclass(frozen=True, kw_only=True)
class WriteCounts:
    inserted: int
    updated: int
    unchanged: int
    moved: int = 0


def _json_pairs(dialect: str, columns: list[str]) -> str:
    """SQL for {column: [old, new]} over the columns whose new value is set and differs."""
    if not columns:
        return "'{}'"
    chunks = [columns[i : i + 40] for i in range(0, len(columns), 40)]
    if dialect == "postgresql":
        parts = []
        for chunk in chunks:
            args = ", ".join(
                f"'{c}', CASE WHEN s.{c} IS NOT NULL AND s.{c} IS DISTINCT FROM t.{c} "
                f"THEN jsonb_build_array(t.{c}, s.{c}) END"
                for c in chunk
            )
            parts.append(f"jsonb_build_object({args})")
        return f"jsonb_strip_nulls({' || '.join(parts)})"
    # SQLite: json_patch drops keys whose value is null, which leaves only the changed columns.
    expression = "'{}'"
    for chunk in chunks:
        args = ", ".join(
            f"'{c}', CASE WHEN s.{c} IS NOT NULL AND s.{c} IS NOT t.{c} THEN json_array(t.{c}, s.{c}) END"
            for c in chunk
        )
        expression = f"json_patch({expression}, json_object({args}))"
    return expression


def _differs(dialect: str, columns: list[str], new: str, old: str) -> str:
    op = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    terms = [f"({new}.{c} IS NOT NULL AND {new}.{c} {op} {old}.{c})" for c in columns]
    return " OR ".join(terms) if terms else "FALSE"


def _extra_merge(dialect: str, old: str, new: str) -> str:
    if dialect == "postgresql":
        return f"COALESCE({old}.extra, '{{}}'::jsonb) || COALESCE({new}.extra, '{{}}'::jsonb)"
    return f"json_patch(COALESCE({old}.extra, '{{}}'), COALESCE({new}.extra, '{{}}'))"


def _extra_differs(dialect: str, old: str, new: str) -> str:
    if dialect == "postgresql":
        return f"({new}.extra IS NOT NULL AND NOT (COALESCE({old}.extra, '{{}}'::jsonb) @> {new}.extra))"
    return f"({new}.extra IS NOT NULL AND {_extra_merge(dialect, old, new)} IS NOT json(COALESCE({old}.extra, '{{}}')))"


def _python_value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _stage(session: Session, entity: str, frame: pd.DataFrame, columns: list[str]) -> str:
    table = ENTITY_TABLES[entity]
    stage_name = f"stage_{table.name}"
    connection = session.connection()
    connection.execute(text(f"DROP TABLE IF EXISTS {stage_name}"))
    stage = Table(
        stage_name,
        MetaData(),
        *[Column(c, table.c[c].type) for c in columns],
        prefixes=["TEMPORARY"],
    )
    stage.create(connection)
    dialect = connection.dialect.name
    if dialect == "postgresql":
        buffer = io.StringIO()
        out = frame[columns].copy()
        for column in columns:
            if column == "extra":
                out[column] = out[column].map(lambda v: None if v is None else _json_text(v))
            elif pd.api.types.is_datetime64_any_dtype(out[column]):
                out[column] = out[column].dt.strftime("%Y-%m-%d")
            elif pd.api.types.is_bool_dtype(out[column]) or str(out[column].dtype) == "boolean":
                out[column] = out[column].map(
                    lambda v: None if v is pd.NA or v is None else ("t" if v else "f")
                )
        out.to_csv(buffer, index=False, header=False, na_rep="")
        raw = connection.connection.dbapi_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {stage_name} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            copy.write(buffer.getvalue())
    else:
        records = [
            {c: _python_value(v) for c, v in zip(columns, row, strict=True)}
            for row in frame[columns].itertuples(index=False, name=None)
        ]
        for start in range(0, len(records), 20000):
            connection.execute(insert(stage), records[start : start + 20000])
    return stage_name


def _json_text(value: Any) -> str:
    import orjson

    return orjson.dumps(value, default=str).decode()


def upsert(
    session: Session, entity: str, frame: pd.DataFrame, *, batch_id: int, now: datetime
) -> WriteCounts:
    """Write `frame` (columns = element names incl. keys; optional `extra` dicts) into the entity table."""
    if frame.empty:
        return WriteCounts(inserted=0, updated=0, unchanged=0)
    table = ENTITY_TABLES[entity]
    keys = list(KEY_COLUMNS[entity])
    value_columns = [c for c in frame.columns if c not in keys and c != "extra" and c in table.c]
    has_extra = "extra" in frame.columns
    columns = keys + value_columns + (["extra"] if has_extra else [])
    connection = session.connection()
    dialect = connection.dialect.name
    stage = _stage(session, entity, frame, columns)
    join = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    differs = _differs(dialect, value_columns, "s", "t")
    if has_extra:
        differs = f"{differs} OR {_extra_differs(dialect, 't', 's')}"
    params = {"now": now, "batch": batch_id, "entity": entity}
    moved = 0
    if entity == "teacher":
        # A teacher who appears under another school moved: the old row goes, with its history.
        moved = connection.execute(
            text(
                f"""INSERT INTO record_history (recorded_at, entity, school_code, record_key, batch_id, changes)
                SELECT :now, :entity, t.school_code, t.teacher_key, :batch, {_moved_json(dialect)}
                FROM teachers t JOIN {stage} s ON s.teacher_key = t.teacher_key AND s.school_code <> t.school_code"""
            ),
            params,
        ).rowcount
        if moved:
            connection.execute(
                text(
                    f"DELETE FROM teachers WHERE EXISTS (SELECT 1 FROM {stage} s WHERE s.teacher_key = "
                    "teachers.teacher_key AND s.school_code <> teachers.school_code)"
                )
            )
    changes = _json_pairs(dialect, value_columns)
    if has_extra:
        extra_pair = (
            "jsonb_build_object('extra', jsonb_build_array(t.extra, s.extra))"
            if dialect == "postgresql"
            else "json_object('extra', json_array(json(t.extra), json(s.extra)))"
        )
        merge = "||" if dialect == "postgresql" else None
        changes = (
            f"({changes} {merge} CASE WHEN {_extra_differs(dialect, 't', 's')} THEN {extra_pair} ELSE '{{}}'::jsonb END)"
            if merge
            else f"json_patch({changes}, CASE WHEN {_extra_differs(dialect, 't', 's')} THEN {extra_pair} ELSE '{{}}' END)"
        )
    record_key = "s.teacher_key" if entity == "teacher" else "s.code"
    school_key = "s.school_code" if entity == "teacher" else "s.code"
    history_insert = (
        "INSERT INTO record_history (recorded_at, entity, school_code, record_key, batch_id, changes) "
        f"SELECT :now, :entity, {school_key}, {record_key}, :batch, "
    )
    # New records get a marker; changed records {element: [old, new]} for what changed only.
    inserted = connection.execute(
        text(
            f"""{history_insert} {_inserted_json(dialect)}
            FROM {stage} s WHERE NOT EXISTS (SELECT 1 FROM {table.name} t WHERE {join})"""
        ),
        params,
    ).rowcount
    updated = connection.execute(
        text(f"{history_insert} {changes} FROM {stage} s JOIN {table.name} t ON {join} WHERE {differs}"),
        params,
    ).rowcount
    set_clause = ", ".join(f"{c} = COALESCE(excluded.{c}, {table.name}.{c})" for c in value_columns)
    if has_extra:
        set_clause += f", extra = {_extra_merge(dialect, table.name, 'excluded')}"
    set_clause += ", updated_at = excluded.updated_at, batch_id = excluded.batch_id"
    insert_columns = ", ".join(columns + ["updated_at", "batch_id"])
    connection.execute(
        text(
            f"""INSERT INTO {table.name} ({insert_columns})
            SELECT {", ".join(f"s.{c}" for c in columns)}, :now, :batch FROM {stage} s WHERE TRUE
            ON CONFLICT ({", ".join(keys)}) DO UPDATE SET {set_clause}
            WHERE {_differs(dialect, value_columns, "excluded", table.name)}
            {f"OR {_extra_differs(dialect, table.name, 'excluded')}" if has_extra else ""}"""
        ),
        params,
    )
    connection.execute(text(f"DROP TABLE IF EXISTS {stage}"))
    return WriteCounts(
        inserted=inserted, updated=updated, unchanged=len(frame) - inserted - updated, moved=moved
    )


def _inserted_json(dialect: str) -> str:
    # A new record's values are the current row itself: history keeps only what later changes
    # replaced (old values), so an insert costs one small marker instead of a copy of the row.
    return "'{\"_inserted\": true}'" + ("::jsonb" if dialect == "postgresql" else "")


def _moved_json(dialect: str) -> str:
    if dialect == "postgresql":
        return "jsonb_build_object('school_code', jsonb_build_array(t.school_code, s.school_code))"
    return "json_object('school_code', json_array(t.school_code, s.school_code))"
