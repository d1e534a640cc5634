"""The sandbox over a real loopback socket: each dialect, keep-alive, socket-level faults."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPException

import httpx
import pytest

from customers_sdk.sandbox import Sandbox, SandboxServer, serve

pytestmark = pytest.mark.integration
AUTH = {"Authorization": "Bearer sk_test_sandbox"}
AUTHORIZATION_LINE = b"Authorization: Bearer sk_test_sandbox\r\n"


@pytest.fixture
def sandbox_instance() -> Sandbox:
    return Sandbox(customers=60)


@pytest.fixture
def sandbox_server(sandbox_instance: Sandbox) -> Iterator[SandboxServer]:
    with serve(sandbox_instance, host="127.0.0.1", port=0) as server:
        yield server


@pytest.fixture
def http(sandbox_server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_server.url, headers=AUTH, timeout=5) as client:
        yield client


def raw_exchange(server: SandboxServer, request: bytes) -> bytes:
    """Send raw bytes, read until the server closes; what a client would see on the wire."""
    with socket.create_connection((server.host, server.port), timeout=5) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_base_urls(sandbox_server: SandboxServer) -> None:
    assert sandbox_server.url == f"http://127.0.0.1:{sandbox_server.port}"
    assert sandbox_server.stripe_base_url == sandbox_server.url
    assert sandbox_server.offset_base_url == sandbox_server.url
    assert sandbox_server.cursor_base_url == sandbox_server.url + "/rest"
    collections = {
        sandbox_server.stripe_base_url + "/v1/customers": "url",
        sandbox_server.offset_base_url + "/api/public/customers": "pagination",
        sandbox_server.cursor_base_url + "/v1/customers": "object",
    }
    for url, key in collections.items():
        assert key in httpx.get(url, headers=AUTH).json()


def test_stripe_round_trip(http: httpx.Client) -> None:
    created = http.post("/v1/customers", data={"email": "wire@example.com", "metadata[a]": "1"})
    assert created.status_code == 200
    assert created.headers["request-id"].startswith("req_")
    customer_id = created.json()["id"]
    updated = http.post(f"/v1/customers/{customer_id}", data={"name": "Wire"}).json()
    assert updated["name"] == "Wire"
    assert updated["metadata"] == {"a": "1"}
    assert http.get("/v1/customers", params={"limit": 1}).json()["data"][0]["id"] == customer_id
    assert http.delete(f"/v1/customers/{customer_id}").json()["deleted"] is True


def test_offset_round_trip(http: httpx.Client) -> None:
    page = http.get("/api/public/customers", params={"limit": 7, "offset": 56}).json()
    assert len(page["data"]) == 4
    assert page["pagination"] == {"total": 60, "limit": 7, "offset": 56, "hasMore": False}


def test_cursor_round_trip(sandbox_server: SandboxServer) -> None:
    base_url = sandbox_server.cursor_base_url
    with httpx.Client(base_url=base_url, headers=AUTH, timeout=5) as client:
        created = client.post("/v1/customers", json={"name": "Cursor", "metadata": {"k": "v"}})
        assert created.status_code == 200
        item = f"/v1/customers/{created.json()['id']}"
        assert client.patch(item, json={"name": None}).json()["name"] is None
        assert (
            client.get("/v1/customers", params={"limit": 1}).json()["data"][0]["id"]
            == (created.json()["id"])
        )
        assert client.delete(item).json()["deleted"] is True
        assert client.get(item).status_code == 404


def test_connections_are_kept_alive(sandbox_server: SandboxServer) -> None:
    connection = HTTPConnection(sandbox_server.host, sandbox_server.port, timeout=5)
    try:
        connection.request("GET", "/v1/customers?limit=1", headers=AUTH)
        first = connection.getresponse()
        first.read()
        socket_after_first = connection.sock
        connection.request("GET", "/rest/v1/customers?limit=1", headers=AUTH)
        second = connection.getresponse()
        second.read()
        assert (first.status, second.status) == (200, 200)
        assert socket_after_first is not None
        assert connection.sock is socket_after_first
    finally:
        connection.close()


def test_keep_alive_requests_do_not_stall_on_delayed_acks(http: httpx.Client) -> None:
    # Nagle's algorithm plus the client's delayed ACK costs ~40 ms a request: 25 requests
    # would take over a second. Without the stall they take a few milliseconds each.
    http.get("/v1/customers")
    started = time.perf_counter()
    for _ in range(25):
        http.get("/v1/customers", params={"limit": 1})
    assert time.perf_counter() - started < 0.75


def test_reset_closes_the_socket_without_a_reply(
    http: httpx.Client, sandbox_server: SandboxServer, sandbox_instance: Sandbox
) -> None:
    sandbox_instance.inject("reset")
    count = sandbox_instance.customer_count
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post("/v1/customers", data={"name": "lost"})
    assert sandbox_instance.customer_count == count
    sandbox_instance.inject("reset")
    assert raw_exchange(sandbox_server, b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n") == b""
    assert http.get("/v1/customers").status_code == 200  # the client reconnects


def test_truncated_really_sends_a_short_body(
    http: httpx.Client, sandbox_server: SandboxServer, sandbox_instance: Sandbox
) -> None:
    sandbox_instance.inject("truncated")
    request = b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n" + AUTHORIZATION_LINE + b"\r\n"
    head, _, body = raw_exchange(sandbox_server, request).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode().split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in header_lines)
    assert status_line == "HTTP/1.1 200 OK"
    assert len(body) == int(headers["content-length"]) // 2
    sandbox_instance.inject("truncated")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/v1/customers")
    assert http.get("/v1/customers").status_code == 200


def test_commit_then_drop_stores_the_record(http: httpx.Client, sandbox_instance: Sandbox) -> None:
    sandbox_instance.inject("commit_then_drop", method="POST")
    count = sandbox_instance.customer_count
    headers = {"Idempotency-Key": "wire-retry"}
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post("/v1/customers", data={"email": "dropped@example.com"}, headers=headers)
    assert sandbox_instance.customer_count == count + 1
    stored = http.get("/v1/customers", params={"email": "dropped@example.com"}).json()["data"]
    assert len(stored) == 1
    retry = http.post("/v1/customers", data={"email": "dropped@example.com"}, headers=headers)
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["id"] == stored[0]["id"]


def test_error_faults_over_the_wire(http: httpx.Client, sandbox_instance: Sandbox) -> None:
    sandbox_instance.inject("server_error")
    sandbox_instance.inject("rate_limit")
    assert http.get("/rest/v1/customers").status_code == 503
    limited = http.get("/rest/v1/customers")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"


def test_chunked_request_bodies_are_read(http: httpx.Client) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"name": '
        yield b'"Chunked"}'

    response = http.post(
        "/rest/v1/customers", content=body(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Chunked"


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n",
        b"POST /v1/customers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
def test_unreadable_request_bodies_are_400(
    sandbox_server: SandboxServer, request_bytes: bytes
) -> None:
    assert raw_exchange(sandbox_server, request_bytes).startswith(b"HTTP/1.1 400")


def test_chunked_trailers_are_skipped(sandbox_server: SandboxServer) -> None:
    request = (
        b"POST /rest/v1/customers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + AUTHORIZATION_LINE
        + b"Transfer-Encoding: chunked\r\n\r\n"
        b"2\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\n"
    )
    assert raw_exchange(sandbox_server, request).startswith(b"HTTP/1.1 200")


def test_latency_is_waited_out_per_request() -> None:
    waits: list[float] = []
    sandbox = Sandbox(customers=1, latency=0.4)
    with serve(sandbox, sleep=waits.append) as server, httpx.Client(base_url=server.url) as client:
        client.get("/v1/customers", headers=AUTH)
    assert waits == [0.4]


def test_close_hangs_up_idle_keep_alive_connections_and_frees_the_port() -> None:
    server = serve(Sandbox(customers=1))
    port = server.port
    connection = HTTPConnection("127.0.0.1", port, timeout=5)

    def ask() -> bytes:
        connection.request("GET", "/v1/customers", headers=AUTH)
        return connection.getresponse().read()

    try:
        ask()
        server.close()
        with pytest.raises((HTTPException, OSError)):
            ask()
    finally:
        connection.close()
    with SandboxServer(Sandbox(customers=1), port=port) as again:
        assert again.port == port


def test_serve_defaults_to_a_standard_sandbox() -> None:
    with serve() as server, httpx.Client(base_url=server.url, headers=AUTH) as client:
        page = client.get("/api/public/customers").json()
    assert page["pagination"]["total"] == 300


def test_serve_forever_blocks_until_closed_from_another_thread() -> None:
    server = SandboxServer(Sandbox(customers=1))
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        with httpx.Client(base_url=server.url, headers=AUTH) as client:
            assert client.get("/v1/customers").status_code == 200
    finally:
        server.close()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_close_is_safe_without_start_and_start_is_idempotent() -> None:
    SandboxServer(Sandbox(customers=0)).close()
    server = SandboxServer(Sandbox(customers=0))
    assert server.start() is server.start()
    try:
        assert httpx.get(server.url + "/v1/customers", headers=AUTH).status_code == 200
    finally:
        server.close()


def test_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 support")
    try:
        server = serve(Sandbox(customers=1), host="::1")
    except OSError:
        pytest.skip("::1 is not configured")
    with server, httpx.Client(base_url=server.url, headers=AUTH) as client:
        assert server.url.startswith("http://[::1]:")
        assert client.get("/v1/customers").status_code == 200


def test_concurrent_writers_and_readers(sandbox_server: SandboxServer) -> None:
    sandbox = sandbox_server.sandbox
    count = sandbox.customer_count
    failures: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            with httpx.Client(base_url=sandbox_server.cursor_base_url, headers=AUTH) as client:
                for index in range(10):
                    created = client.post("/v1/customers", json={"name": f"w{worker}-{index}"})
                    assert created.status_code == 200
                    assert client.get("/v1/customers", params={"limit": 5}).status_code == 200
        except BaseException as error:  # surfaced in the main thread below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert sandbox.customer_count == count + 80
