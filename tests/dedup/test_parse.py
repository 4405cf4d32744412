"""Reading a label: whose datum (subject), what datum (property tokens), and how (qualifiers)."""

from __future__ import annotations

import pytest

from dedup import UnknownEntityError, parse


@pytest.mark.parametrize(
    ("label", "entity", "subject", "own"),
    [
        ("姓名", "teacher", "本人", True),
        ("教师姓名", "teacher", "本人", True),
        ("读者姓名", "teacher", "本人", True),  # a library form's reader is the teacher
        ("推荐人选姓名", "teacher", "本人", True),
        ("推荐人姓名", "teacher", "推荐人", False),  # the recommender is someone else
        ("配偶工作单位", "teacher", "配偶", False),
        ("爱人姓名", "teacher", "配偶", False),
        ("父亲姓名", "teacher", "父亲", False),
        ("子女出生日期", "teacher", "子女", False),
        ("第一子女姓名", "teacher", "子女", False),
        ("家庭成员1姓名", "teacher", "家庭成员", False),
        ("主要家庭成员姓名", "teacher", "家庭成员", False),
        ("紧急联系人电话", "teacher", "紧急联系人", False),
        ("姓名（配偶）", "teacher", "配偶", False),  # the subject in brackets
        ("配偶信息-工作单位", "teacher", "配偶", False),  # the subject in a section heading
        ("配偶父亲姓名", "teacher", "配偶的父亲", False),  # a relation of someone else
        ("Spouse's name", "teacher", "配偶", False),
        ("Name of spouse", "teacher", "配偶", False),
        ("Emergency contact phone", "teacher", "紧急联系人", False),
        ("工作单位", "teacher", "单位", False),  # the teacher's school: another entity's datum
        ("学校地址", "teacher", "单位", False),
        ("学校地址", "school", "单位", True),  # on a school form the school is the form's own entity
        ("教师姓名", "school", "教师", False),
        ("校长", "school", "校长", False),
    ],
)
def test_subject_of_a_label(label: str, entity: str, subject: str, own: bool) -> None:
    parsed = parse(label, entity)
    assert (parsed.subject, parsed.own) == (subject, own)


@pytest.mark.parametrize(
    ("label", "entity", "tokens"),
    [
        ("配偶工作单位", "teacher", ("单位",)),  # the spouse's employer
        ("校长", "school", ("姓名",)),  # a person alone asks for their name
        ("学生数", "school", ("学生", "数")),  # a count of people belongs to the entity that has them
        ("子女数", "teacher", ("子女", "数")),
        ("学生总数", "school", ("学生", "数")),
        ("在校生人数", "school", ("在校", "学生", "数")),
        ("班数", "school", ("班级", "数")),
        ("本年度学时数", "teacher", ("学时",)),  # the unit already counts
        ("人员类别", "teacher", ("人员", "类型")),  # a generic word qualifies the person word
        ("身份证件号码", "teacher", ("身份证件号码",)),
        ("公民身份号码", "teacher", ("身份证件号码",)),
        ("出生年月", "teacher", ("出生", "日期")),
        ("生日", "teacher", ("出生", "日期")),
        ("Date of birth", "teacher", ("出生", "日期")),  # English shares the Chinese tokens
        ("Number of students", "school", ("学生", "数")),
        ("教龄", "teacher", ("任教", "年限")),
        ("从教年限", "teacher", ("任教", "年限")),
        ("借阅证种类", "teacher", ("借阅", "证", "类型")),
    ],
)
def test_property_tokens(label: str, entity: str, tokens: tuple[str, ...]) -> None:
    assert parse(label, entity).tokens == tokens


def test_brackets_become_qualifiers() -> None:
    parsed = parse("身份证号码（18位）", "teacher")
    assert parsed.tokens == ("身份证件号码",)
    assert [(q.kind, q.text) for q in parsed.qualifiers] == [("format", "18位")]


@pytest.mark.parametrize(
    ("label", "unit"),
    [
        ("经费（万元）", "万元"),
        ("经费（单位：千元）", "千元"),
        ("经费/万元", "万元"),
        ("占地面积（平方米）", "m2"),
        ("占地面积（㎡）", "m2"),
        ("占地面积（亩）", "亩"),
        ("培训时长（课时）", "学时"),
        ("出口带宽（Mbps）", "mbps"),
        ("学生数（名）", "人"),
        ("学生数", None),
    ],
)
def test_units(label: str, unit: str | None) -> None:
    assert parse(label, "school").unit == unit


