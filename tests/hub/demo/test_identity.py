"""Vectorised identity numbers and sampling, held against the standard's own validators."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.demo.identity import mobile_numbers, unique_id_numbers
from hub.demo.places import COUNTIES
from hub.demo.vocabulary import sample_grouped
from schemas import validators

people = st.lists(
    st.tuples(
        st.sampled_from(sorted(COUNTIES)),
        st.dates(min_value=date(1940, 1, 1), max_value=date(2008, 12, 31)),
        st.booleans(),
    ),
    min_size=1,
    max_size=200,
)


@given(people, st.integers(min_value=0, max_value=2**32 - 1))
@settings(max_examples=60, deadline=None)
def test_id_numbers_are_valid_unique_and_carry_birthplace_birth_date_and_sex(
    persons: list[tuple[str, date, bool]], seed: int
) -> None:
    numbers = unique_id_numbers(
        np.random.default_rng(seed),
        birthplaces=np.array([int(place) for place, _, _ in persons]),
        birth_dates=np.array([born for _, born, _ in persons], dtype="datetime64[D]"),
        male=np.array([is_male for _, _, is_male in persons]),
    )
    assert len(set(numbers)) == len(numbers)
    for number, (place, born, is_male) in zip(numbers, persons, strict=True):
        assert validators.is_valid_id_number(number)
        assert number[:6] == place
        assert validators.birth_date_from_id_number(number) == born
        assert (int(number[16]) % 2 == 1) == is_male


def test_people_born_the_same_day_in_the_same_place_still_get_distinct_numbers() -> None:
    count = 450  # of 499 order codes per sex, day and place
    numbers = unique_id_numbers(
        np.random.default_rng(1),
        birthplaces=np.full(count, 330106),
        birth_dates=np.full(count, np.datetime64("1990-05-17")),
        male=np.zeros(count, dtype=bool),
    )
    assert len(set(numbers)) == count
    assert all(validators.is_valid_id_number(number) for number in numbers)
    assert all(int(number[16]) % 2 == 0 for number in numbers)


def test_mobile_numbers_are_valid() -> None:
    numbers = mobile_numbers(np.random.default_rng(2), 5000)
    assert all(validators.is_valid_mobile(number) for number in numbers)


@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=5), min_size=4, max_size=4), min_size=1, max_size=6
    ).filter(lambda rows: all(any(row) for row in rows)),
    st.integers(min_value=0, max_value=2**32 - 1),
)
@settings(max_examples=60, deadline=None)
def test_grouped_sampling_never_draws_a_weightless_choice(weights: list[list[int]], seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, len(weights), 300)
    drawn = sample_grouped(rng, groups, np.array(weights, dtype=float))
    table = np.array(weights)
    assert (table[groups, drawn] > 0).all()


def test_grouped_sampling_follows_the_weights() -> None:
    rng = np.random.default_rng(3)
    groups = np.repeat([0, 1], 50_000)
    drawn = sample_grouped(rng, groups, np.array([[1.0, 3.0], [9.0, 1.0]]))
    assert abs((drawn[:50_000] == 1).mean() - 0.75) < 0.01
    assert abs((drawn[50_000:] == 0).mean() - 0.9) < 0.01
