"""A department hears when its request is answered or refused: a notice in the hub, and with a webhook
a signed JSON body sent to a real HTTP server on loopback after the answer, retried when it fails."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hub.db import utcnow
from hub.notices import sealing
from hub.notices import service as notices
from hub.notices.models import Webhook, WebhookDelivery
from tests.conftest import SECRET as HUB_SECRET
from tests.hub.factories import create_principal
from tests.hub.requests.test_release import ROSTER, release, submit
from tests.hub.requests.test_requests_api import body

SECRET = "a-shared-secret-of-the-department"


class Receiver(ThreadingHTTPServer):
    """A department's endpoint: answers `status` and keeps what it received."""

    def __init__(self) -> None:
        self.status = 200
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (the stdlib's name)
                length = int(self.headers.get("Content-Length", "0"))
                outer.received.append((dict(self.headers.items()), self.rfile.read(length)))
                self.send_response(outer.status)
                self.end_headers()
                self.wfile.write(b"ok" if outer.status < 300 else b"broken")

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/yici"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def edu(client: TestClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return create_principal(client, admin_headers, kind="education", code="edu", name="市教育局")


def deliver(session: Session, *, at: Any = None) -> list[notices.Outcome]:
    """What the scheduler's job does: read what is due, send it, write the outcomes."""
    now = at or utcnow()
    due = notices.due_deliveries(session, secret_key=HUB_SECRET, now=now)
    with httpx.Client() as client:
        outcomes = [notices.send(d, client) for d in due]
    notices.record_outcomes(session, outcomes, now=now)
    return outcomes


def test_a_release_leaves_a_notice_the_department_sees_and_marks_read(
    client: TestClient,
    city,
    stranger,
    dept,
    edu,  # type: ignore[no-untyped-def]
) -> None:
    at_once = submit(client, dept, body(*ROSTER))
    assert at_once["status"] == "answered"
    assert client.get("/api/v1/notices", headers=dept).json() == [], "an answer at submission needs no notice"

    waiting = submit(client, stranger, body(*ROSTER))
    assert client.get("/api/v1/notices", headers=stranger).json() == []
    assert release(client, edu, waiting["id"], valid_until=None).status_code == 200
    (notice,) = client.get("/api/v1/notices?unread=true", headers=stranger).json()
    assert notice["event"] == "request.answered" and notice["request_id"] == waiting["id"]
    assert "已有结果" in notice["message_zh"] and notice["link"] == f"/requests/{waiting['id']}"
    assert client.get("/api/v1/notices", headers=dept).json() == [], "another department hears nothing"

    marked = client.post("/api/v1/notices/read", headers=dept, json={"ids": [notice["id"]]})
    assert marked.json() == {"marked": 0}, "another principal's notice is not its to mark"
    assert client.post("/api/v1/notices/read", headers=stranger, json={}).json() == {"marked": 1}
    assert client.get("/api/v1/notices?unread=true", headers=stranger).json() == []


def test_a_refusal_names_its_reason(client: TestClient, city, dept, admin_headers) -> None:  # type: ignore[no-untyped-def]
    stats = create_principal(client, admin_headers, kind="statistics", code="stats", name="市统计局")
    waiting = submit(client, dept, body("姓名", "借阅证类型"))
    refused = client.post(
        f"/api/v1/requests/{waiting['id']}/decision",
        headers=stats,
        json={"decision": "reject", "note": "与教学无关"},
    )
    assert refused.status_code == 200
    (notice,) = client.get("/api/v1/notices", headers=dept).json()
    assert notice["event"] == "request.rejected" and "与教学无关" in notice["message_zh"]


def test_the_webhook_gets_a_signed_body_after_the_answer(
    client: TestClient,
    session: Session,
    city,
    stranger,
    edu,
    receiver: Receiver,  # type: ignore[no-untyped-def]
) -> None:
    hook = client.put("/api/v1/webhook", headers=stranger, json={"url": receiver.url, "secret": SECRET})
    assert hook.status_code == 200 and hook.json()["secret"] is None
    waiting = submit(client, stranger, body(*ROSTER))
    assert release(client, edu, waiting["id"], valid_until=None).status_code == 200
    assert receiver.received == [], "nothing is sent inside the answer's transaction"

    (outcome,) = deliver(session)
    assert outcome.delivered and outcome.status_code == 200
    ((headers, raw),) = receiver.received
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["X-Yici-Signature-256"] == expected
    sent = json.loads(raw)
    assert sent["event"] == "request.answered" and sent["request_id"] == waiting["id"]
    assert sent["title"] == waiting["title"] and headers["X-Yici-Event"] == "request.answered"
    shown = client.get("/api/v1/webhook", headers=stranger).json()
    assert [d["status"] for d in shown["deliveries"]] == ["delivered"] and "secret" not in str(shown["url"])
    assert deliver(session) == [], "a delivered body is not sent again"


def test_a_failing_endpoint_is_retried_then_given_up_and_never_blocks_the_answer(
    client: TestClient,
    session: Session,
    city,
    stranger,
    edu,
    receiver: Receiver,  # type: ignore[no-untyped-def]
) -> None:
    made = client.put("/api/v1/webhook", headers=stranger, json={"url": receiver.url}).json()
    assert made["secret"] and len(made["secret"]) >= 32, "the hub makes a secret and shows it once"
    receiver.status = 500
    waiting = submit(client, stranger, body(*ROSTER))
    assert release(client, edu, waiting["id"], valid_until=None).status_code == 200
    assert client.get(f"/api/v1/requests/{waiting['id']}", headers=stranger).json()["status"] == "answered"

    start = utcnow()
    (first,) = deliver(session, at=start)
    assert not first.delivered and first.status_code == 500
    delivery = session.scalars(select(WebhookDelivery)).one()
    assert delivery.status == "pending" and delivery.attempts == 1 and "HTTP 500" in delivery.last_error
    assert delivery.next_attempt_at == start + timedelta(minutes=1)
    assert deliver(session, at=start + timedelta(seconds=30)) == [], "not before its pause"

    receiver.status = 200
    (second,) = deliver(session, at=start + timedelta(minutes=2))
    assert second.delivered and len(receiver.received) == 2
    assert receiver.received[0][1] == receiver.received[1][1], "a retry sends the same signed body"

    # An address nobody answers: every attempt fails, each is logged, and after the sixth it is given up.
    receiver.shutdown()
    client.put("/api/v1/webhook", headers=stranger, json={"url": "http://127.0.0.1:9/none", "secret": SECRET})
    again = submit(client, stranger, body(*ROSTER, title="第二份名单"))
    assert release(client, edu, again["id"], valid_until=None).status_code == 200
    when = start
    for _ in range(notices.MAX_ATTEMPTS):
        when += timedelta(days=1)
        (outcome,) = deliver(session, at=when)
        assert not outcome.delivered and outcome.status_code is None and outcome.error
    last = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    assert last is not None and last.status == "failed" and last.attempts == notices.MAX_ATTEMPTS
    assert deliver(session, at=when + timedelta(days=1)) == []


def test_only_a_department_sets_a_webhook_and_only_an_http_address(client: TestClient, stranger, edu) -> None:  # type: ignore[no-untyped-def]
    assert client.put("/api/v1/webhook", headers=edu, json={"url": "http://127.0.0.1/x"}).status_code == 403
    bad = client.put("/api/v1/webhook", headers=stranger, json={"url": "ftp://example.org/x"})
    assert bad.status_code == 422 and bad.json()["code"] == "WebhookUrlInvalid"
    short = client.put(
        "/api/v1/webhook", headers=stranger, json={"url": "http://127.0.0.1/x", "secret": "short"}
    )
    assert short.status_code == 422
    assert client.get("/api/v1/webhook", headers=stranger).json()["code"] == "WebhookNotSet"
    assert client.delete("/api/v1/webhook", headers=stranger).status_code == 404


def test_the_secret_is_kept_sealed_so_a_reader_of_the_database_cannot_sign(
    client: TestClient,
    session: Session,
    city,
    stranger,
    edu,
    receiver: Receiver,  # type: ignore[no-untyped-def]
) -> None:
    client.put("/api/v1/webhook", headers=stranger, json={"url": receiver.url, "secret": SECRET})
    made = client.put("/api/v1/webhook", headers=edu, json={"url": receiver.url})
    assert made.status_code == 403
    (stored,) = session.execute(text("SELECT * FROM webhooks")).mappings().all()
    row = " ".join(str(v) for v in stored.values())
    assert SECRET not in row and "secret" not in stored, "no column holds the secret in clear"
    assert stored["secret_sealed"].startswith("v1:")
    shown = client.get("/api/v1/webhook", headers=stranger).json()
    assert shown["secret"] is None, "the secret is never shown again"

    # A sealed secret copied onto another department's row does not open there; nor under another key.
    other = session.get(Webhook, stored["principal_id"])
    assert other is not None
    with pytest.raises(sealing.SecretUnreadable):
        sealing.unseal(HUB_SECRET, stored["principal_id"] + 1, other.secret_sealed)
    with pytest.raises(sealing.SecretUnreadable):
        sealing.unseal("another-key-altogether", stored["principal_id"], other.secret_sealed)

    # The hub still signs with it; under a changed key each delivery fails, saying why, and sends nothing.
    waiting = submit(client, stranger, body(*ROSTER))
    assert release(client, edu, waiting["id"], valid_until=None).status_code == 200
    due = notices.due_deliveries(session, secret_key="another-key-altogether", now=utcnow())
    with httpx.Client() as http:
        (refused,) = [notices.send(d, http) for d in due]
    assert not refused.delivered and "HUB_SECRET_KEY" in refused.error and receiver.received == []
    (outcome,) = deliver(session)
    ((headers, raw),) = receiver.received
    assert outcome.delivered
    assert (
        headers["X-Yici-Signature-256"]
        == "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    )
