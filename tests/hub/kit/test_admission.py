"""Beyond its limit a request waits its turn, and past the wait it is told to retry (503), never hung."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from hub.errors import ServiceBusy
from hub.kit.admission import Admission


class SlowApp:
    """An ASGI app whose answers wait until the test lets them go."""

    def __init__(self) -> None:
        self.go = asyncio.Event()
        self.inside = 0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] != "/health":
            self.inside += 1
            await self.go.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def _until(condition: Any) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


@pytest.mark.anyio
async def test_requests_beyond_the_limit_wait_for_a_free_place() -> None:
    inner = SlowApp()
    app = Admission(inner, limit=2, wait_seconds=30, busy_body=ServiceBusy().body())
    async with _client(app) as client:
        calls = [asyncio.create_task(client.get(f"/r/{n}")) for n in range(6)]
        await _until(lambda: inner.inside == 2)
        await asyncio.sleep(0.05)
        assert inner.inside == 2  # the other four wait outside
        inner.go.set()
        answers = await asyncio.gather(*calls)
    assert [a.status_code for a in answers] == [200] * 6


@pytest.mark.anyio
async def test_a_request_that_waits_too_long_gets_503_with_retry_after_in_the_hubs_shape() -> None:
    inner = SlowApp()
    app = Admission(inner, limit=1, wait_seconds=0.1, busy_body=ServiceBusy().body())
    async with _client(app) as client:
        first = asyncio.create_task(client.get("/slow"))
        await _until(lambda: inner.inside == 1)
        refused = await client.get("/also")
        health = await client.get("/health")
        inner.go.set()
        assert (await first).status_code == 200
    assert refused.status_code == 503
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["code"] == "ServiceBusy"
    assert "稍后重试" in refused.json()["message"]
    # /health is not exempt here (no `exempt` given), so it waited too.
    assert health.status_code == 503


@pytest.mark.anyio
async def test_exempt_paths_answer_while_every_place_is_taken() -> None:
    inner = SlowApp()
    app = Admission(
        inner, limit=1, wait_seconds=0.1, busy_body=ServiceBusy().body(), exempt=frozenset({"/health"})
    )
    async with _client(app) as client:
        first = asyncio.create_task(client.get("/slow"))
        await _until(lambda: inner.inside == 1)
        health = await client.get("/health")
        inner.go.set()
        await first
    assert health.status_code == 200
