"""Label normalisation: the same label written differently becomes the same string."""

from __future__ import annotations

import functools
import re
import unicodedata

from opencc import OpenCC

from dedup.lexicon import INSTRUCTION_RE

_T2S = OpenCC("t2s")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK_RE = re.compile(f"[{_CJK}]")
# Common CJK, ASCII letters, digits and punctuation: nothing in such text needs its category checked.
_PLAIN_RE = re.compile(r"^[\u4e00-\u9fff!-~ ]*$")

# Brackets forms use for a remark; all become "(" and ")" so that qualifiers split the same way.
_OPENING = "([{【〔［〈<｛"
_CLOSING = ")]}】〕］〉>｝"
_BRACKETS = str.maketrans(_OPENING + _CLOSING, "(" * len(_OPENING) + ")" * len(_CLOSING))
# Marks that decorate a label without meaning: quotes, title marks, stars, bullets, check boxes.
_DECORATION_RE = re.compile(r"[\"'`‘’“”《》「」『』*※★☆●○■□◆◇▲△▼▽√✓✔✗✘☐☑☒♦◎#＃_＿…]")
_SEPARATOR_DOTS = str.maketrans({"·": "-", "•": "-", "・": "-", "|": "-", "—": "-", "–": "-", "~": "-"})
_SPACE_RE = re.compile(r"\s+")
# A space survives only between two ASCII letters or digits (Date of birth); forms pad Chinese (姓  名).
_INNER_SPACE_RE = re.compile(r"(?<![a-z0-9]) | (?![a-z0-9])")
_POSSESSIVE_RE = re.compile(r"(?<=[a-z])'s\b")
_ACRONYM_RE = re.compile(r"(?<![a-z])((?:[a-z]\.){2,}[a-z]?)(?![a-z])")
_NUMBERING_RE = re.compile(
    r"^(?:\(?(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[a-z])\)|(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[a-z])[.、:](?!\d)"
    rf"|第[0-9一二三四五六七八九十]+(?:[项条题]|部分)[.、:]?|第[0-9一二三四五六七八九十]+[.、:]"
    rf"|\d{{1,2}}(?=[{_CJK}])(?![年月日号位元个])|[-.、:;,])"
)
_LEADING_FILLER_RE = re.compile(
    r"^(?:请您?(?:如实|准确)?(?:填写|填报|输入|选择|提供|注明|填)|填写|输入|选择|您的|你的|please (?:enter|fill in|provide|select|state)"
    r"|enter|fill in)\s?"
)
_TRAILING_PUNCT_RE = re.compile(r"[\s:;,.?!、。，：；？！\-=+/\\]+$")
_EMPTY_BRACKETS_RE = re.compile(r"\(\s*\)")
_TRAILING_GROUPS_RE = re.compile(r"^(.*?)((?:\([^()]*\))*)$")
_BRACKET_GROUP_RE = re.compile(r"\(([^()]*)\)")
# Variant characters forms still use for the same word (帐号 for 账号, 身分证 for 身份证, 其它 for 其他).
_VARIANTS: dict[str, str] = {
    "帐号": "账号",
    "帐户": "账户",
    "帐卡": "账卡",
    "身分": "身份",
    "其它": "其他",
    "部份": "部分",
    "成份": "成分",
    "年青": "年轻",
    "登陆": "登录",
}
_VARIANTS_RE = re.compile("|".join(sorted(_VARIANTS, key=len, reverse=True)))
# Trailing words that say "about" rather than "what": 编制情况 is 编制, 单位名称 is 单位.
_VAGUE_SUFFIXES = ("名称", "情况", "信息", "状况", "情形")
# What is left must still mean something on its own: 基本信息 is not 基本.
_TOO_VAGUE = frozenset(
    {
        "基本",
        "其他",
        "其它",
        "个人",
        "相关",
        "具体",
        "详细",
        "有关",
        "主要",
        "一般",
        "总体",
        "整体",
        "基础",
        "简要",
        "登记",
        "工作",
        "全部",
        "以上",
    }
)


def _convertible_characters() -> frozenset[str]:
    """The characters that OpenCC's t2s dictionaries change somewhere (学 of 學, 沈 of 沈默 → 沉默)."""
    _T2S.convert("")  # loads the dictionaries
    chars: set[str] = set()
    for group in _T2S._dict_chain_data:
        for entry in group:
            table = entry[-1] if isinstance(entry, tuple) else entry
            if not isinstance(table, dict):
                continue
            for key, value in table.items():
                target = str(value).split(" ")[0]
                if len(target) != len(key):
                    chars.update(key)
                    continue
                chars.update(k for k, v in zip(key, target, strict=True) if k != v)
    return frozenset(chars)


_CONVERTIBLE = _convertible_characters()


