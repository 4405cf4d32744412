"""BACKWARD compatibility between versions: every rule, every break listed."""

from __future__ import annotations

import dataclasses

import pytest

import schemas
from schemas import Code, CodeList, Element
from schemas.compat import CompatibilityError, check_compatibility, is_compatible, require_compatible


@pytest.fixture(scope="module")
def std() -> schemas.Standard:
    return schemas.load_standard()


def changed(std: schemas.Standard, code: str, **changes: object) -> schemas.Standard:
    return std.with_elements([dataclasses.replace(std.element(code), **changes)])  # type: ignore[arg-type]


def rules(old: schemas.Standard, new: schemas.Standard) -> set[tuple[str, str]]:
    return {(i.element, i.rule) for i in check_compatibility(old, new)}


def new_element(name: str, **fields: object) -> Element:
    base: dict[str, object] = {
        "code": f"teacher.{name}",
        "entity": "teacher",
        "name": name,
        "label_zh": "借阅证类型",
        "label_en": "Library card type",
        "synonyms": ("借阅证种类",),
    }
    base.update(fields)
    return Element(**base)  # type: ignore[arg-type]


def test_adding_an_optional_element_is_compatible(std: schemas.Standard) -> None:
    newer = std.with_elements([new_element("library_card_type")])
    assert newer.version == std.version + 1
    assert newer.element("teacher.library_card_type").label_zh == "借阅证类型"
    assert check_compatibility(std, newer) == ()
    assert is_compatible(std, newer)
    require_compatible(std, newer)
    # The old version is untouched: versions are immutable.
    assert not std.has_element("teacher.library_card_type")


def test_widening_is_compatible(std: schemas.Standard) -> None:
    newer = changed(std, "teacher.weekly_lessons", min_value=None, max_value=60.0)
    newer = changed(newer, "teacher.name", max_length=100)
    newer = changed(newer, "teacher.id_number", required=False)
    assert check_compatibility(std, newer) == ()


def test_adding_a_required_element_breaks(std: schemas.Standard) -> None:
    newer = std.with_elements([new_element("library_card_type", required=True)])
    [found] = check_compatibility(std, newer)
    assert (found.element, found.rule) == ("teacher.library_card_type", "required_element_added")
    assert found.detail_zh and found.detail_en


def test_removing_an_element_breaks(std: schemas.Standard) -> None:
    kept = tuple(e for e in std.elements if e.code != "teacher.blood_type")
    newer = schemas.Standard(version=std.version + 1, elements=kept, code_lists=std.code_lists)
    assert rules(std, newer) == {("teacher.blood_type", "element_removed")}


def test_changing_the_value_type_breaks(std: schemas.Standard) -> None:
    newer = changed(std, "teacher.weekly_lessons", value_type="decimal")
    assert rules(std, newer) == {("teacher.weekly_lessons", "value_type_changed")}


def test_changing_the_code_list_reference_breaks(std: schemas.Standard) -> None:
    newer = changed(std, "teacher.first_education_level", code_list="degree")
    assert rules(std, newer) == {("teacher.first_education_level", "code_list_changed")}


def test_narrowing_a_code_list_breaks_every_element_using_it(std: schemas.Standard) -> None:
    old_list = std.code_list("education_level")
    narrowed = dataclasses.replace(
        old_list, codes=tuple(c for c in old_list.codes if c.code not in ("12", "13"))
    )
    newer = std.with_elements([], code_lists=[narrowed])
    found = check_compatibility(std, newer)
    assert {(i.element, i.rule) for i in found} == {
        ("teacher.education_level", "code_list_narrowed"),
        ("teacher.first_education_level", "code_list_narrowed"),
    }
    assert all("12" in i.detail_zh and "13" in i.detail_en for i in found)


def test_growing_a_code_list_is_compatible(std: schemas.Standard) -> None:
    old_list = std.code_list("staffing")
    grown = dataclasses.replace(
        old_list,
        codes=(*old_list.codes, Code(code="8", label_zh="银龄讲学", label_en="Retired teacher programme")),
    )
    newer = std.with_elements([], code_lists=[grown])
    assert check_compatibility(std, newer) == ()
    assert newer.code_list("staffing").resolve("银龄讲学") == "8"


def test_making_an_element_required_breaks(std: schemas.Standard) -> None:
    newer = changed(std, "teacher.mobile", required=True)
    assert rules(std, newer) == {("teacher.mobile", "made_required")}


def test_tightening_a_range_breaks(std: schemas.Standard) -> None:
    newer = changed(std, "teacher.weekly_lessons", max_value=30.0)
    newer = changed(newer, "school.land_area", max_value=1_000_000.0)
    assert rules(std, newer) == {
        ("teacher.weekly_lessons", "range_narrowed"),
        ("school.land_area", "range_narrowed"),
    }


def test_tightening_max_length_breaks(std: schemas.Standard) -> None:
    newer = changed(std, "teacher.name", max_length=20)
    newer = changed(newer, "teacher.grades_taught", max_length=None)
    [found] = check_compatibility(std, newer)
    assert (found.element, found.rule) == ("teacher.name", "max_length_narrowed")
    assert "50" in found.detail_zh and "20" in found.detail_en


def test_adding_or_changing_a_validator_breaks(std: schemas.Standard) -> None:
    newer = changed(std, "teacher.emergency_contact_phone", validator="mobile")
    newer = changed(newer, "school.phone", validator="mobile")
    assert rules(std, newer) == {
        ("teacher.emergency_contact_phone", "validator_added"),
        ("school.phone", "validator_changed"),
    }


def test_changing_a_unit_breaks(std: schemas.Standard) -> None:
    newer = changed(std, "school.fixed_assets_value", unit="元")
    assert rules(std, newer) == {("school.fixed_assets_value", "unit_changed")}


def test_every_break_is_listed_not_a_bare_incompatible(std: schemas.Standard) -> None:
    newer = changed(std, "teacher.mobile", required=True, max_length=8)
    newer = changed(newer, "teacher.weekly_lessons", value_type="decimal")
    newer = std.with_elements([newer.element("teacher.mobile"), newer.element("teacher.weekly_lessons")])
    with pytest.raises(CompatibilityError) as info:
        require_compatible(std, newer)
    assert {(i.element, i.rule) for i in info.value.incompatibilities} == {
        ("teacher.mobile", "made_required"),
        ("teacher.mobile", "max_length_narrowed"),
        ("teacher.weekly_lessons", "value_type_changed"),
    }
    assert "teacher.mobile" in str(info.value) and "made_required" in str(info.value)


def test_the_version_must_increase(std: schemas.Standard) -> None:
    same = schemas.Standard(version=std.version, elements=std.elements, code_lists=std.code_lists)
    assert rules(std, same) == {("*", "version_not_increased")}


def test_with_elements_checks_the_new_version_is_consistent(std: schemas.Standard) -> None:
    clash = new_element("library_card_type", synonyms=("身份证号",))
    with pytest.raises(schemas.InvalidStandardError) as info:
        std.with_elements([clash])
    assert info.value.element == "teacher.library_card_type" and "teacher.id_number" in str(info.value)
    with pytest.raises(schemas.InvalidStandardError):
        std.with_elements([new_element("library_card_type", value_type="code", code_list="library_cards")])
    cards = CodeList(
        name="library_cards",
        label_zh="借阅证类型",
        source="区图书馆",
        codes=(Code(code="1", label_zh="普通卡", label_en="Standard"),),
    )
    newer = std.with_elements(
        [new_element("library_card_type", value_type="code", code_list="library_cards")], code_lists=[cards]
    )
    assert is_compatible(std, newer)
