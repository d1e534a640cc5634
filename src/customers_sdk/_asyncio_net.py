"""httpx's async connections on asyncio's own transports, with no anyio in the byte path.

httpx reaches its sockets through httpcore, whose async backend goes through anyio: every read
and every write opens a cancel scope with a timer of its own, maps exceptions through a context
manager, and pauses and resumes the transport around each receive. On asyncio that overhead is
most of what httpx costs per response: up to 1 ms of client CPU on a 100-customer page, a tenth
to a third of an async walk's (see docs/benchmarks.md). :class:`AsyncioBackend` implements
httpcore's public ``AsyncNetworkBackend`` interface on an :class:`asyncio.Protocol` that buffers
what arrives and wakes the one reader waiting for it; a timeout is a single ``call_later``.

The SDK installs it only in the ``httpx.AsyncClient`` it builds itself
(``_asyncio_pool.use_asyncio``); a client passed in with ``http_client=`` is left exactly as
it is. Outside asyncio (under trio) every call goes to the backend httpx would have used.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, cast

import httpcore

__all__ = ["AsyncioBackend", "AsyncioStream"]

# Reading stops while this much is buffered unread and resumes once the reader has taken it
# below the low mark, so a slow consumer never makes the client hold a whole large body.
_HIGH_WATER = 256 * 1024
_LOW_WATER = 64 * 1024
# anyio's connect_tcp staggers attempts over a host's addresses by this much (RFC 6555).
_HAPPY_EYEBALLS_DELAY = 0.25

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


def _wake(waiter: asyncio.Future[bool] | None, ready: bool = True) -> None:
    # A waiter's result says why it woke: True for data, room or an end, False for its timeout.
    if waiter is not None and not waiter.done():
        waiter.set_result(ready)


class _Connection(asyncio.Protocol):
    """A connection's state, kept by the event loop: bytes received, and who is waiting."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.received = bytearray()
        self.ended = False  # the peer sent FIN, or the connection is gone
        self.error: Exception | None = None
        self.reading_paused = False
        self.writing_paused = False
        self.read_waiter: asyncio.Future[bool] | None = None
        self.write_waiter: asyncio.Future[bool] | None = None

    async def wait(self, timeout: float | None, *, to_write: bool = False) -> bool:
        """Until bytes arrive (or, ``to_write``, the send buffer drains) or the connection
        ends; False if ``timeout`` seconds passed first."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[bool] = loop.create_future()
        if to_write:
            self.write_waiter = waiter
        else:
            self.read_waiter = waiter
        timer = None if timeout is None else loop.call_later(timeout, _wake, waiter, False)
        try:
            return await waiter
        finally:
            if timer is not None:
                timer.cancel()
            if to_write:
                self.write_waiter = None
            else:
                self.read_waiter = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.received += data
        if len(self.received) >= _HIGH_WATER and not self.reading_paused:
            self.reading_paused = True
            cast(asyncio.Transport, self.transport).pause_reading()
        _wake(self.read_waiter)

    def eof_received(self) -> bool:
        self.ended = True
        _wake(self.read_waiter)
        return False  # close our side as well: HTTP/1.1 sends nothing after the peer's FIN

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        self.error = exc
        self.writing_paused = False
        _wake(self.read_waiter)
        _wake(self.write_waiter)

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        _wake(self.write_waiter)


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection, read and written as httpcore expects (its exceptions, its timeouts)."""

    def __init__(self, transport: asyncio.Transport, connection: _Connection) -> None:
        self._transport = transport
        self._connection = connection

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        connection = self._connection
        idle = not connection.received and not connection.ended
        if idle and not await connection.wait(timeout):
            raise httpcore.ReadTimeout("timed out reading from the server")
        received = connection.received
        if not received:
            if connection.error is not None:
                raise httpcore.ReadError(str(connection.error)) from connection.error
            return b""
        if len(received) <= max_bytes:
            data = bytes(received)
            received.clear()
        else:
            data = bytes(received[:max_bytes])
            del received[:max_bytes]
        if connection.reading_paused and len(received) <= _LOW_WATER:
            connection.reading_paused = False
            self._transport.resume_reading()
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        connection = self._connection
        if connection.error is not None or self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        if not connection.writing_paused:
            return
        # The kernel's send buffer and the transport's are full: wait until they drain.
        if not await connection.wait(timeout, to_write=True):
            raise httpcore.WriteTimeout("timed out writing to the server")
        if self._transport.is_closing():
            raise httpcore.WriteError(str(connection.error or "the connection is closed"))

    async def aclose(self) -> None:
        transport = self._transport
        if transport.is_closing():
            return
        transport.close()
        try:
            # close() only schedules the socket's close; yield once so it happens now.
            await asyncio.sleep(0)
        finally:
            transport.abort()  # unsent bytes would otherwise keep the socket open

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        connection = self._connection
        if connection.received or connection.ended:
            # Plaintext bytes before the handshake must never pass for data sent over TLS.
            await self.aclose()
            raise httpcore.ConnectError("the server sent data before the TLS handshake")
        handshake = asyncio.get_running_loop().start_tls(
            self._transport,
            connection,
            ssl_context,
            server_hostname=server_hostname,
            # The loop's own limit reports a ConnectionAbortedError; ours comes first.
            ssl_handshake_timeout=None if timeout is None else timeout + 1.0,
        )
        transport = await _establish(handshake, timeout, on_failure=self._transport.abort)
        connection.transport = transport
        return AsyncioStream(transport, connection)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # The loop keeps reading an idle connection, so a close by the server (or a stray
            # byte) is already known here, without a poll() of the socket for every request.
            return bool(self._connection.received) or self._connection.ended
        name = {"client_addr": "sockname", "server_addr": "peername"}.get(info, info)
        if name in ("ssl_object", "sockname", "peername", "socket"):
            return self._transport.get_extra_info(name)
        return None


