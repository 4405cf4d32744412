from __future__ import annotations

from fastapi.testclient import TestClient


def test_admin_creates_a_principal_whose_token_works_once_shown(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "department", "name": "市人社局", "code": "hrss"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["kind"] == "department" and body["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json()["code"] == "hrss"
    listed = client.get("/api/v1/principals", headers=admin_headers).json()
    assert all("token" not in p for p in listed)


def test_only_admins_create_principals(client: TestClient, admin_headers: dict[str, str]) -> None:
    token = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "education", "name": "市教育局", "code": "edu"},
    ).json()["token"]
    answer = client.post(
        "/api/v1/principals",
        headers={"Authorization": f"Bearer {token}"},
        json={"kind": "admin", "name": "me too", "code": "sneaky"},
    )
    assert answer.status_code == 403
    assert answer.json()["error"] == "forbidden" and answer.json()["code"] == "RoleNotAllowed"


def test_duplicate_code_is_a_conflict_with_the_code_named(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    body = {"kind": "department", "name": "市卫健委", "code": "health"}
    assert client.post("/api/v1/principals", headers=admin_headers, json=body).status_code == 201
    again = client.post("/api/v1/principals", headers=admin_headers, json=body)
    assert again.status_code == 409
    assert again.json()["code"] == "CodeTaken"
    assert "health" in again.json()["message"]


def test_school_principal_needs_a_school_in_the_store(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    answer = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "school", "name": "不存在的学校", "code": "ghost", "school_code": "1330100001"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"]["value"] == "1330100001"


def test_missing_malformed_and_revoked_tokens_get_401_without_leaking(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "department", "name": "市司法局", "code": "justice"},
    ).json()
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401
    revoked = client.post(f"/api/v1/principals/{created['id']}/revoke", headers=admin_headers)
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert answer.status_code == 401
    assert created["token"] not in answer.text and "justice" not in answer.text
    assert answer.headers["www-authenticate"] == "Bearer"


def test_error_shape_is_the_same_for_validation_errors(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    answer = client.post(
        "/api/v1/principals", headers=admin_headers, json={"kind": "wizard", "name": "x", "code": "y"}
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid" and body["detail"][0]["field"].endswith("kind")
    assert body["code"] == "BodyInvalid"
