"""The response size cap against a real socket: a hostile server on 127.0.0.1 sends a 400 MiB
chunked body, or a 0.4 MB gzip body that inflates to 400 MiB. The client stops at the cap,
holds little more than that and drops the connection.
"""

from __future__ import annotations

import socket
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from conftest import Drive, Driver
from customers_sdk import ResponseValidationError

pytestmark = pytest.mark.integration

MIB = 1 << 20
CAP = MIB
HOSTILE_SIZE = 400 * MIB
PAGE = b'{"object": "list", "url": "/v1/customers", "has_more": false, "data": []}'


def gzip_bomb(mebibytes: int) -> bytes:
    """A gzip stream of ``mebibytes`` MiB of spaces, ~1 KB per MiB (built without them)."""
    spaces = b" " * MIB
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    first = compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh: every further MiB encodes the same.
    block = compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + block * (mebibytes - 1)


@dataclass
class HostileServer:
    """Answers ``/chunked/...`` with an endless chunked body, ``/bomb/...`` with a gzip bomb
    and anything else with an empty Stripe page; counts connections and body bytes sent."""

    port: int = 0
    connections: int = 0
    sent: dict[str, int] = field(default_factory=dict)
    bomb: bytes = field(default_factory=lambda: gzip_bomb(HOSTILE_SIZE // MIB))

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mode}"

    def serve(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # the listener was closed: the test is over
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            while (request := _read_request(conn)) is not None:
                mode = request.split(b" ")[1].split(b"/")[1].decode()
                try:
                    self._answer(conn, mode)
                except OSError:
                    return  # the client hung up mid-body, as it should

    def _answer(self, conn: socket.socket, mode: str) -> None:
        self.sent.setdefault(mode, 0)
        if mode == "chunked":
            conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
            while self.sent[mode] < HOSTILE_SIZE:
                conn.sendall(chunk)
                self.sent[mode] += 64 * 1024
            conn.sendall(b"0\r\n\r\n")
            return
        body = self.bomb if mode == "bomb" else PAGE
        encoding = b"Content-Encoding: gzip\r\n" if mode == "bomb" else b""
        head = b"HTTP/1.1 200 OK\r\n%sContent-Length: %d\r\n\r\n" % (encoding, len(body))
        conn.sendall(head + body)
        self.sent[mode] += len(body)


def _read_request(conn: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            received = conn.recv(65536)
        except OSError:
            return None
        if not received:
            return None
        data += received
    return data


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    listener = socket.create_server(("127.0.0.1", 0))
    server.port = listener.getsockname()[1]
    thread = threading.Thread(target=server.serve, args=(listener,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        # close() alone does not wake a thread blocked in accept(); shutdown() does.
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(timeout=5)
        assert not thread.is_alive()


def client(drive: Drive, hostile: HostileServer, mode: str) -> Driver:
    return drive.stripe(
        api_key="sk_test_cap", base_url=hostile.url(mode), max_retries=0, max_response_bytes=CAP
    )


def peak_while(call: object) -> tuple[BaseException | None, int]:
    """Run ``call()``; what it raised and the peak of memory traced meanwhile."""
    assert callable(call)
    tracemalloc.start()
    try:
        call()
    except ResponseValidationError as exc:
        return exc, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return None, 0


@pytest.mark.parametrize("mode", ["chunked", "bomb"])
def test_a_hostile_body_stops_at_the_cap_and_the_connection_is_dropped(
    drive: Drive, hostile: HostileServer, mode: str
) -> None:
    capped = client(drive, hostile, mode)
    before = hostile.connections

    error, peak = peak_while(capped.first_page)

    assert isinstance(error, ResponseValidationError)
    assert f"max_response_bytes={CAP}" in str(error)
    if mode == "chunked":
        # The server wrote what the socket buffers took before it saw the client leave.
        assert hostile.sent[mode] < 64 * MIB
        assert peak < CAP + 4 * MIB
    else:
        # Compressed bodies reach the decoder in 4 KiB pieces, each inflating to 4 MiB at
        # most (which zlib builds in blocks, then copies): far below the 400 MiB, and as much
        # again to join them, that were buffered before the cap.
        assert peak < CAP + 16 * MIB
    # The half-read connection was closed, not pooled: the next call opens a new one.
    with pytest.raises(ResponseValidationError):
        capped.first_page()
    assert hostile.connections == before + 2


def test_pages_under_the_cap_keep_their_connection(drive: Drive, hostile: HostileServer) -> None:
    capped = client(drive, hostile, "page")
    before = hostile.connections

    pages = [capped.first_page() for _ in range(3)]

    assert [page.data for page in pages] == [[], [], []]
    assert hostile.connections == before + 1