async def _establish(
    opening: Coroutine[Any, Any, Any],
    timeout: float | None,
    on_failure: Callable[[], object] | None = None,
) -> Any:
    """Await a connect or a TLS handshake, with httpcore's exceptions and timeout."""
    try:
        return await asyncio.wait_for(opening, timeout)
    except asyncio.TimeoutError:
        if on_failure is not None:
            on_failure()
        raise httpcore.ConnectTimeout("timed out connecting to the server") from None
    except OSError as exc:  # ssl.SSLError included
        if on_failure is not None:
            on_failure()
        raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend on asyncio transports; ``fallback`` serves other loops.

    Example:
        >>> import httpcore
        >>> pool = httpcore.AsyncConnectionPool(network_backend=AsyncioBackend())
    """

    def __init__(self, fallback: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._fallback = httpcore.AnyIOBackend() if fallback is None else fallback

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = _asyncio_loop()
        if loop is None:
            return await self._fallback.connect_tcp(
                host, port, timeout, local_address, socket_options
            )
        extra: dict[str, Any] = {}
        if isinstance(loop, asyncio.BaseEventLoop):  # uvloop has no Happy Eyeballs argument
            extra["happy_eyeballs_delay"] = _HAPPY_EYEBALLS_DELAY
        local = None if local_address is None else (local_address, 0)
        opening = loop.create_connection(_Connection, host, port, local_addr=local, **extra)
        return await _open(opening, timeout, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = _asyncio_loop()
        if loop is None:
            return await self._fallback.connect_unix_socket(path, timeout, socket_options)
        return await _open(loop.create_unix_connection(_Connection, path), timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        if _asyncio_loop() is None:
            await self._fallback.sleep(seconds)
        else:
            await asyncio.sleep(seconds)


async def _open(
    opening: Coroutine[Any, Any, tuple[asyncio.BaseTransport, _Connection]],
    timeout: float | None,
    socket_options: Iterable[SocketOption] | None,
) -> AsyncioStream:
    transport, connection = await _establish(opening, timeout)
    try:
        sock = transport.get_extra_info("socket")
        for option in socket_options or ():
            sock.setsockopt(*option)
    except OSError as exc:
        transport.abort()
        raise httpcore.ConnectError(str(exc)) from exc
    return AsyncioStream(cast(asyncio.Transport, transport), connection)


def _asyncio_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # trio, or another loop: the fallback backend serves it
        return None
