"""The Yici data standard: elements and code lists as data, with validators and compatibility rules."""

from schemas.errors import (
    InvalidStandardError,
    MissingColumnsError,
    StandardFileError,
    UnknownCodeListError,
    UnknownElementError,
)
from schemas.loader import load_standard
from schemas.model import Code, CodeList, Derivation, DerivationFilter, Element, Standard, normalize_term

__all__ = [
    "Code",
    "CodeList",
    "Derivation",
    "DerivationFilter",
    "Element",
    "InvalidStandardError",
    "MissingColumnsError",
    "Standard",
    "StandardFileError",
    "UnknownCodeListError",
    "UnknownElementError",
    "load_standard",
    "normalize_term",
]
