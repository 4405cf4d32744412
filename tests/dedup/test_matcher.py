"""The matcher's behaviours, each as a user of the hub would notice it."""

from __future__ import annotations

import pytest

from dedup import Conversion, Field, Matcher, UnknownEntityError
from schemas import Element, Standard

# Valid by their check characters (GB 11643): synthetic people.
_ID_NUMBERS = ("11010519491231002X", "440524198001010013", "110101199003074477", "320106198507210811")
_MOBILES = ("13800138000", "15912345678", "18600001111", "13698765432")


def test_the_standard_label_matches_exactly(matcher: Matcher) -> None:
    found = matcher.match("公民身份号码", entity="teacher")
    assert (found.element, found.kind, found.confidence) == ("teacher.id_number", "exact", 1.0)


def test_a_synonym_matches_as_synonym(matcher: Matcher) -> None:
    found = matcher.match("身份证号码", entity="teacher")
    assert (found.element, found.kind) == ("teacher.id_number", "synonym")
    assert "synonym 身份证号码 of teacher.id_number" in found.explanation_en


def test_the_explanation_gives_the_path(matcher: Matcher) -> None:
    found = matcher.match("身份证号码（18位）", entity="teacher")
    assert found.element == "teacher.id_number"
    assert "synonym 身份证号码 of teacher.id_number" in found.explanation_en
    assert "subject 本人" in found.explanation_en
    assert "qualifier 18位 is a format" in found.explanation_en
    assert "身份证号码" in found.explanation_zh and "18位" in found.explanation_zh


@pytest.mark.parametrize(
    ("label", "own_element"),
    [
        ("配偶工作单位", "teacher.school_code"),
        ("配偶姓名", "teacher.name"),
        ("爱人身份证号码", "teacher.id_number"),
        ("子女出生日期", "teacher.birth_date"),
        ("父亲姓名", "teacher.name"),
        ("母亲手机号码", "teacher.mobile"),
        ("家庭成员1政治面貌", "teacher.political_status"),
        ("Spouse's date of birth", "teacher.birth_date"),
    ],
)
def test_another_persons_datum_is_never_the_teachers(matcher: Matcher, label: str, own_element: str) -> None:
    found = matcher.match(label, entity="teacher")
    assert found.element is None
    assert found.subject != "本人"
    # A reviewer still sees which element the words alone would have meant, and why not.
    assert own_element in [a.element for a in found.alternatives]


def test_the_emergency_contacts_phone_is_its_own_element(matcher: Matcher) -> None:
    found = matcher.match("紧急联系人手机号码", entity="teacher")
    assert found.element == "teacher.emergency_contact_phone"
    assert found.subject == "紧急联系人"


def test_a_schools_datum_on_a_teacher_form_is_not_the_teachers(matcher: Matcher) -> None:
    found = matcher.match("学校地址", entity="teacher")
    assert found.element is None
    assert "school.address" in [a.element for a in found.alternatives]
    assert matcher.match("学校地址", entity="school").element == "school.address"


def test_the_teachers_school_is_the_employer_reference(matcher: Matcher) -> None:
    for label in ("单位", "单位名称", "工作单位", "所在学校", "学校名称", "Employer", "现工作单位"):
        assert matcher.match(label, entity="teacher").element == "teacher.school_code", label


@pytest.mark.parametrize(
    ("label", "entity"),
    [
        ("借阅证类型", "teacher"),  # 类型 alone carries nothing
        ("毕业班学生数", "school"),  # not 在校学生数
        ("家庭住址", "school"),  # not 学校地址
        ("报考科目", "teacher"),  # not 任教学科
        ("类型", "teacher"),
        ("数量", "school"),
        ("号码", "teacher"),
    ],
)
def test_generic_words_do_not_carry_a_match(matcher: Matcher, label: str, entity: str) -> None:
    assert matcher.match(label, entity=entity).element is None


