"""Check algorithms for identifiers and contact values, one value at a time and vectorised over pandas.

- 公民身份号码 (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit sequence, and an
  ISO 7064 MOD 11-2 check character (0-9 or X).
- 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet without I, O, Z, S, V;
  the last is a MOD 31 check character with weights 3^i mod 31.
- 学校标识码: 10 digits, issued by the Ministry as 2-digit school category + 2-digit province + 6-digit
  sequence, with no check digit. A check digit of our own would refuse nine real codes in ten, so only the
  shape is checked: 10 digits, the first an education-level digit in use (1 pre-school, 2 primary,
  3 secondary, 4 higher, 5 special, 9 other). The synthetic city's codes end in a Luhn digit
  (`school_code_check_digit`) so that generated codes are told apart easily; nothing requires it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import pandas as pd

from schemas import divisions

PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)

_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
_ID_RE = re.compile(r"^\d{17}[\dX]$")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC_RE = re.compile(rf"^[{USCC_ALPHABET}]{{2}}\d{{6}}[{USCC_ALPHABET}]{{10}}$")

SCHOOL_CODE_LEVELS = "123459"
_SCHOOL_CODE_RE = re.compile(rf"^[{SCHOOL_CODE_LEVELS}]\d{{9}}$")

MOBILE_PATTERN = r"1[3-9]\d{9}"
PHONE_PATTERN = (
    r"(?:(?:\(0\d{2,3}\)|0\d{2,3})[- ]?)?[2-9]\d{6,7}(?:(?:-|转|ext\.?|#)\d{1,6})?"
    r"|[48]00-?\d{3}-?\d{4}"
)
POSTCODE_PATTERN = r"[0-8]\d{5}"
EMAIL_PATTERN = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"


@dataclass(frozen=True, kw_only=True)
class ValueProblem:
    """Why a value fails a check, for a person to read."""

    reason_zh: str
    reason_en: str


def _problem(zh: str, en: str) -> ValueProblem:
    return ValueProblem(reason_zh=zh, reason_en=en)


# ── 公民身份号码 ───────────────────────────────────────────────────────────


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character (0-9 or X) for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(d) * int(w) for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def _parse_date(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def birth_date_from_id_number(s: str) -> date | None:
    """The birth date written in an 18-character ID number, or None if that part is not a real date.

    Does not look at the check character: a person can mistype the check digit and still tell the birth date.
    """
    value = s.strip().upper()
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return None
    return _parse_date(value[6:14])


def id_number_problem(s: str, *, today: date | None = None) -> ValueProblem | None:
    """None if `s` is a valid 18-character citizen ID number, else why not."""
    value = s.strip().upper()
    if len(value) != 18:
        return _problem(
            f"身份证号码应为18位，实际为{len(value)}位",
            f"an ID number has 18 characters, this has {len(value)}",
        )
    if not _ID_RE.match(value):
        return _problem(
            "身份证号码前17位应为数字，末位为数字或X", "an ID number is 17 digits followed by a digit or X"
        )
    if value[:2] not in PROVINCE_PREFIXES:
        return _problem(
            f"身份证号码前两位 {value[:2]} 不是省级行政区划代码",
            f"the first two digits {value[:2]} are not a province code",
        )
    born = _parse_date(value[6:14])
    if born is None:
        return _problem(
            f"身份证号码中的出生日期 {value[6:14]} 不是有效日期",
            f"the birth date {value[6:14]} inside the ID number is not a real date",
        )
    if born.year < 1900 or born > (today or date.today()):
        return _problem(
            f"身份证号码中的出生日期 {born.isoformat()} 不合理",
            f"the birth date {born.isoformat()} inside the ID number is implausible",
        )
    expected = id_number_check_char(value[:17])
    if value[17] != expected:
        return _problem(f"身份证号码校验位错误，应为 {expected}", f"check digit wrong, expected {expected}")
    return None


def is_valid_id_number(s: str) -> bool:
    """Whether `s` is a valid 18-character citizen ID number (structure, birth date and check character)."""
    return id_number_problem(s) is None


# ── 统一社会信用代码 ───────────────────────────────────────────────────────


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a unified social credit code."""
    if len(first17) != 17 or any(ch not in _USCC_VALUE for ch in first17):
        raise ValueError(f"need 17 characters from {USCC_ALPHABET}, got {first17!r}")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(s: str) -> ValueProblem | None:
    """None if `s` is a valid unified social credit code, else why not."""
    value = s.strip().upper()
    if len(value) != 18:
        return _problem(
            f"统一社会信用代码应为18位，实际为{len(value)}位",
            f"a unified social credit code has 18 characters, this has {len(value)}",
        )
    bad = sorted({ch for ch in value if ch not in _USCC_VALUE})
    if bad:
        return _problem(
            f"统一社会信用代码含有不允许的字符 {''.join(bad)}（不使用 I、O、Z、S、V）",
            f"characters {''.join(bad)} are not allowed (the code never uses I, O, Z, S, V)",
        )
    if not _USCC_RE.match(value):
        return _problem(
            "统一社会信用代码第3至8位应为行政区划代码（数字）",
            "characters 3 to 8 of the code must be a numeric division code",
        )
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        return _problem(
            f"统一社会信用代码校验位错误，应为 {expected}", f"check character wrong, expected {expected}"
        )
    return None


