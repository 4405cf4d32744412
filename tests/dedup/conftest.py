"""Fixtures for the matching library: the bundled standard and one matcher built on it."""

from __future__ import annotations

import pytest

from dedup import Matcher
from schemas import Standard, load_standard


@pytest.fixture(scope="session")
def standard() -> Standard:
    return load_standard()


@pytest.fixture(scope="session")
def matcher(standard: Standard) -> Matcher:
    return Matcher(standard)
