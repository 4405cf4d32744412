"""Splitting a label into canonical tokens: jieba for Chinese, words for English, then term classes.

Matching compares token sequences, so what matters is that the same words split the same way in a
form label and in the standard. jieba's dictionary holds compounds at uneven granularity (出生日期
is one word, 在校学生 another), so tokens are split further into dictionary words, then runs of tokens
that spell a known term are replaced by its canonical tokens (身份证 号码 → 身份证件号码).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import ChainMap
from collections.abc import Iterable
from typing import Any, Final

import jieba

from dedup import lexicon
from dedup.normalise import has_cjk

_LEXICON_FREQ: Final = 300_000
_VOCABULARY_FREQ: Final = 3_000
_MAX_SPAN: Final = 6
_CACHE_LIMIT: Final = 200_000

# Words jieba may split or merge wrongly and that must stay whole (副校长 is not a 校长).
_PROTECTED: Final = frozenset(
    {
        "副校长",
        "班主任",
        "教职工",
        "毕业班",
        "专任教师",
        "代课教师",
        "骨干教师",
        "所教",
        "任教",
        "学段",
        "入职",
        "来校",
        "现职",
        "任现职",
        "在编",
        "独生子女",
        "学生会",
        "少先队",
        "共青团",
        "普通话",
        "出生地",
        "户籍地",
        "所学专业",
        "教师资格",
        "教师资格证",
        "资格证",
        "资格证书",
        "分数",
        "年级",
        "政治面貌",
        "政治面目",
        "行政区划",
    }
)
# 数 ends counts (学时数, 班数) but also ends words that are no count at all.
_NOT_COUNTS: Final = frozenset(
    {
        "分数",
        "函数",
        "少数",
        "多数",
        "指数",
        "参数",
        "倍数",
        "系数",
        "基数",
        "无数",
        "岁数",
        "度数",
        "单数",
        "双数",
        "奇数",
        "偶数",
        "整数",
        "小数",
        "负数",
        "正数",
        "算数",
        "术数",
        "礼数",
        "变数",
        "定数",
        "有数",
        "级数",
        "位数",
        "点数",
        "次数",
        "总数",
        "人数",
        "个数",
        "数",
    }
)
_CARD_SUFFIXES: Final = frozenset("证卡号")
_ENGLISH_WORD_RE: Final = re.compile(r"[a-z0-9%]+")
_ENGLISH_STOP: Final = frozenset(
    {
        "the",
        "a",
        "an",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "please",
        "enter",
        "fill",
        "provide",
        "if",
    }
    | {"any", "applicable", "eg", "e", "g", "ie", "yours", "s", "obtained", "received", "held", "attained"}
)
_NUMERAL_RE: Final = re.compile(r"^[0-9一二两三四五六七八九十]+$")

_base_lock = threading.Lock()
_base: jieba.Tokenizer | None = None


def _base_tokenizer() -> jieba.Tokenizer:
    """jieba's default dictionary, loaded once per process; every Segmenter copies it."""
    global _base
    with _base_lock:
        if _base is None:
            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in _lexicon_words():
                tokenizer.add_word(word, freq=_LEXICON_FREQ)
            _base = tokenizer
        return _base


def _lexicon_words() -> Iterable[str]:
    words: set[str] = set(_PROTECTED)
    words.update(lexicon.TERMS)
    words.update(lexicon.SUBJECTS)
    words.update(lexicon.CURRENT_PERIODS)
    words.update(lexicon.CHANGING_PERIODS)
    words.update(lexicon.BOOLEAN_MARKERS)
    # Counts (班数, 册数) must stay splittable: 教学班数 is 教学班 + 数, not 教学 + 班数.
    return sorted(w for w in words if has_cjk(w) and len(w) >= 2 and not (w.endswith("数") and len(w) > 2))


def lexicon_entry(span: str) -> tuple[str, ...] | None:
    """The canonical tokens of a known term or subject word, or None."""
    found = lexicon.TERMS.get(span)
    if found is not None:
        return found
    if lexicon.SUBJECTS.listed(span) or span in lexicon.CURRENT_PERIODS or span in lexicon.CHANGING_PERIODS:
        return (span,)
    if span in lexicon.BOOLEAN_MARKERS or span in lexicon.CONJUNCTIONS:
        return (span,)
    if (
        lexicon.RANGE_PERIOD_RE.match(span)
        or lexicon.YEAR_PERIOD_RE.match(span)
        or lexicon.ORDINAL_RE.match(span)
    ):
        return (span,)
    return None


