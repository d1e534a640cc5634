"""`SandboxTransport`: the sandbox inside an httpx client, no socket involved."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx

from ._app import Sandbox
from ._http import SandboxResponse

try:
    from anyio import sleep as _async_sleep
except ImportError:  # pragma: no cover - httpx depends on anyio, this is belt and braces
    from asyncio import sleep as _async_sleep

DISCONNECTED = "Server disconnected without sending a response."


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport (sync and async) answering from a `Sandbox` in this process.

    Faults look as they would over a socket: a dropped connection raises
    `httpx.RemoteProtocolError`, a truncated body raises it partway through reading.
    `sleep` / `async_sleep` are how latency is waited out (swap them in tests).

    >>> sandbox = Sandbox(customers=3)
    >>> with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox") as c:
    ...     c.get("/v1/customers", headers={"Authorization": "Bearer sk_test_sandbox"}).status_code
    200
    """

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        sleep: Callable[[float], object] = time.sleep,
        async_sleep: Callable[[float], Awaitable[object]] = _async_sleep,
    ) -> None:
        self.sandbox = sandbox
        self._sleep = sleep
        self._async_sleep = async_sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if self.sandbox.latency:
            self._sleep(self.sandbox.latency)
        return _to_httpx(request, self._answer(request, body))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if self.sandbox.latency:
            await self._async_sleep(self.sandbox.latency)
        return _to_httpx(request, self._answer(request, body))

    def _answer(self, request: httpx.Request, body: bytes) -> SandboxResponse:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        return self.sandbox.handle(request.method, path, query, dict(request.headers), body)


def _to_httpx(request: httpx.Request, response: SandboxResponse) -> httpx.Response:
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
