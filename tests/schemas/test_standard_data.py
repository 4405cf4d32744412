"""The bundled standard: counts, labels, the element codes other parts rely on, code lists."""

from __future__ import annotations

import pytest

import schemas
from schemas import UnknownCodeListError, UnknownElementError, normalize_term


@pytest.fixture(scope="module")
def std() -> schemas.Standard:
    return schemas.load_standard()


def test_element_counts_meet_the_issue(std: schemas.Standard) -> None:
    assert len(std.elements_for("teacher")) >= 55
    assert len(std.elements_for("school")) >= 40
    assert std.version >= 1


def test_every_element_has_both_labels_and_a_synonym(std: schemas.Standard) -> None:
    for element in std.elements:
        assert element.label_zh.strip() and element.label_en.strip(), element.code
        assert element.synonyms, element.code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in element.label_zh), element.code


KEY_ELEMENTS = {
    "teacher.name": ("string", None),
    "teacher.gender": ("code", "gender"),
    "teacher.id_number": ("string", None),
    "teacher.birth_date": ("date", None),
    "teacher.ethnicity": ("code", "ethnicity"),
    "teacher.political_status": ("code", "political_status"),
    "teacher.work_start_date": ("year_month", None),
    "teacher.education_level": ("code", "education_level"),
    "teacher.degree": ("code", "degree"),
    "teacher.title": ("code", "teacher_title"),
    "teacher.subject": ("code", "subject"),
    "teacher.mobile": ("string", None),
    "teacher.school_code": ("string", None),
    "teacher.staffing": ("code", "staffing"),
    "teacher.is_head_teacher": ("boolean", None),
    "teacher.age": ("integer", None),
    "teacher.teaching_years": ("integer", None),
    "school.code": ("string", None),
    "school.name": ("string", None),
    "school.school_type": ("code", "school_type"),
    "school.division_code": ("string", None),
    "school.urban_rural": ("code", "urban_rural"),
    "school.address": ("string", None),
    "school.principal_name": ("string", None),
    "school.phone": ("string", None),
    "school.student_count": ("integer", None),
    "school.class_count": ("integer", None),
    "school.staff_count": ("integer", None),
    "school.full_time_teacher_count": ("integer", None),
    "school.uscc": ("string", None),
}


@pytest.mark.parametrize("code", sorted(KEY_ELEMENTS))
def test_key_elements_exist_with_their_types(std: schemas.Standard, code: str) -> None:
    element = std.element(code)
    assert (element.value_type, element.code_list) == KEY_ELEMENTS[code]
    assert element.entity == code.split(".")[0] and element.name == code.split(".")[1]


def test_key_element_rules(std: schemas.Standard) -> None:
    id_number = std.element("teacher.id_number")
    assert id_number.required and id_number.sensitivity == "sensitive" and id_number.validator == "id_number"
    assert std.element("teacher.mobile").sensitivity == "sensitive"
    assert std.element("school.code").required and std.element("school.code").validator == "school_code"
    assert std.element("school.name").required
    age = std.element("teacher.age").derivation
    assert age is not None and age.function == "years_since" and age.inputs == ("teacher.birth_date",)
    teaching = std.element("teacher.teaching_years").derivation
    assert teaching is not None and teaching.inputs == ("teacher.work_start_date",)
    count = std.element("school.full_time_teacher_count").derivation
    assert count is not None and count.function == "count_teachers"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("公民身份号码", "teacher.id_number"),
        ("身份证号", "teacher.id_number"),
        ("身份证件号码", "teacher.id_number"),
        ("ID card number", "teacher.id_number"),
        ("Identity card No.", "teacher.id_number"),
        ("工作单位", "teacher.school_code"),
        ("单位名称", "teacher.school_code"),
        ("Employer", "teacher.school_code"),
        ("Work unit", "teacher.school_code"),
        ("出生年月", "teacher.birth_date"),
        ("Date of birth", "teacher.birth_date"),
        ("DOB", "teacher.birth_date"),
        ("职称", "teacher.title"),
        ("任教年限", "teacher.teaching_years"),
        ("工龄", "teacher.service_years"),
        ("学校代码", "school.code"),
        ("校址", "school.address"),
        ("班数", "school.class_count"),
    ],
)
def test_labels_forms_use_name_one_element(std: schemas.Standard, label: str, code: str) -> None:
    entity = code.split(".")[0]
    owners = [
        e.code for e in std.elements_for(entity) if normalize_term(label) in map(normalize_term, e.terms)
    ]
    assert owners == [code]


