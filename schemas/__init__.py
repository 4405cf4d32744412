"""The Yici data standard: elements and code lists as data, with validators and compatibility rules.

`schemas.validators` (check algorithms) and `schemas.frames` (pandera validation of tables) are
submodules; they import pandas, so `import schemas` alone stays light.
"""

from schemas.compat import CompatibilityError, Incompatibility, check_compatibility, is_compatible
from schemas.errors import (
    InvalidStandardError,
    MissingColumnsError,
    StandardFileError,
    UnknownCodeListError,
    UnknownElementError,
)
from schemas.loader import load_standard
from schemas.model import (
    Code,
    CodeList,
    Derivation,
    Element,
    Periodicity,
    RecordFilter,
    Standard,
    normalize_term,
)
from schemas.periods import InvalidPeriodError, Period, parse_period, period_containing

__all__ = [
    "Code",
    "CodeList",
    "CompatibilityError",
    "Derivation",
    "RecordFilter",
    "Element",
    "Incompatibility",
    "InvalidPeriodError",
    "Period",
    "Periodicity",
    "InvalidStandardError",
    "MissingColumnsError",
    "Standard",
    "StandardFileError",
    "UnknownCodeListError",
    "UnknownElementError",
    "check_compatibility",
    "is_compatible",
    "load_standard",
    "normalize_term",
    "parse_period",
    "period_containing",
]
