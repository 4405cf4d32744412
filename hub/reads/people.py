"""Query rows as a person reads them: the shape of `format=xlsx` for `/query/{entity}/rows`.

The JSON page and the CSV of a query are for programs (keyed by element code, values as codes, the
JSON columns carrying each code list's labels). The workbook is for a clerk: zh headers, the school's
name beside its code, each coded value as its label with its code in a column of its own, dates as
dates, and the read's title (agreement, 表号, 批准文号) above the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import schemas
from hub.access.models import Grant
from hub.identity.models import Principal
from hub.reads.service import Plan
from hub.reads.stream import Batch, Field
from hub.records.models import schools_table
from hub.requests.models import DataRequest

SCHOOL_HEADER = "学校标识码"
SCHOOL_NAME_HEADER = "学校名称"
RECORD_HEADER = "记录号"
CODE_SUFFIX = "代码"


def code_labels(std: schemas.Standard, element: schemas.Element) -> dict[str, str]:
    """Code → label of a code-listed element (empty for any other)."""
    if not element.code_list:
        return {}
    return {c.code: c.shown_zh for c in std.code_list(element.code_list).codes}


def column_labels(plan: Plan) -> list[dict[str, str]]:
    """Per column of the plan, the labels of its codes when it is read in clear (masked: none)."""
    return [{} if c.masked else code_labels(plan.std, c.element) for c in plan.columns]


@dataclass(frozen=True, kw_only=True)
class PersonRows:
    fields: list[Field]
    rows: Callable[[Session, Iterable[Batch]], Iterator[Batch]]


def person_rows(plan: Plan) -> PersonRows:
    """The workbook's columns, and how a read's rows (record id, school code, one value per column)
    become its rows: school name after the code, labels in place of codes with the code after, the
    record id last."""
    labels = column_labels(plan)
    fields = [
        Field(key=SCHOOL_HEADER, header=SCHOOL_HEADER),
        Field(key=SCHOOL_NAME_HEADER, header=SCHOOL_NAME_HEADER),
    ]
    used: set[str] = set()
    for column, coded in zip(plan.columns, labels, strict=True):
        element = column.element
        header = element.label_zh if element.label_zh not in used else f"{element.label_zh}（{element.code}）"
        used.add(header)
        value_type = "string" if column.masked or coded else element.value_type
        if element.derivation is not None and element.derivation.function == "years_since":
            value_type = "integer"
        fields.append(Field(key=element.code, header=header, value_type=value_type, masked=column.masked))
        if coded:
            fields.append(Field(key=f"{element.code}.code", header=f"{header}{CODE_SUFFIX}"))
    fields.append(Field(key="record_id", header=RECORD_HEADER))

    def rows(session: Session, batches: Iterable[Batch]) -> Iterator[Batch]:
        names: dict[str, str] = {}
        for batch in batches:
            missing = {str(r[1]) for r in batch if r[1] is not None and str(r[1]) not in names}
            if missing:
                query = select(schools_table.c.code, schools_table.c.name).where(
                    schools_table.c.code.in_(missing)
                )
                names.update({code: name for code, name in session.execute(query)})
            out: list[list[Any]] = []
            for row in batch:
                school = None if row[1] is None else str(row[1])
                shown: list[Any] = [school, names.get(school or "")]
                for value, coded in zip(row[2:], labels, strict=True):
                    if coded:
                        code = None if value is None else str(value)
                        shown += [None if code is None else coded.get(code, code), code]
                    else:
                        shown.append(value.isoformat() if isinstance(value, date) else value)
                shown.append(row[0])
                out.append(shown)
            yield out

    return PersonRows(fields=fields, rows=rows)


def read_heading(session: Session, grant: Grant, reader: Principal, *, today: date) -> list[tuple[str, str]]:
    """The lines above a query's table: what was read, under which agreement, by whom, and when."""
    request = session.get(DataRequest, grant.request_id) if grant.request_id else None
    title = request.title if request is not None else (grant.purpose or f"共享协议 {grant.id}")
    lines = [("", f"{title}（数据查询）"), ("查询部门", reader.name), ("共享协议", f"第 {grant.id} 号")]
    if grant.purpose:
        lines.append(("用途", grant.purpose))
    if request is not None:
        lines += request_heading(request)[1:]
    lines.append(("导出日期", today.isoformat()))
    return lines


def request_heading(request: DataRequest) -> list[tuple[str, str]]:
    """The statistical form's identification of a request: its title, 表号, 批准文号 and 有效期至 (when set)."""
    lines: list[tuple[str, str]] = [("", request.title)]
    for label, value in (
        ("表号", request.form_number),
        ("批准文号", request.approval_number),
        ("有效期至", request.valid_until.isoformat() if request.valid_until else None),
    ):
        if value:
            lines.append((label, value))
    return lines


def with_labels(
    columns: Sequence[Mapping[str, Any]], labels: Sequence[dict[str, str]]
) -> list[dict[str, Any]]:
    """The JSON page's columns, each code-listed one read in clear with `labels` (code → label)."""
    return [{**c, "labels": coded} if coded else dict(c) for c, coded in zip(columns, labels, strict=True)]