def test_other_peoples_data_is_not_the_teachers(std: schemas.Standard) -> None:
    terms = {normalize_term(t) for t in std.element("teacher.name").terms}
    assert normalize_term("配偶姓名") not in terms and normalize_term("紧急联系人") not in terms
    mobile = {normalize_term(t) for t in std.element("teacher.mobile").terms}
    assert normalize_term("紧急联系人电话") not in mobile


def test_unknown_names_raise_lookup_errors(std: schemas.Standard) -> None:
    with pytest.raises(UnknownElementError) as info:
        std.element("teacher.shoe_size")
    assert isinstance(info.value, KeyError) and info.value.code == "teacher.shoe_size"
    with pytest.raises(UnknownCodeListError):
        std.code_list("shoe_sizes")


def test_complete_national_code_lists(std: schemas.Standard) -> None:
    ethnicity = std.code_list("ethnicity")
    assert [c.code for c in ethnicity.codes[:56]] == [f"{i:02d}" for i in range(1, 57)]
    assert {"97", "98"} <= set(ethnicity.values)
    assert len(std.code_list("province").codes) == 34
    assert std.code_list("gender").values == ("0", "1", "2", "9")
    assert len(std.code_list("political_status").codes) == 13
    assert {"111", "211", "311", "312", "341", "342", "345"} <= set(std.code_list("school_type").values)
    assert std.code_list("urban_rural").values == ("111", "112", "121", "122", "123", "210", "220")
    assert std.code_list("gender").source.startswith("GB/T 2261.1")


@pytest.mark.parametrize(
    ("code_list", "value", "code"),
    [
        ("gender", "男", "1"),
        ("gender", "Female", "2"),
        ("gender", "1", "1"),
        ("ethnicity", "汉族", "01"),
        ("ethnicity", "汉", "01"),
        ("ethnicity", "1", "01"),  # a spreadsheet dropped the leading zero
        ("ethnicity", "1.0", "01"),
        ("ethnicity", "维吾尔族", "05"),
        ("political_status", "中共党员", "01"),
        ("political_status", "群众", "13"),
        ("education_level", "本科", "21"),
        ("education_level", "研究生", "10"),
        ("teacher_title", "一级教师", "3"),
        ("teacher_title", "中学高级", "2"),
        ("teacher_title", "小学高级教师", "3"),
        ("school_type", "九年一贯制学校", "312"),
        ("province", "广西", "450000"),
        ("province", "44", "440000"),
        ("boolean", "是", "1"),
        ("boolean", "N", "0"),
        ("staffing", "在编", "1"),
        ("urban_rural", "村庄", "220"),
        ("gender", "男 ", "1"),
        ("gender", "ＭＡＬＥ", "1"),  # full width, upper case
    ],
)
def test_code_lists_accept_codes_and_labels(
    std: schemas.Standard, code_list: str, value: str, code: str
) -> None:
    assert std.code_list(code_list).resolve(value) == code


@pytest.mark.parametrize(
    ("code_list", "value"),
    [
        ("gender", "3"),
        ("ethnicity", "57"),
        ("ethnicity", "火星族"),
        ("teacher_title", "教授"),
        ("province", "99"),
    ],
)
def test_values_outside_a_code_list_resolve_to_none(
    std: schemas.Standard, code_list: str, value: str
) -> None:
    assert std.code_list(code_list).resolve(value) is None


def test_load_standard_is_cached(std: schemas.Standard) -> None:
    assert schemas.load_standard() is std
