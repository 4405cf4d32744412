"""Bounded admission: at most N requests are served at once; the rest wait a bounded time, then 503.

Without it, every request beyond the database pool took a thread and then waited the pool's timeout
(30 s) for a connection, and answered 500. Here a request waits in the event loop, which costs nothing,
for one of the places the pool can serve; one that waits longer than `wait_seconds` is told at once to
come back later (503 with Retry-After) instead of holding its client for half a minute.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Admission:
    """ASGI middleware admitting at most `limit` HTTP requests at a time (paths in `exempt` always)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        wait_seconds: float,
        busy_body: dict[str, Any],
        exempt: frozenset[str] = frozenset(),
    ) -> None:
        if limit < 1:
            raise ValueError("admission limit must be at least 1")
        self.app = app
        self.busy_body = json.dumps(busy_body, ensure_ascii=False).encode()
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.exempt = exempt
        self._slots: asyncio.Semaphore | None = None  # made in the server's event loop, on first use

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.wait_seconds)
        except TimeoutError:
            await busy(send, self.busy_body, retry_after=self.wait_seconds)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()


async def busy(send: Send, body: bytes, *, retry_after: float) -> None:
    """Answer 503 with `body` (JSON), saying when to retry."""
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(max(1, math.ceil(retry_after))).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
