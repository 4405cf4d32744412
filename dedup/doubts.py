"""What a label says that the element it resembles does not explain (issue 13, "every word explained").

A match is confident only when every part of the label is accounted for. Each rule here names one class
of words that, left unexplained, makes a resemblance no answer: a phone of another kind, a count of
people asked of a count of things, a second owner in brackets, a word cut in half (the matcher adds
notes that name another element or an alternative the element does not hold). A rule returns a `Doubt`; the matcher
then answers "new" and shows the element as an alternative for the reviewer, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from dedup import lexicon
from dedup.parse import ParsedLabel
from schemas import Element


@dataclass(frozen=True, kw_only=True)
class Doubt:
    """Why a label is not fully explained by an element, in Chinese and English."""

    reason_zh: str
    reason_en: str


# Kinds of telephone a label or an element can name. A bare 电话/联系电话 names no kind and fits any.
_MOBILE_WORDS: Final = ("手机", "移动电话", "mobile", "cell")
_LANDLINE_WORDS: Final = (
    "固定电话",
    "座机",
    "办公电话",
    "办公室电话",
    "landline",
    "office phone",
    "office tel",
)
# A landline of the person at home, not the one at work (个人固定电话, 家庭电话, 住宅电话).
_PRIVATE_LANDLINE_WORDS: Final = (
    "个人固定",
    "家庭电话",
    "家庭固定",
    "住宅电话",
    "宅电",
    "home tel",
    "home phone",
)


def _phone_kind(text: str) -> str | None:
    lowered = text.lower()
    if any(word in lowered for word in _PRIVATE_LANDLINE_WORDS):
        return "private landline"
    if any(word in lowered for word in _MOBILE_WORDS):
        return "mobile"
    if any(word in lowered for word in _LANDLINE_WORDS):
        return "landline"
    return None


def phone_kind_of(text: str) -> str | None:
    """The kind of telephone a label names (mobile, landline, private landline), or None for a bare phone."""
    return _phone_kind(text)


def phone_kind(parsed: ParsedLabel, element: Element) -> Doubt | None:
    """手机 is no 办公电话, 座机 no 手机号码, 个人固定电话 no 办公电话: a phone of another kind is another datum."""
    asked = _phone_kind(parsed.text)
    held = _phone_kind(element.label_zh)
    if asked is None or held is None or asked == held:
        return None
    words = {"mobile": "手机", "landline": "固定电话", "private landline": "家庭（个人）固定电话"}
    return Doubt(
        reason_zh=f"标签问的是{words[asked]}，{element.code} 存的是{words[held]}",
        reason_en=f"the label asks for a {asked} phone; {element.code} holds a {held} phone",
    )


def category_without_options(parsed: ParsedLabel, element: Element) -> Doubt | None:
    """人员类别, 岗位, 编制类别 with no options: a category of people, posts or establishment in general names
    no particular classification (a civil servant's 人员类别 is not a school's 教职工类别, an insured person's
    is neither). Only options that fit the element's code list can say it is that list; without them the
    resemblance goes to the reviewer."""
    if (
        element.code_list is None
        or parsed.language != "zh"
        or any(q.kind == "values" for q in parsed.qualifiers)
    ):
        return None
    rest = [token for token in parsed.tokens if token not in lexicon.CATEGORY_TOKENS]
    if not rest or not set(rest) <= lexicon.GENERIC_CATEGORY_NOUNS:
        return None
    return Doubt(
        reason_zh=f"“{parsed.text}”只是泛泛的分类，没有给出选项，不能确定是 {element.code} 的代码表",
        reason_en=f"{parsed.text} is a category in general with no options given: not confidently the code list"
        f" of {element.code}",
    )


_PEOPLE_COUNT_ENDINGS: Final = ("人数", "人次", "人员数", "学生数")


def count_kind(parsed: ParsedLabel, element: Element) -> Doubt | None:
    """班级人数 (pupils in a class) is no 班级数 (how many classes): a count of people asked of a count of
    things, or a count of things asked of a count of people, is another quantity."""
    if element.value_type not in ("integer", "decimal") or element.unit is None:
        return None
    main = parsed.text.split("(")[0].split("（")[0]
    asks_people = main.endswith(_PEOPLE_COUNT_ENDINGS) or parsed.unit == "人"
    if not asks_people or element.unit == "人":
        return None
    return Doubt(
        reason_zh=f"标签数的是人，{element.code} 数的是{element.unit}",
        reason_en=f"the label counts people; {element.code} counts {element.unit}",
    )


# A note saying another body fills the cell in (区划代码（统计机构填写）, 编号（税务机关填写）): the value is
# that body's coding, not a datum the form's subject gives.
_FILLED_BY_RE: Final = re.compile(
    r"^(?:由)?(.{2,}?(?:机构|机关|部门|单位|中心|局|委|办|处|人员))(?:填写|填报|填)$"
)
_OWN_FILLERS: Final = frozenset({"本单位", "填报单位", "申报单位", "学校", "本校", "本人", "申请人", "单位"})


def filled_by_another(parsed: ParsedLabel) -> Doubt | None:
    """A cell another body fills in is that body's datum, even when its words name an element."""
    for qualifier in parsed.qualifiers:
        found = _FILLED_BY_RE.match(qualifier.text)
        if found is None or found.group(1) in _OWN_FILLERS:
            continue
        return Doubt(
            reason_zh=f"“{qualifier.text}”：由{found.group(1)}填写，不是本表主体提供的数据",
            reason_en=f"{qualifier.text}: filled in by {found.group(1)}, not a datum the form's subject gives",
        )
    return None


