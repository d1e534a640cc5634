"""The httpx clients the SDK builds for itself: what they skip, and what they must still do.

Every test talks to a real HTTP/1.1 server on loopback (``http.server``, keep-alive), so the
connections, locks and cookie jars under test are the ones a user's requests go through.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import httpcore
import httpx
import pytest

from customers_sdk import AsyncCustomersClient
from customers_sdk._asyncio_pool import AsyncioPool, _Connection, _take_fast, use_asyncio
from customers_sdk._own_http import new_http_client


class _Handler(BaseHTTPRequestHandler):
    """Echoes the request's Cookie header; ``/set`` also sets a cookie, as a load balancer
    pinning a session would."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def do_GET(self) -> None:
        body = self.headers.get("Cookie", "").encode()
        self.send_response(200)
        if self.path == "/set":
            self.send_header("Set-Cookie", "lb=sticky; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0


@pytest.fixture
def server() -> Iterator[_Server]:
    with _Server(("127.0.0.1", 0), _Handler) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield running
        running.shutdown()
        thread.join()


def _url(server: _Server, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


@pytest.fixture
def jar_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs whose responses reached ``http.cookiejar``."""
    calls: list[str] = []
    original = http.cookiejar.CookieJar.extract_cookies

    def counted(jar: http.cookiejar.CookieJar, response: Any, request: Any) -> None:
        calls.append(request.get_full_url())
        original(jar, response, request)

    monkeypatch.setattr(http.cookiejar.CookieJar, "extract_cookies", counted)
    return calls


def test_sync_client_reads_cookies_only_from_responses_that_set_them(
    server: _Server, jar_calls: list[str]
) -> None:
    with new_http_client(httpx.Client, httpx.Timeout(5.0)) as client:
        assert client.get(_url(server, "/plain")).text == ""
        assert jar_calls == []
        client.get(_url(server, "/set"))
        assert jar_calls == [_url(server, "/set")]
        # The cookie is kept and sent back, exactly as httpx's own jar does.
        assert client.get(_url(server, "/plain")).text == "lb=sticky"
        assert client.cookies["lb"] == "sticky"


@pytest.mark.anyio
async def test_async_client_reads_cookies_only_from_responses_that_set_them(
    server: _Server, jar_calls: list[str]
) -> None:
    async with new_http_client(httpx.AsyncClient, httpx.Timeout(5.0)) as client:
        assert (await client.get(_url(server, "/plain"))).text == ""
        await client.get(_url(server, "/set"))
        assert jar_calls == [_url(server, "/set")]
        assert (await client.get(_url(server, "/plain"))).text == "lb=sticky"


def _runs_before_yielding() -> list[str]:
    # A callback the event loop runs the next time the current task gives it control.
    ran: list[str] = []
    asyncio.get_running_loop().call_soon(ran.append, "loop ran")
    return ran


@pytest.mark.anyio
async def test_connections_take_their_locks_without_a_trip_through_the_event_loop(
    server: _Server,
) -> None:
    async with AsyncCustomersClient.stripe(api_key="sk_test_x") as sdk:
        client: Any = sdk._http
        for _ in range(2):
            await client.get(_url(server, "/plain"))
        pool = client._transport._pool
        assert type(pool) is AsyncioPool
        connection: Any
        [connection] = pool.connections  # kept alive and reused
        assert server.connections == 1
        for lock in (connection._request_lock, connection._connection._state_lock):
            ran = _runs_before_yielding()
            async with lock:
                assert ran == []
        # httpcore's own lock, for comparison: it yields once even when nobody holds it.
        ran = _runs_before_yielding()
        async with httpcore._synchronization.AsyncLock():
            assert ran == ["loop ran"]


@pytest.mark.anyio
async def test_expired_connections_are_still_closed(server: _Server) -> None:
    # Expired the moment its response ends: the pool must close it then, not skip it.
    limits = httpx.Limits(keepalive_expiry=0)
    async with use_asyncio(httpx.AsyncClient(limits=limits)) as client:
        pool: Any = client._transport._pool  # type: ignore[attr-defined]
        async with client.stream("GET", _url(server, "/plain")) as response:
            [connection] = pool.connections
            await response.aread()
        assert connection.is_closed()
        assert pool.connections == []


def test_other_event_loops_keep_httpcores_locks(server: _Server) -> None:
    async def on_trio() -> tuple[str, Any]:
        async with use_asyncio(httpx.AsyncClient()) as client:
            for _ in range(2):
                response = await client.get(_url(server, "/plain"))
            [connection] = client._transport._pool.connections  # type: ignore[attr-defined]
            return response.text, connection

    text, connection = anyio.run(on_trio, backend="trio")
    assert text == ""
    assert type(connection) is httpcore.AsyncHTTPConnection
    assert isinstance(connection._request_lock, httpcore._synchronization.AsyncLock)


def test_a_cookie_jar_httpx_did_not_make_is_left_alone() -> None:
    class Jar(httpx.Cookies):
        pass

    class Client(httpx.Client):
        def __init__(self, **options: Any) -> None:
            super().__init__(**options)
            self._cookies = Jar()  # what a future httpx might store there

    with new_http_client(Client, httpx.Timeout(5.0)) as client:
        assert type(client.cookies) is Jar


def test_locks_stay_httpcores_where_there_is_no_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    connection = _Connection(httpcore.Origin(b"http", b"127.0.0.1", 80))
    assert connection._connection is None
    original = connection._request_lock
    _take_fast(connection, "_no_such_lock")
    assert not hasattr(connection, "_no_such_lock")

    def old_anyio(*, fast_acquire: bool = False) -> Any:
        raise TypeError("Lock() takes no arguments")  # anyio < 4.5

    monkeypatch.setattr(anyio, "Lock", old_anyio)
    _take_fast(connection, "_request_lock")
    assert connection._request_lock is original
