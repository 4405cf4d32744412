"""schemathesis against /openapi.json, in process: no 5xx, every answer as its schema says, auth enforced.

Bounded (a few examples per operation) so the whole API is covered in a couple of minutes. Each
operation is called with the token of the role it is for, on a small town with one request of each
kind, so generated cases reach the services and not only the role checks. Every request the app
answers is counted (by operation, role and status) and the module ends by writing the counts to
test-artifacts/schemathesis-counts.json and printing them: requests, operations, roles, server
errors, schema violations.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
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
        "office": create_principal(client, admin_headers, kind="office", code="office", name="市委办公室"),
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


class Tally:
    """The app, counting each request it answers by the operation under test, the caller's role and the status."""

    def __init__(self, app: Any, roles: dict[str, str]) -> None:
        self.app, self.roles = app, roles

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] == "/openapi.json":
            await self.app(scope, receive, send)
            return
        auth = dict(scope["headers"]).get(b"authorization", b"").decode()
        role = self.roles.get(auth, "invalid token" if auth else "no token")
        answered: list[int] = []

        async def counted(message: Any) -> None:
            if message["type"] == "http.response.start":
                answered.append(message["status"])
            await send(message)

        await self.app(scope, receive, counted)
        COUNTS["requests"][(CURRENT.get("operation", "?"), role, answered[0] if answered else 0)] += 1


COUNTS: dict[str, Counter[Any]] = {"requests": Counter(), "failed": Counter()}
CURRENT: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def counts() -> Iterator[None]:
    yield
    requests = COUNTS["requests"]
    if not requests:
        return
    operations = {operation for operation, _, _ in requests}
    reached = {
        op for (op, role, status) in requests if status < 400 and role not in ("no token", "invalid token")
    }
    summary = {
        "requests": sum(requests.values()),
        "operations": len(operations),
        "roles": sorted({role for _, role, _ in requests}),
        "server_errors": sum(n for (_, _, status), n in requests.items() if status >= 500),
        # A case failing any check (a 5xx, an answer off its schema, auth not enforced) counts here.
        "failed_checks": sum(COUNTS["failed"].values()),
        "operations_never_answered_2xx_or_3xx": sorted(operations - reached),
    }
    by_status: Counter[int] = Counter()
    for (_, _, status), n in requests.items():
        by_status[status] += n
    summary["by_status"] = dict(sorted(by_status.items()))
    by_role: Counter[str] = Counter()
    for (_, role, _), n in requests.items():
        by_role[role] += n
    summary["by_role"] = dict(sorted(by_role.items()))
    artifacts = Path(__file__).resolve().parents[3] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "schemathesis-counts.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    print(f"\nschemathesis: {json.dumps(summary, ensure_ascii=False)}")


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Any:
    roles = {headers["Authorization"]: role for role, headers in tokens.items()}
    return schemathesis.openapi.from_asgi("/openapi.json", Tally(client.app, roles))


schema = schemathesis.pytest.from_fixture("api").exclude(path_regex=EXCLUDED_PATHS)


def role_for(path: str, method: str) -> str:
    """The role an operation is for, so that generated calls get past the role check."""
    changes = method != "GET"
    if path.startswith("/api/v1/register/list") and path.endswith(("/decision", "/merge", "/approval")):
        return "office"
    if path.startswith("/api/v1/register/secondments") and path.endswith("/decision"):
        return "education"
    if path.startswith("/api/v1/register/whitelist") and changes:
        return "education"
    if path.startswith("/api/v1/register") and changes:
        return "department"
    if path.startswith(("/api/v1/query", "/api/v1/requests/check", "/api/v1/webhook", "/api/v1/notices")) or (
        path == "/api/v1/requests" and method == "POST"
    ):
        return "department"
    if path.endswith(("/decision", "/decisions")):
        return "statistics"
    if path.startswith("/api/v1/complaints/") and changes:
        return "education"
    if path.startswith(("/api/v1/tasks", "/api/v1/complaints")) and changes:
        return "school"
    if path.endswith(("/publish", "/release", "/releases", "/reminders")) or path.startswith(
        ("/api/v1/burden", "/api/v1/grants", "/api/v1/calendar/")
    ):
        return "education"
    return "admin"


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_contract(case: Any, tokens: dict[str, dict[str, str]]) -> None:
    headers = tokens[role_for(case.operation.path, case.operation.method.upper())]
    CURRENT["operation"] = f"{case.operation.method.upper()} {case.operation.path}"
    try:
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, response_schema_conformance, ignored_auth]
        )
    except Exception:
        COUNTS["failed"][CURRENT["operation"]] += 1
        raise
