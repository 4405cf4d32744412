"""Normalisation: one spelling for the many ways forms write a label."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup import normalise


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("姓  名", "姓名"),  # forms pad labels to the width of the cell
        ("姓　名", "姓名"),  # with ideographic spaces too
        ("身份證號碼", "身份证号码"),  # traditional characters
        ("（一）编制情况", "编制"),  # numbering, and 情况 adds nothing
        ("3. 出生年月：", "出生年月"),
        ("1、姓名", "姓名"),
        ("①学历", "学历"),
        ("*身份证号码（18位）", "身份证号码(18位)"),  # full-width brackets become ASCII, the part is kept
        ("※联系电话", "联系电话"),
        ("请填写工作单位名称", "工作单位"),
        ("联系电话__________", "联系电话"),
        ("性别(必填)", "性别"),  # instructions to the filler go
        ("【配偶】姓名", "(配偶)姓名"),
        ("ＩＤ　Ｃａｒｄ　Ｎｏ．", "id card no"),  # full-width Latin
        ("Date of  Birth", "date of birth"),  # spaces between English words stay
        ("Spouse's Name", "spouse name"),
        ("面积（㎡）", "面积(m2)"),
        ("基本信息", "基本信息"),  # 信息 stays when what is left says nothing
        ("单位名称", "单位"),
        ("婚姻状况", "婚姻"),
        ("第一学历", "第一学历"),  # an ordinal that is part of the datum is no numbering
        ("第3题：姓名", "姓名"),
        ("是否班主任", "是否班主任"),  # the yes/no marker stays
    ],
)
def test_normalise_examples(written: str, expected: str) -> None:
    assert normalise(written) == expected


@given(st.text(max_size=40))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


_PIECES = st.sampled_from(
    [
        "姓名",
        "身份证号",
        "（18位）",
        "*",
        "：",
        " ",
        "　",
        "3.",
        "（一）",
        "單位",
        "名称",
        "情况",
        "Date",
        "of",
        "(",
        ")",
        "是否",
    ]
)


@given(st.lists(_PIECES, max_size=8).map("".join))
def test_normalise_is_idempotent_on_label_like_text(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
