"""`SandboxTransport`: the sandbox inside an httpx client, no socket involved."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx

from ._app import Sandbox
from ._http import SandboxResponse

try:
    from anyio import sleep as anyio_sleep
except ImportError:  # pragma: no cover - httpx depends on anyio, this is belt and braces
    from asyncio import sleep as anyio_sleep

DISCONNECTED = "Server disconnected without sending a response."


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport (sync and async) answering from a `Sandbox` in this process.

    Faults look as they would over a socket: a dropped connection raises
    `httpx.RemoteProtocolError`, a truncated body raises it partway through reading.
    The request's read timeout is honoured: when the sandbox's latency is longer, the client
    waits the timeout and gets `httpx.ReadTimeout`, though the request was executed.

    Args:
        sandbox: The sandbox answering the requests.
        sleep: How a sync client waits out latency (swap it in tests).
        async_sleep: How an async client waits out latency (swap it in tests).

    >>> sandbox = Sandbox(customers=3)
    >>> with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox") as c:
    ...     c.get("/v1/customers", headers={"Authorization": "Bearer sk_test_sandbox"}).status_code
    200
    """

    sandbox: Sandbox
    """The sandbox answering the requests."""

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        sleep: Callable[[float], object] = time.sleep,
        async_sleep: Callable[[float], Awaitable[object]] = anyio_sleep,
    ) -> None:
        self.sandbox = sandbox
        self._sleep = sleep
        self._async_sleep = async_sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request of a sync `httpx.Client` (httpx calls this).

        Args:
            request: The request to answer.

        Returns:
            The sandbox's response.
        """
        body = request.read()
        wait, gives_up = _wait(self.sandbox.latency, request)
        if wait:
            self._sleep(wait)
        return _to_httpx(request, self._answer(request, body), gives_up)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer one request of an `httpx.AsyncClient` (httpx calls this).

        Args:
            request: The request to answer.

        Returns:
            The sandbox's response.
        """
        body = await request.aread()
        wait, gives_up = _wait(self.sandbox.latency, request)
        if wait:
            await self._async_sleep(wait)
        return _to_httpx(request, self._answer(request, body), gives_up)

    def _answer(self, request: httpx.Request, body: bytes) -> SandboxResponse:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        return self.sandbox.handle(request.method, path, query, dict(request.headers), body)


def _wait(latency: float, request: httpx.Request) -> tuple[float, bool]:
    """How long the client waits, and whether its read timeout runs out before the reply."""
    read_timeout = request.extensions.get("timeout", {}).get("read")
    if read_timeout is not None and latency > read_timeout:
        return read_timeout, True
    return latency, False


def _to_httpx(request: httpx.Request, response: SandboxResponse, gives_up: bool) -> httpx.Response:
    if gives_up:
        # The request was still answered, as a server goes on with one whose client has
        # stopped waiting: a write that timed out may well have been committed.
        raise httpx.ReadTimeout("timed out", request=request)
    if response.drops_connection:
        raise httpx.RemoteProtocolError(DISCONNECTED, request=request)
    if response.truncates_body:
        return httpx.Response(
            response.status,
            headers=list(response.headers),
            stream=_TruncatedStream(response.body, request),
        )
    return httpx.Response(response.status, headers=list(response.headers), content=response.body)


class _TruncatedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Half the body, then the error httpx raises when a peer closes mid-body."""

    def __init__(self, body: bytes, request: httpx.Request) -> None:
        self._partial = body[: len(body) // 2]
        self._request = request
        self._message = (
            "peer closed connection without sending complete message body: "
            f"received {len(self._partial)} bytes, expected {len(body)}"
        )

    def __iter__(self) -> Iterator[bytes]:
        yield self._partial
        raise httpx.RemoteProtocolError(self._message, request=self._request)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._partial
        raise httpx.RemoteProtocolError(self._message, request=self._request)