@functools.lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese; text without Chinese characters is returned unchanged."""
    # OpenCC's pure-Python conversion is slow; most labels are already simplified.
    if not any(ch in _CONVERTIBLE for ch in text):
        return text
    return str(_T2S.convert(text))


def has_cjk(text: str) -> bool:
    """Whether the text holds a Chinese character."""
    return _HAS_CJK_RE.search(text) is not None


# A unit written after the label and a space, not in brackets (占地面积 ㎡, 职工人数 人; NFKC has made ㎡ m2),
# after a label of three or more characters written without spaces: a padded label (入 党时 间) keeps its last
# character.
_SPACED_UNIT_RE = re.compile(
    r"^(\S{2,}[\u4e00-\u9fff]) (万元|千元|元|m2|平方米|亩|人|个|册|台|间|学时|小时)$"
)


@functools.lru_cache(maxsize=65536)
def normalise(label: str) -> str:
    """The canonical spelling of a form label; idempotent.

    Full width to half width (NFKC), traditional to simplified Chinese, lower-case English, no spaces
    inside Chinese, one kind of bracket, no decoration (``*``, ``※``, numbering such as ``3.`` or
    ``（一）``, ``请填写``), and no trailing 名称/情况/信息/状况 when what remains still means something.
    Bracketed parts are kept: `dedup.parse` reads them as qualifiers. 是否/有无 stay, as the mark of
    a yes/no field.
    """
    text = label
    # Each rule can expose work for another (a stripped suffix leaves a trailing colon); repeat to a
    # fixed point so that normalising twice changes nothing.
    for _ in range(8):
        step = _normalise_once(text)
        if step == text:
            break
        text = step
    return text


def _normalise_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if not _PLAIN_RE.match(text):
        text = "".join(
            " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
            for ch in text
            if unicodedata.category(ch) not in ("Cf", "Co", "Cs", "Cn", "So", "Sk", "Mn", "Me")
        )
    text = to_simplified(text)
    text = _VARIANTS_RE.sub(lambda m: _VARIANTS[m.group(0)], text)
    text = text.lower()
    text = _POSSESSIVE_RE.sub("", text)
    text = _ACRONYM_RE.sub(lambda m: m.group(1).replace(".", ""), text)  # D.O.B. is dob
    text = text.translate(_BRACKETS).translate(_SEPARATOR_DOTS)
    text = _DECORATION_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text).strip()
    text = _SPACED_UNIT_RE.sub(r"\1(\2)", text)  # 占地面积 ㎡, 固定资产 万元: a unit after a space, bracketed
    text = _INNER_SPACE_RE.sub("", text)
    text = _drop_instruction_groups(text)
    text = _EMPTY_BRACKETS_RE.sub("", text)
    text = _NUMBERING_RE.sub("", text)
    text = _LEADING_FILLER_RE.sub("", text)
    text = _TRAILING_PUNCT_RE.sub("", text)
    text = _balance(text)
    text = _strip_vague_suffix(text)
    return text.strip()


def _drop_instruction_groups(text: str) -> str:
    def keep(match: re.Match[str]) -> str:
        inner = match.group(1).strip()
        return "" if not inner or INSTRUCTION_RE.match(inner) else match.group(0)

    return _BRACKET_GROUP_RE.sub(keep, text)


def _balance(text: str) -> str:
    """Drops brackets left unmatched, so that splitting bracketed parts is well defined."""
    out: list[str] = []
    open_at: list[int] = []
    for ch in text:
        if ch == "(":
            if open_at:
                continue  # nested brackets: keep one level, the inner text stays
            open_at.append(len(out))
            out.append(ch)
        elif ch == ")":
            if open_at:
                open_at.pop()
                out.append(ch)
        else:
            out.append(ch)
    for index in reversed(open_at):
        del out[index]
    return "".join(out)


def _strip_vague_suffix(text: str) -> str:
    match = _TRAILING_GROUPS_RE.match(text)
    if match is None:  # pragma: no cover - the pattern matches every string
        return text
    main, groups = match.group(1), match.group(2)
    for suffix in _VAGUE_SUFFIXES:
        if main.endswith(suffix):
            rest = main[: -len(suffix)].rstrip("-:的")
            if len(rest) >= 2 and has_cjk(rest) and rest not in _TOO_VAGUE:
                return rest + groups
    return text


def split_brackets(text: str) -> tuple[str, tuple[str, ...]]:
    """A normalised label without its bracketed parts, and those parts (without brackets)."""
    parts = tuple(p.strip() for p in _BRACKET_GROUP_RE.findall(text) if p.strip())
    main = _SPACE_RE.sub(" ", _BRACKET_GROUP_RE.sub(" ", text)).strip()
    main = _INNER_SPACE_RE.sub("", main)
    return main, parts
