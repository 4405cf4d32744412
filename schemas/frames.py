"""Validate tables of rows against the standard with pandera, reporting every bad cell.

`validate_frame` takes text as it comes from files and forms, turns it into typed columns (codes resolved
from labels, dates and numbers parsed), validates the typed frame lazily with the pandera schema of
`build_frame_schema`, and returns the rows that passed together with one `RowFailure` per bad cell.
Columns are handled whole (pandas string methods, numpy, and per distinct value for low-cardinality
columns) so that a million rows validate in seconds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from schemas.errors import MissingColumnsError
from schemas.model import CodeList, Element, Standard
from schemas.validators import (
    VALUE_CHECKS,
    birth_date_from_id_number,
    dates_from_digits,
    id_number_birth_dates,
    validator_mask,
)

ENTITY_KEYS = {"teacher": "id_number", "school": "code"}
"""The element that identifies a record of each entity; it must be unique within one table."""

BOOLEAN_CODE_LIST = "boolean"

_PANDAS_DTYPES = {
    "string": "str",
    "code": "str",
    "integer": "Int64",
    "decimal": "Float64",
    "date": "datetime64[us]",
    "year_month": "datetime64[us]",
    "boolean": "boolean",
}

_FULL_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT_YEAR_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_NUMBER_NOISE = re.compile(r"[,，\s]")
_SEPARATOR = "\x1f"
_SPACES = (" ", "\t", "\n", "\r", "\u3000", "\xa0")
# Characters nobody types into a form but that break what reads the value later: C0/C1 controls (BEL,
# ESC; tab and line breaks are let through), DEL, and the bidirectional overrides and marks that make a
# name display as another (U+202E turns "txt.exe" around). The separator is left out here and counted
# separately, because it joins the column for the fast scan.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1e\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, kw_only=True)
class RowFailure:
    """One bad cell: the row's index label, the element name, the value as given, and why (zh and en)."""

    row: int
    field: str
    value: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True, kw_only=True, eq=False)
class FrameReport:
    """The outcome of validating a table: typed rows that passed, and every failure of the rest."""

    entity: str
    valid: pd.DataFrame
    failures: tuple[RowFailure, ...]
    ignored_columns: tuple[str, ...] = ()

    @property
    def rejected_rows(self) -> tuple[int, ...]:
        """Index labels of the rows with at least one failure, in table order."""
        return tuple(dict.fromkeys(f.row for f in self.failures))


# ── The pandera schema ────────────────────────────────────────────────────


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _or_missing(passed: Any, values: pd.Series) -> pd.Series:
    """A check result that lets missing cells through (nullability is the column's own rule)."""
    missing = np.asarray(values.isna(), dtype=np.bool_)
    return pd.Series(
        np.asarray(pd.Series(passed).fillna(False), dtype=np.bool_) | missing, index=values.index
    )


def _column_checks(std: Standard, element: Element) -> list[pa.Check]:
    # Checks see whole columns, missing cells included (ignore_na=False): pandera would otherwise copy
    # each column without its missing cells before every check, which costs more than the checks.
    checks: list[pa.Check] = []
    if element.code_list is not None:
        allowed = list(std.code_list(element.code_list).values)
        checks.append(
            pa.Check(
                lambda s, allowed=allowed: _or_missing(s.isin(allowed), s), name="code_list", ignore_na=False
            )
        )
    if element.max_length is not None and element.validator is None:
        # A validator fixes the length of what it accepts; measuring it again would only cost time.
        limit = element.max_length
        checks.append(
            pa.Check(
                lambda s, limit=limit: _or_missing(s.str.len() <= limit, s),
                name="max_length",
                ignore_na=False,
            )
        )
    if element.min_value is not None or element.max_value is not None:
        low = element.min_value if element.min_value is not None else -np.inf
        high = element.max_value if element.max_value is not None else np.inf
        checks.append(
            pa.Check(
                lambda s, low=low, high=high: _or_missing((s >= low) & (s <= high), s),
                name="range",
                ignore_na=False,
            )
        )
    if element.validator is not None:
        name = element.validator
        checks.append(
            pa.Check(
                lambda s, name=name: _or_missing(validator_mask(name, s), s),
                name="validator",
                ignore_na=False,
            )
        )
    return checks


