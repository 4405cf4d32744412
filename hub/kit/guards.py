"""ASGI guards around every request: response headers that browsers enforce, and a bound on body size.

Both are plain ASGI middleware so that they hold for every route, streamed answers included, without
any router remembering them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages load their own script and stylesheet only; inline style attributes are allowed (templates use
# them for layout), inline scripts are not. Nothing may frame the hub (click-jacking).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# /docs and /redoc run the OpenAPI viewers' own inline bootstrap script.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
STATIC_PREFIX = "/static/"


class SecurityHeaders:
    """Adds nosniff, frame and referrer policies and a CSP to every answer; `no-store` to all but
    static files, since pages and API answers carry personal data that must not stay in caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else CONTENT_SECURITY_POLICY
        cacheable = path.startswith(STATIC_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"content-security-policy", policy.encode()),
                ]
                if not cacheable:
                    wanted.append((b"cache-control", b"no-store"))
                headers += [(name, value) for name, value in wanted if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses bodies over their limit with 413 before they are parsed: JSON bodies over `json_bytes`,
    any other body (uploads) over `upload_bytes`. A declared Content-Length is checked at once; a body
    without one (chunked) is counted as it arrives."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        json_bytes: int,
        upload_bytes: int,
        body_of: Callable[[int, str], dict[str, Any]],
    ) -> None:
        self.app = app
        self.json_bytes = json_bytes
        self.upload_bytes = upload_bytes
        self.body_of = body_of  # the error body for a limit and the kind of body ("json" or "upload")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        is_json = headers.get(b"content-type", b"").split(b";")[0].strip().endswith(b"json")
        limit, kind = (self.json_bytes, "json") if is_json else (self.upload_bytes, "upload")
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit, kind)
            return
        seen = 0
        refused = False

        async def counted() -> Message:
            # A body without a declared length is counted as it comes; past the limit the caller gets
            # its 413 at once and the app sees the client gone (whatever it answers then is dropped).
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    await self._refuse(send, limit, kind)
                    return {"type": "http.disconnect"}
            return message

        async def unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, counted, unless_refused)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, send: Send, limit: int, kind: str) -> None:
        await send_json(send, 413, self.body_of(limit, kind))


async def send_json(
    send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """Answer with `body` as JSON straight from a middleware, before any route has run."""
    content = json.dumps(body, ensure_ascii=False).encode()
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())]
    raw_headers += [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": content})
