"""The reviewed choices of the sharing catalogue (共享目录) in the bundled standard."""

from __future__ import annotations

import schemas


def test_public_school_facts_are_shared_unconditionally_and_the_rest_on_conditions() -> None:
    std = schemas.load_standard()
    for element in std.elements_for("school"):
        expected = "unconditional" if element.sensitivity == "public" else "conditional"
        assert element.sharing == expected, element.code
    assert std.element("school.name").sharing == "unconditional"
    assert std.element("school.principal_phone").sharing == "conditional"


def test_personal_teacher_data_is_conditional_and_health_details_are_not_shared() -> None:
    std = schemas.load_standard()
    assert {e.sharing for e in std.elements_for("teacher")} == {"conditional", "not_shared"}
    for code in ("teacher.name", "teacher.id_number", "teacher.birth_date", "teacher.health_status"):
        assert std.element(code).sharing == "conditional", code
    not_shared = {e.code for e in std.elements if e.sharing == "not_shared"}
    assert not_shared == {"teacher.blood_type", "teacher.height", "teacher.weight"}
    for code in not_shared:
        element = std.element(code)
        assert "不予共享" in element.sharing_reason_zh and "not shared" in element.sharing_reason_en
