"""The one error family of the service and its JSON shape: {"error": ..., "detail": ...}."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError


class HubError(Exception):
    """An error a caller can act on; `message` says what went wrong, `detail` carries structure."""

    status_code = 400
    error = "bad_request"

    def __init__(self, message: str, *, detail: Any = None, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code


class NotAuthenticated(HubError):
    status_code = 401
    error = "not_authenticated"


class Forbidden(HubError):
    status_code = 403
    error = "forbidden"


class NotFound(HubError):
    status_code = 404
    error = "not_found"


class Conflict(HubError):
    status_code = 409
    error = "conflict"


class Invalid(HubError):
    status_code = 422
    error = "invalid"


class ErrorBody(BaseModel):
    error: str
    message: str
    detail: Any = None


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: every listed status answers with ErrorBody.

    422 is always declared: a malformed path or query parameter gets the hub's error shape, not
    FastAPI's default `HTTPValidationError`, which the OpenAPI document would otherwise promise.
    """
    return {code: {"model": ErrorBody} for code in dict.fromkeys((*codes, 422))}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(
            {"error": exc.error, "message": exc.message, "detail": exc.detail},
            status_code=exc.status_code,
            headers=headers,
        )

    @app.exception_handler(OverflowError)  # SQLite's driver refuses integers beyond 64 bits this way
    @app.exception_handler(DataError)
    async def _data_error(_: Request, exc: Exception) -> JSONResponse:
        # A value the database cannot hold (an id beyond its integer range, say) is the caller's
        # mistake, not the server's; the driver's text is not shown (it may quote the value).
        return JSONResponse(
            {
                "error": "invalid",
                "message": "数值超出可存储的范围 / a value is out of the range the store can hold",
                "detail": None,
            },
            status_code=422,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in err.get("loc", ())), "reason": err.get("msg", "")}
            for err in exc.errors()
        ]
        return JSONResponse(
            {
                "error": "invalid",
                "message": "请求内容不合法 / the request body is invalid",
                "detail": problems,
            },
            status_code=422,
        )
