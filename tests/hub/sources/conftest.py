"""Real upstream systems on loopback: a JSON feed server, SQL source tables, scratch hub databases."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass
class Feed:
    """What the test feed serves, and what it was asked. Change it between runs to change 'upstream'."""

    records: list[dict[str, Any]] = field(default_factory=list)
    token: str | None = None
    # Answer the next N requests with a 500 before serving (a server that recovers).
    fail_next: int = 0
    # Answer every request with a 500 (a server that is down).
    down: bool = False
    malformed: bool = False
    # Serve page 1 whatever page is asked for (a server that ignores the paging parameters).
    ignores_paging: bool = False
    delay: float = 0.0
    requests: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _FeedHandler(BaseHTTPRequestHandler):
    feed: Feed

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
        pass

    def do_GET(self) -> None:
        feed = self.feed
        with feed.lock:
            feed.requests.append(self.path)
            failing = feed.down or feed.fail_next > 0
            if feed.fail_next > 0:
                feed.fail_next -= 1
        if feed.delay:
            threading.Event().wait(feed.delay)
        if feed.token is not None and self.headers.get("Authorization") != f"Bearer {feed.token}":
            return self._send(401, b'{"error": "invalid token"}')
        if failing:
            return self._send(500, b'{"error": "database unavailable"}')
        if feed.malformed:
            return self._send(200, b'{"data": {"items": [{"xm": "\xe5\xbc\xa0\xe4\xb8\x89", ')
        query = parse_qs(urlsplit(self.path).query)
        page = 1 if feed.ignores_paging else int(query.get("page", ["1"])[0])
        size = int(query.get("page_size", ["100"])[0])
        items = feed.records[(page - 1) * size : page * size]
        body = {"code": 0, "data": {"items": items, "total": len(feed.records), "page": page}}
        self._send(200, json.dumps(body, ensure_ascii=False).encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def feed() -> Iterator[tuple[Feed, str]]:
    """A paged JSON feed on loopback: GET /teachers?page=N&page_size=M → {data: {items: [...]}}."""
    state = Feed()
    handler = type("FeedHandler", (_FeedHandler,), {"feed": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/teachers"
    finally:
        server.shutdown()
        server.server_close()


# --- databases ----------------------------------------------------------------------------------


def pg_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


@pytest.fixture
def pg_source_table() -> Iterator[tuple[str, str]]:
    """A uniquely named, committed table in PostgreSQL database `test` (dropped after): (url, table)."""
    if not pg_available():
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    table = f"hr_staff_{uuid.uuid4().hex[:10]}"
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    yield url, table
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as connection:
        connection.execute(f'DROP TABLE IF EXISTS "{table}"')
