"""Values from feeds and databases rendered as text, the form validation reads every source in."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any


def value_to_text(value: Any) -> str:
    """Render a JSON or database value as text: ISO dates, no exponent, ``""`` for null."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_to_text(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.hex()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value).strip()


def float_to_text(value: float, significant_digits: int | None = None) -> str:
    """A float without a spurious ``.0`` or an exponent: 3.0 -> "3", 1e-05 -> "0.00001".

    ``significant_digits`` rounds first, as Excel shows 15 digits; by default the shortest text
    that reads back as the same float.
    """
    if significant_digits is None:
        text = repr(value)
        if "e" not in text and "n" not in text:  # the common case, without Decimal's cost
            if text.endswith(".0"):
                return "0" if text == "-0.0" else text[:-2]
            return text
    if value != value or value in (float("inf"), float("-inf")):
        return ""
    text = repr(value) if significant_digits is None else f"{value:.{significant_digits}g}"
    text = format(Decimal(text), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
