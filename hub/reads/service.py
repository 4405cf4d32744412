"""Department queries on granted elements: rows, aggregates with small-cell suppression, and changes.

Every read goes through one grant (checked on every call, so revoking it stops the next page), reads
only that grant's elements in that grant's scope, masks sensitive elements the grant does not list
as clear, and is appended to the audit log with the row count of every school it touched.
A masked element can be read masked and nothing else: filtering, grouping or summing on it would let
its clear value be recovered one guess at a time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Float,
    LargeBinary,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
)
from sqlalchemy.orm import Session

import schemas
from hub.access.models import Grant
from hub.access.scope import bound_division, in_codes, school_condition, school_within
from hub.access.service import element_codes, usable_grant
from hub.audit import service as audit
from hub.audit.receipts import Collector
from hub.errors import HubError
from hub.identity.models import Principal
from hub.identity.roles import Role
from hub.kit.clock import DEFAULT_TIMEZONE
from hub.reads import cursors
from hub.reads.errors import (
    AggregateDifferencing,
    AggregateOnMasked,
    AsOfInvalid,
    AsOfNotAllowed,
    FilterMalformed,
    FilterNotGranted,
    FilterNotSupported,
    FilterOnMasked,
    FilterValueInvalid,
    FilterValueMissing,
    GroupByNotCodeList,
    LimitOutOfRange,
    MeasureMalformed,
    MeasureNotNumeric,
    TooManyGroupKeys,
)
from hub.reads.repository import QueryRepository, years_since
from hub.reads.suppression import Cell, Suppression, suppress
from hub.records import masking
from hub.records.derive import deriver
from hub.records.models import (
    ENTITY_TABLES,
    KEY_COLUMNS,
    SCHOOL_COLUMN,
    RecordHistory,
    is_extra,
    schools_table,
)
from hub.records.periods import write_periods
from hub.records.repository import extra_value, period_value
from hub.standard.service import current_standard
from schemas.periods import period_containing

MAX_PAGE = 10000
MAX_GROUP_KEYS = 3
FILTER = re.compile(r"^\s*([A-Za-z0-9_.]+)\s*(>=|<=|!=|=|>|<)\s*(.*?)\s*$", re.S)
TRUE_WORDS = {"true", "1", "yes", "y", "是", "t"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "f"}


# --- cursors and pseudonyms --------------------------------------------------------------------------


def open_cursor(cursor: str, plan: Plan, *, secret_key: str) -> list[Any]:
    """Where the previous page of this department's rows ended (a cursor sealed for it alone)."""
    kinds = (str,) * len(KEY_COLUMNS[plan.entity])
    return cursors.unseal(
        cursor, secret_key=secret_key, holder_id=plan.grant.department_id, kinds=kinds, field_name="cursor"
    )


def seal_cursor(key: list[Any], plan: Plan, *, secret_key: str) -> str:
    return cursors.seal(key, secret_key=secret_key, holder_id=plan.grant.department_id)


def _pseudonym_key(secret_key: str, holder_id: int) -> bytes:
    return hashlib.sha256(f"{secret_key}:pseudonym:{holder_id}".encode()).digest()


def pseudonymiser(secret_key: str, holder_id: int, entity: str) -> Callable[[str], str]:
    """A record id stable for one reader and different for every other: departments can sync by it
    but cannot join their extracts on it (the teacher key itself never leaves the hub).
    HMAC-SHA256 of the record key, truncated to 96 bits; `pseudonym_sql` computes the same in PostgreSQL."""
    if entity == "school":
        return lambda key: key
    mac = hmac.new(_pseudonym_key(secret_key, holder_id), digestmod=hashlib.sha256)

    def record_id(key: str) -> str:
        h = mac.copy()
        h.update(key.encode())
        return h.hexdigest()[:24]

    return record_id


def pseudonym_sql(
    column: ColumnElement[Any], secret_key: str, holder_id: int, entity: str, dialect: str
) -> ColumnElement[Any] | None:
    """The record id of `pseudonymiser`, computed by PostgreSQL (None elsewhere: Python computes it).

    HMAC written out (RFC 2104) over the built-in sha256(), so a page of rows costs no Python per row.
    """
    if entity == "school":
        return column
    if dialect != "postgresql":
        return None
    key = _pseudonym_key(secret_key, holder_id).ljust(64, b"\0")
    inner = bytes(b ^ 0x36 for b in key)
    outer = bytes(b ^ 0x5C for b in key)
    message = func.convert_to(column, "UTF8")
    digest = func.sha256(
        literal(outer, LargeBinary).op("||")(func.sha256(literal(inner, LargeBinary).op("||")(message)))
    )
    return func.substr(func.encode(digest, "hex"), 1, 24)


# --- what a read may touch ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class QueryColumn:
    element: schemas.Element
    masked: bool
    # A periodic element: the period (Period.key) whose values the column holds, or the periods whose
    # values it sums (近三年 of an additive flow: NULL when one of them is not held).
    period: str | None = None
    summed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        e = self.element
        out = {"element": e.code, "label": e.label_zh, "label_en": e.label_en, "masked": self.masked}
        return out | ({"period": self.period} if self.period else {})


@dataclass(kw_only=True)
class Plan:
    """A read resolved against its grant: the columns, the SQL conditions, and who reads."""

    grant: Grant
    entity: str
    std: schemas.Standard
    columns: list[QueryColumn]
    masked: set[str]
    today: date
    where: list[ColumnElement[bool]] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    # Element name → the period (Period.key) a periodic element is read, filtered and summed for.
    periods: dict[str, str] = field(default_factory=dict)
    # The period as asked (None: the current one), kept for re-running the read (differencing check).
    period: str | None = None

    def value(self, element: schemas.Element) -> ColumnElement[Any]:
        """The SQL value of a stored element as this read sees it: a periodic element's value of the
        read's period (the current one unless the read names another), out of the period table, the
        one place periodic values are kept."""
        key = self.periods.get(element.name)
        if key is None and element.period is not None and not is_extra(element):
            key = period_containing(element.period.kind, self.today).key
        if key is not None:
            held: ColumnElement[Any] = period_value(self.entity, element.name, key)
            return held
        return ENTITY_TABLES[self.entity].c[element.name]