def test_a_less_specific_label_matches_the_one_element_it_names(matcher: Matcher) -> None:
    found = matcher.match("仪器设备资产值", entity="school")  # the standard says 教学仪器设备资产值
    assert (found.element, found.kind) == ("school.equipment_value", "segmented")
    assert found.confidence < 0.9  # inferred, so less sure than a synonym
    assert "omits" in found.explanation_en


def test_a_label_that_fits_several_elements_is_left_to_a_reviewer(matcher: Matcher) -> None:
    found = matcher.match("面积", entity="school")
    assert found.element is None
    assert "ambiguous" in found.explanation_en
    assert len(found.alternatives) >= 2


@pytest.mark.parametrize(
    ("label", "element", "conversion"),
    [
        ("固定资产总值（万元）", "school.fixed_assets_value", None),
        (
            "固定资产总值（元）",
            "school.fixed_assets_value",
            Conversion(from_unit="元", to_unit="万元", factor=1e-4),
        ),
        (
            "教育经费总支出（千元）",
            "school.annual_expenditure",
            Conversion(from_unit="千元", to_unit="万元", factor=0.1),
        ),
        ("占地面积（平方米）", "school.land_area", None),
        (
            "网络带宽（G）",
            "school.internet_bandwidth",
            Conversion(from_unit="gbps", to_unit="mbps", factor=1000.0),
        ),
    ],
)
def test_units_convert(matcher: Matcher, label: str, element: str, conversion: Conversion | None) -> None:
    found = matcher.match(label, entity="school")
    assert found.element == element
    assert found.conversion == conversion


def test_area_in_mu_converts_to_square_metres(matcher: Matcher) -> None:
    found = matcher.match("占地面积（亩）", entity="school")
    assert found.element == "school.land_area"
    assert found.conversion is not None
    assert found.conversion.factor == pytest.approx(666.67, rel=1e-3)
    assert "亩" in found.explanation_zh


def test_a_unit_of_another_dimension_is_another_datum(matcher: Matcher) -> None:
    assert matcher.match("在校学生数（万元）", entity="school").element is None
    assert matcher.match("出生日期（万元）", entity="teacher").element is None


@pytest.mark.parametrize(
    ("label", "element"),
    [
        ("本年度培训学时", "teacher.training_hours"),
        ("近三年培训学时", None),
        ("累计继续教育学时", None),
        ("现工作单位", "teacher.school_code"),
        ("原工作单位", None),
        ("现任职务", "teacher.position"),
        ("拟任职务", None),
        ("最高学历", "teacher.education_level"),
        ("第一学历", "teacher.first_education_level"),  # the standard holds the first one separately
        ("近三年招生数", None),
    ],
)
def test_periods_that_change_the_datum(matcher: Matcher, label: str, element: str | None) -> None:
    entity = "school" if "招生" in label else "teacher"
    assert matcher.match(label, entity=entity).element == element


@pytest.mark.parametrize(
    ("label", "element", "inputs"),
    [
        ("年龄", "teacher.age", ("teacher.birth_date",)),
        ("周岁", "teacher.age", ("teacher.birth_date",)),
        ("年龄（岁）", "teacher.age", ("teacher.birth_date",)),
        ("教龄", "teacher.teaching_years", ("teacher.work_start_date",)),
        ("任教年限", "teacher.teaching_years", ("teacher.work_start_date",)),
        ("从教年数", "teacher.teaching_years", ("teacher.work_start_date",)),
        ("Years of teaching", "teacher.teaching_years", ("teacher.work_start_date",)),
    ],
)
def test_derived_fields(matcher: Matcher, label: str, element: str, inputs: tuple[str, ...]) -> None:
    found = matcher.match(label, entity="teacher")
    assert (found.element, found.kind, found.derived_from) == (element, "derived", inputs)
    assert "derived from" in found.explanation_en


