"""The httpx clients the SDK builds for itself: stock httpx clients with the SDK's settings.

Every test talks to a real HTTP/1.1 server on loopback (``http.server``, keep-alive), so the
connections and cookie jars under test are the ones a user's requests go through.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from customers_sdk import AsyncCustomersClient, CustomersClient
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


@pytest.mark.parametrize("kind", [httpx.Client, httpx.AsyncClient])
def test_the_sdks_own_clients_are_stock_httpx_clients(kind: type[Any]) -> None:
    client = new_http_client(kind, httpx.Timeout(5.0, connect=1.0))
    assert type(client) is kind
    assert type(client.cookies) is httpx.Cookies
    assert client.timeout == httpx.Timeout(5.0, connect=1.0)
    assert not client.follow_redirects


def test_both_clients_build_stock_clients_with_the_sdks_timeout() -> None:
    with CustomersClient.stripe(api_key="sk_test_x", timeout=7.0) as sync:
        assert type(sync._http) is httpx.Client
        assert sync._http.timeout == httpx.Timeout(7.0)
    client = AsyncCustomersClient.stripe(api_key="sk_test_x", timeout=7.0)
    assert type(client._http) is httpx.AsyncClient
    assert client._http.timeout == httpx.Timeout(7.0)


def test_sync_client_keeps_and_returns_cookies(server: _Server) -> None:
    # A load balancer pinning a session by cookie still works: the jar is httpx's own.
    with new_http_client(httpx.Client, httpx.Timeout(5.0)) as client:
        assert client.get(_url(server, "/plain")).text == ""
        client.get(_url(server, "/set"))
        assert client.get(_url(server, "/plain")).text == "lb=sticky"
        assert client.cookies["lb"] == "sticky"


@pytest.mark.anyio
async def test_async_client_keeps_and_returns_cookies(server: _Server) -> None:
    async with AsyncCustomersClient.stripe(api_key="sk_test_x") as sdk:
        client = sdk._http
        for _ in range(2):
            assert (await client.get(_url(server, "/plain"))).text == ""
        await client.get(_url(server, "/set"))
        assert (await client.get(_url(server, "/plain"))).text == "lb=sticky"
    assert server.connections == 1  # one connection, kept alive and reused
