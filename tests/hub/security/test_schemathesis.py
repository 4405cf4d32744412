"""schemathesis against /openapi.json, in process: no 5xx, every answer as its schema says, auth enforced.

Bounded (a few examples per operation) so the whole API is covered in a couple of minutes. Each
operation is called with the token of the role it is for, on a small town with one request of each
kind, so generated cases reach the services and not only the role checks.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    ignored_auth,
    not_a_server_error,
    response_schema_conformance,
)
from sqlalchemy.orm import Session

from hub.config import Settings
from tests.hub.access.factories import create_grant
from tests.hub.factories import create_principal
from tests.hub.tasks.factories import approve, create_town, publish, request_body, submit_request

pytestmark = pytest.mark.slow

# Operations left out: revoking principals at random would lock the run out of itself; running a source
# connects to whatever generated URL it holds. Both are covered by their own tests.
EXCLUDED_PATHS = r"^/api/v1/principals/\{principal_id\}/revoke$|^/api/v1/sources/\{name\}/run$"


@pytest.fixture
def tokens(
    client: TestClient, session: Session, settings: Settings, admin_headers: dict[str, str]
) -> dict[str, dict[str, str]]:
    town = create_town(session, settings, schools=2, teachers=12, withhold={"mandarin_level": [0]})
    people = {
        "department": create_principal(client, admin_headers, code="hrss"),
        "statistics": create_principal(
            client, admin_headers, kind="statistics", code="stats", name="市统计局"
        ),
        "education": create_principal(client, admin_headers, kind="education", code="edu", name="市教育局"),
        "school": create_principal(
            client, admin_headers, kind="school", code="s1", school_code=town.schools[0]
        ),
        "admin": admin_headers,
    }
    submit_request(client, people["department"], request_body("姓名", "出生日期"))
    collecting = submit_request(client, people["department"], request_body("姓名", "普通话水平等级"))
    approve(client, people["statistics"], collecting["id"])
    publish(client, people["education"], collecting["id"])
    submit_request(client, people["department"], request_body("姓名", "借阅证类型"))
    create_grant(
        client, admin_headers, holder=people["department"], elements=["teacher.name", "teacher.gender"]
    )
    return people


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", client.app)


schema = schemathesis.pytest.from_fixture("api").exclude(path_regex=EXCLUDED_PATHS)


def role_for(path: str, method: str) -> str:
    """The role an operation is for, so that generated calls get past the role check."""
    if path.startswith(("/api/v1/query", "/api/v1/requests/check")) or (
        path == "/api/v1/requests" and method == "POST"
    ):
        return "department"
    if path.endswith("/decision") or path.endswith("/decisions"):
        return "statistics"
    if path.startswith(("/api/v1/tasks", "/api/v1/complaints")) and method != "GET":
        return "school"
    if path.endswith("/publish") or path.startswith(("/api/v1/burden", "/api/v1/grants")):
        return "education"
    return "admin"


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_contract(case: Any, tokens: dict[str, dict[str, str]]) -> None:
    headers = tokens[role_for(case.operation.path, case.method.upper())]
    case.call_and_validate(
        headers=headers, checks=[not_a_server_error, response_schema_conformance, ignored_auth]
    )