def _scalar(element: schemas.Element, text: str) -> Any:
    """A filter value typed like the element's column (code lists accept labels and aliases)."""
    value_type = element.value_type
    try:
        if value_type == "code" and element.code_list:
            resolved = schemas.load_standard().code_list(element.code_list).resolve(text)
            if resolved is None:
                raise ValueError("not in the code list")
            return resolved
        if value_type == "boolean":
            word = text.lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ValueError("not a yes/no value")
        if value_type == "integer":
            return int(text)
        if value_type == "decimal":
            return Decimal(text)
        if value_type == "date":
            return date.fromisoformat(text)
        if value_type == "year_month":
            year, month = text[:7].split("-")
            return date(int(year), int(month), 1)
    except (ValueError, InvalidOperation, LookupError) as exc:
        raise FilterValueInvalid(
            f"筛选值“{text}”不符合 {element.label_zh} 的类型",
            f"{text!r} is not a valid {element.label_en}",
            detail={"field": "where", "value": text, "element": element.code, "reason": str(exc)},
        ) from exc
    return text


def _parse_filters(plan: Plan, dialect: str, expressions: list[str]) -> list[str]:
    """Turn `element=v1,v2`, `element>=v` … into SQL conditions; returns the element codes filtered on."""
    table = ENTITY_TABLES[plan.entity]
    used: list[str] = []
    for expression in expressions:
        match = FILTER.match(expression)
        if not match:
            raise FilterMalformed(
                f"筛选条件“{expression}”应写作 数据元=值",
                f"filter {expression!r} should read element=value "
                "(also !=, >=, <=, >, <; several values for = separated by commas)",
                detail={"field": "where", "value": expression},
            )
        name, operator, raw = match.groups()
        (code,) = element_codes(plan.std, plan.entity, [name], field="where")
        element = plan.std.element(code)
        if code not in plan.grant.elements:
            raise FilterNotGranted(
                f"未获授权的数据元不能用于筛选：{code}", f"{code} is not granted", detail={"elements": [code]}
            )
        if code in plan.masked:
            raise FilterOnMasked(
                f"脱敏数据元不能用于筛选：{element.label_zh}",
                f"a masked element cannot be filtered on: {code}",
                detail={"elements": [code]},
            )
        if element.derivation is not None:
            if element.derivation.function != "years_since":
                raise FilterNotSupported(
                    f"{code} 不能用于筛选", f"{code} cannot be filtered on", detail={"field": "where"}
                )
            inputs = element.derivation.inputs[0].split(".", 1)[1]
            column: Any = years_since(dialect, table.c[inputs], plan.today)
        elif is_extra(element):
            column = extra_value(dialect, table, element.name)
        else:
            column = plan.value(element)
        values = [v for v in raw.split(",")] if operator == "=" else [raw]
        typed = [_scalar(element, v.strip()) for v in values if v.strip()]
        if is_extra(element):
            typed = [str(v) for v in typed]
        if not typed:
            raise FilterValueMissing(
                f"筛选条件“{expression}”缺少值",
                f"filter {expression!r} has no value",
                detail={"field": "where", "value": expression},
            )
        condition: ColumnElement[bool]
        if operator == "=":
            condition = column.in_(typed) if len(typed) > 1 else column == typed[0]
        elif operator == "!=":
            condition = column != typed[0]
        elif operator == ">=":
            condition = column >= typed[0]
        elif operator == "<=":
            condition = column <= typed[0]
        elif operator == ">":
            condition = column > typed[0]
        else:
            condition = column < typed[0]
        plan.where.append(condition)
        used.append(code)
    return used


def plan_read(
    session: Session,
    principal: Principal,
    entity: str,
    *,
    elements: list[str] | None,
    extra_needed: list[str] | None = None,
    grant_id: int | None,
    schools: list[str] | None,
    divisions: list[str] | None,
    where: list[str] | None,
    today: date,
    period: str | None = None,
) -> Plan:
    """Resolve the grant and scope of a read; 403 for anything outside the grant. Periodic elements are
    read for `period` (2025, 2024-2025学年: the period of each element's kind holding it), else the
    current one."""
    std = current_standard(session)
    wanted = element_codes(std, entity, elements, field="elements") if elements else []
    needed = list(dict.fromkeys([*wanted, *(extra_needed or [])]))
    filter_codes = []
    for expression in where or []:
        match = FILTER.match(expression)
        if match:
            filter_codes += element_codes(std, entity, [match.group(1)], field="where")
    grant = usable_grant(
        session,
        principal,
        entity=entity,
        elements=list(dict.fromkeys([*needed, *filter_codes])),
        grant_id=grant_id,
        today=today,
    )
    known = {e.code: e for e in std.elements_for(entity)}
    # An element the grant names that is no longer in the standard is skipped, never guessed at.
    grant_elements = [c for c in grant.elements if c in known]
    chosen = wanted or grant_elements
    masked = masking.masked_codes([known[c] for c in grant_elements], grant.clear_elements)
    periodic = {
        known[c].name
        for c in dict.fromkeys([*chosen, *needed, *filter_codes])
        if c in known and known[c].periodic and not is_extra(known[c]) and known[c].derivation is None
    }
    read_periods = write_periods(std, entity, period, today=today, written=periodic).keys
    plan = Plan(
        grant=grant,
        entity=entity,
        std=std,
        columns=[
            QueryColumn(
                element=known[c],
                masked=c in masked,
                period=read_periods.get(known[c].name) if known[c].name in periodic else None,
            )
            for c in chosen
        ],
        masked=masked,
        today=today,
        periods=read_periods,
        period=period,
    )
    dialect = session.get_bind().dialect.name
    table = ENTITY_TABLES[entity]
    school = table.c[SCHOOL_COLUMN[entity]]
    plan.where.append(
        school_condition(school, schools=grant.schools, divisions=grant.divisions, dialect=dialect)
    )
    # A principal bound to a division reads inside it, whatever its grant names.
    plan.where.append(school_within(school, bound_division(principal)))
    if schools is not None or divisions is not None:
        plan.where.append(school_condition(school, schools=schools, divisions=divisions, dialect=dialect))
    plan.filters = _parse_filters(plan, dialect, where or [])
    return plan


