"""The asyncio/trio client: the same plans as the sync client, sent with ``await``."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from typing_extensions import Unpack

from . import _retry
from ._base_client import BaseClient
from ._call import Call
from ._own_http import new_http_client
from ._page_request import AsyncPageRequest
from ._pagination import AsyncPage, Exchange
from ._request import Query, RequestSpec
from ._types import (
    NOT_GIVEN,
    CommonListParams,
    NotGiven,
    RequestOptions,
    ResponseInfo,
    Timeout,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    # The family's dialect classes, named (as strings) in the base class below: the
    # factories' return types. Each subclasses this module's client, hence not imported.
    from ._cursor_async_client import AsyncCursorCustomersClient  # noqa: F401
    from ._models import Customer
    from ._offset_client import AsyncOffsetCustomersClient  # noqa: F401
    from ._stripe_async_client import AsyncStripeCustomersClient  # noqa: F401

__all__ = ["AsyncCustomersClient"]


class AsyncCustomersClient(
    BaseClient[
        httpx.AsyncClient,
        "AsyncStripeCustomersClient",
        "AsyncOffsetCustomersClient",
        "AsyncCursorCustomersClient",
    ]
):
    """The async twin of :class:`CustomersClient`: same factories, operations and errors.

    The factories return the dialect's async class (:class:`AsyncStripeCustomersClient`...).

    Safe to share across tasks; the rate limiter is shared by all of them.

    Example:
        >>> from customers_sdk import AsyncCustomersClient
        >>> client = AsyncCustomersClient.stripe(api_key="sk_test_...")  # doctest: +SKIP
        >>> async with client:  # doctest: +SKIP
        ...     async for customer in client.list(limit=100):
        ...         print(customer.id)
    """

    _dialect_classes: ClassVar[dict[str, type[Any]]] = {}

    def _new_http(self) -> httpx.AsyncClient:
        return new_http_client(httpx.AsyncClient, self._settings.timeout)

    async def _send(
        self, spec: RequestSpec, options: RequestOptions
    ) -> tuple[httpx.Response, ResponseInfo]:
        call = Call(self._settings, spec, options)
        for wait, attempt in call.attempts():
            await _retry.async_sleep(wait)
            with attempt:
                await _retry.async_sleep(await call.aslot_wait())
                request = call.build(self._http)
                try:
                    response = await self._receive(call, request)
                except httpx.RequestError as exc:
                    raise call.failed(exc) from exc
                if response.status_code == 429:  # the whole budget waits, not this call only
                    await call.apause_budget(response)
                call.check(response)
        return response, call.info(response)

    async def _receive(self, call: Call, request: httpx.Request) -> httpx.Response:
        # Streamed, so the body is counted against the cap as it arrives (see _client).
        streamed = await self._http.send(request, stream=True)
        try:
            body = call.receive(streamed)
            if body.read_whole:  # counted as httpx reads it
                await streamed.aread()
            else:  # compressed: counted as it is decoded
                async for chunk in streamed.aiter_bytes():
                    body.add(chunk)
        finally:
            await streamed.aclose()
        return body.response()

    async def _fetch_page(
        self, query: Query, options: RequestOptions, concurrency: int
    ) -> AsyncPage[Customer]:
        exchange = await self._send_page(query, options)
        return self._read_page(query, exchange, options, concurrency)

    async def _send_page(self, query: Query, options: RequestOptions) -> Exchange:
        return await self._send(self._sendable_spec(query), options)

    def _read_page(
        self, query: Query, exchange: Exchange, options: RequestOptions, concurrency: int
    ) -> AsyncPage[Customer]:
        response, info = exchange
        content, next_query, previous = self._page_parts(query, response)
        return AsyncPage(
            content,
            send=lambda q: self._send_page(q, options),
            read=lambda q, e: self._read_page(q, e, options, concurrency),
            query=query,
            next_query=next_query,
            previous=previous,
            response_info=info,
            concurrency=concurrency,
            sliced=self._settings.dialect.slices_by_created,
        )

    def _walk(
        self, given: Mapping[str, object], concurrency: int, options: RequestOptions
    ) -> AsyncPageRequest[Customer]:
        # Checked now, before anything is awaited.
        query = self._list_query(given, concurrency)
        self._check_options(query, options)
        return AsyncPageRequest(lambda: self._fetch_page(query, options, concurrency))

    async def _one(
        self,
        operation: str,
        customer_id: str | None,
        fields: Mapping[str, object] | None,
        options: RequestOptions,
    ) -> Customer:
        response, info = await self._send(self._spec(operation, customer_id, fields), options)
        if operation == "delete":
            return self._deleted(str(customer_id), response, info)
        return self._customer(response, info)

    def list(
        self,
        *,
        concurrency: int = 1,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        **params: Unpack[CommonListParams],
    ) -> AsyncPageRequest[Customer]:
        """Await for the first page, or ``async for`` directly to walk every customer.

        What every dialect's ``list`` takes; each dialect's client adds its own params.
        Arguments are checked now, before anything is awaited.

        Returns:
            An awaitable of the first page that is also an async iterable of every customer.

        Example:
            >>> page = await client.list(limit=100)  # doctest: +SKIP
            >>> async for customer in client.list(limit=100, concurrency=8):  # doctest: +SKIP
            ...     print(customer.id)
        """
        options = RequestOptions(
            timeout,
            max_retries,
            deadline,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        return self._walk(params, concurrency, options)

    async def aclose(self) -> None:
        """Close the connection pool, unless the caller passed its own ``http_client``."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