def is_valid_uscc(s: str) -> bool:
    """Whether `s` is a valid unified social credit code (GB 32100)."""
    return uscc_problem(s) is None


# ── 学校标识码 ─────────────────────────────────────────────────────────────


def school_code_check_digit(first9: str) -> str:
    """A Luhn digit over nine digits: how the synthetic city ends its school codes (real codes have none)."""
    if len(first9) != 9 or not first9.isascii() or not first9.isdigit():
        raise ValueError(f"need 9 digits, got {first9!r}")
    total = 0
    # Luhn doubles every second digit starting from the rightmost digit of the payload.
    for i, ch in enumerate(reversed(first9)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def school_code_problem(s: str) -> ValueProblem | None:
    """None if `s` has the shape of a school code (10 digits, an education level first), else why not."""
    value = s.strip()
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return _problem("学校标识码应为10位数字", "a school code is 10 digits")
    if value[0] not in SCHOOL_CODE_LEVELS:
        return _problem(
            f"学校标识码首位应为教育层次码（{'、'.join(SCHOOL_CODE_LEVELS)}），实际为 {value[0]}",
            f"the first digit must be an education level ({', '.join(SCHOOL_CODE_LEVELS)}), not {value[0]}",
        )
    return None


def is_valid_school_code(s: str) -> bool:
    """Whether `s` is a valid 10-digit school code (see the module docstring for the rule)."""
    return school_code_problem(s) is None


# ── 联系方式与区划 ─────────────────────────────────────────────────────────


def _pattern_check(pattern: str, zh: str, en: str) -> Callable[[str], ValueProblem | None]:
    compiled = re.compile(f"^(?:{pattern})$")

    def check(s: str) -> ValueProblem | None:
        return None if compiled.match(s.strip()) else _problem(zh, en)

    return check


mobile_problem = _pattern_check(
    MOBILE_PATTERN,
    "手机号码应为以1开头的11位数字（第二位3-9）",
    "a mobile number is 11 digits starting 13-19",
)
phone_problem = _pattern_check(
    PHONE_PATTERN,
    "固定电话号码格式不正确（如 0371-12345678）",
    "not a landline number (e.g. 0371-12345678)",
)
postcode_problem = _pattern_check(POSTCODE_PATTERN, "邮政编码应为6位数字", "a postcode is 6 digits")
email_problem = _pattern_check(
    EMAIL_PATTERN, "电子邮箱格式不正确", "not an email address (e.g. name@example.cn)"
)


def division_code_problem(s: str) -> ValueProblem | None:
    """None if `s` is a current GB/T 2260 province, prefecture or county code, else why not."""
    value = s.strip()
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        return _problem("行政区划代码应为6位数字", "a division code is 6 digits")
    if not divisions.is_division(value):
        return _problem(
            f"行政区划代码 {value} 不在 GB/T 2260 现行代码中",
            f"{value} is not a current GB/T 2260 division code",
        )
    return None


def is_valid_mobile(s: str) -> bool:
    """Whether `s` is a mainland mobile number: 11 digits, 1 then 3-9."""
    return mobile_problem(s) is None


def is_valid_phone(s: str) -> bool:
    """Whether `s` is a landline number: optional area code 0xx(x), 7-8 digits, optional extension."""
    return phone_problem(s) is None


def is_valid_postcode(s: str) -> bool:
    """Whether `s` is a 6-digit postcode."""
    return postcode_problem(s) is None


def is_valid_email(s: str) -> bool:
    """Whether `s` looks like an email address."""
    return email_problem(s) is None


def is_valid_division_code(s: str) -> bool:
    """Whether `s` is a current GB/T 2260 province, prefecture or county code."""
    return division_code_problem(s) is None


VALUE_CHECKS: Mapping[str, Callable[[str], ValueProblem | None]] = MappingProxyType(
    {
        "id_number": id_number_problem,
        "uscc": uscc_problem,
        "school_code": school_code_problem,
        "mobile": mobile_problem,
        "phone": phone_problem,
        "postcode": postcode_problem,
        "email": email_problem,
        "division_code": division_code_problem,
    }
)
"""Each validator name an element may carry, with its one-value check."""


# ── Vectorised checks for whole columns ────────────────────────────────────

BoolArray = npt.NDArray[np.bool_]


def _bools(values: object) -> BoolArray:
    """A writable boolean array from a pandas mask (missing values count as False)."""
    return np.array(pd.Series(values).fillna(False), dtype=np.bool_)


def _fixed_width(values: pd.Series, width: int) -> tuple[BoolArray, npt.NDArray[np.uint8]]:
    """Rows that are `width` ASCII characters, and their bytes as a (rows, width) matrix.

    Joins the column into one buffer instead of looping over rows; when every value has the width (the
    usual case) that is all the work there is.
    """
    present = ~np.array(pd.isna(values), dtype=np.bool_)
    texts: list[str] = values[present].tolist() if not present.all() else values.tolist()
    joined = "".join(texts).encode("utf-8")
    if len(joined) == width * len(texts):
        rows = present
    else:
        objects = np.array(texts, dtype=object)
        fits = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) == width
        selected: list[str] = objects[fits].tolist()
        joined = "".join(selected).encode("utf-8")
        if len(joined) != width * len(selected):
            ascii_rows = np.fromiter(map(str.isascii, selected), dtype=np.bool_, count=len(selected))
            fits[fits] = ascii_rows
            joined = "".join(objects[fits].tolist()).encode("ascii")
        rows = present.copy()
        rows[present] = fits
    return rows, np.frombuffer(joined, dtype=np.uint8).reshape(-1, width)


