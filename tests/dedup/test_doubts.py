"""Every word explained (issue 13, classes 1, 2, 5 and 8): a label with words the element does not account
for is answered "new", with the element shown to the reviewer as an alternative, never a confident match."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Field, Matcher, lexicon, normalise
from dedup.parse import parse
from schemas import load_standard

_STANDARD = load_standard()
# People other than the form's own subject, by class: 配偶, 子女, 驾驶员 (他人), 学生, 推荐人 …
_OTHER_CLASSES = {
    "他人",
    "亲属",
    "配偶",
    "子女",
    "父母",
    "父亲",
    "母亲",
    "家庭成员",
    "紧急联系人",
    "推荐人",
    "学生",
    "家长",
}
_ROLES = sorted(
    w for w, cls in lexicon.SUBJECTS.items() if cls in _OTHER_CLASSES and not w.isascii() and len(w) >= 2
)
# Gathered (not derived) elements' Chinese names whose datum is a person's: the teacher's, the principal's …
_PERSON_TERMS = [
    (e.entity, term, e.code, parse(term, e.entity).subject)
    for e in _STANDARD.elements
    if e.derivation is None
    for term in e.terms
    if not normalise(term).isascii()
    and (e.entity == "teacher" or parse(term, e.entity).subject in lexicon.PERSON_SUBJECTS)
]


def _alternative_elements(found: object) -> list[str]:
    return [a.element for a in getattr(found, "alternatives", ())]


@settings(max_examples=300, deadline=None)
@given(term=st.sampled_from(_PERSON_TERMS), role=st.sampled_from(_ROLES), bracketed=st.booleans())
def test_an_unexplained_role_word_never_keeps_a_confident_match(
    matcher: Matcher, term: tuple[str, str, str, str], role: str, bracketed: bool
) -> None:
    entity, written, code, subject = term
    if role in written or written in role or lexicon.SUBJECTS[role] == subject:
        return  # 紧急联系人 + 应急联系人 names the same person again
    label = f"{written}（{role}）" if bracketed else role + written
    assert matcher.match(label, entity=entity).element != code, label


@pytest.mark.parametrize(
    ("label", "entity", "element"),
    [
        ("手机", "school", "school.phone"),  # a school's 办公电话 is a landline; a mobile is someone's
        ("移动电话", "school", "school.phone"),
        ("个人固定电话", "teacher", "teacher.office_phone"),  # a landline at home is no office phone
        ("班级人数", "school", "school.class_count"),  # pupils in a class, not how many classes
        ("校长姓名（保洁员）", "school", "school.principal_name"),  # two owners: whose name?
        ("工作单位（联系电话）", "teacher", "teacher.school_code"),  # a second datum in brackets
        ("入党（团）时间", "teacher", "teacher.party_join_date"),  # of the Party or of the League
        ("聘任（任职）时间", "teacher", "teacher.title_appointed_date"),
    ],
)
def test_a_word_the_element_does_not_explain_makes_it_new_with_the_element_as_alternative(
    matcher: Matcher, label: str, entity: str, element: str
) -> None:
    found = matcher.match(label, entity=entity)
    assert found.element is None, found.explanation_en
    assert element in _alternative_elements(found), found.alternatives


@pytest.mark.parametrize(
    ("label", "entity", "element"),
    [
        ("联系电话", "school", "school.phone"),
        ("固定电话", "school", "school.phone"),
        ("联系手机", "teacher", "teacher.mobile"),
        ("校长手机", "school", "school.principal_phone"),
        ("安全负责人手机", "school", "school.safety_officer_phone"),
        ("在校学生人数", "school", "school.student_count"),
        ("校（园）长姓名", "school", "school.principal_name"),  # 园 is the school itself
        ("体育运动场（馆）面积", "school", "school.sports_ground_area"),  # the element holds both
        ("区县（市）", "school", "school.division_code"),  # a sibling of the head
        ("法定代表人（单位负责人）", "school", "school.legal_representative"),  # one person, two titles
        ("地址（注册地）", "school", "school.address"),
    ],
)
def test_words_the_element_or_the_form_explains_keep_the_match(
    matcher: Matcher, label: str, entity: str, element: str
) -> None:
    assert matcher.match(label, entity=entity).element == element


def test_the_same_words_asked_twice_under_one_heading_are_no_ones_in_particular(matcher: Matcher) -> None:
    # 园长 | 联系电话 … 校车管理员 | 联系电话: two owners the labels do not name.
    report = matcher.match_many(
        ["幼儿园名称", "园长姓名", "联系电话", "校车管理员姓名", "联系电话"], "school"
    )
    assert [m.element for m in report.matches][2::2] == [None, None]
    assert all("school.phone" in _alternative_elements(m) for m in report.matches[2::2])
    assert report.matches[0].element == "school.name"
    single = matcher.match_many(["幼儿园名称", "联系电话"], "school")
    assert single.matches[1].element == "school.phone"


def test_one_label_under_two_headings_is_two_questions(matcher: Matcher) -> None:
    report = matcher.match_many(
        [Field(label="联系电话", section="学校基本情况"), Field(label="联系电话", section="驾驶员信息")],
        "school",
    )
    assert report.matches[0].element == "school.phone"
    assert report.matches[1].element is None


@pytest.mark.parametrize("note", ["统计机构填写", "税务机关填写", "由社保经办机构填报"])
def test_a_cell_another_body_fills_in_is_that_bodys_datum(matcher: Matcher, note: str) -> None:
    found = matcher.match(f"区划代码（{note}）", entity="school")
    assert found.element is None, found.explanation_en
    assert "school.division_code" in _alternative_elements(found)
    assert matcher.match("区划代码（学校填写）", entity="school").element == "school.division_code"


@pytest.mark.parametrize("heading", ["申请办学法人单位情况表", "二、申请办学单位基本情况", "举办单位情况"])
def test_the_sponsor_applying_to_run_a_school_is_not_the_school(matcher: Matcher, heading: str) -> None:
    report = matcher.match_many(
        [Field(label=label, section=heading) for label in ("法定代表人", "电话", "邮编")], "school"
    )
    assert [m.element for m in report.matches] == [None, None, None]


# Value domain (issue 13, class 3): a count answers only a label that counts, a yes/no element only a label
# that asks yes or no.
@pytest.mark.parametrize(
    ("label", "element"),
    [
        ("班级", None),  # the pupil's class on a register, not how many classes
        ("班", None),
        ("计算机", None),
        ("教室", None),
        ("宿舍", None),  # the pupil's dormitory, not whether the school has one
        ("班级数", "school.class_count"),
        ("教学班数", "school.class_count"),
        ("计算机台数", "school.computer_count"),
        ("有无宿舍", "school.has_dormitory"),
        ("图书藏量（万册）", "school.book_count"),  # a count in tens of thousands converts
    ],
)
def test_a_count_or_a_yes_no_answers_only_a_label_that_asks_one(
    matcher: Matcher, label: str, element: str | None
) -> None:
    assert matcher.match(label, entity="school").element == element


def test_a_count_in_tens_of_thousands_converts_to_the_elements_unit(matcher: Matcher) -> None:
    found = matcher.match("图书藏量（万册）", entity="school")
    assert found.conversion is not None and found.conversion.factor == 10000


# Consistency within a form (issue 13, class 6): one datum asked by name decides what a bare word means.
def test_a_bare_phone_is_another_phone_on_a_form_that_names_the_mobile(matcher: Matcher) -> None:
    found = matcher.match_many(["姓名", "联系电话", "手机"], "teacher").matches
    assert [m.element for m in found] == ["teacher.name", None, "teacher.mobile"]
    assert found[1].alternatives[0].element == "teacher.mobile"  # the reviewer still sees it
    assert matcher.match_many(["姓名", "联系电话"], "teacher").matches[1].element == "teacher.mobile"
    # 手机 is not the kind of 联系人电话: it does not make the contact's 电话 someone else's.
    school = matcher.match_many(
        [Field.written("联系人/电话"), Field.written("联系人/手机")], "school"
    ).matches
    assert school[0].element == "school.contact_phone"


@settings(max_examples=40, deadline=None)
@given(
    bare=st.sampled_from(sorted(lexicon.BARE_PHONE_WORDS)),
    named=st.sampled_from(["手机", "手机号码", "移动电话", "本人手机"]),
    first=st.booleans(),
)
def test_a_form_never_gives_the_mobile_to_a_bare_phone_and_a_named_mobile_both(
    matcher: Matcher, bare: str, named: str, first: bool
) -> None:
    labels = [bare, named] if first else [named, bare]
    elements = [m.element for m in matcher.match_many(labels, "teacher").matches]
    assert elements.count("teacher.mobile") <= 1
    assert elements[labels.index(named)] == "teacher.mobile"


@pytest.mark.parametrize("word", ["账号", "帐号"])
def test_a_bare_account_is_a_bank_account_only_beside_a_bank(matcher: Matcher, word: str) -> None:
    assert matcher.match_many(["姓名", word], "teacher").matches[1].element is None  # a login, maybe
    assert matcher.match_many(["开户银行", word], "teacher").matches[1].element == "teacher.bank_account"
    assert matcher.match_many([word, "开户行"], "teacher").matches[0].element == "teacher.bank_account"


@pytest.mark.parametrize(
    ("label", "entity", "element"),
    [
        ("学生党员数", "school", None),  # the students who are Party members: a part of them
        ("学生团员人数", "school", None),
        ("在校学生数", "school", "school.student_count"),
        ("配偶本人姓名", "teacher", None),  # 本人 after 配偶 is still the spouse
        ("工作部门", "teacher", None),  # a department inside the employer, not the employer
        ("工作单位", "teacher", "teacher.school_code"),
    ],
)
def test_a_word_of_membership_narrows_the_people_and_a_department_is_not_the_employer(
    matcher: Matcher, label: str, entity: str, element: str | None
) -> None:
    assert matcher.match(label, entity=entity).element == element


# The form's own subject in other words (issue 13, class 4): a kindergarten says 园 where a school says 校.
@pytest.mark.parametrize(
    ("label", "element"),
    [
        ("办园性质", "school.ownership"),
        ("建园时间", "school.founding_year"),
        ("开办时间", "school.founding_year"),
        ("园舍面积", "school.floor_area"),
        ("在园幼儿数（人）", "school.student_count"),
        ("幼儿人数", "school.student_count"),
        ("幼儿姓名", None),  # a child's name, not a count of children
    ],
)
def test_a_kindergartens_words_name_the_schools_own_data(
    matcher: Matcher, label: str, element: str | None
) -> None:
    assert matcher.match(label, entity="school").element == element


# Units (issue 13, class 5): a unit written after a space is a unit, a padded label keeps its characters.
@pytest.mark.parametrize(
    ("label", "written"),
    [
        ("占地面积 ㎡", "占地面积(m2)"),
        ("固定资产 万元", "固定资产(万元)"),
        ("职工人数 人", "职工人数(人)"),
        ("入  党时  间", "入党时间"),
        ("房 间", "房间"),
        ("姓  名", "姓名"),
    ],
)
def test_a_unit_after_a_space_is_read_as_a_unit(label: str, written: str) -> None:
    assert normalise(label) == written
    assert normalise(normalise(label)) == normalise(label)
