"""HTTP JSON feeds: page, offset or cursor paging, retries with backoff, a rate limit.

Systems that already hold teacher and school data (the national teacher management system, HR and
payroll, school management systems) often offer a paged JSON API. ``fetch_pages`` walks it page by
page; ``read_feed`` gathers all records into a table of text cells, like a file read by
:func:`connectors.files.read_table`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx
import pandas as pd

from connectors._text import value_to_text
from connectors.errors import SourceConfigError

__all__ = [
    "FeedError",
    "FeedTable",
    "HttpJsonSource",
    "Paging",
    "SourceConfigError",
    "fetch_pages",
    "flatten_record",
    "read_feed",
]

Paging = Literal["page", "offset", "cursor", "none"]

_PAGINGS = ("page", "offset", "cursor", "none")
# Retried: the server or the network failed, not the request. 429 asks us to come back later.
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_BODY_EXCERPT = 200


@dataclass(frozen=True, kw_only=True)
class HttpJsonSource:
    """Where a JSON feed is and how to walk it.

    ``items_path`` is the dotted path to the list of records in each response ("data.items"); ""
    means the body is the list. Paging ``page`` sends ``page_param``/``size_param`` starting at
    ``first_page``; ``offset`` sends ``offset_param``/``size_param``; ``cursor`` sends the value at
    ``cursor_path`` back as ``cursor_param``, or follows the URL at ``next_link_path``. A page
    shorter than an earlier one, an empty page or a missing cursor ends the feed. Auth is a bearer
    token or one header (``auth_header``: ``auth_value``). Failed requests (5xx, 429, timeouts,
    connection errors) are retried ``max_retries`` times, waiting ``backoff_base * 2**n`` seconds
    (or the server's Retry-After); ``rate_limit`` caps requests per second.
    """

    url: str
    paging: Paging = "none"
    page_size: int = 100
    items_path: str = ""
    page_param: str = "page"
    first_page: int = 1
    offset_param: str = "offset"
    size_param: str = "page_size"
    cursor_param: str = "cursor"
    cursor_path: str | None = None
    next_link_path: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    bearer_token: str | None = field(default=None, repr=False)
    auth_header: str | None = None
    auth_value: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    max_retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 60.0
    rate_limit: float | None = None
    max_pages: int | None = None

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise SourceConfigError("url", f"must start with http:// or https://, got {self.url!r}")
        if self.paging not in _PAGINGS:
            raise SourceConfigError("paging", f"must be one of {', '.join(_PAGINGS)}, got {self.paging!r}")
        if self.page_size < 1:
            raise SourceConfigError("page_size", "must be at least 1")
        if self.paging == "cursor" and not (self.cursor_path or self.next_link_path):
            raise SourceConfigError("cursor_path", "cursor paging needs cursor_path or next_link_path")
        if (self.auth_header is None) != (self.auth_value is None):
            raise SourceConfigError("auth_header", "auth_header and auth_value go together")
        if self.bearer_token is not None and self.auth_header is not None:
            raise SourceConfigError("bearer_token", "give a bearer token or an auth header, not both")
        if self.timeout <= 0:
            raise SourceConfigError("timeout", "must be positive")
        if self.max_retries < 0:
            raise SourceConfigError("max_retries", "must be 0 or more")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise SourceConfigError("rate_limit", "must be positive (requests per second)")


class FeedError(RuntimeError):
    """A feed could not be read; the message names the URL, the HTTP status and the attempts made."""

    def __init__(
        self,
        *,
        url: str,
        reason_zh: str,
        reason_en: str,
        status: int | None = None,
        attempts: int = 1,
        page: int | None = None,
    ) -> None:
        self.url = url
        self.status = status
        self.attempts = attempts
        self.page = page
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        status_text = f"HTTP {status}" if status is not None else "no HTTP status"
        self.message_zh = f"读取数据接口 {url} 失败（{status_text}，尝试 {attempts} 次）：{reason_zh}"
        self.message_en = f"feed {url} failed ({status_text}, {attempts} attempt(s)): {reason_en}"
        super().__init__(f"{self.message_en} / {self.message_zh}")


@dataclass(frozen=True, kw_only=True, eq=False)
class FeedTable:
    """All records of a feed as text cells, nested objects flattened one level ("school.code").

    ``frame`` holds one ``str`` column per field in order of first appearance; a field a record
    lacks, or null, is ``""``. The index, named ``record``, is the 1-based position of the record in
    the feed, so errors can say "record 7".
    """

    headers: tuple[str, ...]
    frame: pd.DataFrame
    url: str
    pages: int


# --- public functions ---------------------------------------------------------------------------


def fetch_pages(source: HttpJsonSource, client: httpx.Client | None = None) -> Iterator[list[dict[str, Any]]]:
    """Yield the records of each page of the feed, in order, until its last page.

    Raises :class:`FeedError` when a request keeps failing, on a 4xx answer (not retried), on a body
    that is not JSON or lacks ``items_path``, and when a page repeats an earlier one (a server that
    ignores the paging parameters would otherwise be read forever).
    """
    own_client = client is None
    http = client or httpx.Client(follow_redirects=True)
    walker = _Walker(source, http)
    try:
        yield from walker.pages()
    finally:
        if own_client:
            http.close()


def read_feed(source: HttpJsonSource, client: httpx.Client | None = None) -> FeedTable:
    """Read every page of a feed into a :class:`FeedTable` of text cells."""
    columns: dict[str, list[str]] = {}
    count = 0
    pages = 0
    for records in fetch_pages(source, client):
        pages += 1
        for record in records:
            flat = flatten_record(record)
            for name in flat:
                if name not in columns:
                    columns[name] = [""] * count
            for name, values in columns.items():
                values.append(flat.get(name, ""))
            count += 1
    # A null where other records hold an object ("school": null) is not a field of its own.
    for name in [name for name in columns if any(other.startswith(f"{name}.") for other in columns)]:
        if not any(columns[name]):
            del columns[name]
    headers = tuple(columns)
    frame = pd.DataFrame(
        {name: pd.array(values, dtype="str") for name, values in columns.items()},
        index=pd.RangeIndex(1, count + 1, name="record"),
        columns=list(headers),
    )
    return FeedTable(headers=headers, frame=frame, url=source.url, pages=pages)


def flatten_record(record: Mapping[str, Any]) -> dict[str, str]:
    """Text cells of one record; a nested object's fields become "outer.inner" (one level deep)."""
    flat: dict[str, str] = {}
    for key, value in record.items():
        if isinstance(value, Mapping):
            for inner_key, inner_value in value.items():
                flat[f"{key}.{inner_key}"] = value_to_text(inner_value)
        else:
            flat[str(key)] = value_to_text(value)
    return flat


# --- walking a feed -----------------------------------------------------------------------------


class _Walker:
    def __init__(self, source: HttpJsonSource, client: httpx.Client) -> None:
        self.source = source
        self.client = client
        self.last_request_at: float | None = None
        self.headers = dict(source.headers)
        if source.bearer_token is not None:
            self.headers["Authorization"] = f"Bearer {source.bearer_token}"
        if source.auth_header is not None and source.auth_value is not None:
            self.headers[source.auth_header] = source.auth_value

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        source = self.source
        # httpx replaces a URL's query with ``params``, so the URL's own parameters move into them.
        base = httpx.URL(source.url)
        url = str(base.copy_with(query=None)) if base.query else source.url
        params: dict[str, str] = dict(base.params) | dict(source.params)
        page_number = source.first_page
        offset = 0
        if source.paging == "page":
            params |= {source.page_param: str(page_number), source.size_param: str(source.page_size)}
        elif source.paging == "offset":
            params |= {source.offset_param: "0", source.size_param: str(source.page_size)}

        seen_pages: dict[str, int] = {}
        seen_cursors: set[str] = set()
        largest = 0
        for index in itertools.count(1):
            if source.max_pages is not None and index > source.max_pages:
                raise FeedError(
                    url=url,
                    reason_zh=f"超过了配置的最大页数 {source.max_pages}，数据未读完",
                    reason_en=f"the feed has more than the configured max_pages ({source.max_pages}); not all was read",
                    page=index,
                )
            body, request_url = self._get_json(url, params, index)
            records = self._records(body, request_url, index)
            if not records:
                return
            digest = hashlib.sha256(json.dumps(records, sort_keys=True, default=str).encode()).hexdigest()
            if digest in seen_pages:
                raise FeedError(
                    url=request_url,
                    reason_zh=f"第 {index} 页与第 {seen_pages[digest]} 页的数据完全相同，接口似乎没有按分页参数翻页，已停止读取",
                    reason_en=f"page {index} repeats the records of page {seen_pages[digest]}; the server seems to "
                    "ignore the paging parameters, so reading stopped",
                    page=index,
                )
            seen_pages[digest] = index
            yield records

            if source.paging == "none":
                return
            if source.paging in ("page", "offset"):
                # Shorter than an earlier page: the last one. Not the first page, as a server may
                # cap the page size below what was asked.
                if len(records) < largest:
                    return
                largest = max(largest, len(records))
            if source.paging == "page":
                page_number += 1
                params[source.page_param] = str(page_number)
            elif source.paging == "offset":
                offset += len(records)
                params[source.offset_param] = str(offset)
            elif source.next_link_path:
                next_link = _lookup(body, source.next_link_path)
                if not next_link:
                    return
                url = str(httpx.URL(request_url).join(str(next_link)))
                params = {}
                if url in seen_cursors:
                    raise self._cursor_loop(request_url, index, url)
                seen_cursors.add(url)
            else:
                assert source.cursor_path is not None
                cursor = _lookup(body, source.cursor_path)
                if cursor is None or cursor == "":
                    return
                cursor_text = str(cursor)
                if cursor_text in seen_cursors:
                    raise self._cursor_loop(request_url, index, cursor_text)
                seen_cursors.add(cursor_text)
                params[source.cursor_param] = cursor_text

    def _cursor_loop(self, url: str, index: int, cursor: str) -> FeedError:
        return FeedError(
            url=url,
            reason_zh=f"第 {index} 页返回的下一页游标 {cursor!r} 之前已经出现过，接口在循环，已停止读取",
            reason_en=f"page {index} points to next cursor {cursor!r}, which was already read; the feed loops",
            page=index,
        )

    def _records(self, body: Any, url: str, index: int) -> list[dict[str, Any]]:
        path = self.source.items_path
        items = _lookup(body, path) if path else body
        if items is None and path and isinstance(body, dict):
            raise FeedError(
                url=url,
                reason_zh=f"第 {index} 页的 JSON 中没有 {path!r}，请检查数据所在路径的配置",
                reason_en=f"page {index} has no {path!r} in its JSON; check the configured items path",
                status=200,
                page=index,
            )
        if not isinstance(items, list):
            raise FeedError(
                url=url,
                reason_zh=f"第 {index} 页的 {path or 'JSON 正文'} 不是记录列表",
                reason_en=f"page {index}: {path or 'the JSON body'} is not a list of records",
                status=200,
                page=index,
            )
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise FeedError(
                    url=url,
                    reason_zh=f"第 {index} 页第 {position} 条记录不是 JSON 对象：{str(item)[:_BODY_EXCERPT]}",
                    reason_en=f"page {index}, record {position} is not a JSON object: {str(item)[:_BODY_EXCERPT]}",
                    status=200,
                    page=index,
                )
        return items

    def _get_json(self, url: str, params: Mapping[str, str], index: int) -> tuple[Any, str]:
        source = self.source
        attempts = 0
        while True:
            attempts += 1
            self._wait_for_rate_limit()
            request_url = str(httpx.URL(url, params=dict(params)) if params else url)
            retry_after: float | None = None
            try:
                response = self.client.get(
                    url, params=dict(params) or None, headers=self.headers, timeout=source.timeout
                )
            except httpx.TimeoutException as error:
                failure = FeedError(
                    url=request_url,
                    reason_zh=f"超过 {source.timeout:g} 秒未响应",
                    reason_en=f"no answer within {source.timeout:g} s ({type(error).__name__})",
                    attempts=attempts,
                    page=index,
                )
            except httpx.TransportError as error:
                failure = FeedError(
                    url=request_url,
                    reason_zh=f"网络连接失败（{error}）",
                    reason_en=f"connection failed: {type(error).__name__}: {error}",
                    attempts=attempts,
                    page=index,
                )
            except (
                httpx.RequestError
            ) as error:  # too many redirects, an undecodable body: retrying won't help
                raise FeedError(
                    url=request_url,
                    reason_zh=f"请求失败（{error}）",
                    reason_en=f"the request failed: {type(error).__name__}: {error}",
                    attempts=attempts,
                    page=index,
                ) from error
            else:
                request_url = str(response.url)
                if response.is_success:
                    return self._parse(response, request_url, attempts, index), request_url
                failure = _status_error(response, request_url, attempts, index)
                if response.status_code not in _RETRY_STATUSES:
                    raise failure
                retry_after = _retry_after_seconds(response)
            if attempts > source.max_retries:
                raise failure
            delay = min(source.backoff_max, source.backoff_base * 2 ** (attempts - 1))
            time.sleep(max(delay, min(retry_after or 0.0, source.backoff_max)))

    def _parse(self, response: httpx.Response, url: str, attempts: int, index: int) -> Any:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            excerpt = response.text[:_BODY_EXCERPT]
            raise FeedError(
                url=url,
                reason_zh=f"第 {index} 页返回的内容不是有效的 JSON（{error}）：{excerpt!r}",
                reason_en=f"page {index} is not valid JSON ({error}); it begins {excerpt!r}",
                status=response.status_code,
                attempts=attempts,
                page=index,
            ) from error

    def _wait_for_rate_limit(self) -> None:
        rate = self.source.rate_limit
        now = time.monotonic()
        if rate is not None and self.last_request_at is not None:
            wait = self.last_request_at + 1.0 / rate - now
            if wait > 0:
                time.sleep(wait)
                now = time.monotonic()
        self.last_request_at = now


def _status_error(response: httpx.Response, url: str, attempts: int, index: int) -> FeedError:
    status = response.status_code
    excerpt = response.text[:_BODY_EXCERPT].strip()
    if status in (401, 403):
        reason_zh = "认证失败或无权访问，请检查令牌或认证请求头的配置"
        reason_en = "authentication failed or access denied; check the token or auth header"
    elif status == 404:
        reason_zh = "地址不存在，请检查 URL"
        reason_en = "not found; check the URL"
    elif status == 429:
        reason_zh = "请求过于频繁，接口一直拒绝，请调低速率限制"
        reason_en = "too many requests, refused every time; lower the rate limit"
    elif status >= 500:
        reason_zh = "对方服务器出错，多次重试仍失败"
        reason_en = "the server kept failing"
    else:
        reason_zh = "请求被拒绝"
        reason_en = "the request was refused"
    if excerpt:
        reason_zh += f"（返回内容：{excerpt}）"
        reason_en += f" (response: {excerpt})"
    return FeedError(
        url=url, reason_zh=reason_zh, reason_en=reason_en, status=status, attempts=attempts, page=index
    )


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _lookup(body: Any, path: str) -> Any:
    """The value at a dotted path ("data.items", "links.next"); list positions may be numbers."""
    value = body
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value
