"""The loopback server under hostile or careless clients: raw bytes over a real socket.

Framing it cannot trust gets a JSON 400 and a closed connection, bodies over the cap a 413,
silent connections are hung up on, many connections at once are all answered, and a client
that leaves is not worth a traceback.
"""

from __future__ import annotations

import json
import logging
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_sandbox_server import AUTH, AUTHORIZATION_LINE, raw_exchange

from customers_sdk.sandbox import Sandbox, SandboxResponse, SandboxServer, serve

pytestmark = pytest.mark.integration
CAP = 1024


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with serve(Sandbox(customers=5), max_body_bytes=CAP, idle_timeout=5) as started:
        yield started


def split(response: bytes) -> tuple[str, dict[str, str], bytes]:
    """Status line, lower-cased headers and body of one raw response."""
    head, _, body = response.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines)
    return status_line, headers, body


def post(path: str, framing: bytes, body: bytes = b"") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n".encode()
        + AUTHORIZATION_LINE
        + framing
        + b"\r\n"
        + body
    )


def assert_refused(response: bytes, status: int, code: str) -> dict[str, str]:
    """A JSON error in the REST dialects' shape, on a connection the server then closed
    (`raw_exchange` only returns once the server has closed it)."""
    status_line, headers, body = split(response)
    assert status_line.startswith(f"HTTP/1.1 {status} ")
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == code
    return dict(error)


