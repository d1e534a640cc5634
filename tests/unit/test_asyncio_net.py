"""The asyncio network backend under httpx: real sockets on loopback, plain and TLS.

The SDK-built async client uses it for every request, so the whole async matrix (faults,
cancellation, pagination) runs on it as well; these tests pin down what httpcore expects of a
stream on its own: timeouts, end of stream, resets, flow control both ways, TLS, and that
anything but asyncio goes to httpx's own backend.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import httpcore
import httpx
import pytest
import trustme

from customers_sdk import AsyncCustomersClient, CustomersClient
from customers_sdk._asyncio_net import AsyncioBackend, AsyncioStream
from customers_sdk._asyncio_pool import use_asyncio

pytestmark = pytest.mark.anyio

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def serving(
    handler: Handler, tls: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[str, int]]:
    """A loopback server running ``handler`` per connection; every connection (and handler)
    still open at the end is closed, so no test leaks a socket into the next."""
    open_ends: list[tuple[asyncio.StreamWriter, asyncio.Task[None]]] = []

    async def tracked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        open_ends.append((writer, task))
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            await handler(reader, writer)

    server = await asyncio.start_server(tracked, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[:2]
    finally:
        server.close()
        for writer, task in open_ends:
            task.cancel()
            writer.transport.abort()
        await asyncio.gather(*(task for _, task in open_ends), return_exceptions=True)
        await server.wait_closed()


async def connect(address: tuple[str, int], **options: object) -> AsyncioStream:
    stream = await AsyncioBackend().connect_tcp(*address, **options)  # type: ignore[arg-type]
    assert isinstance(stream, AsyncioStream)
    return stream


def sends(*chunks: bytes, then_close: bool = True) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
        if then_close:
            writer.close()
        else:
            await reader.read()  # hold the connection open until the client leaves

    return handler


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()  # reads everything, answers nothing
    writer.close()


async def flood(stream: AsyncioStream, timeout: float) -> None:
    # The kernel's buffers take a few MiB before the transport's own fill up and it waits.
    for _ in range(64):
        await stream.write(b"w" * (1024 * 1024), timeout=timeout)


async def read_all(stream: AsyncioStream, max_bytes: int = 65536) -> bytes:
    received = bytearray()
    while chunk := await stream.read(max_bytes, timeout=5):
        received += chunk
    return bytes(received)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(scope="module")
def client_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


async def test_the_sdk_builds_its_async_client_on_it_and_leaves_a_callers_alone() -> None:
    async with AsyncCustomersClient.stripe(api_key="sk_test_x") as client:
        backend = client._http._transport._pool._network_backend  # type: ignore[attr-defined]
        assert isinstance(backend, AsyncioBackend)
    own = httpx.AsyncClient()
    async with AsyncCustomersClient.stripe(api_key="sk_test_x", http_client=own) as client:
        backend = own._transport._pool._network_backend  # type: ignore[attr-defined]
        assert not isinstance(backend, AsyncioBackend)
    await own.aclose()
    with CustomersClient.stripe(api_key="sk_test_x") as sync_client:
        assert not hasattr(sync_client._http._transport._pool._network_backend, "_fallback")  # type: ignore[attr-defined]


async def test_use_asyncio_wraps_once_and_only_a_plain_pool() -> None:
    client = use_asyncio(use_asyncio(httpx.AsyncClient()))
    backend = client._transport._pool._network_backend  # type: ignore[attr-defined]
    assert isinstance(backend, AsyncioBackend)
    assert not isinstance(backend._fallback, AsyncioBackend)
    through_proxy = httpx.AsyncHTTPTransport(proxy="http://127.0.0.1:9")
    proxied = use_asyncio(httpx.AsyncClient(transport=through_proxy))
    assert not isinstance(proxied._transport._pool._network_backend, AsyncioBackend)  # type: ignore[attr-defined]
    mocked = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(204)))
    assert use_asyncio(mocked) is mocked
    for each in (client, proxied, mocked):
        await each.aclose()


async def test_reads_what_was_sent_in_pieces_no_larger_than_asked_then_the_end() -> None:
    body = bytes(range(256)) * 40
    async with serving(sends(body[:5000], body[5000:])) as address:
        stream = await connect(address)
        first = await stream.read(1000, timeout=5)
        assert 0 < len(first) <= 1000
        assert first + await read_all(stream) == body
        assert await stream.read(1000) == b""  # and stays at the end
        await AsyncioBackend().sleep(0)
        await stream.aclose()
        await stream.aclose()


async def test_a_read_that_waits_too_long_is_a_read_timeout_and_the_stream_stays_usable() -> None:
    release = asyncio.Event()

    async def late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.write(b"late")
        writer.close()

    async with serving(late) as address:
        stream = await connect(address)
        with pytest.raises(httpcore.ReadTimeout):
            await stream.read(100, timeout=0.05)
        release.set()
        assert await stream.read(100) == b"late"  # no timeout: waits as long as it takes
        assert await read_all(stream) == b""
        await stream.aclose()


async def test_a_reset_connection_is_a_read_error_not_an_end_of_stream() -> None:
    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        await reader.read(1)
        writer.transport.abort()  # with linger 0: an RST, not a FIN

    async with serving(reset) as address:
        stream = await connect(address)
        await stream.write(b"x", timeout=5)
        with pytest.raises(httpcore.ReadError):
            await read_all(stream)
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"more")
        await stream.aclose()


async def test_a_reader_that_falls_behind_pauses_the_socket_and_resumes_it() -> None:
    body = b"z" * (1024 * 1024)
    async with serving(sends(body)) as address:
        stream = await connect(address)
        connection = stream._connection
        for _ in range(200):
            if connection.reading_paused:
                break
            await asyncio.sleep(0.01)
        assert connection.reading_paused
        assert len(connection.received) < len(body)  # the rest waits in the kernel
        assert await read_all(stream, max_bytes=4096) == body
        assert not connection.reading_paused
        await stream.aclose()


async def test_a_server_that_stops_reading_makes_a_write_time_out() -> None:
    async def stalled(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async with serving(stalled) as address:
        stream = await connect(address)
        with pytest.raises(httpcore.WriteTimeout):
            await flood(stream, timeout=0.2)
        await stream.aclose()
        with pytest.raises(httpcore.WriteError):
            await stream.write(b"after close")
        await stream.write(b"")  # nothing to send is never an error


async def test_a_write_waiting_for_a_peer_that_hangs_up_is_a_write_error() -> None:
    async def hangs_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.3)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async with serving(hangs_up) as address:
        stream = await connect(address)
        with pytest.raises(httpcore.WriteError):
            await flood(stream, timeout=5)
        await stream.aclose()


async def test_an_idle_connection_knows_when_the_server_closed_it() -> None:
    async with serving(sends(then_close=True)) as address:
        stream = await connect(address)
        for _ in range(200):
            if stream.get_extra_info("is_readable"):
                break
            await asyncio.sleep(0.01)
        assert stream.get_extra_info("is_readable")
        await stream.aclose()
    async with serving(sends(then_close=False)) as address:
        stream = await connect(address)
        await asyncio.sleep(0.05)
        assert not stream.get_extra_info("is_readable")
        await stream.aclose()


async def test_extra_info_names_the_ends_and_the_socket() -> None:
    async with serving(sends(then_close=False)) as address:
        stream = await connect(address, local_address="127.0.0.1")
        assert stream.get_extra_info("server_addr")[:2] == address
        assert stream.get_extra_info("client_addr")[0] == "127.0.0.1"
        assert stream.get_extra_info("socket").fileno() >= 0
        assert stream.get_extra_info("ssl_object") is None
        assert stream.get_extra_info("something else") is None
        await stream.aclose()


async def test_socket_options_are_applied_and_a_bad_one_is_a_connect_error() -> None:
    async with serving(sends(then_close=False)) as address:
        keepalive = (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        stream = await connect(address, socket_options=[keepalive])
        sock = stream.get_extra_info("socket")
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
        await stream.aclose()
        with pytest.raises(httpcore.ConnectError):
            await connect(address, socket_options=[(socket.SOL_SOCKET, -12345, 1)])


async def test_connect_failures_are_httpcore_connect_errors() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        closed_port = placeholder.getsockname()[1]
    with pytest.raises(httpcore.ConnectError):
        await AsyncioBackend().connect_tcp("127.0.0.1", closed_port, timeout=5)
    async with serving(sends(then_close=False)) as address:
        with pytest.raises(httpcore.ConnectTimeout):
            await AsyncioBackend().connect_tcp(*address, timeout=0)


async def test_unix_sockets(tmp_path: Path) -> None:
    path = str(tmp_path / "api.sock")
    server = await asyncio.start_unix_server(sends(b"over a unix socket"), path)
    try:
        stream = await AsyncioBackend().connect_unix_socket(path, timeout=5)
        assert isinstance(stream, AsyncioStream)
        assert await read_all(stream) == b"over a unix socket"
        await stream.aclose()
    finally:
        server.close()
        await server.wait_closed()


async def test_tls_handshake_then_reads_and_writes_over_it(
    server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write((await reader.readline()).upper())
        writer.close()

    async with serving(echo, tls=server_tls) as address:
        plain = await connect(address)
        secure = await plain.start_tls(client_tls, server_hostname="localhost", timeout=5)
        assert secure.get_extra_info("ssl_object") is not None
        await secure.write(b"hello over tls\n", timeout=5)
        assert isinstance(secure, AsyncioStream)
        assert await read_all(secure) == b"HELLO OVER TLS\n"
        await secure.aclose()


async def test_tls_failures_are_connect_errors_and_a_silent_server_a_connect_timeout(
    server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    async with serving(sends(then_close=False), tls=server_tls) as address:
        plain = await connect(address)
        with pytest.raises(httpcore.ConnectError):  # the certificate is not for this name
            await plain.start_tls(client_tls, server_hostname="api.stripe.com", timeout=5)
    async with serving(silent) as address:
        plain = await connect(address)
        with pytest.raises(httpcore.ConnectTimeout):
            await plain.start_tls(client_tls, server_hostname="localhost", timeout=0.1)
    async with serving(sends(b"plaintext first", then_close=False)) as address:
        plain = await connect(address)
        await asyncio.sleep(0.05)
        with pytest.raises(httpcore.ConnectError, match="before the TLS handshake"):
            await plain.start_tls(client_tls, server_hostname="localhost", timeout=5)


async def test_httpx_over_https_reuses_one_connection(
    server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    connections = 0

    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while True:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

    client = use_asyncio(httpx.AsyncClient(verify=client_tls))
    async with serving(http, tls=server_tls) as (_, port), client:
        for _ in range(3):
            response = await client.get(f"https://localhost:{port}/v1/customers")
            assert response.text == "ok"
    assert connections == 1


async def test_other_event_loops_get_httpx_own_backend(tmp_path: Path) -> None:
    path = str(tmp_path / "api.sock")

    async def on_trio(port: int) -> tuple[str, bytes]:
        backend = AsyncioBackend()
        await backend.sleep(0)
        unix = await backend.connect_unix_socket(path, timeout=5)
        assert not isinstance(unix, AsyncioStream)
        over_unix = await unix.read(100, timeout=5)
        await unix.aclose()
        async with use_asyncio(httpx.AsyncClient()) as client:
            response = await client.get(f"http://127.0.0.1:{port}/")
        return response.text, over_unix

    async def http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\ntrio")
        writer.close()

    unix_server = await asyncio.start_unix_server(sends(b"unix"), path)
    try:
        async with serving(http) as (_, port):
            result = await anyio.to_thread.run_sync(
                lambda: anyio.run(on_trio, port, backend="trio")
            )
    finally:
        unix_server.close()
        await unix_server.wait_closed()
    assert result == ("trio", b"unix")