def _birth_date_matches_id(frame: pd.DataFrame) -> pd.Series:
    if "birth_date" not in frame or "id_number" not in frame:
        return pd.Series(True, index=frame.index)
    from_id = id_number_birth_dates(frame["id_number"])
    given = frame["birth_date"].to_numpy(dtype="datetime64[D]")
    comparable = ~np.isnat(from_id) & ~np.isnat(given)
    return pd.Series(~comparable | (from_id == given), index=frame.index)


def build_frame_schema(std: Standard, entity: str) -> pa.DataFrameSchema:
    """The pandera schema of an entity's typed table: one column per element, named by element name."""
    elements = std.elements_for(entity)
    if not elements:
        raise ValueError(f"数据标准中没有实体 {entity} 的元素 / the standard has no elements for {entity!r}")
    key = ENTITY_KEYS.get(entity)
    columns = {
        e.name: pa.Column(
            _PANDAS_DTYPES[e.value_type],
            checks=_column_checks(std, e),
            nullable=not e.required,
            required=e.required,
            unique=e.name == key,
            report_duplicates="all",
            title=e.label_zh,
            description=e.label_en,
        )
        for e in elements
    }
    wide = []
    if entity == "teacher":
        wide.append(pa.Check(_birth_date_matches_id, name="birth_date_matches_id_number"))
    return pa.DataFrameSchema(
        columns, checks=wide, name=f"{entity} v{std.version}", strict=False, coerce=False
    )


# ── Turning text into typed columns ──────────────────────────────────────


@dataclass(kw_only=True)
class _Parsed:
    typed: pd.Series
    bad: npt.NDArray[np.intp] = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    reason: Callable[[str], tuple[str, str]] | None = None
    month_only: npt.NDArray[np.bool_] | None = None


def _as_text(column: pd.Series) -> pd.Series:
    if str(column.dtype) != "str":
        column = column.astype("str")
    return column


