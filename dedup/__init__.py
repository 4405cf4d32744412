"""Matching requested form fields to the data standard: is this datum already gathered?

A pure library (no database, no web), following shared/MATCHING.md:

- `normalise(label)`: one spelling per label (width, traditional characters, spaces, numbering,
  filler, trailing 名称/情况/信息/状况); idempotent.
- `parse(label, entity)`: a `ParsedLabel` — subject (本人, 配偶, 子女, 紧急联系人, 单位 …), property as
  canonical tokens (jieba, then classes of equivalent terms: 号/号码/编号, 类型/种类/类别 …), and
  qualifiers (units, periods, formats, options).
- `Matcher(standard)`: built once per standard version. `match(label, entity=…)` returns a `Match`
  (element or None, confidence, kind, explanation in Chinese and English, unit conversion, derivation
  inputs, alternatives for reviewers); `match_many` also reports elements asked for twice;
  `with_synonyms` learns approved labels. Below `THRESHOLD` the answer is "new", never a guess.
- `dedup.devset.score_devset(path, standard)`: scores a development set the way the hub is scored.
"""

from dedup.errors import DedupError, DevsetFormatError, UnknownEntityError
from dedup.matcher import (
    THRESHOLD,
    Alternative,
    Conversion,
    Field,
    Match,
    Matcher,
    MatchKind,
    MatchReport,
    RepeatedElement,
)
from dedup.normalise import normalise
from dedup.parse import ParsedLabel, Qualifier, parse

__all__ = [
    "THRESHOLD",
    "Alternative",
    "Conversion",
    "DedupError",
    "DevsetFormatError",
    "Field",
    "Match",
    "MatchKind",
    "MatchReport",
    "Matcher",
    "ParsedLabel",
    "Qualifier",
    "RepeatedElement",
    "UnknownEntityError",
    "normalise",
    "parse",
]
