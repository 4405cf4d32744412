"""Roles: one enum, and each rule about them written once and asked by API, pages and services alike."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fastapi.testclient import TestClient

import hub
from hub.identity.roles import Role


def test_the_party_committee_office_is_a_role_an_admin_can_open(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    assert [r.value for r in Role] == ["department", "statistics", "education", "school", "office", "admin"]
    created = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "office", "name": "市委办公室", "code": "office"},
    )
    assert created.status_code == 201, created.text
    office = {"Authorization": f"Bearer {created.json()['token']}"}
    assert client.get("/api/v1/me", headers=office).json()["kind"] == "office"
    # It holds no other right yet: the API says which roles may, under the one code.
    refused = client.post(
        "/api/v1/requests/1/decision", headers=office, json={"decision": "reject", "note": "x"}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "RoleNotAllowed" and refused.json()["detail"]["allowed"] == [
        "statistics"
    ]


def test_the_api_dependency_and_the_service_give_the_same_refusal(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    school = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "statistics", "name": "统计局", "code": "st"},
    ).json()
    headers = {"Authorization": f"Bearer {school['token']}"}
    body = {"title": "t", "purpose": "p", "entity": "teacher", "fields": [{"label": "姓名"}]}
    refused = client.post("/api/v1/requests", headers=headers, json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "RoleNotAllowed"
    assert refused.json()["detail"]["allowed"] == ["department", "education", "admin"]
    assert "only departments and the education bureau submit requests" in refused.json()["message"]


def test_no_module_compares_a_principal_kind_with_a_string() -> None:
    """Role rules live in the domains' auth.py; a raw `principal.kind == "school"` would be a second copy."""
    offenders = []
    for path in Path(hub.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            kinds = [s for s in sides if isinstance(s, ast.Attribute) and s.attr == "kind"]
            literals = [
                s
                for s in sides
                if (isinstance(s, ast.Constant) and s.value in set(Role))
                or (
                    isinstance(s, ast.Tuple)
                    and any(isinstance(e, ast.Constant) and e.value in set(Role) for e in s.elts)
                )
            ]
            if kinds and literals:
                offenders.append(f"{path.relative_to(Path(hub.__file__).parent)}:{node.lineno}")
    assert offenders == []


def test_no_page_compares_the_signed_in_principal_with_a_role_string() -> None:
    """Pages ask the same rules (`rules.complaints.ANSWER.allows(me)`) or the enum (`me.role == Role.SCHOOL`)."""
    roles = "|".join(r.value for r in Role)
    raw = re.compile(rf"me\.(kind|role)\s*(==|!=|in|not in)\s*\(?\s*['\"]({roles})['\"]")
    templates = Path(hub.__file__).parent / "web" / "templates"
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(templates.rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if raw.search(line)
    ]
    assert offenders == []
    # the pattern does catch the old way of writing it
    assert raw.search("{% if me.kind in ('education', 'office') %}") and raw.search("me.kind != 'school'")
