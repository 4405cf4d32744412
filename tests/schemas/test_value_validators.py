"""Check algorithms: known-good and known-bad values, and properties over generated ones."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas import validators as v

PROVINCES = sorted(v.PROVINCE_PREFIXES)


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


def luhn_valid(number: str) -> bool:
    """The textbook Luhn test over a whole number, check digit included (written independently)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(PROVINCES)) + draw(digits(4))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31)))
    first17 = prefix + born.strftime("%Y%m%d") + draw(digits(3))
    return first17 + v.id_number_check_char(first17)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    alphabet = st.sampled_from(v.USCC_ALPHABET)
    head = "".join(draw(st.lists(alphabet, min_size=2, max_size=2)))
    region = draw(digits(6))
    body = "".join(draw(st.lists(alphabet, min_size=9, max_size=9)))
    first17 = head + region + body
    return first17 + v.uscc_check_char(first17)


@st.composite
def school_codes(draw: st.DrawFn) -> str:
    first9 = draw(st.sampled_from(v.SCHOOL_CODE_LEVELS)) + draw(digits(8))
    return first9 + v.school_code_check_digit(first9)


def _changed(value: str, position: int, alphabet: str, draw_index: int) -> str:
    choices = [ch for ch in alphabet if ch != value[position]]
    return value[:position] + choices[draw_index % len(choices)] + value[position + 1 :]


# ── 公民身份号码 ──


def test_published_sample_id_number() -> None:
    # The GB 11643 sample number, widely reproduced in textbooks.
    assert v.id_number_check_char("11010519491231002") == "X"
    assert v.is_valid_id_number("11010519491231002X")
    assert v.is_valid_id_number("11010519491231002x")  # lower-case x as people type it
    assert v.birth_date_from_id_number("11010519491231002X") == date(1949, 12, 31)


@pytest.mark.parametrize(
    ("value", "reason_fragment"),
    [
        ("110105194912310021", "校验位错误，应为 X"),
        ("11010519491231002", "18位"),
        ("1101051949123100XX", "前17位应为数字"),
        ("110105199902300014", "19990230 不是有效日期"),
        ("990105194912310024", "不是省级行政区划代码"),
        ("110105185001010010", "不合理"),
    ],
)
def test_bad_id_numbers_say_why(value: str, reason_fragment: str) -> None:
    problem = v.id_number_problem(value)
    assert problem is not None and reason_fragment in problem.reason_zh
    assert problem.reason_en
    assert not v.is_valid_id_number(value)


def test_future_birth_date_in_id_is_refused() -> None:
    first17 = "110105" + "20300101" + "001"
    assert v.id_number_problem(first17 + v.id_number_check_char(first17), today=date(2026, 1, 1)) is not None


def test_birth_date_from_impossible_date_is_none() -> None:
    assert v.birth_date_from_id_number("110105199902300014") is None
    assert v.birth_date_from_id_number("not an id") is None


@given(id_numbers())
def test_generated_id_numbers_pass(value: str) -> None:
    assert v.is_valid_id_number(value)
    assert v.id_number_mask(pd.Series([value], dtype="str")).tolist() == [True]