def test_counting_teacher_records_is_derived(matcher: Matcher) -> None:
    found = matcher.match("专任教师人数", entity="school")
    assert (found.element, found.kind) == ("school.full_time_teacher_count", "derived")
    assert "teacher.school_code" in found.derived_from


def test_samples_of_id_numbers_veto_a_phone_label(matcher: Matcher) -> None:
    assert matcher.match("联系方式", entity="teacher").element == "teacher.mobile"
    found = matcher.match("联系方式", entity="teacher", samples=_ID_NUMBERS)
    assert found.element is None


def test_samples_that_fit_raise_confidence(matcher: Matcher) -> None:
    plain = matcher.match("联系方式", entity="teacher")
    profiled = matcher.match("联系方式", entity="teacher", samples=_MOBILES)
    assert profiled.element == "teacher.mobile"
    assert profiled.confidence > plain.confidence
    assert "mobile" in profiled.explanation_en


def test_samples_decide_a_label_that_names_no_datum(matcher: Matcher) -> None:
    assert matcher.match("证件号", entity="teacher").element == "teacher.id_number"  # a synonym
    assert matcher.match("编号", entity="teacher").element is None
    found = matcher.match("编号", entity="teacher", samples=_ID_NUMBERS)
    assert found.element == "teacher.id_number"
    assert found.kind == "fuzzy"


def test_samples_from_a_code_list_support_the_match(matcher: Matcher) -> None:
    found = matcher.match("民族", entity="teacher", samples=("汉族", "回族", "01", "蒙古族"))
    assert found.element == "teacher.ethnicity"
    assert "ethnicity" in found.explanation_en


def test_a_conflicting_type_lowers_confidence(matcher: Matcher) -> None:
    plain = matcher.match("出生年月（YYYY-MM）", entity="teacher")
    typed = matcher.match("出生年月（YYYY-MM）", entity="teacher", type="integer")
    assert plain.element == typed.element == "teacher.birth_date"
    assert typed.confidence < plain.confidence


def test_a_description_naming_someone_else_wins(matcher: Matcher) -> None:
    assert matcher.match("工作单位", entity="teacher").element == "teacher.school_code"
    found = matcher.match("工作单位", entity="teacher", description="请填写配偶的工作单位全称")
    assert found.element is None
    assert "配偶" in found.explanation_zh


def test_a_label_asking_for_two_data_is_new(matcher: Matcher) -> None:
    found = matcher.match("工作单位及职务", entity="teacher")
    assert found.element is None
    assert {a.element for a in found.alternatives} == {"teacher.school_code", "teacher.position"}


def test_a_bilingual_label_naming_one_datum_matches(matcher: Matcher) -> None:
    assert matcher.match("姓名/Name", entity="teacher").element == "teacher.name"


def test_a_label_of_code_list_values_names_the_coded_element(matcher: Matcher) -> None:
    assert matcher.match("公办/民办", entity="school").element == "school.ownership"
    assert matcher.match("男/女", entity="teacher").element == "teacher.gender"


@pytest.mark.parametrize(
    ("label", "element"),
    [("sfzh", "teacher.id_number"), ("xm", "teacher.name"), ("csrq", "teacher.birth_date"), ("zzmm", None)],
)
def test_pinyin_abbreviations(matcher: Matcher, label: str, element: str | None) -> None:
    expected = element if element is not None else "teacher.political_status"
    assert matcher.match(label, entity="teacher").element == expected


def test_an_english_word_is_not_read_as_pinyin(matcher: Matcher) -> None:
    assert matcher.match("name", entity="teacher").element == "teacher.name"
    assert matcher.match("xyz", entity="teacher").element is None


def test_repeated_elements_in_one_request(matcher: Matcher) -> None:
    report = matcher.match_many(
        ["姓名", "身份证号", Field(label="公民身份号码（18位）", type="string"), "配偶身份证号"], "teacher"
    )
    assert [m.element for m in report.matches] == [
        "teacher.name",
        "teacher.id_number",
        "teacher.id_number",
        None,
    ]
    assert [(r.element, r.positions) for r in report.repeated] == [("teacher.id_number", (1, 2))]
    assert report.repeated[0].labels == ("身份证号", "公民身份号码（18位）")


