"""What the pages need besides the domain services: reading forms into payloads, a publication preview,
a page of a request's answer rows, and the answer as an Excel workbook."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

import schemas
from connectors.files import FileReadError, read_table
from hub.errors import halves
from hub.identity.models import Principal
from hub.reads import answer
from hub.records.errors import FileUnreadable
from hub.records.repository import SchoolRepository
from hub.requests.models import DataRequest
from hub.requests.proposals import TYPE_WORDS
from hub.standard.service import current_standard
from hub.tasks.repository import PublicationRepository
from hub.tasks.service import school_needs
from hub.web import i18n
from hub.web.errors import NoHeaderRow

VALUE_TYPES = ("string", "integer", "decimal", "date", "year_month", "boolean")
# Columns a form carries for layout only: never a datum to request.
LAYOUT_HEADERS = {"序号", "行号", "no", "no.", "编号序号"}
PAGE_ROWS = 100


# --- the request form --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FieldLine:
    label: str
    type: str | None = None
    description: str | None = None


# The type words people write after a label (整数, 日期 …), as the value types the hub stores.
TYPES_BY_WORD = {
    **{zh: code for code, (zh, _) in TYPE_WORDS.items()},
    "是否": "boolean",
    "数字": "decimal",
    "小数": "decimal",
    "字符": "string",
}


def parse_field_lines(text: str) -> list[FieldLine]:
    """One field per line: `label`, or `label | type`, or `label | type | description`.

    A type the hub does not know is kept as written: the matcher reads it as a hint and the
    request stores it, so nothing the department typed is silently dropped.
    """
    fields: list[FieldLine] = []
    for raw in text.splitlines():
        parts = [p.strip() for p in raw.split("|")]
        if not parts or not parts[0]:
            continue
        value_type = parts[1] if len(parts) > 1 and parts[1] else None
        if value_type and value_type.lower() in VALUE_TYPES:
            value_type = value_type.lower()
        elif value_type in TYPES_BY_WORD:
            value_type = TYPES_BY_WORD[value_type]
        description = " | ".join(p for p in parts[2:] if p) or None
        fields.append(FieldLine(label=parts[0], type=value_type, description=description))
    return fields


def format_field_lines(fields: Iterable[FieldLine]) -> str:
    lines = []
    for f in fields:
        parts = [f.label]
        if f.type or f.description:
            # Shown back in Chinese words (整数, 日期); the parser reads either.
            parts.append(TYPE_WORDS.get(f.type or "", (f.type or "", ""))[0])
        if f.description:
            parts.append(f.description)
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def resolve_schools(session: Session, text: str) -> tuple[list[str] | None, list[str]]:
    """School codes from a textarea of codes or full names (one per line or comma-separated).

    Returns (codes or None for "every school", entries that name no school).
    """
    entries = [e.strip() for e in re.split(r"[\n,，、;；]+", text) if e.strip()]
    if not entries:
        return None, []
    by_name = SchoolRepository(session).codes_by_name()
    codes: list[str] = []
    for entry in entries:
        codes.append(entry if re.fullmatch(r"\d{10}", entry) else by_name.get(entry, entry))
    known = SchoolRepository(session).existing_codes(codes)
    unknown = [entry for entry, code in zip(entries, codes, strict=True) if code not in known]
    return list(dict.fromkeys(c for c in codes if c in known)), unknown


def header_labels(std: schemas.Standard, content: bytes, filename: str | None) -> list[FieldLine]:
    """The labels of a form's header row (XLSX or CSV), title rows above it skipped."""
    expected = [label for e in std.elements for label in (e.label_zh, *e.synonyms)]
    try:
        table = read_table(content, filename=filename, expected_headers=expected)
    except (FileReadError, ValueError) as exc:
        raise FileUnreadable(*halves(exc), detail={"field": "file", "value": filename}) from exc
    labels = [h.strip() for h in table.headers if h and h.strip()]
    labels = [h for h in labels if h.lower() not in LAYOUT_HEADERS and not h.lower().startswith("unnamed")]
    if not labels:
        raise NoHeaderRow(
            *i18n.pair("error.no_header"),
            detail={"field": "file", "value": filename},
        )
    return [FieldLine(label=h) for h in dict.fromkeys(labels)]


# --- publication preview -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PreviewSchool:
    code: str
    name: str | None
    records: int
    lacking: list[schemas.Element] = field(default_factory=list)
    filled: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class PublicationPreview:
    elements: list[schemas.Element]
    with_task: list[PreviewSchool]
    complete: list[PreviewSchool]
    without_records: list[PreviewSchool]


def publication_preview(session: Session, request: DataRequest) -> PublicationPreview:
    """Which schools a publication would send a task, and which need none: hub.tasks.service's own
    answer (a school with no records of the entity gets no task)."""
    elements, needs = school_needs(session, current_standard(session), request)
    scope = request.schools if request.schools is not None else SchoolRepository(session).all_codes()
    names = PublicationRepository(session).school_names(scope)
    with_task: list[PreviewSchool] = []
    complete: list[PreviewSchool] = []
    without: list[PreviewSchool] = []
    for code in sorted(scope):
        need = needs.get(code)
        if need is None or not need.records:
            without.append(PreviewSchool(code=code, name=names.get(code), records=0))
            continue
        school = PreviewSchool(
            code=code, name=names.get(code), records=need.records, lacking=need.lacking, filled=need.filled
        )
        (with_task if need.lacking else complete).append(school)
    return PublicationPreview(
        elements=elements, with_task=with_task, complete=complete, without_records=without
    )


# --- a request's answer --------------------------------------------------------------------------------


def data_page(
    session: Session, principal: Principal, request_id: int, *, offset: int, today: date
) -> answer.AnswerPage:
    """One page of the answer rows, masked per grant, codes as labels; only the rows shown count as read."""
    return answer.read_answer(
        session, principal, request_id, today=today, fmt="web", offset=offset, limit=PAGE_ROWS
    )
