"""Bounded admission: at most N requests are served at once; the rest wait a bounded time, then 503.

Without it, every request beyond the database pool took a thread and then waited the pool's timeout
(30 s) for a connection, and answered 500. Here a request waits in the event loop, which costs nothing,
for one of the places the pool can serve; one that waits longer than `wait_seconds` is told at once to
come back later (503 with Retry-After) instead of holding its client for half a minute.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from hub.kit.guards import send_json


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
        self.busy_body = busy_body
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
            retry_after = str(max(1, math.ceil(self.wait_seconds)))
            await send_json(send, 503, self.busy_body, {"Retry-After": retry_after})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()
