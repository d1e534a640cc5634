"""``DefaultAioHttpClient`` itself; imports aiohttp, so only :mod:`._aiohttp` imports it.

httpx-aiohttp (0.1.8 to 0.2.0 at least) turns every aiohttp connection error into httpx's
``ConnectTimeout``, a server hanging up after the request went out included: the SDK would read
that as "never sent" and could send a keyless write again. The transport here reports each
aiohttp error as what it is, from aiohttp's public exception types, while connecting, while
waiting for the response and while reading its body. (The SDK's retry rules also distrust
connect errors caused by other aiohttp errors, for clients built without this transport.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport, HttpxAiohttpClient

from ._factories import DEFAULT_TIMEOUT
from ._own_http import DEFAULT_LIMITS

__all__ = ["DefaultAioHttpClient", "PreciseAiohttpTransport"]

_TRANSPORT_OPTIONS = ("verify", "cert", "trust_env", "limits")


class DefaultAioHttpClient(HttpxAiohttpClient):
    """An ``httpx.AsyncClient`` on aiohttp, with the SDK's defaults; pass it as ``http_client=``.

    Needs the ``aiohttp`` extra (``pip install "customers-sdk[aiohttp]"``) and asyncio (not
    trio). Keyword arguments are ``httpx.AsyncClient``'s; the SDK's timeout (60 s, 5 s to
    connect), connection limits and ``follow_redirects=False`` are the defaults. A ``proxy=``
    is honoured; proxies from the environment are not (give ``proxy=`` instead). The client
    is the caller's: close it (``async with``) when done.

    Example:
        >>> from customers_sdk import AsyncCustomersClient, DefaultAioHttpClient
        >>> async def main() -> None:
        ...     async with DefaultAioHttpClient() as http, AsyncCustomersClient.stripe(
        ...         api_key="sk_test_...", http_client=http
        ...     ) as client:
        ...         async for customer in client.list(limit=100):
        ...             print(customer.id)
    """

    def __init__(self, **options: Any) -> None:
        options.setdefault("timeout", DEFAULT_TIMEOUT)
        options.setdefault("limits", DEFAULT_LIMITS)
        options.setdefault("follow_redirects", False)
        if "transport" not in options:
            settings = {name: options[name] for name in _TRANSPORT_OPTIONS if name in options}
            proxy = options.pop("proxy", None)
            if proxy is not None:
                settings["proxy"] = proxy if isinstance(proxy, httpx.Proxy) else httpx.Proxy(proxy)
            options["transport"] = PreciseAiohttpTransport(**settings)
        super().__init__(**options)


class PreciseAiohttpTransport(AiohttpTransport):
    """httpx-aiohttp's transport, whose errors say whether the request may have been sent.

    Example:
        >>> http = httpx.AsyncClient(transport=PreciseAiohttpTransport())
    """

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await super().handle_async_request(request)
        except httpx.TransportError as exc:
            raise _precise(exc) from exc.__cause__ or exc
        except aiohttp.ClientError as exc:  # an error httpx-aiohttp does not map
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_PreciseStream(stream),
            request=request,
            extensions=response.extensions,
        )


class _PreciseStream(httpx.AsyncByteStream):
    """A response body whose read errors are mapped as the transport's are."""

    def __init__(self, body: httpx.AsyncByteStream) -> None:
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._body:
                yield chunk
        except httpx.TransportError as exc:
            raise _precise(exc) from exc.__cause__ or exc
        except aiohttp.ClientError as exc:
            raise httpx.RemoteProtocolError(str(exc)) from exc

    async def aclose(self) -> None:
        try:
            await self._body.aclose()
        except httpx.TransportError as exc:
            raise _precise(exc) from exc.__cause__ or exc


def _precise(exc: httpx.TransportError) -> httpx.TransportError:
    """The httpx error for the aiohttp error behind ``exc`` (``exc`` itself if none is)."""
    cause = exc.__cause__
    kind: type[httpx.TransportError]
    if isinstance(cause, (aiohttp.ClientProxyConnectionError, aiohttp.ClientHttpProxyError)):
        kind = httpx.ProxyError
    elif isinstance(cause, aiohttp.ClientConnectorError):
        kind = httpx.ConnectError  # no connection: nothing was sent
    elif isinstance(cause, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout  # no connection in time (or no free one): nothing sent
    elif isinstance(cause, aiohttp.ServerTimeoutError):
        kind = httpx.ReadTimeout  # the request may have been sent
    elif isinstance(cause, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        kind = httpx.RemoteProtocolError  # as httpcore reports a hang-up or a cut body
    elif isinstance(cause, aiohttp.ClientConnectionError):
        kind = httpx.ReadError  # a reset or other failure of an open connection
    else:
        return exc
    return kind(str(exc))
