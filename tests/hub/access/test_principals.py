from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from hub.app import create_app
from hub.config import Settings


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


def test_the_last_active_admin_cannot_be_revoked(client: TestClient, admin_headers: dict[str, str]) -> None:
    me = client.get("/api/v1/me", headers=admin_headers).json()
    refused = client.post(f"/api/v1/principals/{me['id']}/revoke", headers=admin_headers)
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "LastAdmin" and body["detail"]["principal_id"] == me["id"]
    assert "最后一个有效的管理员" in body["message"] and "last active admin" in body["message"]
    assert client.get("/api/v1/me", headers=admin_headers).status_code == 200
    second = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "admin", "name": "值班管理员", "code": "ops"},
    ).json()
    other = {"Authorization": f"Bearer {second['token']}"}
    # With a second admin active, either may go, but never both.
    assert client.post(f"/api/v1/principals/{second['id']}/revoke", headers=admin_headers).status_code == 200
    assert client.post(f"/api/v1/principals/{me['id']}/revoke", headers=admin_headers).status_code == 409
    assert client.get("/api/v1/me", headers=other).status_code == 401


def test_the_bootstrap_admin_revoked_by_another_admin_signs_in_again_after_a_restart(
    client: TestClient,
    admin_headers: dict[str, str],
    settings: Settings,
    session_maker: sessionmaker[Session],
) -> None:
    bootstrap = client.get("/api/v1/me", headers=admin_headers).json()
    second = client.post(
        "/api/v1/principals",
        headers=admin_headers,
        json={"kind": "admin", "name": "值班管理员", "code": "ops"},
    ).json()
    other = {"Authorization": f"Bearer {second['token']}"}
    revoked = client.post(
        f"/api/v1/principals/{bootstrap['id']}/revoke", headers=other, json={"note": "离职交接"}
    )
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert client.get("/api/v1/me", headers=admin_headers).status_code == 401
    # The operator restarts the hub with the same HUB_ADMIN_TOKEN: the bootstrap admin is back.
    with TestClient(create_app(settings, factory=session_maker)) as restarted:
        me = restarted.get("/api/v1/me", headers=admin_headers)
        assert me.status_code == 200 and me.json()["id"] == bootstrap["id"] and me.json()["active"] is True
        logged = restarted.get(
            "/api/v1/audit/entries",
            headers=admin_headers,
            params={"action": ["principal.revoke", "principal.reactivate"]},
        ).json()["entries"]
    assert [(e["action"], e["principal_id"], e["detail"]["reason"]) for e in logged] == [
        ("principal.reactivate", None, "HUB_ADMIN_TOKEN at startup"),
        ("principal.revoke", second["id"], "离职交接"),
    ]
