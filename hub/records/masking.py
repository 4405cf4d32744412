"""Masking of sensitive values: one place that decides what a reader without clear access sees.

Each sensitive element is masked by a rule chosen from what the value is (its validator, then its
name): an ID number keeps the region and the last four (110105********1234 → 110105****1234), a
phone keeps the carrier prefix and the last four, an account keeps its last four, an address its
first six characters; anything else (health fields) becomes a fixed mask that does not even reveal
its length. Clear values are returned only for elements a grant lists in `clear_elements`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, String, case, cast, func, literal, null

import schemas

MASK = "****"


def _keep(head: int, tail: int, minimum: int) -> Callable[[str], str]:
    def rule(text: str) -> str:
        if len(text) < minimum:
            return MASK
        return f"{text[:head]}{MASK}{text[-tail:] if tail else ''}"

    return rule


RULES: dict[str, Callable[[str], str]] = {
    "id_number": _keep(6, 4, 12),
    "phone": _keep(3, 4, 9),
    "account": _keep(0, 4, 8),
    "address": _keep(6, 0, 8),
    "redact": lambda _: MASK,
}


def rule_for(element: schemas.Element) -> str:
    """The name of the masking rule for `element` (a key of RULES)."""
    name = element.name
    if element.validator == "id_number" or name.endswith("id_number"):
        return "id_number"
    if element.validator in ("mobile", "phone") or name.endswith(("mobile", "phone", "fax")):
        return "phone"
    if name.endswith("account"):
        return "account"
    if name.endswith("address"):
        return "address"
    return "redact"


def mask(element: schemas.Element, value: Any) -> Any:
    """`value` as a reader without clear access to `element` sees it (None stays None)."""
    if value is None:
        return None
    text = str(value).strip(" ")  # as SQL trim() does, so both masks agree
    if not text:
        return MASK
    rule = rule_for(element)
    # A number or date is never partially shown: the kept digits would say too much.
    if rule != "redact" and not isinstance(value, str):
        return MASK
    return RULES[rule](text)


def is_sensitive(element: schemas.Element) -> bool:
    return element.sensitivity == "sensitive"


def masked_codes(elements: Iterable[schemas.Element], clear_elements: Iterable[str] | None) -> set[str]:
    """Codes of the elements read masked: every sensitive one the grant does not list as clear."""
    clear = set(clear_elements or ())
    return {e.code for e in elements if is_sensitive(e) and e.code not in clear}


def for_log(value: Any) -> str:
    """A value safe to write into a log line or an error message: never the clear value."""
    text = "" if value is None else str(value)
    return RULES["id_number"](text) if len(text) >= 12 else MASK


def sql_mask(element: schemas.Element, value: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The same mask as `mask`, computed by the database: a masked value's clear form never leaves it.

    `value` is the element's column (or an expression of it); NULL stays NULL.
    """
    rule = rule_for(element)
    hidden = literal(MASK, String)
    if rule == "redact" or element.value_type not in ("string", "code"):
        return case((value.is_(None), null()), else_=hidden)
    text_value = func.trim(cast(value, String))
    length = func.length(text_value)
    keep = {"id_number": (6, 4, 12), "phone": (3, 4, 9), "account": (0, 4, 8), "address": (6, 0, 8)}[rule]
    head, tail, minimum = keep
    parts: list[ColumnElement[Any]] = []
    if head:
        parts.append(func.substr(text_value, 1, head))
    parts.append(hidden)
    if tail:
        parts.append(func.substr(text_value, length - (tail - 1), tail))
    shown: ColumnElement[Any] = parts[0]
    for part in parts[1:]:
        shown = shown.concat(part)
    return case((value.is_(None), null()), (length < minimum, hidden), else_=shown)
