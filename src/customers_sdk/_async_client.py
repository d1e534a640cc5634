"""The asyncio/trio client: the same plans as the sync client, sent with ``await``."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from . import _retry
from ._base_client import BaseClient
from ._call import Call
from ._filters import FilterLike
from ._own_http import new_http_client
from ._pagination import AsyncPage, AsyncPageRequest, Exchange
from ._request import CreatedFilter, Query, RequestSpec
from ._types import NOT_GIVEN, NotGiven, RequestOptions, ResponseInfo, Timeout

if TYPE_CHECKING:
    from ._models import Customer

__all__ = ["AsyncCustomersClient"]


class AsyncCustomersClient(BaseClient[httpx.AsyncClient]):
    """The async twin of :class:`CustomersClient`: same factories, operations and errors.

    Safe to share across tasks; the rate limiter is shared by all of them.

    Example:
        >>> from customers_sdk import AsyncCustomersClient
        >>> client = AsyncCustomersClient.stripe(api_key="sk_test_...")  # doctest: +SKIP
        >>> async with client:  # doctest: +SKIP
        ...     async for customer in client.list(limit=100):
        ...         print(customer.id)
    """

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
        return await self._send(self._page_spec(query), options)

    def _read_page(
        self, query: Query, exchange: Exchange, options: RequestOptions, concurrency: int
    ) -> AsyncPage[Customer]:
        response, info = exchange
        content, next_query = self._page_parts(query, response)
        return AsyncPage(
            content,
            send=lambda q: self._send_page(q, options),
            read=lambda q, e: self._read_page(q, e, options, concurrency),
            query=query,
            next_query=next_query,
            response_info=info,
            concurrency=concurrency,
            sliced=self._settings.dialect.slices_by_created,
        )

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        ending_before: str | NotGiven = NOT_GIVEN,
        email: str | NotGiven = NOT_GIVEN,
        created: CreatedFilter | NotGiven = NOT_GIVEN,
        filters: FilterLike | NotGiven = NOT_GIVEN,
        offset: int | NotGiven = NOT_GIVEN,
        include_subscriptions: bool | NotGiven = NOT_GIVEN,
        concurrency: int = 1,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> AsyncPageRequest[Customer]:
        """Await for the first page, or ``async for`` directly to walk every customer.

        Arguments are checked now, before anything is awaited. With the offset dialect,
        ``concurrency=8`` fetches later pages eight at a time, still yielding in order; a Stripe
        walk is cut into ``created`` slices fetched eight at a time (same customers, same
        order); on the cursor dialect any ``concurrency`` > 1 prefetches the next page (under
        asyncio).

        Returns:
            An awaitable of the first page that is also an async iterable of every customer.

        Example:
            >>> page = await client.list(limit=100)  # doctest: +SKIP
            >>> async for customer in client.list(limit=100, concurrency=8):  # doctest: +SKIP
            ...     print(customer.id)
        """
        query = self._list_query(
            limit=limit,
            starting_after=starting_after,
            ending_before=ending_before,
            email=email,
            created=created,
            filters=filters,
            offset=offset,
            include_subscriptions=include_subscriptions,
            concurrency=concurrency,
        )
        options = RequestOptions(timeout, max_retries, deadline)
        return AsyncPageRequest(lambda: self._fetch_page(query, options, concurrency))

    def search(
        self,
        query: str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        page: str | NotGiven = NOT_GIVEN,
        expand: builtins.list[str] | NotGiven = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> AsyncPageRequest[Customer]:
        """Search customers with Stripe's search syntax (Stripe dialect only).

        Args:
            query: A query in Stripe's search syntax, e.g. ``email~'example.com'``.
            limit: Results per page, 1 to 100; default: the server's.
            page: A previous page's ``next_page_token``, to resume the search there.
            expand: Paths to expand on every page: ``"total_count"`` and ``"data.<field>"``.

        Returns:
            An awaitable of the first page of results that is also an async iterable of them.

        Example:
            >>> async for c in client.search("name~'Ada'"):  # doctest: +SKIP
            ...     print(c.id)
            >>> page = await client.search("name~'Ada'", expand=["total_count"])  # doctest: +SKIP
            >>> page.total_count, page.next_page_token  # doctest: +SKIP
            (42, 'page_...')
        """
        search = self._search_query(query, limit, page, expand)
        options = RequestOptions(timeout, max_retries, deadline)
        return AsyncPageRequest(lambda: self._fetch_page(search, options, 1))

    async def get(
        self,
        customer_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> Customer:
        """One customer by id.

        Returns:
            The customer (a deleted Stripe customer has ``deleted=True``).

        Example:
            >>> (await client.get("cus_123")).email  # doctest: +SKIP
            'ada@example.com'
        """
        spec = self._spec("get", customer_id)
        return self._customer(
            *await self._send(spec, RequestOptions(timeout, max_retries, deadline))
        )

    async def create(
        self,
        *,
        email: str | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven | None = NOT_GIVEN,
        phone: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> Customer:
        """Create a customer; retries reuse one idempotency key.

        Returns:
            The new customer.

        Example:
            >>> (await client.create(email="ada@example.com")).id  # doctest: +SKIP
            'cus_...'
        """
        spec = self._spec("create", email=email, name=name, phone=phone, metadata=metadata)
        options = RequestOptions(timeout, max_retries, deadline, idempotency_key)
        return self._customer(*await self._send(spec, options))

    async def update(
        self,
        customer_id: str,
        *,
        email: str | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven | None = NOT_GIVEN,
        phone: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> Customer:
        """Change the fields given; an omitted field is left as is, ``None`` clears it.

        Returns:
            The customer as it is now.

        Example:
            >>> (await client.update("cus_123", phone=None)).phone is None  # doctest: +SKIP
            True
        """
        spec = self._spec(
            "update", customer_id, email=email, name=name, phone=phone, metadata=metadata
        )
        options = RequestOptions(timeout, max_retries, deadline, idempotency_key)
        return self._customer(*await self._send(spec, options))

    async def delete(
        self,
        customer_id: str,
        *,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> Customer:
        """Delete a customer.

        Returns:
            The deleted customer, with ``deleted=True``.

        Example:
            >>> (await client.delete("cus_123")).deleted  # doctest: +SKIP
            True
        """
        spec = self._spec("delete", customer_id)
        options = RequestOptions(timeout, max_retries, deadline, idempotency_key)
        return self._deleted(customer_id, *await self._send(spec, options))

    async def aclose(self) -> None:
        """Close the connection pool, unless the caller passed its own ``http_client``."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncCustomersClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
