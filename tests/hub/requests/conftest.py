"""A small city and a department (人社局) that the request tests file requests against."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.factories import create_city, create_principal


@pytest.fixture
def city(session: Session, settings: Settings):  # type: ignore[no-untyped-def]
    return create_city(session, settings, schools=3, teachers=24)


@pytest.fixture
def dept(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, code="hrss")
