"""Every answer carries the headers browsers enforce; oversized bodies are refused before they are parsed."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from tests.hub.factories import create_principal


def test_pages_and_api_answers_carry_security_headers_and_are_not_cached(
    client: TestClient, admin_headers
) -> None:  # type: ignore[no-untyped-def]
    for answer in (
        client.get("/login"),
        client.get("/api/v1/me", headers=admin_headers),
        client.get("/nowhere"),
    ):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"
        policy = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        assert answer.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(client: TestClient) -> None:
    answer = client.get("/static/hub.css")
    assert answer.status_code == 200
    assert answer.headers.get("cache-control") != "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_json_body_over_the_limit_is_refused_413_before_it_is_parsed(
    client: TestClient, admin_headers, settings
) -> None:  # type: ignore[no-untyped-def]
    # The limit is read when the app starts; the test app's is the default, so send more than it.
    body = b'{"title": "' + b"x" * (settings.max_json_bytes + 10) + b'"}'
    answer = client.post(
        "/api/v1/requests/check", headers={**admin_headers, "content-type": "application/json"}, content=body
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "BodyTooLarge"
    assert answer.json()["detail"] == {"limit_bytes": settings.max_json_bytes, "kind": "json"}
    assert "MB" in answer.json()["message"]


def test_a_chunked_body_without_a_length_is_counted_as_it_comes(
    client: TestClient, admin_headers, settings
) -> None:  # type: ignore[no-untyped-def]
    def chunks() -> Iterator[bytes]:
        yield b'{"title": "'
        for _ in range(settings.max_json_bytes // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    answer = client.post(
        "/api/v1/requests/check",
        headers={**admin_headers, "content-type": "application/json"},
        content=chunks(),
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "BodyTooLarge"


def test_a_body_under_the_limit_goes_through(client: TestClient, admin_headers) -> None:  # type: ignore[no-untyped-def]
    department = create_principal(client, admin_headers, code="hrss")
    answer = client.post(
        "/api/v1/requests/check",
        headers=department,
        json={"title": "核对", "purpose": "职称评审", "entity": "teacher", "fields": [{"label": "姓名"}]},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["fields"][0]["element"] == "teacher.name"