@pytest.mark.parametrize(
    ("framing", "body"),
    [
        (b"Content-Length: 2\r\nContent-Length: 2\r\n", b"{}"),
        (b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n"),
        (b"Transfer-Encoding: gzip, chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n"),
        (b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", b"0\r\n\r\n"),
        (b"Content-Length: +2\r\n", b"{}"),
        (b"Content-Length: \xb2\r\n", b"{}"),  # a digit to str.isdigit(), not to HTTP
        (b"Transfer-Encoding: chunked\r\n", b"0x2\r\n{}\r\n0\r\n\r\n"),
        (b"Transfer-Encoding: chunked\r\n", b"1_0\r\n{}\r\n0\r\n\r\n"),
        (b"Transfer-Encoding: chunked\r\n", b"\r\n"),
        (b"Transfer-Encoding: chunked\r\n", b"f" * 40 + b"\r\n{}"),  # a huge chunk size
        (b"Transfer-Encoding: chunked\r\n", b"2\r\n{}XX0\r\n\r\n"),  # no CRLF after the data
        (b"Transfer-Encoding: chunked\r\n", b"1" * 9000 + b"\r\n"),  # an endless size line
        (b"Transfer-Encoding: chunked\r\n", b"0\r\n" + b"X-T: 1\r\n" * 101 + b"\r\n"),
    ],
)
def test_untrustworthy_framing_is_a_json_400_and_a_closed_connection(
    server: SandboxServer, framing: bytes, body: bytes
) -> None:
    response = raw_exchange(server, post("/rest/v1/customers", framing, body))
    assert_refused(response, 400, "invalid_request_framing")
    assert server.sandbox.customer_count == 5


def test_refusals_take_the_error_shape_of_the_path_dialect(server: SandboxServer) -> None:
    framing = b"Content-Length: 2\r\nContent-Length: 2\r\n"
    response = raw_exchange(server, post("/v1/customers", framing, b"{}"))
    error = assert_refused(response, 400, "invalid_request_framing")
    assert error["message"] == "Content-Length must be sent once."
    assert split(response)[1]["request-id"].startswith("req_")


def test_http_server_refusals_are_json_too(server: SandboxServer) -> None:
    status_line, _headers, body = split(
        raw_exchange(server, b"BREW /rest/v1/customers HTTP/1.1\r\nHost: x\r\n\r\n")
    )
    assert status_line.startswith("HTTP/1.1 501 ")
    assert json.loads(body)["error"]["type"] == "api_error"
    for garbage in (b"GET /v1/customers HTTP/7\r\n\r\n", b"GET / HTTP/1.1 extra\r\n\r\n"):
        assert_refused(raw_exchange(server, garbage), 400, "bad_request")


@pytest.mark.parametrize(
    ("framing", "body"),
    [
        (f"Content-Length: {CAP + 1}\r\n".encode(), b""),  # refused before a byte is read
        (b"Content-Length: " + b"9" * 5000 + b"\r\n", b""),
        (b"Transfer-Encoding: chunked\r\n", b"400\r\n" + b" " * CAP + b"\r\n1\r\n "),
        (b"Transfer-Encoding: chunked\r\n", b"ffffffffffffffff\r\n"),
    ],
)
def test_bodies_over_the_cap_are_a_json_413(
    server: SandboxServer, framing: bytes, body: bytes
) -> None:
    response = raw_exchange(server, post("/rest/v1/customers", framing, body))
    error = assert_refused(response, 413, "request_too_large")
    assert error["message"] == f"The request body is larger than {CAP} bytes."


def test_a_body_of_exactly_the_cap_is_read(server: SandboxServer) -> None:
    document = b'{"name": "' + b"x" * (CAP - 12) + b'"}'
    assert len(document) == CAP
    with httpx.Client(base_url=server.cursor_base_url, headers=AUTH) as client:
        response = client.post("/v1/customers", content=document)
    assert response.status_code == 200


def test_a_client_still_sending_a_big_body_reads_its_413(server: SandboxServer) -> None:
    # The server stops reading at once; it must not reset the connection under the client
    # before the client has read the reply.
    with httpx.Client(base_url=server.cursor_base_url, headers=AUTH) as client:
        response = client.post("/v1/customers", content=b"x" * (2 << 20))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_expect_100_continue_is_refused_before_the_body_is_sent(server: SandboxServer) -> None:
    request = post(
        "/rest/v1/customers", f"Expect: 100-continue\r\nContent-Length: {CAP * 10}\r\n".encode()
    )
    response = raw_exchange(server, request)
    assert not response.startswith(b"HTTP/1.1 100")
    assert_refused(response, 413, "request_too_large")


def test_expect_100_continue_within_the_cap_goes_ahead(server: SandboxServer) -> None:
    request = post("/rest/v1/customers", b"Expect: 100-continue\r\nContent-Length: 2\r\n")
    with socket.create_connection((server.host, server.port), timeout=5) as connection:
        connection.sendall(request)
        assert connection.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        connection.sendall(b"{}")
        assert connection.recv(65536).startswith(b"HTTP/1.1 200 ")


def test_the_default_cap_is_one_mebibyte() -> None:
    with serve(Sandbox(customers=0)) as server:
        over = raw_exchange(server, post("/v1/customers", b"Content-Length: 1048577\r\n"))
    assert split(over)[0].startswith("HTTP/1.1 413 ")


def test_idle_connections_are_closed_after_the_idle_timeout() -> None:
    with serve(Sandbox(customers=1), idle_timeout=0.1) as server:
        idle = [socket.create_connection((server.host, server.port), timeout=5) for _ in range(20)]
        kept_alive = socket.create_connection((server.host, server.port), timeout=5)
        request = b"GET /v1/customers?limit=1 HTTP/1.1\r\nHost: x\r\n" + AUTHORIZATION_LINE
        kept_alive.sendall(request + b"\r\n")
        answered = b""
        while chunk := kept_alive.recv(65536):  # one reply, then the idle hang-up
            answered += chunk
        for connection in [*idle, kept_alive]:
            with connection:
                assert connection.recv(1) == b""  # closed by the server, not timed out here
    assert answered.startswith(b"HTTP/1.1 200 ")


def test_a_body_that_stops_arriving_is_a_408() -> None:
    with serve(Sandbox(customers=1), idle_timeout=0.1) as server:
        response = raw_exchange(
            server, post("/rest/v1/customers", b"Content-Length: 10\r\n", b"{}")
        )
    status_line, _headers, body = split(response)
    assert status_line.startswith("HTTP/1.1 408 ")
    assert json.loads(body)["error"]["code"] == "request_timeout"


@pytest.mark.parametrize(
    ("framing", "body"),
    [(b"Content-Length: 10\r\n", b"{}"), (b"Transfer-Encoding: chunked\r\n", b"2\r\n{}\r\n1")],
)
def test_a_client_leaving_mid_body_is_not_answered(
    server: SandboxServer, framing: bytes, body: bytes
) -> None:
    with socket.create_connection((server.host, server.port), timeout=5) as connection:
        connection.sendall(post("/rest/v1/customers", framing, body))
        connection.shutdown(socket.SHUT_WR)
        assert connection.recv(65536) == b""


def test_two_hundred_simultaneous_connections_are_all_answered(server: SandboxServer) -> None:
    request = b"GET /v1/customers?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    request += AUTHORIZATION_LINE + b"\r\n"
    barrier = threading.Barrier(200, timeout=30)
    answers: list[bytes] = []
    failures: list[BaseException] = []

    def one() -> None:
        try:
            barrier.wait()
            answers.append(raw_exchange(server, request))
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=one) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(answers) == 200
    assert all(answer.startswith(b"HTTP/1.1 200 ") for answer in answers)


def test_connections_beyond_the_maximum_get_a_503_not_a_thread() -> None:
    request = b"GET /v1/customers?limit=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    request += AUTHORIZATION_LINE + b"\r\n"
    with serve(Sandbox(customers=1), max_connections=2) as server:
        address = (server.host, server.port)
        holding = [socket.create_connection(address, timeout=5) for _ in range(2)]
        status_line, headers, body = split(raw_exchange(server, request))
        assert status_line == "HTTP/1.1 503 Service Unavailable"
        assert (headers["retry-after"], headers["connection"]) == ("1", "close")
        assert json.loads(body)["error"]["code"] == "too_many_connections"
        holding.pop().close()
        deadline = time.monotonic() + 5
        # The freed slot is back once its thread has seen the hang-up: a moment, not a wait.
        while not (answer := raw_exchange(server, request)).startswith(b"HTTP/1.1 200 "):
            assert time.monotonic() < deadline, answer
        holding.pop().close()


def test_a_thread_that_cannot_start_gives_its_slot_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    failures = iter([RuntimeError("can't start new thread")])
    start_thread = socketserver.ThreadingMixIn.process_request

    def flaky(self: socketserver.ThreadingMixIn, request: Any, client_address: Any) -> None:
        if (error := next(failures, None)) is not None:
            raise error
        start_thread(self, request, client_address)

    monkeypatch.setattr(socketserver.ThreadingMixIn, "process_request", flaky)
    request = b"GET /v1/customers HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    request += AUTHORIZATION_LINE + b"\r\n"
    with serve(Sandbox(customers=1), max_connections=1) as server:
        assert raw_exchange(server, request) == b""
        assert raw_exchange(server, request).startswith(b"HTTP/1.1 200 ")
    [record] = [r for r in caplog.records if r.name == "customers_sdk.sandbox"]
    assert record.levelno == logging.ERROR


def test_deep_json_is_a_400_and_the_connection_lives_on(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.cursor_base_url, headers=AUTH) as client:
        deep = client.post("/v1/customers", content=b"[" * CAP)
        assert client.get("/v1/customers").status_code == 200
    assert deep.status_code == 400
    assert deep.json()["error"]["message"] == "The request is nested too deeply."


def test_clients_that_leave_cost_no_traceback(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="customers_sdk.sandbox")
    release = threading.Event()
    sandbox = Sandbox(customers=5, latency=1.0)
    with serve(sandbox, sleep=lambda _: release.wait(5)) as server:
        with socket.create_connection((server.host, server.port), timeout=5) as connection:
            connection.sendall(b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n")
            # Linger 0: close with a reset, so the server's reply meets a dead socket.
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        release.set()
        deadline = time.monotonic() + 5
        while not any(" left: " in record.getMessage() for record in caplog.records):
            assert time.monotonic() < deadline, "the server never noticed the client left"
            time.sleep(0.01)
    assert capsys.readouterr().err == ""
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


def test_a_server_bug_is_a_logged_json_500(caplog: pytest.LogCaptureFixture) -> None:
    def broken_sleep(seconds: float) -> None:
        raise RuntimeError("a bug in the server")

    with serve(Sandbox(customers=1, latency=0.5), sleep=broken_sleep) as server:
        response = raw_exchange(server, b"GET /rest/v1/customers HTTP/1.1\r\nHost: x\r\n\r\n")
    status_line, _, body = split(response)
    assert status_line.startswith("HTTP/1.1 500 ")
    assert json.loads(body)["error"]["code"] == "internal_error"
    [record] = [r for r in caplog.records if r.name == "customers_sdk.sandbox"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError


def test_a_bug_once_the_reply_has_started_is_logged_and_hangs_up(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = Sandbox(customers=1)
    unsendable = SandboxResponse(200, (("X-Snowman", "\u2603"),), b"{}")  # not Latin-1
    monkeypatch.setattr(sandbox, "handle", lambda *request: unsendable)
    with serve(sandbox) as server:
        assert raw_exchange(server, b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n") == b""
    [record] = [r for r in caplog.records if r.name == "customers_sdk.sandbox"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[0] is UnicodeEncodeError
