"""Vectorised identity numbers: 公民身份号码 (GB 11643) and mobile numbers.

A million ID numbers through a per-row Python function take seconds; as a matrix of
digits they take milliseconds. The tests hold every number made here against
`schemas.validators`, so the two implementations of GB 11643 cannot drift apart.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

ID_NUMBER_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_NUMBER_CHECK_CHARS = np.frombuffer(b"10X98765432", dtype=np.uint8)

# Prefixes of mainland mobile numbers in service (China Mobile, Unicom, Telecom, Broadnet).
MOBILE_PREFIXES = np.array(
    [
        *range(130, 140),
        145,
        147,
        *range(150, 154),
        *range(155, 160),
        166,
        *range(172, 179),
        *range(180, 190),
        191,
        195,
        198,
        199,
    ],
    dtype=np.int64,
)

_ZERO = ord("0")


def digits_to_strings(digits: npt.NDArray[np.integer]) -> npt.NDArray[np.str_]:
    """Rows of digits 0-9 as one fixed-width string per row."""
    return ascii_to_strings(np.asarray(digits, dtype=np.uint8) + np.uint8(_ZERO))


def ascii_to_strings(codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.str_]:
    """Rows of ASCII codes as one string per row; NUL bytes at the end of a row are dropped."""
    width = codes.shape[1]
    return np.ascontiguousarray(codes, dtype=np.uint8).view(f"S{width}").ravel().astype(f"U{width}")


def number_digits(values: npt.NDArray[np.integer], width: int) -> npt.NDArray[np.uint8]:
    """Zero-padded decimal digits of non-negative integers, one row per value."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((np.asarray(values, dtype=np.int64)[:, None] // powers) % 10).astype(np.uint8)


def random_digits(rng: np.random.Generator, count: int, width: int) -> npt.NDArray[np.uint8]:
    return rng.integers(0, 10, (count, width), dtype=np.uint8)


def id_numbers(
    *,
    birthplaces: npt.NDArray[np.integer],
    birth_dates: npt.NDArray[np.datetime64],
    order: npt.NDArray[np.integer],
) -> npt.NDArray[np.str_]:
    """18-character ID numbers from six-digit birthplace codes, birth dates and three-digit order codes."""
    dates = np.asarray(birth_dates, dtype="datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    body = np.hstack(
        [
            number_digits(birthplaces, 6),
            number_digits(years * 10000 + months * 100 + days, 8),
            number_digits(order, 3),
        ]
    )
    check = ID_NUMBER_CHECK_CHARS[(body.astype(np.int64) @ ID_NUMBER_WEIGHTS) % 11]
    return ascii_to_strings(np.hstack([body + np.uint8(_ZERO), check[:, None]]))


def unique_id_numbers(
    rng: np.random.Generator,
    *,
    birthplaces: npt.NDArray[np.integer],
    birth_dates: npt.NDArray[np.datetime64],
    male: npt.NDArray[np.bool_],
) -> npt.NDArray[np.str_]:
    """ID numbers for people born where (six-digit codes) and when given, unique among themselves.

    The order code is drawn at random, again where two people would share a number; its
    parity carries the sex (odd for men), as GB 11643 prescribes.
    """
    parity = np.asarray(male, dtype=np.int64)
    days = np.asarray(birth_dates, dtype="datetime64[D]").astype(np.int64)
    # Birthplace, birth day and order code identify a number; as one integer they sort fast.
    prefix = np.asarray(birthplaces, dtype=np.int64) * 1_000_000 + (days + 100_000)

    def order_codes(parities: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        # 001-998; never 000, which no registry issues.
        return rng.integers(0, 499, size=len(parities)) * 2 + 2 - parities

    order = order_codes(parity)
    while True:
        key = prefix * 1000 + order
        sorted_at = np.argsort(key, kind="stable")
        repeated = sorted_at[1:][key[sorted_at[1:]] == key[sorted_at[:-1]]]
        if repeated.size == 0:
            return id_numbers(birthplaces=birthplaces, birth_dates=birth_dates, order=order)
        order[repeated] = order_codes(parity[repeated])


def mobile_numbers(rng: np.random.Generator, count: int) -> npt.NDArray[np.str_]:
    """11-digit mainland mobile numbers on prefixes in service."""
    prefixes = number_digits(MOBILE_PREFIXES, 3)[rng.integers(0, len(MOBILE_PREFIXES), count)]
    return digits_to_strings(np.hstack([prefixes, random_digits(rng, count, 8)]))
