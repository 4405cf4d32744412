"""A field read with the rest of its form (issue 13): what the form is about, the unit of the numbered item
above it, the address heading over it, the filler's cell before it, and a category offered without its
options. Each class answers "new" with the element as the reviewer's first alternative, never a guess."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Field, Matcher, lexicon, normalise
from dedup.forms import facility_in, inherited_units, outline_level
from schemas import load_standard

_STANDARD = load_standard()

CANTEEN_FORM = "学校食堂食品安全自查表"


def _elements(matcher: Matcher, labels: list[str | Field], entity: str, title: str | None = None) -> list:
    return [m.element for m in matcher.match_many(labels, entity, title=title).matches]


def test_a_canteen_forms_name_address_head_and_phone_are_the_canteens(matcher: Matcher) -> None:
    labels: list[str | Field] = ["学校名称", "名称", "地址", "负责人", "联系电话", "在校学生数"]
    report = matcher.match_many(labels, "school", title=CANTEEN_FORM)
    assert [m.element for m in report.matches] == [
        "school.name",  # the school named as such stays the school's
        None,
        None,
        None,
        None,
        "school.student_count",  # a count names what it counts
    ]
    assert report.matches[1].alternatives[0].element == "school.name"
    assert "食堂" in report.matches[1].explanation_zh
    # The same labels on a form about the school itself are the school's.
    assert _elements(matcher, labels, "school", title="学校基本情况表")[:5] == [
        "school.name",
        "school.name",
        "school.address",
        "school.principal_name",
        "school.phone",
    ]


@settings(max_examples=60, deadline=None)
@given(head=st.sampled_from(sorted(lexicon.IDENTITY_HEADS)), facility=st.sampled_from(["食堂", "学生餐厅"]))
def test_on_a_facilitys_form_a_bare_identity_head_is_never_the_schools(
    matcher: Matcher, head: str, facility: str
) -> None:
    found = matcher.match_many([head], "school", title=f"{facility}卫生安全自查表").matches[0]
    assert found.element is None or not found.element.startswith("school."), (head, found.element)


def test_a_numbered_sub_item_is_counted_in_its_parents_unit(matcher: Matcher) -> None:
    money = ["三、固定资产折旧(万元)", "4、交通工具", "5、图书"]
    found = matcher.match_many(money, "school").matches
    assert found[2].element is None
    assert found[2].alternatives[0].element == "school.book_count"
    assert "万元" in found[2].explanation_zh
    # 图书 by itself, or under a parent counted in 册, is the number of books.
    assert _elements(matcher, ["图书"], "school") == ["school.book_count"]
    assert _elements(matcher, ["六、藏书(册)", "(一)图书"], "school")[1] == "school.book_count"
    # A sub-item with a unit of its own keeps it.
    assert _elements(matcher, ["一、资产(万元)", "1、图书(册)"], "school")[1] == "school.book_count"


def test_outline_levels_nest_as_forms_number_them() -> None:
    assert [outline_level(x) for x in ("一、基本情况", "（二）专用设备", "3、班级数", "(4)其他", "图书")] == [
        1,
        2,
        3,
        4,
        None,
    ]
    labels = ["六、固定资产(万元)", "(一)房屋", "1、办公用房", "七、学生数(人)", "(一)女生"]
    units = ["万元", None, None, "人", None]
    assert inherited_units(labels, units) == [None, "万元", "万元", None, "人"]


@pytest.mark.parametrize(
    ("heading", "label", "element"),
    [
        ("生产经营地址", "联系电话", None),  # the premises' phone
        ("生产经营地址", "邮政编码", None),
        ("仓库地址", "传真", None),
        ("注册地址", "联系电话", "school.phone"),  # the school's registered address is its own
        ("注册地址", "邮政编码", "school.postcode"),
        ("学校地址", "邮编", "school.postcode"),
    ],
)
def test_under_another_address_the_phone_and_postcode_are_that_places(
    matcher: Matcher, heading: str, label: str, element: str | None
) -> None:
    assert _elements(matcher, [Field(label=label, section=heading)], "school") == [element]


def test_the_phone_after_the_forms_filler_is_the_fillers(matcher: Matcher) -> None:
    flat: list[str | Field] = ["单位名称", "联系人", "联系电话"]
    assert _elements(matcher, flat, "school") == [
        "school.name",
        "school.contact_person",
        "school.contact_phone",
    ]
    assert _elements(matcher, ["学校名称", "填表人", "电话"], "school")[2] == "school.contact_phone"
    # On a teacher's form the filler is someone else: the phone after 填表人 is not the teacher's.
    assert _elements(matcher, ["姓名", "填表人", "联系电话"], "teacher")[2] is None
    # With nobody before it, a bare 联系电话 is the subject's own.
    assert _elements(matcher, ["姓名", "联系电话"], "teacher") == ["teacher.name", "teacher.mobile"]


@settings(max_examples=80, deadline=None)
@given(
    filler=st.sampled_from(sorted(lexicon.CONTACT_PERSON_WORDS)),
    phone=st.sampled_from(sorted(lexicon.BARE_PHONE_WORDS)),
    entity=st.sampled_from(["teacher", "school"]),
)
def test_the_fillers_context_never_keeps_the_subjects_phone(
    matcher: Matcher, filler: str, phone: str, entity: str
) -> None:
    own = {"teacher": {"teacher.mobile", "teacher.office_phone"}, "school": {"school.phone"}}[entity]
    found = matcher.match_many([filler, phone], entity).matches[1]
    assert found.element not in own, (filler, phone, found.element)


@pytest.mark.parametrize(
    ("label", "element"),
    [
        ("人员类别", "teacher.staff_category"),
        ("人员分类", "teacher.staff_category"),
        ("岗位", "teacher.post_category"),
    ],
)
def test_a_category_in_general_without_options_is_new(matcher: Matcher, label: str, element: str) -> None:
    found = matcher.match(label, entity="teacher")
    assert found.element is None
    assert found.alternatives[0].element == element
    assert "选项" in found.explanation_zh


@pytest.mark.parametrize(
    ("label", "entity", "element"),
    [
        ("教职工类别", "teacher", "teacher.staff_category"),  # the element's own words
        ("岗位类别", "teacher", "teacher.post_category"),  # the element's own label, asked or collected
        ("学校类别", "school", "school.school_type"),  # 学校 says whose category it is
        ("户口性质", "teacher", "teacher.hukou_type"),
    ],
)
def test_a_category_the_label_names_keeps_its_element(
    matcher: Matcher, label: str, entity: str, element: str
) -> None:
    assert matcher.match(label, entity=entity).element == element


@settings(max_examples=60, deadline=None)
@given(
    noun=st.sampled_from(sorted(lexicon.GENERIC_CATEGORY_NOUNS)),
    word=st.sampled_from(["类别", "类型", "分类", "种类", "性质", ""]),
)
def test_a_category_of_people_or_posts_in_general_never_keeps_a_coded_synonym(
    matcher: Matcher, noun: str, word: str
) -> None:
    label = noun + word
    found = matcher.match(label, entity="teacher")
    if found.element is None:
        return
    element = _STANDARD.element(found.element)
    # Only the element's own label (编制情况, read as 编制) is that element without options.
    assert element.code_list is None or normalise(element.label_zh) == normalise(label), (
        label,
        found.element,
    )


def test_a_facility_is_read_from_the_title() -> None:
    assert facility_in("学校食堂食品安全自查表") == "食堂"
    assert facility_in("中小学校配餐(食堂)基础信息统计表") == "配餐"
    assert facility_in("学生餐厅卫生检查表") == "学生餐厅"
    assert facility_in("学校基本情况表") is None
    assert facility_in(None) is None