@given(id_numbers(), st.integers(min_value=0, max_value=17), st.integers(min_value=0, max_value=100))
def test_any_single_character_change_fails_an_id_number(value: str, position: int, pick: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    changed = _changed(value, position, alphabet, pick)
    assert not v.is_valid_id_number(changed)
    assert v.id_number_mask(pd.Series([changed], dtype="str")).tolist() == [False]


def test_id_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        v.id_number_check_char("1234")


# ── 统一社会信用代码 ──


def test_known_uscc() -> None:
    assert v.uscc_check_char("91350100M000100Y4") == "3"
    assert v.is_valid_uscc("91350100M000100Y43")


@pytest.mark.parametrize(
    ("value", "reason_fragment"),
    [
        ("91350100M000100Y44", "校验位错误，应为 3"),
        ("91350100M000100Y4", "18位"),
        ("91350100M00O100Y43", "不允许的字符 O"),
        ("9135A100M000100Y43", "行政区划代码"),
    ],
)
def test_bad_usccs_say_why(value: str, reason_fragment: str) -> None:
    problem = v.uscc_problem(value)
    assert problem is not None and reason_fragment in problem.reason_zh


@given(usccs())
def test_generated_usccs_pass(value: str) -> None:
    assert v.is_valid_uscc(value)
    assert v.uscc_mask(pd.Series([value], dtype="str")).tolist() == [True]


@given(usccs(), st.integers(min_value=0, max_value=17), st.integers(min_value=0, max_value=100))
def test_any_single_character_change_fails_a_uscc(value: str, position: int, pick: int) -> None:
    alphabet = "0123456789" if 2 <= position <= 7 else v.USCC_ALPHABET
    changed = _changed(value, position, alphabet, pick)
    assert not v.is_valid_uscc(changed)
    assert v.uscc_mask(pd.Series([changed], dtype="str")).tolist() == [False]


# ── 学校标识码 ──


@pytest.mark.parametrize("value", ["4111010001", "4111010003", "2133010001", "2144010238", "3111010571"])
def test_school_codes_as_the_ministry_issues_them_pass(value: str) -> None:
    """Issued codes carry no check digit: any sequence number is valid (a check digit of our own refused 90 %)."""
    assert v.is_valid_school_code(value)
    assert v.school_code_mask(pd.Series([value], dtype="str")).tolist() == [True]


@pytest.mark.parametrize(
    ("value", "reason_fragment"),
    [
        ("211011000", "10位数字"),
        ("21101100001", "10位数字"),
        ("6110110007", "首位"),
        ("21101A0000", "10位数字"),
    ],
)
def test_bad_school_codes_say_why(value: str, reason_fragment: str) -> None:
    problem = v.school_code_problem(value)
    assert problem is not None and reason_fragment in problem.reason_zh
    assert v.school_code_mask(pd.Series([value], dtype="str")).tolist() == [False]


@given(school_codes())
def test_generated_school_codes_pass(value: str) -> None:
    assert luhn_valid(value)
    assert v.is_valid_school_code(value)
    assert v.school_code_mask(pd.Series([value], dtype="str")).tolist() == [True]


# ── 联系方式 ──


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "16601234567"])
def test_good_mobiles(value: str) -> None:
    assert v.is_valid_mobile(value)


@pytest.mark.parametrize(
    "value", ["12800138000", "1380013800", "138001380000", "1380013800a", "+8613800138000"]
)
def test_bad_mobiles(value: str) -> None:
    assert not v.is_valid_mobile(value)


@pytest.mark.parametrize(
    "value",
    ["0371-62345678", "(010)87654321", "010 87654321", "62345678", "0371-62345678-8021", "400-810-5555"],
)
def test_good_landlines(value: str) -> None:
    assert v.is_valid_phone(value)


@pytest.mark.parametrize("value", ["0371-12345678", "12345", "13800138000", "0371-6234567a"])
def test_bad_landlines(value: str) -> None:
    assert not v.is_valid_phone(value)


@pytest.mark.parametrize(
    ("value", "ok"), [("450000", True), ("010010", True), ("4500000", False), ("9A0000", False)]
)
def test_postcodes(value: str, ok: bool) -> None:
    assert v.is_valid_postcode(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("li.ming@school.edu.cn", True),
        ("a+b@x.cn", True),
        ("a..b@x.cn", False),
        ("no-at.cn", False),
        ("a@b", False),
    ],
)
def test_emails(value: str, ok: bool) -> None:
    assert v.is_valid_email(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [("410105", True), ("110000", True), ("990101", False), ("41010", False)]
)
def test_division_codes(value: str, ok: bool) -> None:
    assert v.is_valid_division_code(value) is ok


@pytest.mark.parametrize("name", sorted(v.VALUE_CHECKS))
def test_vectorised_checks_agree_with_single_value_checks(name: str) -> None:
    samples = [
        "11010519491231002X",
        "110105194912310021",
        "91350100M000100Y43",
        "91350100M000100Y44",
        "2110110000",
        "2110110001",
        "13800138000",
        "0371-62345678",
        "450000",
        "li@x.edu.cn",
        "410105",
        "",
        "garbage",
    ]
    expected = [v.VALUE_CHECKS[name](s) is None for s in samples]
    assert v.validator_mask(name, pd.Series(samples, dtype="str")).tolist() == expected
