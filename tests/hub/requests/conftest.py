"""A small city and a department (人社局) that the request tests file requests against.

人社局 holds a standing agreement (共享协议) over the teacher data the catalogue shares, so a request of
gathered data is answered at once, as it is for a department that signed one; `stranger` holds none."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.factories import create_agreement, create_city, create_principal


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=3, teachers=24)


@pytest.fixture
def dept(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    headers = create_principal(client, admin_headers, code="hrss")
    create_agreement(client, admin_headers, headers)
    return headers


@pytest.fixture
def stranger(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    """A department with no agreement: gathered personal data reach it only through a release."""
    return create_principal(client, admin_headers, code="stranger", name="某区商务局")
