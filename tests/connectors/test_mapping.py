"""Mapping a source's columns to elements of the standard."""

from __future__ import annotations

import pandas as pd
import pytest

from connectors.errors import SourceConfigError
from connectors.files import read_table
from connectors.mapping import ColumnMapping, apply_mapping


def test_mapped_columns_are_renamed_and_the_rest_reported() -> None:
    table = read_table(
        "姓名,身份证号,爱好,性别\n张三,110101199003070014,篮球,男\n".encode(), filename="t.csv"
    )
    mapping = ColumnMapping(
        columns={"身份证号": "id_number", "姓名": "name", "性别": "gender", "学校": "school_code"}
    )

    mapped = apply_mapping(table.frame, mapping)

    assert list(mapped.frame.columns) == ["id_number", "name", "gender"]
    assert mapped.frame.loc[2].tolist() == ["110101199003070014", "张三", "男"]
    assert list(mapped.frame.index) == [2]  # row numbers survive, for error reports
    assert mapped.unmapped == ("爱好",)
    assert mapped.missing == ("学校",)


def test_the_source_frame_is_left_as_it_was() -> None:
    frame = pd.DataFrame({"姓名": ["张三"], "备注": ["x"]}, dtype="str")

    apply_mapping(frame, ColumnMapping(columns={"姓名": "name"}))

    assert list(frame.columns) == ["姓名", "备注"]


def test_two_columns_for_one_element_are_refused() -> None:
    with pytest.raises(SourceConfigError, match="both map to element 'name'"):
        ColumnMapping(columns={"姓名": "name", "教师姓名": "name"})
