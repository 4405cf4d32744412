"""The values derived on read that need no query: the birth year and the organisation code."""

from __future__ import annotations

from datetime import date

import pytest

from hub.records.derive import organisation_code, year_of


@pytest.mark.parametrize(
    ("value", "year"), [(date(1987, 5, 4), 1987), ("1990-01-31", 1990), (None, None), ("", None)]
)
def test_the_birth_year_is_the_year_of_the_birth_date(value: object, year: int | None) -> None:
    assert year_of(value) == year


def test_the_organisation_code_is_inside_the_unified_social_credit_code() -> None:
    # GB 32100: registration authority (1), unit type (1), division (6), organisation code (9), check (1).
    assert organisation_code("12330100470000471T") == "470000471"
    assert organisation_code(" 12330100470000471t ") == "470000471"
    assert organisation_code("4700004-7") is None  # not a USCC: no code is made up
    assert organisation_code(None) is None