def _all_digits(matrix: npt.NDArray[np.uint8]) -> BoolArray:
    return np.asarray(((matrix >= 48) & (matrix <= 57)).all(axis=1), dtype=np.bool_)


def dates_from_digits(
    year: npt.NDArray[np.int64], month: npt.NDArray[np.int64], day: npt.NDArray[np.int64]
) -> npt.NDArray[np.datetime64]:
    """Calendar dates from year/month/day arrays; NaT where the three do not make a real date."""
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1) & (year <= 9999)
    safe_month = np.where(ok, month, 1)
    start = (np.where(ok, year, 1970) - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (
        safe_month - 1
    ).astype("timedelta64[M]")
    month_days = (
        (start + np.timedelta64(1, "M")).astype("datetime64[D]") - start.astype("datetime64[D]")
    ).astype(np.int64)
    ok &= day <= month_days
    result: npt.NDArray[np.datetime64] = start.astype("datetime64[D]") + (np.where(ok, day, 1) - 1).astype(
        "timedelta64[D]"
    )
    result[~ok] = np.datetime64("NaT")
    return result


def _id_structure(values: pd.Series) -> tuple[BoolArray, npt.NDArray[np.uint8]]:
    """Rows shaped like an ID number (17 digits and a digit or X) and their bytes as an (n, 18) matrix."""
    rows, matrix = _fixed_width(values, 18)
    last = matrix[:, 17]
    shaped = _all_digits(matrix[:, :17]) & (((last >= 48) & (last <= 57)) | (last == ord("X")))
    rows[rows] = shaped
    return rows, matrix[shaped]


def _birth_dates(matrix: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.datetime64]]:
    digits = matrix[:, 6:14].astype(np.int64) - 48
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    return year, dates_from_digits(year, digits[:, 4] * 10 + digits[:, 5], digits[:, 6] * 10 + digits[:, 7])


