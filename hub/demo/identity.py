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
    """Rows of ASCII codes as one fixed-width string per row."""
    width = codes.shape[1]
    return np.ascontiguousarray(codes, dtype=np.uint8).view(f"S{width}").ravel().astype(f"U{width}")


def number_digits(values: npt.NDArray[np.integer], width: int) -> npt.NDArray[np.int64]:
    """Zero-padded decimal digits of non-negative integers, one row per value."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(values, dtype=np.int64)[:, None] // powers) % 10


def string_digits(values: npt.NDArray[np.str_], width: int) -> npt.NDArray[np.int64]:
    """The digits of fixed-width digit strings, one row per string."""
    raw = np.asarray(values).astype(f"S{width}").view(np.uint8).reshape(-1, width)
    return raw.astype(np.int64) - _ZERO


def _id_bodies(
    birthplaces: npt.NDArray[np.str_],
    birth_dates: npt.NDArray[np.datetime64],
    sequence: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """The first 17 digits of ID numbers as integers (they fit in int64): cheap to compare."""
    dates = np.asarray(birth_dates, dtype="datetime64[D]")
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    places = np.asarray(birthplaces).astype(np.int64)
    return places * 10**11 + (years * 10000 + months * 100 + days) * 1000 + sequence


def id_numbers_from_bodies(bodies: npt.NDArray[np.int64]) -> npt.NDArray[np.str_]:
    """18-character ID numbers: each 17-digit body followed by its GB 11643 check character."""
    digits = number_digits(bodies, 17)
    check = ID_NUMBER_CHECK_CHARS[(digits @ ID_NUMBER_WEIGHTS) % 11]
    return ascii_to_strings(np.hstack([(digits + _ZERO).astype(np.uint8), check[:, None]]))


def unique_id_numbers(
    rng: np.random.Generator,
    *,
    birthplaces: npt.NDArray[np.str_],
    birth_dates: npt.NDArray[np.datetime64],
    male: npt.NDArray[np.bool_],
) -> npt.NDArray[np.str_]:
    """ID numbers for people born where and when given, unique among themselves.

    The order code is drawn at random, again where two people would share a number; its
    parity carries the sex (odd for men), as GB 11643 prescribes.
    """
    count = len(male)
    parity = np.asarray(male, dtype=np.int64)

    def order_codes(size: int, parities: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        # 001-998; never 000, which no registry issues.
        return rng.integers(0, 499, size=size) * 2 + 2 - parities

    bodies = _id_bodies(birthplaces, birth_dates, order_codes(count, parity))
    while True:
        _, first = np.unique(bodies, return_index=True)
        clashes = np.setdiff1d(np.arange(count), first, assume_unique=True)
        if clashes.size == 0:
            return id_numbers_from_bodies(bodies)
        bodies[clashes] = bodies[clashes] // 1000 * 1000 + order_codes(clashes.size, parity[clashes])


def mobile_numbers(rng: np.random.Generator, count: int) -> npt.NDArray[np.str_]:
    """11-digit mainland mobile numbers on prefixes in service."""
    prefixes = rng.choice(MOBILE_PREFIXES, size=count)
    subscribers = rng.integers(0, 10**8, size=count)
    return digits_to_strings(np.hstack([number_digits(prefixes, 3), number_digits(subscribers, 8)]))
