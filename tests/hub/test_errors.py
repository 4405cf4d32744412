"""Errors a program can act on: every case is a named class whose name is the body's stable `code`."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi.testclient import TestClient

import hub
from hub.errors import HubError


def _error_classes() -> list[type[HubError]]:
    for module in pkgutil.walk_packages(hub.__path__, "hub."):
        if module.name.endswith(".errors"):
            importlib.import_module(module.name)
    found: list[type[HubError]] = []
    pending = [HubError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_class_has_its_own_code_and_both_languages() -> None:
    classes = _error_classes()
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert {"DeadlineTooSoon", "ApprovalExpired", "RequestNotPending", "RoleNotAllowed"} <= set(codes)
    error = next(cls for cls in classes if cls.code == "RequestNotPending")("中文", "English")
    assert (error.message_in("zh"), error.message_in("en"), error.message) == (
        "中文",
        "English",
        "中文 / English",
    )


def test_an_error_body_keeps_error_message_and_detail_and_gains_code(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    missing = client.get("/api/v1/requests/999999", headers=admin_headers)
    assert missing.status_code == 404
    assert missing.json() == {
        "error": "not_found",
        "message": "采集需求 999999 不存在 / request 999999 not found",
        "detail": None,
        "code": "RequestNotFound",
    }
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "TokenRequired"
    forged = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401 and forged.json()["code"] == "TokenInvalid"
    malformed = client.post("/api/v1/principals", headers=admin_headers, json={"kind": "nobody"})
    assert malformed.status_code == 422 and malformed.json()["code"] == "BodyInvalid"


def test_the_openapi_document_promises_the_code() -> None:
    from hub.errors import ErrorBody

    assert "code" in ErrorBody.model_json_schema()["required"]
