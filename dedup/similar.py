"""How alike two short texts are (a title and what it inspects), with the matcher's own ideas.

The same steps as for form labels: full width to half width, traditional to simplified, jieba tokens
folded by the lexicon's classes of equivalent terms (so 考核/考评 or 检查/督查 spellings of a known term
meet), then rapidfuzz's token-set ratio, which ignores order and extra words: "全市中小学安全工作专项督查"
and "中小学校园安全专项检查" are alike; "教师继续教育学分审核" and "校园食品安全检查" are not.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from dedup.normalise import to_simplified
from dedup.segment import Segmenter

# Below this a pair is not proposed for merging: tuned on the hub's own tests (different topics under
# the same organiser score ~0.3–0.5; one topic spelt by two departments ~0.7 and above).
MERGE_THRESHOLD = 0.62
# Words every item of an inspection list shares: they say nothing about what is inspected.
_FILLER = frozenset(
    [
        "全市",
        "全区",
        "全县",
        "市",
        "区",
        "县",
        "中小学",
        "中小学校",
        "学校",
        "校园",
        "专项",
        "工作",
        "年度",
        "开展",
        "关于",
        "的",
        "和",
        "与",
        "及",
        "情况",
        "活动",
    ]
)


@functools.lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    return Segmenter()


@functools.lru_cache(maxsize=16384)
def content_tokens(text: str) -> tuple[str, ...]:
    """The tokens of a text that say what it is about (spelling unified, list filler dropped)."""
    plain = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    words = [t for t in _segmenter().tokens(plain) if t.strip() and t not in _FILLER]
    return tuple(t for t in words if any(ch.isalnum() for ch in t))


def text_similarity(a: str, b: str) -> float:
    """0.0–1.0: how much of the shorter text's content the other one says too."""
    left, right = content_tokens(a), content_tokens(b)
    if not left or not right:
        return 0.0
    return round(fuzz.token_set_ratio(" ".join(left), " ".join(right)) / 100.0, 3)


@dataclass(frozen=True, kw_only=True)
class SimilarPair:
    first: Hashable
    second: Hashable
    score: float


def similar_pairs(
    texts: Sequence[tuple[Hashable, str, Hashable]], *, threshold: float = MERGE_THRESHOLD
) -> list[SimilarPair]:
    """Pairs of (key, text, owner) whose texts are alike and whose owners differ, most alike first."""
    pairs = []
    for i, (key_a, text_a, owner_a) in enumerate(texts):
        for key_b, text_b, owner_b in texts[i + 1 :]:
            if owner_a == owner_b:
                continue
            score = text_similarity(text_a, text_b)
            if score >= threshold:
                pairs.append(SimilarPair(first=key_a, second=key_b, score=score))
    return sorted(pairs, key=lambda p: -p.score)