def test_approved_labels_become_synonyms(matcher: Matcher) -> None:
    assert matcher.match("一卡通编号", entity="teacher").element is None
    learned = matcher.with_synonyms({"teacher.staff_number": ["一卡通编号"]})
    found = learned.match("一卡通编号", entity="teacher")
    assert (found.element, found.kind) == ("teacher.staff_number", "synonym")
    assert "approved label" in found.explanation_en
    assert matcher.match("一卡通编号", entity="teacher").element is None  # the old matcher is unchanged
    again = learned.with_synonyms({"teacher.staff_number": ["校园卡号"]})
    assert again.match("一卡通编号", entity="teacher").element == "teacher.staff_number"


def test_a_synonym_for_an_unknown_element_is_refused(matcher: Matcher) -> None:
    with pytest.raises(LookupError):
        matcher.with_synonyms({"teacher.no_such_element": ["某某"]})


def _new_element(entity: str, name: str, label: str) -> Element:
    return Element(code=f"{entity}.{name}", entity=entity, name=name, label_zh=label, label_en=name)


@pytest.mark.parametrize(
    ("added", "variants", "unrelated"),
    [
        ("借阅证类型", ("借阅证种类", "借阅证类别", "借阅证的类型"), ("借阅证号", "证件类型")),
        ("献血证编号", ("献血证号码", "献血证号"), ("献血日期",)),
        ("疫苗接种剂次", ("疫苗接种剂次（次）",), ("疫苗名称",)),
        ("普法考试成绩", ("普法考试分数",), ("普法考试科目",)),
    ],
)
def test_new_elements_match_their_near_identical_labels(
    standard: Standard, added: str, variants: tuple[str, ...], unrelated: tuple[str, ...]
) -> None:
    element = _new_element("teacher", "x_new", added)
    grown = Matcher(standard.with_elements([element]))
    assert grown.match(added, entity="teacher").element == element.code
    for label in variants:
        assert grown.match(label, entity="teacher").element == element.code, label
    for label in unrelated:
        assert grown.match(label, entity="teacher").element != element.code, label


def test_unknown_entity_is_an_error(matcher: Matcher) -> None:
    with pytest.raises(UnknownEntityError):
        matcher.match("姓名", entity="student")


@pytest.mark.parametrize("label", ["", "   ", "*", "（）", "\x00\x07", "😀😀", "-"])
def test_labels_without_words_are_new(matcher: Matcher, label: str) -> None:
    found = matcher.match(label, entity="teacher")
    assert (found.element, found.kind) == (None, "none")
    assert found.explanation_en and found.explanation_zh


def test_odd_labels_are_handled(matcher: Matcher) -> None:
    assert matcher.match("教师的" * 700, entity="teacher").element is None
    assert matcher.match("姓名😀", entity="teacher").element == "teacher.name"
    assert matcher.match("姓\u200b名\t", entity="teacher").element == "teacher.name"


