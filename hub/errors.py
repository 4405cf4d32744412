"""The one error family of the service and its JSON shape: {"error", "message", "detail", "code"}.

Every case a caller can meet is a named class in its domain's `errors.py` (`hub/requests/errors.py`
…), subclassing one of the status families below. Its `code` is the class name unless the class says
otherwise: a program acts on `code`, a person reads `message_zh` or `message_en`, and `error` keeps the
family's name (`not_found`, `conflict` …) that clients already read.
"""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.db import WriterQueueTimeout

# Seconds a client is told to wait before retrying a 503.
RETRY_AFTER_SECONDS = 2


class HubError(Exception):
    """An error a caller can act on, in Chinese and English, with structure in `detail`."""

    status_code: ClassVar[int] = 400
    error: ClassVar[str] = "bad_request"
    code: str = "HubError"
    # A refusal that comes right after a state change the refusal itself depends on (a late submission
    # closes its overdue task, then is refused because the task is closed): the request's transaction
    # is committed, not rolled back, so the change stands. Only for errors raised before anything else
    # of the call was written.
    keeps_transition: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "code" not in cls.__dict__:
            cls.code = cls.__name__

    def __init__(
        self,
        message_zh: str,
        message_en: str | None = None,
        *,
        detail: Any = None,
        status_code: int | None = None,
        code: str | None = None,
    ) -> None:
        self.message_zh = message_zh
        # A message with no English of its own (a library's, say) reads the same in both languages.
        self.message_en = message_zh if message_en is None else message_en
        self.detail = detail
        if status_code is not None:
            self.status_code = status_code  # type: ignore[misc]
        if code is not None:
            self.code = code
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """Both languages, "中文 / English", as the JSON body's `message` has always read."""
        if self.message_zh == self.message_en:
            return self.message_zh
        return f"{self.message_zh} / {self.message_en}"

    def message_in(self, language: str) -> str:
        """The reader's language: English for "en", Chinese otherwise."""
        return self.message_en if language == "en" else self.message_zh

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, "detail": self.detail, "code": self.code}


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


class ServiceBusy(HubError):
    """Every place the database can serve was taken for longer than a request may wait: retry."""

    status_code = 503
    error = "unavailable"

    def __init__(self) -> None:
        super().__init__("服务繁忙，请稍后重试", "the service is busy, retry shortly")


class TooLarge(HubError):
    status_code = 413
    error = "too_large"


class BodyTooLarge(TooLarge):
    """A request body over its configured limit (HUB_MAX_JSON_BYTES, HUB_MAX_UPLOAD_BYTES)."""

    def __init__(self, limit: int, kind: str) -> None:
        megabytes = f"{limit / 1_000_000:g} MB"
        what_zh, what_en = ("JSON 请求体", "a JSON body") if kind == "json" else ("上传的文件", "an upload")
        super().__init__(
            f"{what_zh}超过上限 {megabytes}，请拆分后再提交",
            f"{what_en} is over the limit of {megabytes}: split it and send the parts",
            detail={"limit_bytes": limit, "kind": kind},
        )


class TokenRequired(NotAuthenticated):
    """No bearer token came with the call."""

    def __init__(self) -> None:
        super().__init__("需要令牌", "a bearer token is required")


class RoleNotAllowed(Forbidden):
    """The caller's role may not do this; `detail.allowed` lists the roles that may, where it says."""


class ValueOutOfRange(Invalid):
    """A value the database cannot hold (an id beyond its integer range, say)."""

    def __init__(self) -> None:
        super().__init__("数值超出可存储的范围", "a value is out of the range the store can hold")


class BodyInvalid(Invalid):
    """The body, path or query failed the API's own validation; `detail` lists field and reason."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__("请求内容不合法", "the request body is invalid", detail=problems)


class BilingualValueError(ValueError):
    """A payload validator's refusal in both languages (pydantic keeps it as the error's `ctx.error`).

    Its text stays "中文 / English" for the API; the web shows the reader's half by asking for it.
    """

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")

    def message_in(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_zh


def halves(exc: Exception) -> tuple[str, str]:
    """The Chinese and English of a library's exception (its `message_zh`/`message_en` where it has them)."""
    zh = getattr(exc, "message_zh", None)
    en = getattr(exc, "message_en", None)
    if isinstance(zh, str) and isinstance(en, str):
        return zh, en
    return str(exc), str(exc)


class ErrorBody(BaseModel):
    error: str
    message: str
    detail: Any = None
    code: str


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: every listed status answers with ErrorBody.

    422 is always declared: a malformed path or query parameter gets the hub's error shape, not
    FastAPI's default `HTTPValidationError`, which the OpenAPI document would otherwise promise.
    """
    return {code: {"model": ErrorBody} for code in dict.fromkeys((*codes, 422))}


def error_json(exc: HubError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors. A body it cannot parse (a multipart without its boundary …) it answers
    with a bare 400 that no route documents: that is the caller's malformed body, a 422 in the hub's shape."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        return error_json(BodyInvalid([{"field": "body", "reason": str(exc.detail)}]))
    return await http_exception_handler(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        return error_json(exc)

    @app.exception_handler(PoolTimeout)  # no database connection came free in time
    @app.exception_handler(WriterQueueTimeout)  # SQLite: the writers before this one took too long
    async def _busy(_: Request, exc: Exception) -> JSONResponse:
        response = error_json(ServiceBusy())
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    @app.exception_handler(OverflowError)  # SQLite's driver refuses integers beyond 64 bits this way
    @app.exception_handler(DataError)
    async def _data_error(_: Request, exc: Exception) -> JSONResponse:
        # The caller's mistake, not the server's; the driver's text is not shown (it may quote the value).
        return error_json(ValueOutOfRange())

    app.add_exception_handler(StarletteHTTPException, http_error)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in err.get("loc", ())), "reason": err.get("msg", "")}
            for err in exc.errors()
        ]
        return error_json(BodyInvalid(problems))
