"""``DefaultAioHttpClient``: the SDK's defaults, a clear error without the extra, and errors
that say whether a request may have reached the server.

httpx-aiohttp reports every aiohttp connection error as ``ConnectTimeout``, a server hanging up
after reading the request included; the SDK would take that for "never sent" and repeat a
keyless write. Each test here talks to a real server on loopback that misbehaves on purpose.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

import aiohttp
import httpx
import pytest
from httpx_aiohttp import HttpxAiohttpClient

import customers_sdk
from conftest import Waits
from customers_sdk import (
    APIConnectionError,
    APITimeoutError,
    AsyncCustomersClient,
    DefaultAioHttpClient,
)
from customers_sdk._aiohttp import EXTRA_MISSING, client_class
from customers_sdk._aiohttp_client import PreciseAiohttpTransport, _precise, _PreciseStream
from customers_sdk._factories import DEFAULT_TIMEOUT

pytestmark = pytest.mark.anyio

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def serving(handler: Handler) -> AsyncIterator[tuple[str, list[bytes]]]:
    """A loopback server running ``handler`` per connection; yields its URL and the request
    lines it read (each handler reads the head first)."""
    requests: list[bytes] = []

    async def reading(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            head = await reader.readuntil(b"\r\n\r\n")
            requests.append(head.split(b"\r\n", 1)[0])
            await handler(reader, writer)
        writer.close()

    server = await asyncio.start_server(reading, "127.0.0.1", 0)
    try:
        port = server.sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}", requests
    finally:
        server.close()
        await server.wait_closed()


async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Read the request, answer nothing: the write may well have been applied."""


async def cut_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{}")
    await writer.drain()


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"not http\r\n\r\n")
    await writer.drain()


def refused_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on once the socket is closed
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


async def create_without_key(http: httpx.AsyncClient, url: str) -> APIConnectionError:
    client = AsyncCustomersClient.cursor(
        api_key="sk_test_x", base_url=url, http_client=http, max_retries=3
    )
    with pytest.raises(APIConnectionError) as caught:
        await client.create(email="once@example.com", idempotency_key=None)
    return caught.value


@pytest.mark.parametrize("kind", [DefaultAioHttpClient, HttpxAiohttpClient])
async def test_a_keyless_write_the_server_read_is_not_sent_again(
    kind: type[httpx.AsyncClient], waits: Waits
) -> None:
    # HttpxAiohttpClient, unmapped, reports ConnectTimeout here: the SDK must not trust it.
    async with serving(hang_up) as (url, requests), kind() as http:
        error = await create_without_key(http, url)
    assert error.retries == 0
    assert requests == [b"POST /v1/customers HTTP/1.1"]


async def test_the_hang_up_is_a_protocol_error_not_a_timeout(waits: Waits) -> None:
    async with serving(hang_up) as (url, _), DefaultAioHttpClient() as http:
        error = await create_without_key(http, url)
    assert not isinstance(error, APITimeoutError)
    assert isinstance(error.__cause__, httpx.RemoteProtocolError)
    assert isinstance(error.__cause__.__cause__, aiohttp.ServerDisconnectedError)


async def test_a_keyed_write_the_server_read_is_retried(waits: Waits) -> None:
    async with serving(hang_up) as (url, requests), DefaultAioHttpClient() as http:
        client = AsyncCustomersClient.cursor(
            api_key="sk_test_x", base_url=url, http_client=http, max_retries=2
        )
        with pytest.raises(APIConnectionError) as caught:
            await client.create(email="keyed@example.com")
    assert caught.value.retries == 2
    assert len(requests) == 3


