"""Reading a field with the rest of its form (issue 13): what the form is about, the outline its numbered
items make, and the heading above a cell.

A label alone can look like the subject's own datum and still be something else's on this form: the 名称
and 负责人 of a canteen's self-check, a 5、图书 under 三、固定资产折旧（万元）that is money, not books, the
联系电话 under 生产经营地址 that is the premises', not the school's. Each function here names one such
class and says which matches the form takes back; the matcher then answers "new" with the element as the
reviewer's first alternative, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from dedup import lexicon
from dedup.normalise import normalise, split_brackets
from dedup.parse import ParsedLabel


@dataclass(frozen=True, kw_only=True)
class Reason:
    """Why the form takes a match back, in Chinese and English."""

    zh: str
    en: str


# How numbered items nest: 一、 above （一） above 1、 above （1）. A field with no number is no item.
_OUTLINE: Final = (
    (1, re.compile(r"^[一二三四五六七八九十]+[、.．]")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    (3, re.compile(r"^\d{1,2}[、．](?!\d)|^\d{1,2}\.(?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
)


# Words an address element's own label holds (学校地址, 家庭住址, 户口所在地).
ADDRESS_WORDS: Final = ("地址", "住址", "所在地")


def outline_level(label: str) -> int | None:
    """The level of a numbered item (一、 is 1, （一） 2, 1、 3, （1） 4), None for a field with no number."""
    text = label.strip()
    for level, pattern in _OUTLINE:
        if pattern.match(text):
            return level
    return None


def inherited_units(labels: Sequence[str], units: Sequence[str | None]) -> list[str | None]:
    """Per field, the unit written on the nearest numbered item above it when the field writes none:
    三、固定资产折旧（万元）then 5、图书 — the sub-item is counted in the parent's 万元 too. A field with its
    own unit, or with no parent that has one, inherits nothing."""
    out: list[str | None] = []
    stack: list[tuple[int, str | None]] = []
    for label, unit in zip(labels, units, strict=True):
        level = outline_level(label)
        if level is None:
            out.append(None)
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = next((u for _, u in reversed(stack) if u is not None), None)
        out.append(parent if unit is None else None)
        stack.append((level, unit))
    return out


def facility_in(title: str | None) -> str | None:
    """The part of a school a form is about (食堂 of 学校食堂食品安全自查表), if its title names one."""
    if not title:
        return None
    written = normalise(title)
    found = [(written.find(word), -len(word), word) for word in lexicon.FACILITY_WORDS if word in written]
    return min(found)[2] if found else None  # the first named (学生餐厅 before 餐厅 at one place)


def facility_takes(bare: ParsedLabel, facility: str) -> Reason | None:
    """On a form about a part of the school, a bare identity or contact head is that part's."""
    if split_brackets(bare.text)[0] not in lexicon.IDENTITY_HEADS:
        return None  # 学校名称 names the school; 负责人 alone names no one's
    return Reason(
        zh=f"本表讲的是{facility}，“{bare.text}”没有指明是学校的，是{facility}的",
        en=f"the form is about the {facility}; {bare.text} names no owner, so it is the {facility}'s",
    )


def address_heading_takes(
    heading: str | None, bare: ParsedLabel, is_own_address: Callable[[str], bool]
) -> Reason | None:
    """Under an address heading that is not the subject's own address (生产经营地址, 仓库地址), the phone,
    fax and postcode are that place's. `is_own_address` says whether the standard resolves the heading to
    one of the subject's own addresses."""
    if not heading or split_brackets(bare.text)[0] not in lexicon.ADDRESS_ATTRIBUTE_WORDS:
        return None
    main = split_brackets(normalise(heading))[0]
    head = next((h for h in lexicon.ADDRESS_HEADS if main.endswith(h)), None)
    if head is None:
        return None
    qualifier = main[: -len(head)]
    if qualifier in lexicon.OWN_ADDRESS_QUALIFIERS or is_own_address(main):
        return None
    return Reason(
        zh=f"“{bare.text}”在“{heading}”之下，是该处的，不是本表主体的",
        en=f"{bare.text} stands under {heading}: it is that place's, not the form's subject's",
    )


def is_contact_person(bare: ParsedLabel) -> bool:
    """Whether a field names the form's filler or contact (联系人, 填表人, 经办人), whose cell follows it."""
    return split_brackets(bare.text)[0] in lexicon.CONTACT_PERSON_WORDS
