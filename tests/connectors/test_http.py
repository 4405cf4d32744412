"""HTTP JSON feeds against a real server on loopback: paging, retries, timeouts, bad answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from connectors.http import FeedError, HttpJsonSource, SourceConfigError, fetch_pages, read_feed

TEACHERS = [
    {"id": index, "name": f"教师{index:02d}", "school": {"code": "1111000001", "name": "第一中学"}}
    for index in range(1, 26)
]


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


@dataclass
class FeedServer:
    base_url: str
    requests: list[Request] = field(default_factory=list)

    def count(self, path: str) -> int:
        return sum(1 for request in self.requests if request.path == path)


Route = Callable[["_Handler", dict[str, str], int], tuple[int, Any]]


def _page(query: dict[str, str], cap: int | None = None) -> list[dict[str, Any]]:
    size = int(query.get("page_size", "10"))
    size = min(size, cap) if cap else size
    start = (int(query.get("page", "1")) - 1) * size
    return TEACHERS[start : start + size]


def _route_page(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    return 200, {"code": 0, "data": {"items": _page(query), "total": len(TEACHERS)}}


def _route_capped(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    # Honours the page number but never sends more than 7 records, whatever page_size asks.
    return 200, {"data": {"items": _page(query, cap=7)}}


def _route_offset(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    offset, limit = int(query["offset"]), int(query["limit"])
    return 200, {"items": TEACHERS[offset : offset + limit]}


def _route_cursor(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    start = int(query.get("cursor", "0").removeprefix("c") or 0)
    items = TEACHERS[start : start + 10]
    following = start + len(items)
    return 200, {
        "results": items,
        "meta": {"next_cursor": f"c{following}" if following < len(TEACHERS) else None},
    }


def _route_links(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    start = int(query.get("after", "0"))
    items = TEACHERS[start : start + 10]
    following = start + len(items)
    next_link = f"/links?after={following}&kind={query['kind']}" if following < len(TEACHERS) else None
    return 200, {"data": items, "links": {"next": next_link}}


def _route_flaky(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    if calls == 1:
        return 500, {"error": "database is restarting"}
    return 200, {"items": TEACHERS[:3]}


def _route_slow(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    if calls == 1:
        time.sleep(1.0)
    return 200, {"items": TEACHERS[:2]}


def _route_busy(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    if calls == 1:
        return 429, {"error": "slow down"}
    return 200, {"items": TEACHERS[:4]}


def _route_down(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    return 503, {"error": "maintenance"}


def _route_auth(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    if handler.headers.get("Authorization") != "Bearer good-token":
        return 401, {"error": "invalid token"}
    return 200, {"items": TEACHERS[:2]}


def _route_key(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    if handler.headers.get("X-Api-Key") != "k-123":
        return 403, {"error": "forbidden"}
    return 200, {"items": TEACHERS[:1]}


def _route_malformed(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    return 200, '{"items": [{"id": 1, "name": "张三"},'  # cut off mid-body


def _route_repeat(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    return 200, {"data": {"items": TEACHERS[:10]}}  # ignores ?page=


def _route_nested(handler: _Handler, query: dict[str, str], calls: int) -> tuple[int, Any]:
    return 200, [
        {
            "id": 1,
            "name": "张三",
            "school": {"code": "1111000001", "region": {"code": "110101"}},
            "tags": ["a"],
        },
        {"id": 2, "name": "李四", "salary": 5432.10, "active": True, "school": None, "hired": 3.0},
    ]


ROUTES: dict[str, Route] = {
    "/page": _route_page,
    "/capped": _route_capped,
    "/offset": _route_offset,
    "/cursor": _route_cursor,
    "/links": _route_links,
    "/flaky": _route_flaky,
    "/slow": _route_slow,
    "/busy": _route_busy,
    "/down": _route_down,
    "/auth": _route_auth,
    "/key": _route_key,
    "/malformed": _route_malformed,
    "/repeat": _route_repeat,
    "/nested": _route_nested,
}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        state = self.server.state
        with self.server.lock:
            state.requests.append(Request(parts.path, query, dict(self.headers), time.monotonic()))
            calls = state.count(parts.path)
        route = ROUTES.get(parts.path)
        status, body = route(self, query, calls) if route else (404, {"error": "no such path"})
        payload = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout test)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: FeedServer
    lock: threading.Lock


@pytest.fixture
def server() -> Iterator[FeedServer]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    host, port = httpd.server_address[:2]
    httpd.state = FeedServer(base_url=f"http://{host!s}:{port}")
    httpd.lock = threading.Lock()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield httpd.state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _source(server: FeedServer, path: str, **options: Any) -> HttpJsonSource:
    options.setdefault("backoff_base", 0.01)
    return HttpJsonSource(url=server.base_url + path, **options)


# --- paging -------------------------------------------------------------------------------------


def test_page_paging_reads_every_record_once(server: FeedServer) -> None:
    source = _source(server, "/page", paging="page", page_size=10, items_path="data.items")

    pages = list(fetch_pages(source))

    assert [len(page) for page in pages] == [10, 10, 5]
    assert [record["id"] for page in pages for record in page] == list(range(1, 26))
    assert [request.query["page"] for request in server.requests] == ["1", "2", "3"]


def test_page_paging_when_the_server_caps_the_page_size(server: FeedServer) -> None:
    source = _source(server, "/capped", paging="page", page_size=100, items_path="data.items")

    records = [record for page in fetch_pages(source) for record in page]

    # The first page (7 of 100 asked) is not taken for the last one.
    assert [record["id"] for record in records] == list(range(1, 26))


def test_offset_paging(server: FeedServer) -> None:
    source = _source(server, "/offset", paging="offset", page_size=10, items_path="items", size_param="limit")

    records = [record for page in fetch_pages(source) for record in page]

    assert [record["id"] for record in records] == list(range(1, 26))
    assert [request.query["offset"] for request in server.requests] == ["0", "10", "20"]


def test_cursor_paging(server: FeedServer) -> None:
    source = _source(server, "/cursor", paging="cursor", items_path="results", cursor_path="meta.next_cursor")

    records = [record for page in fetch_pages(source) for record in page]

    assert [record["id"] for record in records] == list(range(1, 26))
    assert [request.query.get("cursor") for request in server.requests] == [None, "c10", "c20"]


def test_next_link_paging_keeps_the_urls_own_query(server: FeedServer) -> None:
    source = _source(
        server, "/links?kind=teacher", paging="cursor", items_path="data", next_link_path="links.next"
    )

    records = [record for page in fetch_pages(source) for record in page]

    assert [record["id"] for record in records] == list(range(1, 26))
    assert all(request.query["kind"] == "teacher" for request in server.requests)


def test_a_page_that_repeats_stops_with_an_error(server: FeedServer) -> None:
    source = _source(server, "/repeat", paging="page", page_size=10, items_path="data.items")

    with pytest.raises(FeedError, match="repeats") as raised:
        list(fetch_pages(source))

    assert raised.value.page == 2
    assert server.count("/repeat") == 2


# --- retries and failures -----------------------------------------------------------------------


def test_a_500_is_retried_then_succeeds(server: FeedServer) -> None:
    records = [
        record for page in fetch_pages(_source(server, "/flaky", items_path="items")) for record in page
    ]

    assert len(records) == 3
    assert server.count("/flaky") == 2


def test_a_429_is_retried_after_backing_off(server: FeedServer) -> None:
    records = [
        record for page in fetch_pages(_source(server, "/busy", items_path="items")) for record in page
    ]

    assert len(records) == 4
    assert server.count("/busy") == 2


def test_a_timeout_is_retried_then_succeeds(server: FeedServer) -> None:
    source = _source(server, "/slow", items_path="items", timeout=0.3)

    records = [record for page in fetch_pages(source) for record in page]

    assert len(records) == 2
    assert server.count("/slow") == 2


def test_a_server_that_keeps_failing_gives_up_with_url_status_and_attempts(server: FeedServer) -> None:
    source = _source(server, "/down", items_path="items", max_retries=2, backoff_base=0.05)

    started = time.monotonic()
    with pytest.raises(FeedError) as raised:
        list(fetch_pages(source))
    waited = time.monotonic() - started

    error = raised.value
    assert isinstance(error, RuntimeError)
    assert (error.status, error.attempts) == (503, 3)
    assert "/down" in str(error) and "503" in str(error) and "3 attempt" in str(error)
    assert "尝试 3 次" in error.message_zh
    assert server.count("/down") == 3
    assert waited >= 0.05 + 0.1  # backed off 0.05 s, then 0.1 s


def test_a_401_is_not_retried(server: FeedServer) -> None:
    source = _source(server, "/auth", items_path="items", bearer_token="wrong", max_retries=5)

    with pytest.raises(FeedError) as raised:
        list(fetch_pages(source))

    assert (raised.value.status, raised.value.attempts) == (401, 1)
    assert "token" in str(raised.value)
    assert server.count("/auth") == 1


def test_bearer_and_header_auth_are_sent(server: FeedServer) -> None:
    bearer = _source(server, "/auth", items_path="items", bearer_token="good-token")
    keyed = _source(server, "/key", items_path="items", auth_header="X-Api-Key", auth_value="k-123")

    assert len(next(fetch_pages(bearer))) == 2
    assert len(next(fetch_pages(keyed))) == 1
    assert "good-token" not in repr(bearer)


def test_malformed_json_is_a_clear_error(server: FeedServer) -> None:
    with pytest.raises(FeedError, match="not valid JSON") as raised:
        list(fetch_pages(_source(server, "/malformed", items_path="items")))

    assert raised.value.status == 200
    assert "张三" in str(raised.value)  # the start of the body, to see what came instead
    assert server.count("/malformed") == 1


def test_a_missing_items_path_names_the_path(server: FeedServer) -> None:
    with pytest.raises(FeedError, match="data.records"):
        list(fetch_pages(_source(server, "/page", items_path="data.records")))


def test_connection_refused_is_retried_then_reported() -> None:
    with socket_bound_and_closed() as port:
        source = HttpJsonSource(url=f"http://127.0.0.1:{port}/x", max_retries=1, backoff_base=0.01)
        with pytest.raises(FeedError, match="connection failed") as raised:
            list(fetch_pages(source))
    assert raised.value.status is None
    assert raised.value.attempts == 2


def test_rate_limit_spaces_requests(server: FeedServer) -> None:
    source = _source(server, "/page", paging="page", page_size=5, items_path="data.items", rate_limit=10)
    sent: list[float] = []

    def record(request: httpx.Request) -> None:
        sent.append(time.monotonic())

    with httpx.Client(event_hooks={"request": [record]}) as client:
        assert sum(len(page) for page in fetch_pages(source, client)) == 25

    gaps = [later - earlier for earlier, later in zip(sent, sent[1:], strict=False)]
    assert len(gaps) == 5
    assert min(gaps) >= 0.09  # 10 per second: 100 ms apart


def test_a_given_client_is_used_and_left_open(server: FeedServer) -> None:
    with httpx.Client(headers={"User-Agent": "yici-test"}) as client:
        list(fetch_pages(_source(server, "/flaky", items_path="items"), client))
        assert not client.is_closed
    assert server.requests[-1].headers["User-Agent"] == "yici-test"


# --- the table ----------------------------------------------------------------------------------


def test_read_feed_flattens_nested_objects_to_text(server: FeedServer) -> None:
    table = read_feed(_source(server, "/nested"))

    assert table.headers == (
        "id",
        "name",
        "school.code",
        "school.region",
        "tags",
        "salary",
        "active",
        "hired",
    )
    assert list(table.frame.index) == [1, 2]
    frame = table.frame
    assert frame.loc[1, "school.code"] == "1111000001"
    assert json.loads(frame.loc[1, "school.region"]) == {"code": "110101"}  # deeper levels stay JSON
    assert frame.loc[1, "tags"] == '["a"]'
    assert frame.loc[2, ["salary", "active", "hired", "school.code"]].tolist() == ["5432.1", "true", "3", ""]


def test_read_feed_across_pages(server: FeedServer) -> None:
    table = read_feed(_source(server, "/page", paging="page", page_size=10, items_path="data.items"))

    assert table.pages == 3
    assert len(table.frame) == 25
    assert table.frame.loc[25, "name"] == "教师25"
    assert set(table.frame["school.name"]) == {"第一中学"}


@pytest.mark.parametrize(
    ("options", "setting"),
    [
        ({"url": "ftp://x"}, "url"),
        ({"paging": "cursor"}, "cursor_path"),
        ({"page_size": 0}, "page_size"),
        ({"auth_header": "X-Key"}, "auth_header"),
    ],
)
def test_impossible_configs_are_refused(options: dict[str, Any], setting: str) -> None:
    with pytest.raises(SourceConfigError) as raised:
        HttpJsonSource(**{"url": "http://127.0.0.1/x", **options})
    assert raised.value.field == setting


class socket_bound_and_closed:
    """A loopback port nothing listens on (bound, then released)."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
        return port

    def __exit__(self, *exc: object) -> None:
        return None
