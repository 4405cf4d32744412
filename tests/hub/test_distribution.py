"""The layout Citus would distribute (README, Deployment): every large table is keyed by its school.

The distribution column is the school code (`schools.code`, `school_code` elsewhere): it carries the
province in its digits 3–4 and the city in 3–6, and a school's teachers, history, tasks and receipts
live on one node when every large table includes it in its primary key and in every foreign key between
large tables. Small tables (principals, requests, grants, the standard …) become Citus reference tables,
copied to every node, and may be pointed at from anywhere.

Tables not yet shaped so are listed with the reason; the test fails when one of them is fixed (move it
up) and when a new table carrying a school code is in neither list (decide where it goes).
"""

from __future__ import annotations

from sqlalchemy import Table

import hub.models  # noqa: F401  (every domain's tables on the metadata)
from hub.db import Base

# Large tables (they grow with teachers, or with schools × requests) and their distribution column.
DISTRIBUTED = {
    "schools": "code",
    "school_periods": "code",
    "teachers": "school_code",
    "teacher_periods": "school_code",
    "record_counts": "school_code",
    "task_rows": "school_code",
    "audit_by_school": "school_code",
    "audit_receipts": "school_code",
    "register_demanded_schools": "school_code",
    "register_inspected_schools": "school_code",
    "selfcheck_submissions": "school_code",
}
# Large or school-keyed tables whose primary key does not include the school code yet, and why.
NOT_YET = {
    "record_history": "partitioned by time: PRIMARY KEY (id, recorded_at); Citus needs (school_code, id, "
    "recorded_at), a rewrite of the partitioned table",
    "tasks": "PRIMARY KEY (id), referenced by task_rows, task_submissions and task_reminders by task_id "
    "alone; distributing it means (school_code, id) keys and composite foreign keys",
    "task_submissions": "PRIMARY KEY (id) (follows tasks)",
    "task_reminders": "PRIMARY KEY (id) (follows tasks)",
    "complaints": "PRIMARY KEY (id); few rows, a reference table until it grows",
    "activation_codes": "PRIMARY KEY (id); one live row per school, a reference table",
    "register_seconded_teachers": "PRIMARY KEY (id), a few rows per secondment: a reference table",
}
# Foreign keys from a distributed table to a table that is not (yet) distributed nor a reference table.
FOREIGN_KEY_GAPS = {("task_rows", "task_id", "tasks")}
# School-keyed columns that are not data of a school: who an account belongs to.
NOT_SCHOOL_DATA = {"principals"}


def _tables() -> dict[str, Table]:
    return dict(Base.metadata.tables)


def _school_keyed(table: Table) -> bool:
    return "school_code" in table.columns or table.name in ("schools", "school_periods")


def test_every_school_keyed_table_is_classified() -> None:
    keyed = {name for name, table in _tables().items() if _school_keyed(table)} - NOT_SCHOOL_DATA
    assert keyed - set(DISTRIBUTED) - set(NOT_YET) == set()
    assert set(DISTRIBUTED) & set(NOT_YET) == set()


def test_every_distributed_tables_primary_key_includes_the_school_code() -> None:
    tables = _tables()
    for name, column in DISTRIBUTED.items():
        assert column in {c.name for c in tables[name].primary_key.columns}, name


def test_the_tables_not_yet_distributed_are_listed_truthfully() -> None:
    tables = _tables()
    for name in NOT_YET:
        keyed = {c.name for c in tables[name].primary_key.columns} & {"school_code", "code"}
        assert not keyed, f"{name}'s primary key includes the school code now: move it to DISTRIBUTED"


def test_foreign_keys_between_distributed_tables_include_the_school_code() -> None:
    tables = _tables()
    gaps = set()
    for name, column in DISTRIBUTED.items():
        for constraint in tables[name].foreign_key_constraints:
            target = constraint.referred_table.name
            local = [c.name for c in constraint.columns]
            if target in DISTRIBUTED:
                remote = [e.column.name for e in constraint.elements]
                assert column in local and DISTRIBUTED[target] in remote, (name, local, target)
            elif target in NOT_YET:
                gaps.add((name, ",".join(local), target))
            # Otherwise the target is small (principals, requests …): a reference table on every node.
    assert gaps == FOREIGN_KEY_GAPS
