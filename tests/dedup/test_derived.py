"""Derived data (issue 13, class 7): asked for under any spelling, answered by computation, never faked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Matcher
from schemas import load_standard
from schemas.loader import PER_STUDENT_UNITS

_STANDARD = load_standard()
# Every gathered school quantity that has a per-student figure, with the Chinese words for it.
_QUANTITIES = sorted(
    (term, e.code)
    for e in _STANDARD.elements_for("school")
    if e.derivation is None and e.unit in PER_STUDENT_UNITS
    for term in (e.label_zh, *e.synonyms)
    if not term.isascii()
)
_PER_STUDENT = st.sampled_from(["生均{}", "每生{}", "{}（生均）", "生均{}（{unit}）"])


@settings(max_examples=120, deadline=None)
@given(quantity=st.sampled_from(_QUANTITIES), pattern=_PER_STUDENT)
def test_a_per_student_figure_of_a_gathered_quantity_is_derived_from_it(
    matcher: Matcher, quantity: tuple[str, str], pattern: str
) -> None:
    term, code = quantity
    unit = {"m2": "平方米", "册": "册", "台": "台", "万元": "万元", "元": "元"}[
        _STANDARD.element(code).unit or ""
    ]
    label = pattern.format(term, unit=unit)
    plain = matcher.match(term, entity="school")
    found = matcher.match(label, entity="school")
    if plain.element != code:
        assert (
            found.kind != "derived" or found.derived_from[0] != code
        )  # what the words miss, the ratio misses
        return
    assert (found.kind, found.derived_from) == ("derived", (code, "school.student_count")), (
        found.explanation_en
    )


@pytest.mark.parametrize(
    "label", ["生均保育教育收入", "生均课时", "人均任教班级数", "生均数字教学视频资源量(小时/生)"]
)
def test_a_per_student_figure_of_something_the_standard_does_not_hold_is_new(
    matcher: Matcher, label: str
) -> None:
    found = matcher.match(label, entity="school")
    assert found.element is None and found.kind == "none"


@pytest.mark.parametrize(
    ("label", "element", "inputs"),
    [
        ("组织机构代码", "school.organisation_code", ("school.uscc",)),
        ("组织机构代码证号", "school.organisation_code", ("school.uscc",)),
        ("生机比", "school.student_computer_ratio", ("school.student_count", "school.computer_count")),
        (
            "师生比",
            "school.student_teacher_ratio",
            ("school.student_count", "school.full_time_teacher_count"),
        ),
    ],
)
def test_codes_inside_codes_and_ratios_are_derived(
    matcher: Matcher, label: str, element: str, inputs: tuple[str, ...]
) -> None:
    found = matcher.match(label, entity="school")
    assert (found.element, found.kind, found.derived_from) == (element, "derived", inputs)


@pytest.mark.parametrize("label", ["出生年份", "是否35周岁及以下", "年龄在40岁以上", "年龄"])
def test_birth_year_and_age_questions_are_derived_from_the_birth_date(matcher: Matcher, label: str) -> None:
    found = matcher.match(label, entity="teacher")
    assert found.kind == "derived" and found.derived_from == ("teacher.birth_date",), found.explanation_en


@pytest.mark.parametrize("label", ["配偶是否35周岁及以下", "配偶出生年份", "子女年龄"])
def test_someone_elses_age_is_not_derived_from_the_teachers_birth_date(matcher: Matcher, label: str) -> None:
    assert matcher.match(label, entity="teacher").kind != "derived"


def test_every_per_student_ratio_divides_a_gathered_quantity_by_the_students() -> None:
    ratios = [e for e in _STANDARD.elements_for("school") if e.code.endswith("_per_student")]
    assert {e.derivation.inputs[0] for e in ratios if e.derivation} == {code for _, code in _QUANTITIES}
    for element in ratios:
        assert element.derivation is not None and element.derivation.function == "ratio"
        assert element.derivation.inputs[1] == "school.student_count"
        assert element.label_zh.startswith("生均")
