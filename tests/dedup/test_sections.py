"""Fields under a heading (issue 13, class 8): the heading says whose datum, which one, or what is counted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Field, Matcher, normalise
from dedup.devset import as_field
from schemas import load_standard
from tests.dedup.test_properties import waits_for_options

_STANDARD = load_standard()
# Headings that name someone other than the form's subject, as real forms write them.
_OTHER_HEADINGS = (
    "配偶信息",
    "配偶情况",
    "子女情况",
    "主要家庭成员及社会关系",
    "紧急联系人",
    "校车驾驶员",
    "驾驶员信息",
    "课题组主要成员",
    "中层干部情况表",
    "校级、中层领导班子",
    "二、举办者",
)
_TEACHER_ZH = sorted(
    {
        (term, e.code)
        for e in _STANDARD.elements_for("teacher")
        if e.derivation is None and not e.code.startswith("teacher.emergency")
        for term in (e.label_zh, *e.synonyms)
        if not normalise(term).isascii() and not waits_for_options("teacher", term, e.code)
    }
)


@settings(max_examples=150, deadline=None)
@given(heading=st.sampled_from(_OTHER_HEADINGS), field=st.sampled_from(_TEACHER_ZH))
def test_a_heading_naming_someone_else_never_keeps_the_teachers_element(
    matcher: Matcher, heading: str, field: tuple[str, str]
) -> None:
    label, code = field
    assert matcher.match(label, entity="teacher").element == code  # the label alone is the teacher's
    assert matcher.match(label, entity="teacher", section=heading).element != code


@pytest.mark.parametrize(
    ("heading", "label", "element"),
    [
        ("申请人基本情况", "申请人姓名", "teacher.name"),
        ("主持人", "出生年月", "teacher.birth_date"),
        ("课题负责人", "行政职务", "teacher.position"),
        ("納稅人基本信息(帶*必填)", "*身份證件號碼", "teacher.id_number"),
        ("基本情况", "参加工作时间", "teacher.work_start_date"),
    ],
)
def test_a_heading_naming_the_forms_subject_in_other_words_changes_nothing(
    matcher: Matcher, heading: str, label: str, element: str
) -> None:
    assert matcher.match(label, entity="teacher", section=heading).element == element


def test_a_persons_heading_makes_the_school_forms_cells_that_persons(matcher: Matcher) -> None:
    assert matcher.match("电话", entity="school", section="园长").element == "school.principal_phone"
    assert matcher.match("联系电话", entity="school", section="驾驶员信息").element is None
    assert matcher.match("联系电话", entity="school", section="校区详情").element is None
    assert matcher.match("联系电话", entity="school", section="学校基本情况").element == "school.phone"


@pytest.mark.parametrize(
    ("section", "label", "element"),
    [
        ("教职工数", "合计", "school.staff_count"),
        ("校舍建筑面积", "合计", "school.floor_area"),
        ("学校产权校舍建筑面积", "计", None),  # a part of the floor area, not all of it
        ("用餐人数", "合计", None),
    ],
)
def test_a_total_counts_what_its_heading_names(
    matcher: Matcher, section: str, label: str, element: str | None
) -> None:
    assert matcher.match(label, entity="school", section=section).element == element


def test_a_heading_listing_records_makes_its_fields_a_records_data(matcher: Matcher) -> None:
    found = matcher.match("单位", entity="teacher", section="主要专业技术工作经历(含学习经历)")
    assert found.element is None
    assert found.alternatives[0].element == "teacher.school_code"  # shown to the reviewer
    assert "lists records" in found.explanation_en
    assert matcher.match("职务", entity="teacher", section="企业、社团兼职情况").element is None
    assert matcher.match("毕业时间", entity="teacher", section="符合申报所需学历").element is None


def test_a_generic_word_under_a_heading_naming_a_thing_is_that_things(matcher: Matcher) -> None:
    assert matcher.match("名称", entity="school").element == "school.name"
    assert matcher.match("名称", entity="school", section="教学、行政、生活用房情况表").element is None


def test_a_heading_narrowing_the_people_counted_is_not_the_whole_count(matcher: Matcher) -> None:
    assert matcher.match("教师人数", entity="school", section="一、中学校体育教师配备情况").kind != "derived"
    assert (
        matcher.match("班级数", entity="school", section="一、中学校体育教师配备情况").element
        == "school.class_count"
    )


def test_in_a_table_a_cell_belongs_to_the_person_of_its_row(matcher: Matcher) -> None:
    fields = [
        Field(label=label, section="学校基本情况")
        for label in ("学校名称", "邮箱", "法定代表人", "办公电话", "手机")
    ]
    found = [m.element for m in matcher.match_many(fields, "school").matches]
    assert found == ["school.name", "school.email", "school.legal_representative", None, None]
    # A flat list of fields has no rows: nothing is inferred from its order.
    flat = [m.element for m in matcher.match_many(["法定代表人", "办公电话"], "school").matches]
    assert flat == ["school.legal_representative", "school.phone"]


def test_the_dev_set_writes_a_heading_before_a_slash_outside_brackets() -> None:
    assert as_field("一、基本状况/学生宿舍/宿舍建筑总面积") == Field(
        label="宿舍建筑总面积", section="一、基本状况/学生宿舍"
    )
    assert as_field("生均藏书(册/生)") == Field(label="生均藏书(册/生)")


def test_a_field_written_under_a_section_and_a_heading_in_its_label_has_both_levels() -> None:
    """The hub's requests send `section` apart or inside the label; both read as one heading, outer first."""
    assert Field.written("驾驶员信息/联系电话", section="校车") == Field(
        label="联系电话", section="校车/驾驶员信息"
    )
    assert Field.written("联系电话", section="校车/驾驶员信息") == Field(
        label="联系电话", section="校车/驾驶员信息"
    )
    assert Field.written("联系电话", section="  ") == Field(label="联系电话")
    assert Field.written("出生日期", samples=["1990-01-01"]).samples == ("1990-01-01",)