@pytest.mark.parametrize(
    ("label", "period", "changes"),
    [
        ("本年度学时数", "本年度", False),
        ("现工作单位", "现", False),
        ("最高学历", "最高", False),
        ("原工作单位", "原", True),
        ("近三年培训学时", "近三年", True),
        ("上一年度考核结果", "上一年度", True),
        ("首次参加工作时间", "首次", True),
        ("拟任职务", "拟任", True),
        ("第一学历", "第一", True),
        ("2024年度考核结果", "2024年度", False),  # a year is the request's period
        ("Former employer", "former", True),
    ],
)
def test_periods(label: str, period: str, changes: bool) -> None:
    parsed = parse(label, "teacher")
    periods = [q for q in parsed.qualifiers if q.kind == "period"]
    assert [(q.text, q.changes_datum) for q in periods] == [(period, changes)]


@pytest.mark.parametrize(
    ("label", "boolean", "tokens"),
    [
        ("是否班主任", True, ("班主任",)),
        ("是否担任班主任", True, ("班主任",)),
        ("有无教师资格证", True, ("教师资格证",)),
        ("班主任（是/否）", True, ("班主任",)),
        ("班主任", False, ("班主任",)),
    ],
)
def test_yes_no_marker(label: str, boolean: bool, tokens: tuple[str, ...]) -> None:
    parsed = parse(label, "teacher")
    assert (parsed.boolean, parsed.tokens) == (boolean, tokens)


def test_a_label_joining_two_data_has_parts() -> None:
    parsed = parse("工作单位及职务", "teacher")
    assert parsed.compound
    assert [p.tokens for p in parsed.parts] == [(), ("职务",)]
    assert [p.subject for p in parsed.parts] == ["单位", "本人"]


def test_a_person_before_a_conjunction_owns_both_parts() -> None:
    parsed = parse("配偶姓名及工作单位", "teacher")
    assert [p.subject for p in parsed.parts] == ["配偶", "配偶"]


def test_options_in_brackets_are_values() -> None:
    parsed = parse("性别（男/女）", "teacher")
    assert [(q.kind, q.values) for q in parsed.qualifiers] == [("values", ("男", "女"))]


def test_unknown_entity_is_refused() -> None:
    with pytest.raises(UnknownEntityError) as caught:
        parse("姓名", "student")
    assert caught.value.entity == "student"
    assert "student" in caught.value.reason_en and "student" in caught.value.reason_zh


@pytest.mark.parametrize(
    ("label", "tokens", "period"),
    [
        ("截止2024年底年龄", ("年龄",), "截止2024年底"),
        ("教龄（截至2024年8月31日）", ("任教", "年限"), "截至2024年8月31日"),
        ("在校学生数（截至9月1日）", ("在校", "学生", "数"), "截至9月1日"),
        ("Age (as at 1 September 2025)", ("年龄",), "as at 1 september 2025"),
    ],
)
def test_a_reference_date_is_a_period_that_keeps_the_datum(
    label: str, tokens: tuple[str, ...], period: str
) -> None:
    parsed = parse(label, "school" if "学生" in label else "teacher")
    assert parsed.tokens == tokens
    assert [(q.kind, q.text, q.changes_datum) for q in parsed.qualifiers if q.kind == "period"] == [
        ("period", period, False)
    ]


@pytest.mark.parametrize("label", ["2024年", "本学期", "现任", "截至2025年底", "2023-2024学年"])
def test_a_label_of_only_a_period_is_empty(label: str) -> None:
    for entity in ("teacher", "school"):
        parsed = parse(label, entity)
        assert parsed.empty and parsed.tokens == (), (label, entity)


@pytest.mark.parametrize(
    ("label", "period"),
    [
        ("Weekly lessons last semester", "last semester"),  # a previous period
        ("Last year's appraisal result", "last year"),
        ("Date of last physical exam", "last"),  # the last occurrence, like 末次
    ],
)
def test_english_last_is_read_with_what_follows(label: str, period: str) -> None:
    parsed = parse(label, "teacher")
    assert [q.text for q in parsed.changing] == [period]


def test_last_name_is_a_part_of_the_name() -> None:
    assert parse("Last name", "teacher").tokens != parse("Name", "teacher").tokens
    assert not parse("Last name", "teacher").changing


@pytest.mark.parametrize(
    ("label", "written"),
    [("Name in Chinese characters", "format"), ("姓名（汉字）", "format"), ("Address in pinyin", "note")],
)
def test_the_script_a_datum_is_written_in_is_a_qualifier(label: str, written: str) -> None:
    parsed = parse(label, "teacher")
    assert [q.kind for q in parsed.qualifiers] == [written]
