"""Plausible values for any element of the standard, to fill tasks in evaluations and demos."""

from __future__ import annotations

import random
from datetime import date, timedelta

import schemas
from schemas.validators import id_number_check_char


def sample_value(std: schemas.Standard, element: schemas.Element, rng: random.Random) -> str:
    """A value that passes the element's validation, written as a person would type it."""
    if element.code_list:
        codes = std.code_list(element.code_list).codes
        return rng.choice(codes).code
    validator = element.validator
    if validator == "mobile":
        return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
    if validator == "phone":
        return f"0571-{rng.randrange(10**7, 10**8)}"
    if validator == "email":
        return f"t{rng.randrange(10**6)}@example.edu.cn"
    if validator == "postcode":
        return f"31{rng.randrange(10**4):04d}"
    if validator == "id_number":
        birth = date(1970, 1, 1) + timedelta(days=rng.randrange(365 * 30))
        body = f"330106{birth:%Y%m%d}{rng.randrange(1000):03d}"
        return body + id_number_check_char(body)
    match element.value_type:
        case "integer":
            low = int(element.min_value if element.min_value is not None else 0)
            high = int(element.max_value if element.max_value is not None else low + 100)
            return str(rng.randint(low, min(high, low + 100)))
        case "decimal":
            low = element.min_value if element.min_value is not None else 0.0
            high = element.max_value if element.max_value is not None else low + 1000.0
            return f"{rng.uniform(low, min(high, low + 1000.0)):.1f}"
        case "date":
            return (date(2020, 1, 1) + timedelta(days=rng.randrange(1500))).isoformat()
        case "year_month":
            return f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}"
        case "boolean":
            return rng.choice(["是", "否"])
        case _:
            return f"示例{rng.randrange(1000)}"[: element.max_length or 20]