class Segmenter:
    """Tokenises normalised label text; one per standard version, holding its vocabulary.

    Uses a private `jieba.Tokenizer` (never jieba's global one) so that the vocabulary of one
    standard version does not leak into another's segmentation.
    """

    def __init__(self, vocabulary: Iterable[str] = ()) -> None:
        base = _base_tokenizer()
        tokenizer = jieba.Tokenizer()
        # jieba only reads FREQ with `in`, `[]` and `.get`, and add_word writes to it: an overlay on
        # the shared dictionary costs a few entries per standard instead of a copy of 500,000.
        tokenizer.FREQ = ChainMap({}, base.FREQ)
        tokenizer.total = base.total
        tokenizer.initialized = True
        self.vocabulary = frozenset(w for w in vocabulary if has_cjk(w) and 2 <= len(w) <= 12)
        for word in sorted(self.vocabulary):
            if word not in tokenizer.FREQ or tokenizer.FREQ[word] == 0:
                tokenizer.add_word(word, freq=_VOCABULARY_FREQ)
        self._tokenizer = tokenizer
        self._cache: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()
        # Parsed labels of this segmenter, keyed by (label, entity); filled by dedup.parse.
        self.parses: dict[tuple[str, ...], Any] = {}

    def tokens(self, text: str) -> tuple[str, ...]:
        """Canonical tokens of a normalised text (no brackets)."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        raw = self._chinese(text) if has_cjk(text) else self._english(text)
        result = tuple(_canonical(raw))
        with self._lock:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = result
        return result

    def _chinese(self, text: str) -> list[str]:
        out: list[str] = []
        for piece in self._tokenizer.cut(text, HMM=False):
            piece = piece.strip()
            if not piece:
                continue
            if has_cjk(piece):
                out.extend(self._split(piece))
            else:
                out.extend(_english_words(piece) or [piece])
        return out

    def _english(self, text: str) -> list[str]:
        return _english_words(text)

    def _split(self, word: str) -> list[str]:
        """Splits a compound into two dictionary words where it can (在校学生 → 在校 学生)."""
        if len(word) >= 2 and word.endswith("数") and word not in _NOT_COUNTS:
            return [*self._split(word[:-1]), "数"]
        if len(word) < 3 or word in _PROTECTED or lexicon_entry(word) is not None:
            return [word]
        freq = self._tokenizer.FREQ
        if word[-1] in _CARD_SUFFIXES and freq.get(word[:-1], 0) > 0:
            # 会员证, 社保卡: jieba joins some of these and not others; split them all the same way.
            return [*self._split(word[:-1]), word[-1]]
        best: tuple[int, int] | None = None
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            score = min(freq.get(left, 0), freq.get(right, 0))
            if score > 0 and (best is None or score > best[0]):
                best = (score, cut)
        if best is None:
            return [word]
        cut = best[1]
        return [*self._split(word[:cut]), *self._split(word[cut:])]


def _english_words(text: str) -> list[str]:
    text = text.replace("e-mail", "email")
    words = [w for w in _ENGLISH_WORD_RE.findall(text) if w not in _ENGLISH_STOP]
    # English puts the head first ("date of birth", "name of spouse"); Chinese last. Reading the
    # parts around "of" backwards gives the Chinese order, so both languages share one token order.
    if "of" in words:
        parts: list[list[str]] = [[]]
        for word in words:
            if word == "of":
                parts.append([])
            else:
                parts[-1].append(word)
        for part in parts[:-1]:
            # "number of students" counts; "number" elsewhere is an identifier.
            if part and part[-1] in ("number", "no", "num"):
                part[-1] = "count"
        words = [w for part in reversed(parts) for w in part]
    return [_stem(w) for w in words]


def _stem(word: str) -> str:
    if word in lexicon.TERMS or word in lexicon.SUBJECTS:
        return word
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        singular = word[:-1]
        return singular
    return word


def _join(tokens: list[str]) -> str:
    out = ""
    for token in tokens:
        if out and out[-1].isascii() and out[-1].isalnum() and token[:1].isascii() and token[:1].isalnum():
            out += " "
        out += token
    return out


def _canonical(tokens: list[str]) -> list[str]:
    """Replaces the longest runs of tokens that spell a known term by the term's canonical tokens.

    A token repeated at once collapses (学生数合计 is 学生 数 数: one count).
    """
    out: list[str] = []
    index = 0
    count = len(tokens)
    while index < count:
        for end in range(min(count, index + _MAX_SPAN), index, -1):
            entry = lexicon_entry(_join(tokens[index:end]))
            if entry is not None:
                out.extend(t for t in entry if not out or t != out[-1])
                index = end
                break
        else:
            token = tokens[index]
            if not out or token != out[-1]:
                out.append(token)
            index += 1
    return out


def is_numeral(token: str) -> bool:
    """Whether a token is a bare number, as in 子女1 or 家庭成员（二）."""
    return _NUMERAL_RE.match(token) is not None


def join_tokens(tokens: Iterable[str]) -> str:
    """Tokens written back as text (a space only between English words)."""
    return _join(list(tokens))
