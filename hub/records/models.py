"""The store: current values in wide typed tables per entity, history and provenance beside them.

The wide tables are built from the data standard (one column per stored element) instead of declared
by hand, so the standard stays the single description of what a teacher or school record holds;
approved new elements live in the `extra` JSON column until a migration promotes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

import schemas
from hub.db import Base, JSONType, UTCDateTime, utcnow

# The columns every entity table has besides its elements.
KEY_COLUMNS = {"teacher": ("school_code", "teacher_key"), "school": ("code",)}
SCHOOL_COLUMN = {"teacher": "school_code", "school": "code"}
# The hash of the last row written to a record (see hub.records.writer.row_hashes): a row hashing the
# same would change nothing, and a re-import skips it without writing.
ROW_HASH = "row_hash"
TABLE_NAMES = {"teacher": "teachers", "school": "schools"}


def sql_type(element: schemas.Element) -> TypeEngine[Any]:
    match element.value_type:
        case "integer":
            return BigInteger()
        case "decimal":
            return Numeric(18, 4)
        case "date" | "year_month":
            return Date()
        case "boolean":
            return Boolean()
        case "code":
            return String(32)
        case _:
            return String(element.max_length or 200) if (element.max_length or 200) <= 2000 else Text()


def stored_elements(std: schemas.Standard, entity: str) -> list[schemas.Element]:
    """Elements with a column of their own: neither derived (computed on read) nor the table's keys."""
    return [e for e in std.elements_for(entity) if e.derivation is None]


def periodic_elements(std: schemas.Standard, entity: str) -> list[schemas.Element]:
    """Stored elements holding one value per period (a column of the entity's period table)."""
    return [e for e in stored_elements(std, entity) if e.periodic and not is_extra(e)]


def period_columns(std: schemas.Standard, entity: str) -> list[Column[Any]]:
    """The period table of `entity`: the record's key, the period (`Period.key`), one typed column per
    periodic element, and where the values came from. The school code leads the key, as in every large
    table (DESIGN: distributable by it); a teacher who moves takes their periods along.

    A teacher's period rows are looked up by their whole key only (school, teacher, period): no foreign
    key and no index of their own beyond it. Both are the teachers table's to keep (a period row is only
    ever written beside its teacher's row, and moved with it by that row's old key), and at two period
    rows per teacher per import their upkeep cost more than the rows (issue 16: a 200k-teacher import
    spent 28 s on the period table with them, 12 s without)."""
    columns: list[Column[Any]] = []
    if entity == "teacher":
        columns += [
            Column("school_code", String(10), primary_key=True),
            Column("teacher_key", String(64), primary_key=True),
        ]
    else:
        columns.append(Column("code", String(10), ForeignKey("schools.code"), primary_key=True))
    columns.append(Column("period", String(16), primary_key=True))
    for element in periodic_elements(std, entity):
        columns.append(Column(element.name, sql_type(element), nullable=True))
    columns += [
        # When the record's values of this period were first written: an as-of read before it finds none.
        Column("created_at", UTCDateTime, nullable=False),
        Column("updated_at", UTCDateTime, nullable=False),
        Column("batch_id", Integer, nullable=True),
    ]
    return columns


def entity_columns(std: schemas.Standard, entity: str) -> list[Column[Any]]:
    columns: list[Column[Any]] = []
    if entity == "teacher":
        columns += [
            Column("school_code", String(10), ForeignKey("schools.code"), primary_key=True),
            Column("teacher_key", String(64), primary_key=True),
        ]
    else:
        columns.append(Column("code", String(10), primary_key=True))
    for element in stored_elements(std, entity):
        if element.name in KEY_COLUMNS[entity]:
            continue
        columns.append(Column(element.name, sql_type(element), nullable=True))
    columns += [
        Column("extra", JSONType, nullable=True),
        Column("updated_at", UTCDateTime, nullable=False),
        Column("batch_id", Integer, nullable=True),
        Column(ROW_HASH, String(32), nullable=True),
    ]
    return columns


def is_extra(element: schemas.Element) -> bool:
    """An approved new element (name x_…): it has no column of its own and lives in the `extra` JSON."""
    return element.name.startswith("x_")


def build_entity_tables(metadata: MetaData, std: schemas.Standard) -> dict[str, Table]:
    schools = Table("schools", metadata, *entity_columns(std, "school"))
    Index("ix_schools_division_code", schools.c.division_code)
    teachers = Table("teachers", metadata, *entity_columns(std, "teacher"))
    # Lookup by identity across schools (a teacher who moves keeps the key); one school at a time.
    Index("ix_teachers_teacher_key", teachers.c.teacher_key, unique=True)
    return {"school": schools, "teacher": teachers}


def build_period_tables(metadata: MetaData, std: schemas.Standard) -> dict[str, Table]:
    schools = Table("school_periods", metadata, *period_columns(std, "school"))
    Index("ix_school_periods_period", schools.c.period)
    teachers = Table("teacher_periods", metadata, *period_columns(std, "teacher"))
    return {"school": schools, "teacher": teachers}


_STANDARD = schemas.load_standard()
ENTITY_TABLES = build_entity_tables(Base.metadata, _STANDARD)
schools_table = ENTITY_TABLES["school"]
teachers_table = ENTITY_TABLES["teacher"]
# One row per record and period for periodic elements: the one place their values are kept. The
# entity table's column of such an element is left empty (migration 0032 emptied it): a copy of "the
# current value" would go stale the day the period turns, and read as this year's what was last year's.
PERIOD_TABLES = build_period_tables(Base.metadata, _STANDARD)
PERIOD_KEY_COLUMNS = {"teacher": ("school_code", "teacher_key", "period"), "school": ("code", "period")}


class RecordHistory(Base):
    """Append-only: one row per record a write changed, with {element: [old, new]} for what changed.

    On PostgreSQL the table is partitioned by `recorded_at` (see the first migration).
    """

    __tablename__ = "record_history"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True, default=utcnow)
    entity: Mapped[str] = mapped_column(String(16))
    school_code: Mapped[str] = mapped_column(String(10))
    record_key: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # The period (`Period.key`) whose values changed; NULL for a change of timeless values.
    period: Mapped[str | None] = mapped_column(String(16))

    # Looked up by record key for equality only: a hash index on PostgreSQL (see migration 0007).
    __table_args__ = (Index("ix_record_history_record", "record_key", postgresql_using="hash"),)


class RecordCount(Base):
    """Per school and entity, how many records hold each element (`hub.records.counts` names and keeps
    them): what a request check and a task's preview read instead of counting the store's rows. One
    row per school, its counts by name: a province's recount writes a row per school, not per count."""

    __tablename__ = "record_counts"

    school_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    counts: Mapped[dict[str, int]] = mapped_column(JSONType)


class IngestBatch(Base):
    """One write into the store and where it came from: an import, a task submission, a connector run."""

    __tablename__ = "ingest_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(16))
    source_kind: Mapped[str] = mapped_column(String(16))  # import | task | connector | demo
    source_ref: Mapped[str] = mapped_column(String(300), default="")
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    # The division its rows were bounded to (see Provenance.division); None: the whole hub.
    division: Mapped[str | None] = mapped_column(String(6))
    standard_version: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    unknown_columns: Mapped[list[str]] = mapped_column(JSONType, default=list)
    rejected_rows: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