@pytest.mark.parametrize(
    ("label", "entity"),
    [
        ("2024年", "teacher"),
        ("本学期", "teacher"),
        ("现任", "teacher"),
        ("本年度", "school"),
        ("2024学年", "school"),
    ],
)
def test_a_column_that_is_only_a_period_names_no_datum(matcher: Matcher, label: str, entity: str) -> None:
    # Multi-level headers put years under a datum (考核结果 → 2023年 | 2024年): alone, no element.
    found = matcher.match(label, entity=entity)
    assert (found.element, found.kind) == (None, "none")
    assert "names no datum" in found.explanation_en


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("申报者身份证号", "teacher.id_number"),  # the applicant of a 职称 form is the teacher
        ("参评人员手机号码", "teacher.mobile"),
        ("被表彰人姓名", "teacher.name"),
        ("申报人配偶工作单位", None),  # … and the applicant's spouse is not
    ],
)
def test_the_applicant_of_a_form_is_the_teacher(matcher: Matcher, label: str, expected: str | None) -> None:
    assert matcher.match(label, entity="teacher").element == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("截止2024年底年龄", "teacher.age"),
        ("教龄（截至2024年8月31日）", "teacher.teaching_years"),
        ("Age (as at 1 September 2025)", "teacher.age"),
        ("截至目前职称", "teacher.title"),
        ("截止日期", None),  # a deadline, not a reference date
    ],
)
def test_a_reference_date_asks_for_the_value_at_that_date(
    matcher: Matcher, label: str, expected: str | None
) -> None:
    found = matcher.match(label, entity="teacher")
    assert found.element == expected, found.explanation_en
    if expected in ("teacher.age", "teacher.teaching_years"):
        assert found.kind == "derived"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Date of last physical exam", "teacher.last_health_check_date"),  # the latest one
        ("末次体检时间", "teacher.last_health_check_date"),
        ("Last year's physical examination date", None),  # a previous year's
        ("上学年体检时间", None),
        ("最近一次获奖情况", None),  # one award, not the list the standard holds
        ("Family name", None),
        ("Last name", None),
    ],
)
def test_last_means_the_last_occurrence_not_last_year(
    matcher: Matcher, label: str, expected: str | None
) -> None:
    assert matcher.match(label, entity="teacher").element == expected


@pytest.mark.parametrize(
    ("label", "entity", "expected"),
    [
        ("Name in Chinese characters", "teacher", "teacher.name"),
        ("姓名（汉字）", "teacher", "teacher.name"),
        ("学校中文名称", "school", "school.name"),
        ("Name in pinyin", "teacher", None),
        ("School name in English", "school", None),
        ("配偶中文姓名", "teacher", None),
    ],
)
def test_chinese_script_is_how_the_standard_writes_names(
    matcher: Matcher, label: str, entity: str, expected: str | None
) -> None:
    assert matcher.match(label, entity=entity).element == expected


@pytest.mark.parametrize(
    ("label", "expected", "factor"),
    [
        ("教学设备（万元）", "school.equipment_value", None),
        ("仪器设备（元）", "school.equipment_value", 0.0001),
        ("教育经费支出合计（元）", "school.annual_expenditure", 0.0001),
        ("仪器设备", None, None),  # no amount: the equipment itself, not its value
        ("固定资产净额（万元）", None, None),  # net, not the total the standard holds
        ("教育经费（万元）", None, None),  # received or spent: the words do not say
    ],
)
def test_an_amount_of_money_asks_for_the_value(
    matcher: Matcher, label: str, expected: str | None, factor: float | None
) -> None:
    found = matcher.match(label, entity="school")
    assert found.element == expected, found.explanation_en
    assert (found.conversion.factor if found.conversion else None) == factor


def test_an_abbreviation_may_drop_a_character_of_the_head_word(standard: Standard) -> None:
    element = _new_element("teacher", "x_family_history", "家族病史")
    grown = Matcher(standard.with_elements([element]))
    assert grown.match("家族史", entity="teacher").element == element.code
    for label in ("家族成员", "家庭史", "家族"):
        assert grown.match(label, entity="teacher").element is None, label


@pytest.mark.parametrize(
    ("label", "entity", "expected"),
    [
        ("报送单位", "school", "school.name"),
        ("申报单位", "teacher", "teacher.school_code"),
        ("Date of joining the CPC", "teacher", "teacher.party_join_date"),
        ("学校土地面积（平方米）", "school", "school.land_area"),
    ],
)
def test_terms_of_the_trade(matcher: Matcher, label: str, entity: str, expected: str) -> None:
    assert matcher.match(label, entity=entity).element == expected
