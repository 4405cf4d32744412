"""The GB/T 2260 list: real codes only, their levels, parents, subtrees and names."""

from __future__ import annotations

import pandas as pd
import pytest

from schemas import divisions
from schemas.divisions import Level, UnknownDivisionError
from schemas.validators import division_code_problem, validator_mask


def test_the_list_holds_every_level_of_the_country() -> None:
    table = divisions.divisions()
    by_level = {level: [d for d in table.values() if d.level is level] for level in Level}
    assert len(by_level[Level.PROVINCE]) == 34
    assert 330 <= len(by_level[Level.PREFECTURE]) <= 345
    assert 2800 <= len(by_level[Level.COUNTY]) <= 2900


@pytest.mark.parametrize("code", ["330199", "149999", "990000", "330100x", "33010", ""])
def test_codes_that_do_not_exist_are_refused(code: str) -> None:
    assert not divisions.is_division(code)
    with pytest.raises(UnknownDivisionError) as caught:
        divisions.require(code)
    assert code.strip() in caught.value.reason_zh and code.strip() in caught.value.reason_en
    assert division_code_problem(code) is not None


def test_a_county_knows_its_city_and_province() -> None:
    xihu = divisions.require("330106")
    assert (xihu.name, xihu.level, xihu.parent) == ("西湖区", Level.COUNTY, "330100")
    assert divisions.require("330100").parent == "330000"
    assert [d.code for d in divisions.ancestors("330106")] == ["330106", "330100", "330000"]
    assert divisions.full_name("330106") == "浙江省杭州市西湖区"
    assert division_code_problem("330106") is None


def test_municipalities_and_counties_under_a_province_have_parents() -> None:
    assert divisions.require("110105").parent == "110100"  # 北京市 市辖区
    assert divisions.full_name("110105") == "北京市朝阳区"
    assert divisions.require("500235").parent == "500200"  # 重庆市 县
    assert divisions.require("429004").parent == "420000"  # 仙桃市, directly under 湖北省
    assert divisions.require("441900").level is Level.PREFECTURE  # 东莞市, no counties


def test_a_subtree_is_one_prefix() -> None:
    assert [divisions.subtree_prefix(c) for c in ("330000", "330100", "330106")] == ["33", "3301", "330106"]
    assert divisions.contains("330000", "330106") and divisions.contains("330100", "330106")
    assert not divisions.contains("330100", "330203") and not divisions.contains("330106", "330105")
    hangzhou = divisions.counties_within("330100")
    assert "330106" in {d.code for d in hangzhou} and all(d.code.startswith("3301") for d in hangzhou)
    assert [d.code for d in divisions.counties_within("330106")] == ["330106"]
    assert {d.code for d in divisions.children("330000")} >= {"330100", "330200"}


def test_the_column_check_agrees_with_the_value_check() -> None:
    values = pd.Series(["330106", "330199", "149999", "110000", " 140105", "abc"])
    assert validator_mask("division_code", values).tolist() == [True, False, False, True, True, False]
