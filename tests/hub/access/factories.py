"""Factories for grants and principals, through the API as a user would create them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def principal_id(client: TestClient, headers: dict[str, str]) -> int:
    answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])


def create_grant(
    client: TestClient,
    grantor: dict[str, str],
    *,
    holder: dict[str, str],
    elements: list[str],
    entity: str = "teacher",
    schools: list[str] | None = None,
    clear_elements: list[str] | None = None,
    purpose: str = "职称评审资格核验",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "department_id": principal_id(client, holder),
        "entity": entity,
        "elements": elements,
        "schools": schools,
        "clear_elements": clear_elements or [],
        "purpose": purpose,
        **extra,
    }
    answer = client.post("/api/v1/grants", headers=grantor, json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())