# --- rows --------------------------------------------------------------------------------------------


def _plain(element: schemas.Element, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.strftime("%Y-%m") if element.value_type == "year_month" else value.isoformat()
    return value


def _sql_value(
    element: schemas.Element,
    masked: bool,
    table: Any,
    dialect: str,
    today: date,
    source: ColumnElement[Any] | None = None,
) -> ColumnElement[Any] | None:
    """The element's value as the answer shows it, computed by the database (None: Python computes it).

    Dates become ISO text, decimals floats, 年龄/教龄 whole years, and masked elements are masked there,
    so that the clear value of a masked element never reaches the service.
    """
    derivation = element.derivation
    if derivation is not None:
        if derivation.function != "years_since":
            return None
        value: ColumnElement[Any] = years_since(
            dialect, table.c[derivation.inputs[0].split(".", 1)[1]], today
        )
    elif is_extra(element):
        return None
    else:
        column = table.c[element.name] if source is None else source
        if element.value_type in ("date", "year_month"):
            width = 10 if element.value_type == "date" else 7
            pattern = "YYYY-MM-DD" if width == 10 else "YYYY-MM"
            value = (
                func.to_char(column, pattern) if dialect == "postgresql" else func.substr(column, 1, width)
            )
        elif element.value_type == "decimal":
            value = cast(column, Float)
        else:
            value = column
    return masking.sql_mask(element, value, dialect) if masked else value


@dataclass(frozen=True, kw_only=True)
class RowSelection:
    """What a read selects per row: its keys (for the cursor), then exactly what a row shows (`header`:
    record id, school, one value per column), then the raw inputs of the values Python computes."""

    header: list[str]
    keys: list[ColumnElement[Any]]
    shown: list[ColumnElement[Any]]
    raw: list[ColumnElement[Any]]
    raw_names: list[str]
    # Set when the database cannot compute the record id (SQLite).
    record_id: Callable[[str], str] | None
    # (position in the columns, element, its derivation, masked) of values computed here.
    in_python: list[tuple[int, schemas.Element, Callable[[dict[str, Any]], Any] | None, bool]]

    @property
    def all_in_sql(self) -> bool:
        """The database gives every shown value as the answer shows it."""
        return self.record_id is None and not self.in_python


def row_selection(
    session: Session,
    plan: Plan,
    *,
    secret_key: str | None,
    today: date,
    derive_schools: list[str] | None = None,
) -> RowSelection:
    """What to select for the plan's rows. Without `secret_key` no record id is computed (a request's
    answer names its rows by school, not by record); `derive_schools` scopes derived values (default:
    the grant's schools)."""
    entity = plan.entity
    dialect = session.get_bind().dialect.name
    table = ENTITY_TABLES[entity]
    key_column = table.c[KEY_COLUMNS[entity][-1]]
    in_sql = (
        pseudonym_sql(key_column, secret_key, plan.grant.department_id, entity, dialect)
        if secret_key is not None
        else literal(None)
    )
    shown: list[ColumnElement[Any]] = [
        (in_sql if in_sql is not None else key_column).label("record_id"),
        table.c[SCHOOL_COLUMN[entity]].label("school_code"),
    ]
    # Values the database cannot give as shown (approved new elements in JSON, counts over other tables)
    # are computed here from the raw columns they need.
    in_python: list[tuple[int, schemas.Element, Callable[[dict[str, Any]], Any] | None, bool]] = []
    raw_inputs: list[str] = []
    for position, column in enumerate(plan.columns):
        element = column.element
        source = period_value(entity, element.name, column.period) if column.period else None
        if column.summed:
            source = functools.reduce(
                operator.add, [period_value(entity, element.name, key) for key in column.summed]
            )
        expression = _sql_value(element, column.masked, table, dialect, today, source)
        if expression is None:
            derive = None
            if element.derivation is not None:
                schools = derive_schools if derive_schools is not None else plan.grant.schools
                inputs, derive = deriver(session, plan.std, element, schools, today)
                raw_inputs += [i for i in inputs if i not in raw_inputs]
            elif "extra" not in raw_inputs:
                raw_inputs.append("extra")
            in_python.append((position, element, derive, column.masked))
            expression = literal(None)
        shown.append(expression.label(f"c{position}"))
    raw_names = [name for name in raw_inputs if name in table.c]
    return RowSelection(
        header=["record_id", "school_code", *(c.element.code for c in plan.columns)],
        keys=[table.c[k] for k in KEY_COLUMNS[entity]],
        shown=shown,
        # A derivation's periodic input (在校学生数 of 生师比) is read for the read's period too.
        raw=[_raw_value(plan, name).label(f"raw_{name}") for name in raw_names],
        raw_names=raw_names,
        record_id=(
            pseudonymiser(secret_key, plan.grant.department_id, entity)
            if in_sql is None and secret_key is not None
            else None
        ),
        in_python=in_python,
    )


def _raw_value(plan: Plan, name: str) -> ColumnElement[Any]:
    """A raw input column of the plan's rows; a periodic element's is its value of the read's period."""
    code = f"{plan.entity}.{name}"
    if plan.std.has_element(code) and plan.std.element(code).period is not None:
        return plan.value(plan.std.element(code))
    return ENTITY_TABLES[plan.entity].c[name]


def _finish(selection: RowSelection, values: Sequence[Any], raw: Sequence[Any]) -> list[Any]:
    """A row's shown values completed by what Python computes (record id on SQLite, JSON extras, counts)."""
    row = list(values)
    if selection.record_id is not None:
        row[0] = selection.record_id(row[0])
    if selection.in_python:
        record = dict(zip(selection.raw_names, raw, strict=True))
        extra = record.get("extra") or {}
        for position, element, derive, masked in selection.in_python:
            value = derive(record) if derive is not None else extra.get(element.name)
            if value is not None and masked:
                value = masking.mask(element, value)
            row[position + 2] = _plain(element, value)
    return row


def iter_row_batches(
    session: Session,
    selection: RowSelection,
    plan: Plan,
    *,
    after: list[str] | None,
    limit: int | None,
    per_school: Counter[str],
    stream: bool = False,
    keys: list[tuple[Any, ...]] | None = None,
    receipt: Collector | None = None,
) -> Iterator[Sequence[Sequence[Any]]]:
    """The plan's rows in batches, each row the values of `selection.header` in order, masked; counts
    rows per school. With `keys`, the key of every row is appended to it (for the next page's cursor);
    with `receipt`, every teacher row's key is fingerprinted into it (hub.audit.receipts)."""
    with_keys = keys is not None or receipt is not None
    key_width = len(selection.keys) if with_keys else 0
    selected = [*(selection.keys if with_keys else []), *selection.shown, *selection.raw]
    shown_end = key_width + len(selection.shown)
    school_at = key_width + 1
    batches = QueryRepository(session).rows(
        plan.entity,
        selected,
        where=plan.where,
        after=tuple(after) if after else None,
        limit=limit,
        stream=stream,
    )
    for batch in batches:
        per_school.update(map(itemgetter(school_at), batch))
        if keys is not None:
            keys.extend(tuple(row[:key_width]) for row in batch)
        if receipt is not None:
            for row in batch:  # teacher keys are (school_code, teacher_key)
                receipt.add(row[0], row[1])
        if not selection.all_in_sql:
            yield [_finish(selection, row[key_width:shown_end], row[shown_end:]) for row in batch]
        elif key_width:
            yield [row[key_width:] for row in batch]
        else:
            yield batch  # rows hold exactly the shown values


def iter_rows(
    session: Session,
    plan: Plan,
    *,
    secret_key: str,
    after: list[str] | None,
    limit: int | None,
    today: date,
    per_school: Counter[str],
    keys: list[tuple[Any, ...]] | None = None,
) -> Iterator[dict[str, Any]]:
    """The plan's rows as dicts (record_id, school_code, element code → value), masked; counts per school."""
    selection = row_selection(session, plan, secret_key=secret_key, today=today)
    for batch in iter_row_batches(
        session, selection, plan, after=after, limit=limit, per_school=per_school, keys=keys
    ):
        for values in batch:
            yield dict(zip(selection.header, values, strict=True))


def _json_value(column: QueryColumn, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """`value` for a JSON document PostgreSQL writes, as orjson writes the same value from Python.

    Decimals are floats in the answer, and Python writes a whole float as 1200.0 where PostgreSQL
    writes 1200: a client typed by the answer (pandas, Python) would read an int on one path only.
    """
    if column.element.value_type != "decimal" or column.masked or column.element.derivation is not None:
        return value
    whole = and_(value == func.trunc(value), func.abs(value) < 1e16)
    return case(
        (whole, cast(cast(cast(value, BigInteger), Text).concat(".0"), JSON)), else_=func.to_json(value)
    )


def record_read(
    session: Session,
    reader: audit.Actor,
    plan: Plan,
    *,
    action: str,
    per_school: Counter[str],
    detail: dict[str, Any] | None = None,
    receipt: Collector | None = None,
) -> None:
    audit.append(
        session,
        principal=reader,
        action=action,
        entity=plan.entity,
        elements=[c.element.code for c in plan.columns],
        schools=dict(per_school),
        grant_id=plan.grant.id,
        request_id=plan.grant.request_id,
        row_count=sum(per_school.values()),
        detail={"filters": plan.filters, **(detail or {})},
        receipts=receipt,
    )


def receipt_for(entity: str) -> Collector | None:
    """A receipt to fill for a read of `entity`: teachers are data subjects, schools are not."""
    return Collector() if entity == "teacher" else None


def rows_page(
    session: Session,
    principal: Principal,
    plan: Plan,
    *,
    secret_key: str,
    cursor: str | None,
    limit: int,
    today: date,
    as_of: date | None = None,
) -> dict[str, Any]:
    """One page of rows (at most MAX_PAGE) and the cursor of the next; the read is audited. With
    `as_of`, each record of the page as it stood at the end of that day (see `stood_on`).

    On PostgreSQL, when the database gives every value as shown, it writes the rows' JSON too: a page
    then costs one query and no Python object per row (`rows` is a pre-serialised orjson.Fragment).
    """
    after = open_cursor(cursor, plan, secret_key=secret_key) if cursor else None
    selection = row_selection(session, plan, secret_key=secret_key, today=today)
    repository = QueryRepository(session)
    receipt = receipt_for(plan.entity)
    rows: list[Any] | orjson.Fragment
    if selection.all_in_sql and repository.dialect == "postgresql" and as_of is None:
        values = [
            *selection.shown[:2],
            *(_json_value(c, v) for c, v in zip(plan.columns, selection.shown[2:], strict=True)),
        ]
        page = repository.rows_json(
            plan.entity,
            dict(zip(selection.header, values, strict=True)),
            where=plan.where,
            after=tuple(after) if after else None,
            limit=limit,
            with_keys=receipt is not None,
        )
        rows, per_school = orjson.Fragment(page.rows), page.per_school
        if receipt is not None:
            for school, record_key in page.record_keys:
                receipt.add(school, record_key)
        count = page.per_school.total()
        next_cursor = seal_cursor(list(page.last_key), plan, secret_key=secret_key) if page.last_key else None
    else:
        per_school = Counter()
        keys: list[tuple[Any, ...]] = []
        rows = [
            dict(zip(selection.header, values, strict=True))
            for batch in iter_row_batches(
                session, selection, plan, after=after, limit=limit + 1, per_school=per_school, keys=keys
            )
            for values in batch
        ]
        next_cursor = None
        if len(rows) > limit:
            dropped = rows.pop()
            per_school[dropped["school_code"]] -= 1
            next_cursor = seal_cursor(list(keys[limit - 1]), plan, secret_key=secret_key)
        if as_of is not None:
            rows, keys = stood_on(session, plan, rows, keys[: len(rows)], as_of)
            per_school = Counter(row["school_code"] for row in rows)
        count = len(rows)
        if receipt is not None:
            for school, record_key in keys[:count]:
                receipt.add(school, record_key)
    record_read(
        session,
        principal,
        plan,
        action="query.rows",
        per_school=+per_school,
        detail={"format": "json", "cursor": bool(cursor)},
        receipt=receipt,
    )
    return {
        "grant_id": plan.grant.id,
        "entity": plan.entity,
        "columns": [c.as_dict() for c in plan.columns],
        "rows": rows,
        "count": count,
        "next_cursor": next_cursor,
        **({"as_of": as_of.isoformat()} if as_of is not None else {}),
    }


def check_as_of(principal: Principal, as_of: date, *, today: date, json_page: bool) -> None:
    """An as-of read is the education bureau's (and the admin's), of a day already past, as a JSON page."""
    if principal.kind not in (Role.EDUCATION, Role.ADMIN):
        raise AsOfNotAllowed(
            "只有教育局可以查看记录在某一天的状态（as_of）",
            "only the education bureau reads records as they stood on a day (as_of)",
            detail={"field": "as_of", "value": as_of.isoformat()},
        )
    if as_of > today:
        raise AsOfInvalid(
            f"as_of {as_of} 晚于今天（{today}）：记录将来的状态不存在",
            f"as_of {as_of} is after today ({today}): records have no state in the future",
            detail={"field": "as_of", "value": as_of.isoformat(), "reason": "in the future"},
        )
    if not json_page:
        raise AsOfInvalid(
            "as_of 只用于 JSON 分页读取",
            "as_of reads are JSON pages",
            detail={"field": "as_of", "value": as_of.isoformat(), "reason": "JSON pages only"},
        )


def stood_on(
    session: Session,
    plan: Plan,
    rows: list[dict[str, Any]],
    keys: list[tuple[Any, ...]],
    as_of: date,
) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """The page's records as they stood at the end of `as_of` (the hub's local day): today's values
    with every later change undone from the history (which keeps the old value of each change).
    Timeless values undo changes without a period; a periodic column those of its own period. A record
    that came into the store later is left out. Derived values (年龄) stay as computed today."""
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    later = QueryRepository(session).history_since(plan.entity, [str(key[-1]) for key in keys], cutoff)
    by_name = {c.element.name: c for c in plan.columns if c.element.derivation is None}
    kept_rows: list[dict[str, Any]] = []
    kept_keys: list[tuple[Any, ...]] = []
    for row, key in zip(rows, keys, strict=True):
        entries = later.get(str(key[-1]), [])
        moved = {batch for batch, changes, _ in entries if set(changes) == {"school_code"}}
        existed = True
        for batch, changes, period in entries:  # newest first: undo them in that order
            if changes.get("_inserted"):
                if batch in moved:
                    continue  # re-inserted under its new school: it existed before, under the old one
                existed = False
                break
            for name, pair in changes.items():
                if not isinstance(pair, list) or len(pair) != 2:
                    continue
                if name == "extra":
                    old = pair[0] or {}
                    for extra_name, column in by_name.items():
                        if is_extra(column.element) and column.period is None and period is None:
                            row[column.element.code] = _masked(
                                column, _plain(column.element, old.get(extra_name))
                            )
                    continue
                column = by_name.get(name)
                if column is None or column.period != period:
                    continue
                row[column.element.code] = _masked(column, _as_shown(column.element, pair[0]))
        if existed:
            kept_rows.append(row)
            kept_keys.append(key)
    return kept_rows, kept_keys


def _as_shown(element: schemas.Element, value: Any) -> Any:
    """A value out of the history (JSON) as a row shows it."""
    if value is None:
        return None
    if element.value_type == "year_month":
        return str(value)[:7]
    if element.value_type == "date":
        return str(value)[:10]
    if element.value_type == "decimal":
        return float(value)
    return value


# --- aggregates --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Measure:
    name: str  # as asked: sum:teacher.weekly_lessons
    kind: str  # sum | avg
    element: schemas.Element


def _measures(std: schemas.Standard, entity: str, asked: list[str]) -> list[Measure]:
    measures: list[Measure] = []
    for text in dict.fromkeys(asked):
        if text == "count":
            continue
        kind, _, name = text.partition(":")
        if kind not in ("sum", "avg") or not name:
            raise MeasureMalformed(
                f"统计量“{text}”应为 count、sum:数据元 或 avg:数据元",
                f"measure {text!r} must be count, sum:<element> or avg:<element>",
                detail={"field": "measure", "value": text},
            )
        (code,) = element_codes(std, entity, [name], field="measure")
        element = std.element(code)
        numeric = (
            element.value_type in ("integer", "decimal")
            and element.derivation is None
            and not is_extra(element)
        )
        yearly = element.derivation is not None and element.derivation.function == "years_since"
        if not (numeric or yearly):
            raise MeasureNotNumeric(
                f"{element.label_zh} 不是可求和的数值",
                f"{code} is not a number that can be summed or averaged",
                detail={"field": "measure", "value": text},
            )
        measures.append(Measure(name=f"{kind}:{code}", kind=kind, element=element))
    return measures


def _group_keys(
    std: schemas.Standard, entity: str, asked: list[str]
) -> list[tuple[str, schemas.Element | None]]:
    if len(asked) > MAX_GROUP_KEYS:
        raise TooManyGroupKeys(
            f"最多按 {MAX_GROUP_KEYS} 个维度分组",
            f"at most {MAX_GROUP_KEYS} group_by keys",
            detail={"field": "group_by", "value": asked},
        )
    keys: list[tuple[str, schemas.Element | None]] = []
    for name in dict.fromkeys(asked):
        if name in ("school", "division"):
            keys.append((name, None))
            continue
        (code,) = element_codes(std, entity, [name], field="group_by")
        element = std.element(code)
        if (
            element.value_type not in ("code", "boolean")
            or element.derivation is not None
            or is_extra(element)
        ):
            raise GroupByNotCodeList(
                f"只能按代码类或是否类数据元分组：{element.label_zh}",
                f"group_by takes school, division, or a "
                f"code-list or yes/no element; {code} is {element.value_type}",
                detail={"field": "group_by", "value": name},
            )
        keys.append((code, element))
    return keys


def _number(value: Any) -> float | None:
    if value is None:
        return None
    return round(float(value), 4)


def _group_columns(plan: Plan, keys: list[tuple[str, schemas.Element | None]]) -> tuple[list[Any], bool]:
    entity = plan.entity
    table = ENTITY_TABLES[entity]
    join_schools = False
    group_columns: list[Any] = []
    for name, element in keys:
        if name == "school":
            group_columns.append(table.c[SCHOOL_COLUMN[entity]])
        elif name == "division":
            if entity == "teacher":
                join_schools = True
                group_columns.append(schools_table.c.division_code)
            else:
                group_columns.append(table.c.division_code)
        else:
            assert element is not None
            group_columns.append(plan.value(element))
    return group_columns, join_schools


# How many of the grant's earlier aggregates a new one is checked against (newest first).
DIFFERENCING_LOOKBACK = 50


def _published(cells: list[Cell], outcome: Suppression) -> dict[Any, int]:
    """The counts an aggregate shows: its cells not withheld, and its total unless withheld."""
    shown = {cell.keys: cell.count for index, cell in enumerate(cells) if index not in outcome.withheld}
    if not outcome.total_withheld:
        shown[("*total*",)] = sum(cell.count for cell in cells)
    return shown


def _refuse_differencing(
    session: Session,
    principal: Principal,
    entity: str,
    plan: Plan,
    keys: list[tuple[str, schemas.Element | None]],
    query: dict[str, Any],
    cells: list[Cell],
    outcome: Suppression,
    *,
    k: int,
    today: date,
) -> None:
    """Refuse an aggregate whose published counts, subtracted from those of an earlier aggregate of the
    same grant and grouping (re-run now, over the same data), leave a count between 1 and k − 1: that
    difference is a group of fewer than k records, exactly what suppression withholds.

    Each earlier query is re-run rather than remembered, so a change of the data in between cannot be
    mistaken for a difference of scope, and nothing but the query itself is kept (in its audit entry).
    """
    mine = _published(cells, outcome)
    group_columns, join_schools = _group_columns(plan, keys)
    repository = QueryRepository(session)
    width = len(group_columns)
    seen: list[dict[str, Any]] = []
    earlier = audit.earlier_entries(
        session,
        action="query.aggregate",
        principal_id=principal.id,
        grant_id=plan.grant.id,
        limit=DIFFERENCING_LOOKBACK,
    )
    for entry in earlier:
        before = (entry.detail or {}).get("query")
        if not isinstance(before, dict) or before.get("group_by") != query["group_by"]:
            continue
        if before == query or before in seen:
            continue
        seen.append(before)
        try:
            other = plan_read(
                session,
                principal,
                entity,
                elements=None,
                extra_needed=[code for code, e in keys if e is not None],
                grant_id=plan.grant.id,
                schools=before.get("schools"),
                divisions=before.get("divisions"),
                where=before.get("where") or None,
                today=today,
                period=before.get("period"),
            )
        except HubError:
            continue  # a scope the grant no longer allows reveals nothing now
        raw = repository.aggregate(entity, group_columns, [], where=other.where, join_schools=join_schools)
        theirs_cells = [Cell(keys=tuple(r[:width]), count=int(r[width])) for r in raw]
        theirs_cells.sort(key=lambda c: tuple("" if v is None else str(v) for v in c.keys))
        theirs = _published(theirs_cells, suppress(theirs_cells, k))
        for cell_keys in set(mine) | set(theirs):
            # A group absent from one table counts 0 there: published by the other, it is the difference.
            if cell_keys not in mine and any(c.keys == cell_keys for c in cells):
                continue
            if cell_keys not in theirs and any(c.keys == cell_keys for c in theirs_cells):
                continue
            difference = abs(mine.get(cell_keys, 0) - theirs.get(cell_keys, 0))
            if 0 < difference < k:
                shown = [None if v == "*total*" else v for v in cell_keys]
                raise AggregateDifferencing(
                    f"本次汇总与本授权下第 {entry.id} 号审计记录的汇总相减，会得出一个少于 {k} 条记录的组"
                    f"（{difference} 条），小单元格保护不允许；请改用相同或相差至少 {k} 条记录的范围",
                    f"subtracted from the aggregate of audit entry {entry.id} under the same grant, this one "
                    f"would give a group of {difference} records, under the suppression threshold {k}; "
                    f"ask for the same scope or one that differs by at least {k} records",
                    detail={
                        "earlier_entry": entry.id,
                        "earlier_query": before,
                        "group": dict(zip(query["group_by"], shown, strict=False)),
                        "k": k,
                    },
                )


def aggregate(
    session: Session,
    principal: Principal,
    entity: str,
    *,
    measure: list[str],
    group_by: list[str],
    grant_id: int | None,
    schools: list[str] | None,
    divisions: list[str] | None,
    where: list[str] | None,
    k: int,
    today: date,
    period: str | None = None,
) -> dict[str, Any]:
    """count / sum / avg by school, division or code-list values, with small cells suppressed; audited.
    Periodic elements are summed and filtered by their values of `period` (default: the current one)."""
    std = current_standard(session)
    measures = _measures(std, entity, measure)
    keys = _group_keys(std, entity, group_by)
    needed = [m.element.code for m in measures] + [code for code, e in keys if e is not None]
    plan = plan_read(
        session,
        principal,
        entity,
        elements=None,
        extra_needed=needed,
        grant_id=grant_id,
        schools=schools,
        divisions=divisions,
        where=where,
        today=today,
        period=period,
    )
    touched = [c for c in needed if c in plan.masked]
    if touched:
        raise AggregateOnMasked(
            f"脱敏数据元不能用于统计：{'、'.join(touched)}",
            "masked elements cannot be grouped or summed: " + ", ".join(touched),
            detail={"elements": touched},
        )
    dialect = session.get_bind().dialect.name
    table = ENTITY_TABLES[entity]
    group_columns, join_schools = _group_columns(plan, keys)
    measure_columns: list[Any] = []
    for m in measures:
        derivation = m.element.derivation
        if derivation is not None:
            source = derivation.inputs[0].split(".", 1)[1]
            measure_columns.append(years_since(dialect, table.c[source], today))
        else:
            measure_columns.append(plan.value(m.element))
    repository = QueryRepository(session)
    raw = repository.aggregate(
        entity, group_columns, measure_columns, where=plan.where, join_schools=join_schools
    )
    width = len(group_columns)
    cells = [Cell(keys=tuple(r[:width]), count=int(r[width])) for r in raw]
    cells.sort(key=lambda c: tuple("" if v is None else str(v) for v in c.keys))
    order = {tuple(r[:width]): r for r in raw}
    outcome = suppress(cells, k)
    key_names = [name for name, _ in keys]
    query: dict[str, Any] = {
        "group_by": key_names,
        "schools": schools,
        "divisions": divisions,
        "where": where or [],
    }
    if period:
        query["period"] = period
    _refuse_differencing(session, principal, entity, plan, keys, query, cells, outcome, k=k, today=today)
    labels = {
        code: {c.code: c.label_zh for c in std.code_list(e.code_list).codes}
        for code, e in keys
        if e is not None and e.code_list
    }
    groups = []
    total_count = 0
    sums = [0.0] * len(measures)
    counts = [0] * len(measures)
    for index, cell in enumerate(cells):
        row = order[cell.keys]
        total_count += cell.count
        values: dict[str, float | None] = {}
        for j, m in enumerate(measures):
            total, filled = row[width + 1 + 2 * j], int(row[width + 2 + 2 * j])
            sums[j] += float(total or 0)
            counts[j] += filled
            values[m.name] = (
                _number(total) if m.kind == "sum" else _number(float(total) / filled if filled else None)
            )
        hidden = index in outcome.withheld
        key_values = {
            name: (v if not isinstance(v, Decimal) else float(v))
            for name, v in zip(key_names, cell.keys, strict=True)
        }
        groups.append(
            {
                "keys": key_values,
                "labels": {
                    n: labels[n].get(str(v), "")
                    for n, v in key_values.items()
                    if n in labels and v is not None
                },
                "count": None if hidden else cell.count,
                "values": {name: None for name in values} if hidden else values,
                "suppressed": hidden,
            }
        )
    total_values = {
        m.name: (_number(sums[j]) if m.kind == "sum" else _number(sums[j] / counts[j] if counts[j] else None))
        for j, m in enumerate(measures)
    }
    hidden_total = outcome.total_withheld
    if "school" in key_names:
        position = key_names.index("school")
        per_school: Counter[str] = Counter()
        for cell in cells:
            per_school[str(cell.keys[position])] += cell.count
    else:
        per_school = Counter(repository.rows_per_school(entity, where=plan.where, join_schools=join_schools))
    plan.columns = [QueryColumn(element=std.element(c), masked=False) for c in dict.fromkeys(needed)]
    record_read(
        session,
        principal,
        plan,
        action="query.aggregate",
        per_school=per_school,
        detail={
            "group_by": key_names,
            "measures": [m.name for m in measures],
            "k": k,
            "suppressed": len(outcome.withheld),
            # What the differencing check re-runs for the grant's later aggregates.
            "query": query,
        },
    )
    return {
        "grant_id": plan.grant.id,
        "entity": entity,
        "k": k,
        "group_by": key_names,
        "measures": ["count", *(m.name for m in measures)],
        "groups": groups,
        "total": {
            "count": None if hidden_total else total_count,
            "values": {n: None for n in total_values} if hidden_total else total_values,
            "suppressed": hidden_total,
        },
    }


# --- changes -----------------------------------------------------------------------------------------


def changes(
    session: Session,
    principal: Principal,
    entity: str,
    *,
    secret_key: str,
    grant_id: int | None,
    since: str | None,
    limit: int,
    schools: list[str] | None,
    divisions: list[str] | None,
    today: date,
    period: str | None = None,
) -> dict[str, Any]:
    """What changed in the grant's scope since the cursor, in commit order: a new record with the values
    of its granted elements, a changed one with its new values (masked as rows are), and records that
    left a school. Derived elements are not fed: a department recomputes them, or reads rows again.
    Periodic elements are fed for `period` (the current one by default): a change of another period's
    values is left out."""
    plan = plan_read(
        session,
        principal,
        entity,
        elements=None,
        grant_id=grant_id,
        schools=None,
        divisions=None,
        where=None,
        today=today,
        period=period,
    )
    plan.columns = [c for c in plan.columns if c.element.derivation is None]
    after = (
        cursors.unseal(
            since,
            secret_key=secret_key,
            holder_id=plan.grant.department_id,
            kinds=(int, int),
            field_name="since",
        )
        if since
        else [0, 0]
    )
    dialect = session.get_bind().dialect.name
    history = RecordHistory.__table__.c
    conditions = [
        school_condition(
            history.school_code, schools=plan.grant.schools, divisions=plan.grant.divisions, dialect=dialect
        ),
        school_within(history.school_code, bound_division(principal)),
    ]
    if schools is not None or divisions is not None:
        conditions.append(
            school_condition(history.school_code, schools=schools, divisions=divisions, dialect=dialect)
        )
    found = QueryRepository(session).changes(
        entity, where=conditions, after=(after[0], after[1]), limit=limit
    )
    by_name = {c.element.name: c for c in plan.columns}
    record_id = pseudonymiser(secret_key, plan.grant.department_id, entity)
    inserted = _inserted_values(
        session,
        plan,
        {row.record_key for _, row in found if (row.changes or {}).get("_inserted")},
        secret_key=secret_key,
        today=today,
    )
    per_school: Counter[str] = Counter()
    receipt = receipt_for(entity)
    out = []
    for _, row in found:
        recorded = row.changes or {}
        per_school[row.school_code] += 1
        if receipt is not None:
            receipt.add(row.school_code, row.record_key)
        if recorded.get("_inserted"):
            out.append(
                {
                    "record_id": record_id(row.record_key),
                    "school_code": row.school_code,
                    "at": row.recorded_at,
                    "op": "upsert",
                    "values": inserted.get((row.school_code, row.record_key), {}),
                }
            )
            continue
        if entity == "teacher" and set(recorded) == {"school_code"}:
            out.append(
                {
                    "record_id": record_id(row.record_key),
                    "school_code": row.school_code,
                    "at": row.recorded_at,
                    "op": "removed",
                    "values": {},
                }
            )
            continue
        values: dict[str, Any] = {}
        for name, pair in recorded.items():
            if name == "extra":
                old, new = (pair or [None, None]) if isinstance(pair, list) else (None, None)
                for key, value in (new or {}).items():
                    column = by_name.get(key)
                    if column is not None and (old or {}).get(key) != value:
                        values[column.element.code] = _masked(column, value)
                continue
            column = by_name.get(name)
            if column is not None and column.period != row.period:
                continue  # another period's values, or a periodic element's mirror
            if column is not None and isinstance(pair, list) and len(pair) == 2:
                values[column.element.code] = _masked(column, pair[1])
        if row.period is not None and not values:
            continue
        out.append(
            {
                "record_id": record_id(row.record_key),
                "school_code": row.school_code,
                "at": row.recorded_at,
                "op": "upsert",
                "values": values,
                **({"period": row.period} if row.period else {}),
            }
        )
    position = [found[-1][0], int(found[-1][1].id)] if found else list(after)
    record_read(
        session,
        principal,
        plan,
        action="query.changes",
        per_school=per_school,
        detail={"since": list(after), "until": position},
        receipt=receipt,
    )
    return {
        "grant_id": plan.grant.id,
        "entity": entity,
        "columns": [c.as_dict() for c in plan.columns],
        "changes": out,
        "next_cursor": cursors.seal(position, secret_key=secret_key, holder_id=plan.grant.department_id),
        "has_more": len(found) == limit,
    }


def _inserted_values(
    session: Session, plan: Plan, record_keys: set[str], *, secret_key: str, today: date
) -> dict[tuple[str, str], dict[str, Any]]:
    """The values of new records, by (school, record key): read from their current rows in one query,
    through the same SQL values and masks as rows (history keeps only a marker for an insert).

    A record changed since it was inserted is fed with its current values here, and its later
    changes re-send values it already holds: replayed in order, the feed still ends at the current
    state. A record that left the school since gets no values: its removal comes later in the feed.
    """
    if not record_keys:
        return {}
    dialect = session.get_bind().dialect.name
    key_column = ENTITY_TABLES[plan.entity].c[KEY_COLUMNS[plan.entity][-1]]
    # Only the wanted records; the grant's scope (plan.where) still applies.
    wanted = replace(plan, where=[*plan.where, in_codes(key_column, sorted(record_keys), dialect)])
    keys: list[tuple[Any, ...]] = []
    rows = list(
        iter_rows(
            session,
            wanted,
            secret_key=secret_key,
            after=None,
            limit=None,
            today=today,
            per_school=Counter(),
            keys=keys,
        )
    )
    school_at = KEY_COLUMNS[plan.entity].index(SCHOOL_COLUMN[plan.entity])
    codes = [c.element.code for c in plan.columns]
    return {
        (key[school_at], key[-1]): {code: row[code] for code in codes}
        for row, key in zip(rows, keys, strict=True)
    }


def _masked(column: QueryColumn, value: Any) -> Any:
    if value is None or not column.masked:
        return value
    return masking.mask(column.element, value)


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise LimitOutOfRange(
            f"limit 须在 1 到 {MAX_PAGE} 之间",
            f"limit must be 1 to {MAX_PAGE}",
            detail={"field": "limit", "value": limit},
        )
    return limit
