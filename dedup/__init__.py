"""Matching requested form fields to the data standard: is this datum already gathered?

A pure library (no database, no web). `normalise` and `parse` read a label; `Matcher` matches
labels against one version of the standard; `dedup.devset.score_devset` measures it.
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