@pytest.mark.parametrize("kind", [DefaultAioHttpClient, HttpxAiohttpClient])
async def test_a_refused_connection_is_never_sent_so_even_a_keyless_write_is_retried(
    kind: type[httpx.AsyncClient], waits: Waits
) -> None:
    async with kind() as http:
        error = await create_without_key(http, refused_url())
    assert error.retries == 3
    if kind is DefaultAioHttpClient:
        assert isinstance(error.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    ("handler", "cause"),
    [(cut_body, aiohttp.ClientPayloadError), (garbage, aiohttp.ClientResponseError)],
)
async def test_a_broken_response_is_a_protocol_error(
    handler: Handler, cause: type[Exception]
) -> None:
    async with serving(handler) as (url, _), DefaultAioHttpClient() as http:
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            await http.get(url)
    assert isinstance(caught.value.__cause__, cause)


@pytest.mark.parametrize(
    ("cause", "expected"),
    [
        (aiohttp.ConnectionTimeoutError(), httpx.ConnectTimeout),
        (aiohttp.SocketTimeoutError(), httpx.ReadTimeout),
        (aiohttp.ServerTimeoutError(), httpx.ReadTimeout),
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.ClientOSError(104, "reset"), httpx.ReadError),
        (aiohttp.ClientHttpProxyError(cast(Any, None), ()), httpx.ProxyError),
        (ValueError("not aiohttp's"), httpx.ConnectTimeout),
    ],
)
def test_each_aiohttp_error_maps_to_what_it_means(
    cause: Exception, expected: type[httpx.TransportError]
) -> None:
    unmapped = httpx.ConnectTimeout("as httpx-aiohttp reports it")
    unmapped.__cause__ = cause
    assert type(_precise(unmapped)) is expected


class _FailingBody(httpx.AsyncByteStream):
    """A body whose reads and close fail as httpx-aiohttp's can."""

    def __init__(self, read_error: Exception, close_error: Exception) -> None:
        self.read_error = read_error
        self.close_error = close_error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        raise self.read_error

    async def aclose(self) -> None:
        raise self.close_error


async def test_body_errors_are_mapped_while_reading_and_closing() -> None:
    hang_up = httpx.ConnectTimeout("Server disconnected")
    hang_up.__cause__ = aiohttp.ServerDisconnectedError()
    unmapped = aiohttp.ClientError("an error httpx-aiohttp leaves unmapped")
    body = _PreciseStream(_FailingBody(unmapped, hang_up))
    with pytest.raises(httpx.RemoteProtocolError) as caught:
        _ = [chunk async for chunk in body]
    assert caught.value.__cause__ is unmapped
    with pytest.raises(httpx.RemoteProtocolError):
        await body.aclose()
    with pytest.raises(httpx.RemoteProtocolError):
        _ = [chunk async for chunk in _PreciseStream(_FailingBody(hang_up, hang_up))]


async def test_a_body_read_to_the_end_is_delivered_and_the_stream_closes() -> None:
    async def ok(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    async with serving(ok) as (url, _), DefaultAioHttpClient() as http:
        async with http.stream("GET", url) as response:
            assert [chunk async for chunk in response.aiter_raw()] == [b"ok"]
        assert response.is_closed


def test_the_sdks_defaults() -> None:
    http = DefaultAioHttpClient()
    assert isinstance(http, HttpxAiohttpClient)
    assert http.timeout == DEFAULT_TIMEOUT
    assert not http.follow_redirects
    custom = DefaultAioHttpClient(timeout=3.0, follow_redirects=True, proxy="http://proxy:3128")
    assert custom.timeout == httpx.Timeout(3.0)
    assert custom.follow_redirects
    own = PreciseAiohttpTransport()
    assert DefaultAioHttpClient(transport=own) is not None


def test_the_name_imports_without_the_extra_and_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "customers_sdk._aiohttp_client", None)  # as if missing
    stand_in = client_class()
    assert issubclass(stand_in, httpx.AsyncClient)
    with pytest.raises(ImportError, match=r'pip install "customers-sdk\[aiohttp\]"') as caught:
        stand_in()
    assert caught.value.name == "httpx_aiohttp"
    assert EXTRA_MISSING in str(caught.value)
    assert customers_sdk.DefaultAioHttpClient is DefaultAioHttpClient  # the real one stays