def _clean_unique(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _factorize(column: pd.Series) -> tuple[npt.NDArray[np.intp], list[str]]:
    codes, uniques = pd.factorize(column)
    return np.asarray(codes, dtype=np.intp), [_clean_unique(u) for u in uniques]


def _take(values: npt.NDArray[Any], codes: npt.NDArray[np.intp], missing: Any) -> npt.NDArray[Any]:
    """values[codes], with `missing` where the code is -1 (a missing cell)."""
    extended = np.append(values, np.array([missing], dtype=values.dtype))
    return extended[np.where(codes < 0, len(values), codes)]


def _parse_text(element: Element, column: pd.Series) -> _Parsed:
    # Scanning the column joined into one string finds out in C which clean-ups it needs at all;
    # well-formed columns then skip the per-row string passes.
    present = column.dropna().tolist()
    joined = _SEPARATOR + _SEPARATOR.join(present) + _SEPARATOR
    invisible = _INVISIBLE.search(joined) is not None or joined.count(_SEPARATOR) != len(present) + 1
    text = column
    if _needs_strip(joined):
        text = text.str.strip()
    if element.validator is not None:
        if not joined.isascii():
            # People type ID numbers and phone numbers with full-width digits; fold only those rows.
            wide = ~text.str.isascii().fillna(True)
            text = text.copy()
            text[wide] = text[wide].str.normalize("NFKC").str.strip()
        if element.validator in ("id_number", "uscc") and joined.upper() != joined:
            text = text.str.upper()
    if text is not column or _SEPARATOR * 2 in joined:
        text = text.mask(text == "")
    if not invisible:
        return _Parsed(typed=text)
    hidden = column.str.contains(_INVISIBLE.pattern[:-1] + "\x1f]", regex=True, na=False)
    return _Parsed(typed=text, bad=np.flatnonzero(hidden.to_numpy(dtype=bool)), reason=_invisible_reason)


def _invisible_reason(value: str) -> tuple[str, str]:
    # The value comes stripped, and Python strips U+001C–U+001F at the ends: name the character if it
    # is still there, the kind of character otherwise.
    char = next((c for c in value if _INVISIBLE.match(c) or c == _SEPARATOR), None)
    where = f"U+{ord(char):04X}" if char else "(U+001C–U+001F)"
    return (
        f"含有不可见的控制字符 {where}，请删除后重新提交",
        f"holds the invisible control character {where}; remove it and submit again",
    )


def _needs_strip(joined: str) -> bool:
    """Whether any value in a separator-joined column starts or ends with a space (plain str.find, fast)."""
    return any(
        space in joined and (_SEPARATOR + space in joined or space + _SEPARATOR in joined)
        for space in _SPACES
    )


def _parse_code(code_list: CodeList, column: pd.Series) -> _Parsed:
    codes, uniques = _factorize(column)
    # Unresolved values stay as written, so that the schema's code-list check reports them.
    mapped = np.array([code_list.resolve(u) or u or None for u in uniques] + [None], dtype=object)
    values = mapped[np.where(codes < 0, len(uniques), codes)]
    return _Parsed(typed=pd.Series(values, index=column.index, dtype="str"))


def _parse_boolean(code_list: CodeList, column: pd.Series) -> _Parsed:
    codes, uniques = _factorize(column)
    resolved = [code_list.resolve(u) for u in uniques]
    values = np.array([{"1": True, "0": False}.get(r or "") for r in resolved] + [None], dtype=object)
    unknown = np.array([bool(u) and r is None for u, r in zip(uniques, resolved, strict=True)] + [False])
    index = np.where(codes < 0, len(uniques), codes)
    return _Parsed(
        typed=pd.Series(values[index], index=column.index, dtype="boolean"),
        bad=np.flatnonzero(unknown[index]),
        reason=lambda v: (f"“{v}”应为“是”或“否”", f"{v!r} must be yes or no (是/否)"),
    )


# How forms write the standard's units after a number ("1200人", "3.5万元", "35000平方米").
_UNIT_SPELLINGS = {
    "m2": ("m2", "m²", "㎡", "平方米", "平米"),
    "cm": ("cm", "厘米", "公分"),
    "kg": ("kg", "公斤", "千克"),
    "Mbps": ("mbps", "m", "兆"),
}
_LARGEST_INTEGER = 2.0**53  # beyond this a float no longer holds every integer exactly


def _number(text: str, unit: str | None) -> float | None:
    cleaned = _NUMBER_NOISE.sub("", text)
    for spelling in _UNIT_SPELLINGS.get(unit or "", (unit,) if unit else ()):
        if cleaned.casefold().endswith(spelling.casefold()):
            cleaned = cleaned[: -len(spelling)]
            break
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if np.isfinite(number) and abs(number) < _LARGEST_INTEGER else None


def _parse_number(element: Element, column: pd.Series) -> _Parsed:
    codes, uniques = _factorize(column)
    numbers = [_number(u, element.unit) if u else None for u in uniques]
    integer = element.value_type == "integer"
    unparsed = [
        bool(u) and (n is None or (integer and not float(n).is_integer()))
        for u, n in zip(uniques, numbers, strict=True)
    ]
    values = np.array([np.nan if n is None or bad else n for n, bad in zip(numbers, unparsed, strict=True)])
    typed = pd.Series(_take(values, codes, np.nan), index=column.index)
    typed = typed.astype("Int64") if integer else typed.astype("Float64")
    bad_mask = _take(np.array(unparsed, dtype=bool), codes, False)
    if integer:

        def reason(v: str) -> tuple[str, str]:
            return f"“{v}”应为整数", f"{v!r} must be a whole number"
    else:

        def reason(v: str) -> tuple[str, str]:
            return f"“{v}”应为数字", f"{v!r} must be a number"

    return _Parsed(typed=typed, bad=np.flatnonzero(bad_mask), reason=reason)


def _date_parts(text: str, year_month: bool) -> tuple[int, int, int, bool] | None:
    """(year, month, day, month_only) for the formats forms use, or None."""
    for pattern in (_FULL_DATE, _COMPACT_DATE):
        match = pattern.match(text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            return (y, m, 1, True) if year_month else (y, m, d, False)
    for pattern in (_YEAR_MONTH, _COMPACT_YEAR_MONTH):
        match = pattern.match(text)
        if match:
            y, m = (int(g) for g in match.groups())
            return y, m, 1, True
    return None


def _parse_date(element: Element, column: pd.Series) -> _Parsed:
    year_month = element.value_type == "year_month"
    codes, uniques = _factorize(column)
    parts = [_date_parts(u, year_month) if u else None for u in uniques]
    year = np.array([p[0] if p else 0 for p in parts], dtype=np.int64)
    month = np.array([p[1] if p else 0 for p in parts], dtype=np.int64)
    day = np.array([p[2] if p else 0 for p in parts], dtype=np.int64)
    parsed = dates_from_digits(year, month, day)
    real = ~np.isnat(parsed)
    parsed[(year < 1900) | (year > 2100)] = np.datetime64("NaT")
    # Plausible, not just well-formed: 1900-01-01 is Excel's empty date, 2099 a typo or a placeholder.
    earliest, latest = plausible_dates(element)
    too_early = real & (parsed < np.datetime64(earliest))
    too_late = real & (parsed > np.datetime64(latest)) if latest is not None else np.zeros_like(real)
    parsed[too_early | too_late] = np.datetime64("NaT")
    unparsed = np.array([bool(u) for u in uniques], dtype=bool) & np.isnat(parsed)
    month_only = np.array([bool(p and p[3]) for p in parts], dtype=bool)
    typed = pd.Series(_take(parsed, codes, np.datetime64("NaT")), index=column.index).astype("datetime64[us]")
    early = {u for u, bad in zip(uniques, too_early, strict=True) if bad}
    late = {u for u, bad in zip(uniques, too_late, strict=True) if bad}
    if year_month:
        example_zh, example_en = "年月（如 2010-09）", "a year and month (e.g. 2010-09)"
    else:
        example_zh, example_en = "日期（如 1990-05-01）", "a date (e.g. 1990-05-01)"

    def reason(v: str) -> tuple[str, str]:
        if v in early:
            return (
                f"“{v}”早于 {earliest.isoformat()}，不像真实的{element.label_zh}（1900-01-01 常是 Excel 的空日期）",
                f"{v!r} is before {earliest.isoformat()}: not a plausible {element.label_en.lower()} "
                "(1900-01-01 is often an empty Excel date)",
            )
        if v in late and latest is not None:
            return (
                f"“{v}”晚于今天（{date.today().isoformat()}），{element.label_zh}不能是将来的日期",
                f"{v!r} is after today ({date.today().isoformat()}): "
                f"{element.label_en.lower()} cannot lie in the future",
            )
        return f"“{v}”不是有效{example_zh}", f"{v!r} is not {example_en}"

    return _Parsed(
        typed=typed,
        bad=np.flatnonzero(_take(unparsed, codes, False)),
        reason=reason,
        month_only=_take(month_only, codes, False),
    )


EARLIEST_DATE = date(1920, 1, 1)


def plausible_dates(element: Element) -> tuple[date, date | None]:
    """The earliest and latest value a date element takes (None: no upper bound; the future is allowed).

    The latest is tomorrow rather than today: a form filled late at night in UTC+8 is already tomorrow there.
    """
    return EARLIEST_DATE, None if element.future_allowed else date.today() + timedelta(days=1)


def _parse(std: Standard, element: Element, column: pd.Series) -> _Parsed:
    text = _as_text(column)
    if element.value_type == "code":
        assert element.code_list is not None
        return _parse_code(std.code_list(element.code_list), text)
    if element.value_type == "boolean":
        return _parse_boolean(std.code_list(BOOLEAN_CODE_LIST), text)
    if element.value_type in ("integer", "decimal"):
        return _parse_number(element, text)
    if element.value_type in ("date", "year_month"):
        return _parse_date(element, text)
    return _parse_text(element, text)


# ── Reasons a person can act on ───────────────────────────────────────────


def _check_reason(std: Standard, element: Element, check: str, value: str) -> tuple[str, str]:
    if check == "not_nullable":
        return f"{element.label_zh}为必填项，不能为空", f"{element.label_en} is required and cannot be empty"
    if check == "field_uniqueness":
        return (
            f"{element.label_zh}“{value}”在表中重复出现",
            f"{element.label_en} {value!r} appears more than once in the table",
        )
    if check == "code_list" and element.code_list is not None:
        code_list = std.code_list(element.code_list)
        zh = f"“{value}”不在代码表“{code_list.label_zh}”中"
        en = f"{value!r} is not in the code list {code_list.label_en or code_list.name}"
        if len(code_list.codes) <= 12:
            zh += "，可填：" + "、".join(f"{c.code} {c.label_zh}" for c in code_list.codes)
            en += "; allowed: " + ", ".join(f"{c.code} {c.label_en}" for c in code_list.codes)
        return zh, en
    if check == "max_length" and element.max_length is not None:
        return (
            f"长度为{len(value)}个字符，超过上限{element.max_length}",
            f"{len(value)} characters, more than the limit of {element.max_length}",
        )
    if check == "range":
        unit = element.unit or ""
        unit_en = unit if unit.isascii() else ""
        if element.min_value is not None and element.max_value is not None:
            low, high = _fmt(element.min_value), _fmt(element.max_value)
            return (
                f"“{value}”应在{low}到{high}{unit}之间",
                f"{value!r} must be between {low} and {high} {unit_en}".rstrip(),
            )
        if element.min_value is not None:
            low = _fmt(element.min_value)
            return f"“{value}”不能小于{low}{unit}", f"{value!r} must be at least {low} {unit_en}".rstrip()
        high = _fmt(element.max_value or 0)
        return f"“{value}”不能大于{high}{unit}", f"{value!r} must be at most {high} {unit_en}".rstrip()
    if check == "validator" and element.validator is not None:
        problem = VALUE_CHECKS[element.validator](value)
        if problem is not None:
            return problem.reason_zh, problem.reason_en
    return f"“{value}”未通过检查 {check}", f"{value!r} fails check {check}"


def _row_label(label: Hashable, position: int) -> int:
    if isinstance(label, int | np.integer) and not isinstance(label, bool):
        return int(label)
    return position


# ── Validation ─────────────────────────────────────────────────────────


def validate_frame(
    std: Standard, entity: str, df: pd.DataFrame, *, whole_records: bool = True
) -> FrameReport:
    """Validate a table whose columns are element names and whose cells are text as people wrote it.

    Returns the typed rows that passed every check (code lists resolved to codes, dates parsed) and one
    `RowFailure` per bad cell of the others. A row's `row` is the table's index label (its position when
    the index is not integral). Columns that are not elements of the entity are left out of `valid` and
    listed in `ignored_columns`. Raises `MissingColumnsError` when required columns are absent, unless
    `whole_records` is False (values of a past period for records already held: only those columns).
    """
    elements = {e.name: e for e in std.elements_for(entity)}
    if not elements:
        raise ValueError(f"数据标准中没有实体 {entity} 的元素 / the standard has no elements for {entity!r}")
    missing = [
        name for name, e in elements.items() if whole_records and e.required and name not in df.columns
    ]
    if missing:
        raise MissingColumnsError(entity=entity, columns=missing)
    present = [str(c) for c in df.columns if c in elements]
    ignored = tuple(str(c) for c in df.columns if c not in elements)
    repeated = sorted({c for c in present if present.count(c) > 1})
    if repeated:
        names = ", ".join(repeated)
        raise ValueError(f"表中列重复：{names} / columns appear more than once: {names}")

    labels = df.index
    raw = {name: _as_text(df[name]) for name in present}
    cells: dict[str, npt.NDArray[Any]] = {}

    def cell(position: int, name: str) -> str:
        """The value as given, for messages; columns become object arrays only when they have failures."""
        if name not in cells:
            cells[name] = raw[name].to_numpy(dtype=object, na_value=None)
        value = cells[name][position]
        return "" if value is None else str(value)

    # (position, field) -> (zh, en); the first reason found for a cell is kept.
    problems: dict[tuple[int, str], tuple[str, str]] = {}

    typed: dict[str, pd.Series] = {}
    month_only: dict[str, npt.NDArray[np.bool_]] = {}
    for name in present:
        parsed = _parse(std, elements[name], raw[name])
        typed[name] = parsed.typed
        if parsed.month_only is not None:
            month_only[name] = parsed.month_only
        if parsed.reason is not None:
            for position in parsed.bad.tolist():
                problems.setdefault((position, name), parsed.reason(cell(position, name).strip()))
    frame = pd.DataFrame(typed, index=df.index)

    if entity == "teacher" and "birth_date" in frame and "id_number" in frame:
        _fill_birth_day_from_id(frame, month_only.get("birth_date"))

    schema = build_frame_schema(std, entity)
    positions = pd.RangeIndex(len(frame))
    try:
        schema.validate(frame.set_axis(positions), lazy=True)
    except SchemaErrors as errors:
        for position, name, check in _failure_cells(errors.failure_cases):
            text = cell(position, name).strip()
            if check == "birth_date_matches_id_number":
                reason = _birth_mismatch_reason(cell(position, "id_number"))
            else:
                reason = _check_reason(std, elements[name], check, text)
            problems.setdefault((position, name), reason)

    order = {name: i for i, name in enumerate(present)}
    failures = tuple(
        RowFailure(
            row=_row_label(labels[position], position),
            field=name,
            value=cell(position, name),
            reason_zh=zh,
            reason_en=en,
        )
        for (position, name), (zh, en) in sorted(
            problems.items(), key=lambda item: (item[0][0], order[item[0][1]])
        )
    )
    bad_positions = np.fromiter((p for p, _ in problems), dtype=np.intp, count=len(problems))
    keep = np.ones(len(frame), dtype=bool)
    keep[bad_positions] = False
    return FrameReport(entity=entity, valid=frame[keep], failures=failures, ignored_columns=ignored)


def _failure_cells(cases: pd.DataFrame) -> Iterable[tuple[int, str, str]]:
    """(position, field, check) for each failing cell in pandera's failure_cases."""
    cases = cases[cases["index"].notna()]
    for column, check, index in zip(cases["column"], cases["check"], cases["index"], strict=True):
        name = str(check)
        if name == "birth_date_matches_id_number":
            if column != "birth_date":
                continue  # pandera lists every column of a failing row for a table-wide check
        elif column is None:
            continue
        yield int(index), str(column), name


def _birth_mismatch_reason(id_number: Any) -> tuple[str, str]:
    born = birth_date_from_id_number(_clean_unique(id_number))
    shown = born.isoformat() if born is not None else "?"
    return (
        f"出生日期与身份证号码中的出生日期 {shown} 不一致",
        f"date of birth does not match the birth date {shown} in the ID number",
    )


def _fill_birth_day_from_id(frame: pd.DataFrame, month_only: npt.NDArray[np.bool_] | None) -> None:
    """Forms headed 出生年月 give only year and month; take the day from the ID number when they agree."""
    if month_only is None or not month_only.any():
        return
    from_id = id_number_birth_dates(frame["id_number"])
    given = frame["birth_date"].to_numpy(dtype="datetime64[D]")
    same_month = (
        month_only
        & ~np.isnat(from_id)
        & ~np.isnat(given)
        & (from_id.astype("datetime64[M]") == given.astype("datetime64[M]"))
    )
    if same_month.any():
        filled = np.where(same_month, from_id, given).astype("datetime64[us]")
        frame["birth_date"] = pd.Series(filled, index=frame.index)