def id_number_birth_dates(values: pd.Series) -> npt.NDArray[np.datetime64]:
    """The birth date inside each ID number (stripped, upper-cased), NaT where there is none; vectorised."""
    rows, matrix = _id_structure(values.astype("str"))
    result = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    if len(matrix):
        result[rows] = _birth_dates(matrix)[1]
    return result


def id_number_mask(values: pd.Series, *, today: date | None = None) -> BoolArray:
    """True where the value (already stripped and upper-cased) is a valid ID number; vectorised."""
    ok, matrix = _id_structure(values.astype("str"))
    if not ok.any():
        return ok
    sums = (matrix[:, :17].astype(np.int64) - 48) @ _ID_WEIGHTS
    check_table = np.frombuffer(_ID_CHECK_CHARS.encode("ascii"), dtype=np.uint8)
    good = check_table[sums % 11] == matrix[:, 17]
    prefix = (matrix[:, 0].astype(np.int64) - 48) * 10 + matrix[:, 1] - 48
    good &= np.isin(prefix, [int(p) for p in PROVINCE_PREFIXES])
    year, born = _birth_dates(matrix)
    limit = np.datetime64(today or date.today(), "D")
    good &= ~np.isnat(born) & (year >= 1900) & (born <= limit)
    ok[ok] = good
    return ok


def mobile_mask(values: pd.Series) -> BoolArray:
    """True where the value is an 11-digit mainland mobile number; vectorised over the column."""
    ok, matrix = _fixed_width(values.astype("str"), 11)
    ok[ok] = _all_digits(matrix) & (matrix[:, 0] == ord("1")) & (matrix[:, 1] >= ord("3"))
    return ok


def school_code_mask(values: pd.Series) -> BoolArray:
    """True where the value has the shape of a school code; vectorised over the column."""
    ok, matrix = _fixed_width(values.astype("str"), 10)
    if not ok.any():
        return ok
    levels = np.frombuffer(SCHOOL_CODE_LEVELS.encode(), np.uint8)
    ok[ok] = _all_digits(matrix) & np.isin(matrix[:, 0], levels)
    return ok


def uscc_mask(values: pd.Series) -> BoolArray:
    """True where the value is a valid unified social credit code; vectorised over the column."""
    ok, matrix = _fixed_width(values.astype("str"), 18)
    if not ok.any():
        return ok
    lookup = np.full(256, -1, dtype=np.int64)
    for i, ch in enumerate(USCC_ALPHABET):
        lookup[ord(ch)] = i
    numbers = lookup[matrix]
    shaped = (numbers >= 0).all(axis=1) & _all_digits(matrix[:, 2:8])
    sums = np.where(numbers[:, :17] >= 0, numbers[:, :17], 0) @ np.array(_USCC_WEIGHTS, dtype=np.int64)
    ok[ok] = shaped & ((31 - sums % 31) % 31 == numbers[:, 17])
    return ok


_PATTERNS: Mapping[str, str] = MappingProxyType(
    {
        "phone": PHONE_PATTERN,
        "postcode": POSTCODE_PATTERN,
        "email": EMAIL_PATTERN,
    }
)


def validator_mask(name: str, values: pd.Series) -> BoolArray:
    """True where `values` pass the named validator; vectorised (regex or numpy) over the column."""
    if name == "id_number":
        return id_number_mask(values)
    if name == "school_code":
        return school_code_mask(values)
    if name == "uscc":
        return uscc_mask(values)
    if name == "mobile":
        return mobile_mask(values)
    text = values.astype("str")
    if name == "division_code":
        return _bools(text.str.strip().isin(list(divisions.divisions())))
    if name not in _PATTERNS:
        raise KeyError(name)
    return _bools(text.str.fullmatch(f"(?:{_PATTERNS[name]})"))