# Roles written with words before the role word (issue 13, class 1: compound owners): the finance officer or
# the vice-principal for health is another person than the unit's head or principal.
_QUALIFIED_ROLES = (
    "财务负责人",
    "饮用水管理负责人",
    "食堂负责人",
    "主管卫生校长",
    "分管后勤副校长",
    "卫生管理人员",
)
_PERSON_CELLS = ("姓名", "电话", "联系电话", "手机", "移动电话", "办公电话")


@settings(max_examples=60, deadline=None)
@given(role=st.sampled_from(_QUALIFIED_ROLES), cell=st.sampled_from(_PERSON_CELLS))
def test_a_heading_naming_a_qualified_role_is_never_the_heads_or_the_schools(
    matcher: Matcher, role: str, cell: str
) -> None:
    found = matcher.match(cell, entity="school", section=role)
    assert found.element not in {"school.principal_name", "school.principal_phone", "school.phone"}, (
        found.explanation_en
    )


@pytest.mark.parametrize(
    ("section", "label", "element"),
    [
        ("负责人", "电话", "school.principal_phone"),
        ("学校负责人", "联系电话", "school.principal_phone"),
        ("校长", "联系电话", "school.principal_phone"),
        ("安全负责人", "电话", "school.safety_officer_phone"),  # a compound the standard holds
        ("财务负责人", "移动电话", None),
        ("一、基本情况/主管卫生校长", "联系电话", None),
        ("学校卫生管理人员姓名", "联系电话", None),
    ],
)
def test_a_compound_role_reads_with_its_cells_as_one_label(
    matcher: Matcher, section: str, label: str, element: str | None
) -> None:
    assert matcher.match(label, entity="school", section=section).element == element


@pytest.mark.parametrize("party", ["女方基本信息", "男方基本信息", "甲方", "乙方信息"])
@pytest.mark.parametrize("label", ["姓名", "身份证号", "民族", "工作单位", "联系电话"])
def test_a_party_of_a_couple_or_contract_is_not_the_forms_subject(
    matcher: Matcher, party: str, label: str
) -> None:
    # 女方/男方 on a couple's form: one of two people, never confidently the teacher the form is about.
    assert matcher.match(label, entity="teacher").element is not None
    assert matcher.match(label, entity="teacher", section=party).element is None


@pytest.mark.parametrize(
    ("key", "cells"),
    [
        ("专业名称", ["毕业生数", "招生数", "在校生数"]),
        ("建筑名称", ["建筑面积", "联系方式"]),
        ("课程名称", ["周课时数"]),
    ],
)
def test_a_list_keyed_by_a_thing_holds_each_rows_data_not_the_subjects(
    matcher: Matcher, key: str, cells: list[str]
) -> None:
    # 专业名称 | 毕业生数: one row per major, so the count is the major's; the same cells alone are the subject's.
    entity = "teacher" if key == "课程名称" else "school"
    alone = [m.element for m in matcher.match_many(cells, entity).matches]
    assert None not in alone
    keyed = matcher.match_many([key, *cells], entity).matches[1:]
    assert [m.element for m in keyed] == [None] * len(cells)
    assert [m.alternatives[0].element for m in keyed] == alone  # shown to the reviewer
    # The school's own name or code on each row stays the school's.
    assert matcher.match_many(["学校名称", key], "school").matches[0].element == "school.name"


@pytest.mark.parametrize(
    ("section", "label", "element"),
    [
        ("（二）最高学历/国内", "学校名称", None),  # the school attended, not the employer
        ("全日制教育", "学校", None),
        ("学习经历", "院校", None),
        ("全日制教育", "毕业院校", "teacher.graduation_school"),
        ("基本信息", "工作单位", "teacher.school_code"),
        ("教育教学工作", "所在学校", "teacher.school_code"),  # teaching work, no education attended
    ],
)
def test_a_school_under_an_education_heading_is_the_one_attended(
    matcher: Matcher, section: str, label: str, element: str | None
) -> None:
    found = matcher.match(label, entity="teacher", section=section)
    assert found.element == element, found.explanation_en


@settings(max_examples=120, deadline=None)
@given(
    event=st.sampled_from(["生育", "收养", "领养", "双方生育(收养)子女"]),
    tail=st.sampled_from(["信息", "情况", ""]),
    field=st.sampled_from(_TEACHER_ZH),
)
def test_a_heading_about_births_or_adoptions_is_about_the_children(
    matcher: Matcher, event: str, tail: str, field: tuple[str, str]
) -> None:
    # 生育信息/姓名 names no person, yet the heading's event brings one in: the child born or adopted.
    label, code = field
    found = matcher.match(label, entity="teacher", section=event + tail)
    assert found.element != code, (event + tail, label)