def second_owner(parsed: ParsedLabel) -> Doubt | None:
    """校长姓名（保洁员）, 电话（驾驶员）of a 联系人: brackets naming another person than the label's own
    owner leave open whose datum it is."""
    for qualifier in parsed.qualifiers:
        if qualifier.kind != "subject":
            continue
        cls = lexicon.SUBJECTS.get(qualifier.text)
        if cls is None or cls == parsed.subject or cls in (lexicon.SELF, lexicon.ORG):
            continue
        if {cls, parsed.subject} <= _HEADS_OF_THE_UNIT:
            continue  # 法定代表人(单位负责人): one office-holder under two titles
        return Doubt(
            reason_zh=f"括号中的“{qualifier.text}”与标签所指的{parsed.subject}不是同一人，无法确定是谁的数据",
            reason_en=f"the brackets name {qualifier.text}, another person than the label's {parsed.subject}:"
            " whose datum it is stays open",
        )
    return None


# The titles of the one person at the head of a unit: 法定代表人(负责人) names one person twice.
_HEADS_OF_THE_UNIT: Final = frozenset({"法定代表人", "负责人", "校长"})


def omitted_words(omitted: tuple[str, ...], element: Element) -> Doubt | None:
    """A label less specific than the element omits whole words (学生宿舍建筑面积 → 宿舍建筑面积). A single
    character left over (聘 of 聘任现职时间 against 任现职时间) is half of a word: the label says another word."""
    fragments = [word for word in omitted if len(word) == 1 and "\u4e00" <= word <= "\u9fff"]
    if not fragments:
        return None
    words = "、".join(fragments)
    return Doubt(
        reason_zh=f"标签与 {element.code} 的名称只差半个词“{words}”，是另一个词",
        reason_en=f"the label differs from {element.code}'s name by half a word ({words}): another word",
    )


# Words that name the same kind of place or thing as the label's head, written as an alternative in
# brackets: 区县(市) is one county-level division, 国籍(地区) one nationality or region.
_SIBLING_WORDS: Final = frozenset(
    {"省", "市", "县", "区", "州", "盟", "旗", "自治区", "自治州", "自治县", "地区", "国家", "国别"}
)
# Notes that say which address of a unit or person is meant, where the element holds that one address
# (地址(注册地), 住址(详细地址)).
_ADDRESS_NOTES: Final = frozenset({"注册地", "注册地址", "详细地址", "具体地址", "详细", "住所"})


def note_is_sibling(note: str, parsed: ParsedLabel) -> bool:
    """Whether a bracketed note is a sibling word of the label's head (区县(市), 国籍(地区))."""
    parts = [p for p in note.replace("、", "/").replace(",", "/").split("/") if p]
    if parsed.tokens[-1:] == ("地址",) and note in _ADDRESS_NOTES:
        return True
    return bool(parts) and all(part in _SIBLING_WORDS for part in parts) and bool(parsed.tokens)
