"""Bad standard files fail to load with a message naming the file and the element."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import schemas
from schemas import StandardFileError
from schemas.loader import DATA_DIR


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "standard"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, "the edit did not apply"
    path.write_text(changed, encoding="utf-8")


def load_error(root: Path) -> StandardFileError:
    with pytest.raises(StandardFileError) as info:
        schemas.load_standard(root)
    return info.value


def test_a_copy_of_the_bundled_standard_loads(data: Path) -> None:
    copy = schemas.load_standard(data)
    assert copy == schemas.load_standard()
    assert copy is not schemas.load_standard()


def test_duplicate_element_code_in_one_file(data: Path) -> None:
    teacher = data / "elements" / "teacher.yaml"
    edit(teacher, lambda t: t + "  gender:\n    label_zh: 性别二\n    label_en: Sex 2\n    type: string\n")
    error = load_error(data)
    assert error.path == teacher and error.element == "gender"
    assert str(teacher) in str(error) and "gender" in str(error) and "重复" in str(error)


def test_duplicate_element_code_across_files(data: Path) -> None:
    extra = data / "elements" / "teacher_extra.yaml"
    extra.write_text(
        "entity: teacher\nelements:\n  mobile:\n    label_zh: 手机\n    label_en: Cell\n    synonyms: [手机2]\n    sharing: conditional\n",
        encoding="utf-8",
    )
    error = load_error(data)
    assert error.element == "teacher.mobile" and error.path == extra
    assert "teacher.yaml" in error.reason_en


def test_synonym_claimed_by_two_elements_after_normalising(data: Path) -> None:
    teacher = data / "elements" / "teacher.yaml"
    # Full-width letters, a wide space and other case still spell the ID number's synonym "ID number".
    edit(
        teacher, lambda t: t.replace("synonyms: [原名, 曾用姓名,", "synonyms: [原名, ｉｄ　Number, 曾用姓名,")
    )
    error = load_error(data)
    assert error.path == teacher
    assert error.element in ("teacher.former_name", "teacher.id_number")
    assert "teacher.id_number" in str(error) or "teacher.former_name" in str(error)
    assert "id number" in error.reason_en.casefold().replace("idnumber", "id number")


def test_the_same_synonym_in_two_entities_is_fine(data: Path) -> None:
    # 电子邮箱 is both a teacher's and a school's element: entities are separate vocabularies.
    std = schemas.load_standard(data)
    assert std.element("teacher.email").label_zh == std.element("school.email").label_zh


def test_unknown_code_list_reference(data: Path) -> None:
    teacher = data / "elements" / "teacher.yaml"
    edit(teacher, lambda t: t.replace("code_list: blood_type", "code_list: blood_group"))
    error = load_error(data)
    assert error.path == teacher and error.element == "teacher.blood_type"
    assert "blood_group" in str(error)


def test_unknown_derivation_input(data: Path) -> None:
    teacher = data / "elements" / "teacher.yaml"
    edit(teacher, lambda t: t.replace("inputs: [teacher.birth_date]", "inputs: [teacher.birthday]"))
    error = load_error(data)
    assert error.path == teacher and error.element == "teacher.age" and "teacher.birthday" in str(error)


@pytest.mark.parametrize(
    ("condition", "says"),
    [
        ('{element: teacher.party_status, codes: ["01", "02"]}', "teacher.party_status"),
        ('{element: teacher.political_status, codes: ["01", "99"]}', "99"),
        ('{element: teacher.name, codes: ["01"]}', "teacher.name"),
        ('{element: school.school_type, codes: ["211"]}', "school.school_type"),
    ],
    ids=["unknown element", "code not in its list", "not a coded element", "another entity"],
)
def test_a_bad_applies_when_names_the_element_and_why(data: Path, condition: str, says: str) -> None:
    teacher = data / "elements" / "teacher.yaml"
    good = 'applies_when: {element: teacher.political_status, codes: ["01", "02"]}'
    edit(teacher, lambda t: t.replace(good, f"applies_when: {condition}"))
    error = load_error(data)
    assert error.path == teacher and error.element == "teacher.party_join_date"
    assert says in str(error)


def test_misspelt_key(data: Path) -> None:
    school = data / "elements" / "school.yaml"
    edit(
        school,
        lambda t: t.replace(
            "    max_length: 10\n    required: true", "    max_lenght: 10\n    required: true", 1
        ),
    )
    error = load_error(data)
    assert error.path == school and error.element == "school.code" and "max_lenght" in str(error)


def test_unquoted_code_loses_its_zero(data: Path) -> None:
    ethnicity = data / "codelists" / "ethnicity.yaml"
    edit(ethnicity, lambda t: t.replace('{code: "01", zh: 汉族', "{code: 01, zh: 汉族"))
    error = load_error(data)
    assert error.path == ethnicity and "quoted" in str(error)


def test_code_list_label_meaning_two_codes(data: Path) -> None:
    gender = data / "codelists" / "gender.yaml"
    edit(gender, lambda t: t.replace("aliases: [女, F, 女士]", "aliases: [女, F, 女士, 男]"))
    error = load_error(data)
    assert error.path == gender and "男" in str(error)


def test_element_missing_a_label(data: Path) -> None:
    school = data / "elements" / "school.yaml"
    edit(school, lambda t: t.replace("    label_en: Short name\n", ""))
    error = load_error(data)
    assert error.path == school and error.element == "school.short_name"


def test_code_element_without_code_list(data: Path) -> None:
    teacher = data / "elements" / "teacher.yaml"
    edit(teacher, lambda t: t.replace("    type: code\n    code_list: marital_status\n", "    type: code\n"))
    error = load_error(data)
    assert error.element == "teacher.marital_status"


def test_missing_standard_yaml(tmp_path: Path) -> None:
    error = load_error(tmp_path)
    assert error.path.name == "standard.yaml"


def test_edited_files_are_reloaded(data: Path) -> None:
    first = schemas.load_standard(data)
    edit(data / "standard.yaml", lambda t: t.replace("version: 1", "version: 2"))
    second = schemas.load_standard(data)
    assert (first.version, second.version) == (1, 2)


def test_an_element_without_a_sharing_type_is_refused_naming_it(data: Path) -> None:
    teacher = data / "elements" / "teacher.yaml"
    edit(
        teacher,
        lambda t: t.replace(
            "    sensitivity: sensitive\n    sharing: not_shared\n", "    sensitivity: sensitive\n", 1
        ),
    )
    error = load_error(data)
    assert error.path == teacher and error.element == "teacher.blood_type"
    assert "sharing" in error.reason_en and "共享类型" in error.reason_zh


def test_a_not_shared_element_must_say_why(data: Path) -> None:
    teacher = data / "elements" / "teacher.yaml"
    edit(
        teacher,
        lambda t: "\n".join(
            line for line in t.split("\n") if not line.startswith("    sharing_reason_en: blood")
        ),
    )
    error = load_error(data)
    assert error.element == "teacher.blood_type" and "reason" in error.reason_en


def test_an_unknown_sharing_type_is_refused(data: Path) -> None:
    school = data / "elements" / "school.yaml"
    edit(school, lambda t: t.replace("    sharing: unconditional\n", "    sharing: open\n", 1))
    error = load_error(data)
    assert error.element == "school.code" and "'open'" in error.reason_en
