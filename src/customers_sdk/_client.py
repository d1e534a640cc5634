"""The synchronous client: a thin shell that sends what :class:`BaseClient` plans."""

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
from ._pagination import Exchange, Page
from ._request import CreatedFilter, Query, RequestSpec
from ._types import NOT_GIVEN, NotGiven, RequestOptions, ResponseInfo, Timeout

if TYPE_CHECKING:
    from ._models import Customer

__all__ = ["CustomersClient"]


class CustomersClient(BaseClient[httpx.Client]):
    """List, get, create, update, delete and search customers over one of three dialects.

    Build one with a factory — :meth:`stripe`, :meth:`offset` or :meth:`cursor` — and use it as
    a context manager (or call :meth:`close`). A client is safe to share across threads.

    Example:
        >>> from customers_sdk import CustomersClient
        >>> with CustomersClient.stripe(api_key="sk_test_...") as client:  # doctest: +SKIP
        ...     for customer in client.list(limit=100):
        ...         print(customer.id, customer.email)
    """

    def _new_http(self) -> httpx.Client:
        return new_http_client(httpx.Client, self._settings.timeout)

    def _send(
        self, spec: RequestSpec, options: RequestOptions
    ) -> tuple[httpx.Response, ResponseInfo]:
        call = Call(self._settings, spec, options)
        for wait, attempt in call.attempts():
            _retry.sleep(wait)
            with attempt:
                _retry.sleep(call.slot_wait())
                request = call.build(self._http)
                try:
                    response = self._receive(call, request)
                except httpx.RequestError as exc:
                    raise call.failed(exc) from exc
                if response.status_code == 429:  # the whole budget waits, not this call only
                    call.pause_budget(response)
                call.check(response)
        return response, call.info(response)

    def _receive(self, call: Call, request: httpx.Request) -> httpx.Response:
        # Streamed, so the body is counted against the cap as it arrives; closing it
        # early (over the cap) drops the connection instead of pooling it half-read.
        streamed = self._http.send(request, stream=True)
        try:
            body = call.receive(streamed)
            if body.read_whole:  # counted as httpx reads it
                streamed.read()
            else:  # compressed: counted as it is decoded
                for chunk in streamed.iter_bytes():
                    body.add(chunk)
        finally:
            streamed.close()
        return body.response()

    def _fetch_page(
        self, query: Query, options: RequestOptions, concurrency: int
    ) -> Page[Customer]:
        exchange = self._send_page(query, options)
        return self._read_page(query, exchange, options, concurrency)

    def _send_page(self, query: Query, options: RequestOptions) -> Exchange:
        return self._send(self._page_spec(query), options)

    def _read_page(
        self, query: Query, exchange: Exchange, options: RequestOptions, concurrency: int
    ) -> Page[Customer]:
        response, info = exchange
        content, next_query = self._page_parts(query, response)
        return Page(
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
    ) -> Page[Customer]:
        """The first page of customers; iterate it to walk them all.

        Params a dialect does not take raise :class:`InvalidParameterError`: ``email`` and
        ``created`` are Stripe's, ``filters`` the cursor dialect's, ``offset`` and
        ``include_subscriptions`` the offset dialect's. ``concurrency`` > 1 fetches the offset
        dialect's later pages that many at a time (results stay in order), walks Stripe in
        ``created`` slices fetched that many at a time (same customers, same order; see the
        pagination guide) and, on the cursor dialect, prefetches the next page while the
        current one is consumed.

        Args:
            limit: Customers per page (Stripe and offset: 1 to 100; cursor: 1 to 1000);
                default: the server's.
            starting_after: Start after this customer id (Stripe, cursor).
            ending_before: Walk backward from this customer id (Stripe, cursor).
            email: Only the customers with exactly this email (Stripe).
            created: Only the customers created at a time, or within bounds (Stripe).
            filters: Only the customers a filter matches (cursor): built with
                :func:`where`, or a raw dict of the same shape.
            offset: How many customers to skip (offset).
            include_subscriptions: Include each customer's subscriptions (offset).
            concurrency: Pages fetched at a time while walking (see above).

        Returns:
            The first page; iterate it to walk every customer, page by page.

        Example:
            >>> page = client.list(limit=100, created={"gte": 1_700_000_000})  # doctest: +SKIP
            >>> [c.email for c in page.data][:2]  # doctest: +SKIP
            ['ada@example.com', 'grace@example.com']
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
        return self._fetch_page(query, RequestOptions(timeout, max_retries, deadline), concurrency)

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
    ) -> Page[Customer]:
        """Search customers with Stripe's search syntax (Stripe dialect only).

        Args:
            query: A query in Stripe's search syntax, e.g. ``email~'example.com'``.
            limit: Results per page, 1 to 100; default: the server's.
            page: A previous page's ``next_page_token``, to resume the search there.
            expand: Paths to expand on every page: ``"total_count"`` (then
                ``page.total_count`` holds the number of matches) and ``"data.<field>"``,
                e.g. ``"data.subscriptions"``.

        Returns:
            The first page of results; iterate it to walk them all.

        Example:
            >>> query = "email~'example.com' AND metadata['tier']:'gold'"
            >>> for c in client.search(query):  # doctest: +SKIP
            ...     print(c.id)
            >>> page = client.search(query, expand=["total_count"])  # doctest: +SKIP
            >>> rest = client.search(query, page=page.next_page_token)  # doctest: +SKIP
        """
        search = self._search_query(query, limit, page, expand)
        return self._fetch_page(search, RequestOptions(timeout, max_retries, deadline), 1)

    def get(
        self,
        customer_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> Customer:
        """One customer by id (a deleted Stripe customer comes back with ``deleted=True``).

        Args:
            customer_id: The customer's id.

        Returns:
            The customer.

        Example:
            >>> client.get("cus_123").email  # doctest: +SKIP
            'ada@example.com'
        """
        spec = self._spec("get", customer_id)
        return self._customer(*self._send(spec, RequestOptions(timeout, max_retries, deadline)))

    def create(
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
        """Create a customer. Retries reuse one idempotency key, so it is created once.

        Args:
            email: The customer's email address.
            name: The customer's full name.
            phone: The customer's phone number.
            metadata: Your key-value pairs to store with the customer.

        Returns:
            The new customer, with the id the server gave it.

        Example:
            >>> client.create(email="ada@example.com").id  # doctest: +SKIP
            'cus_...'
        """
        spec = self._spec("create", email=email, name=name, phone=phone, metadata=metadata)
        options = RequestOptions(timeout, max_retries, deadline, idempotency_key)
        return self._customer(*self._send(spec, options))

    def update(
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

        Args:
            customer_id: The customer to change.
            email: The new email address.
            name: The new full name.
            phone: The new phone number.
            metadata: Keys to set; the others are kept or dropped as the server does it
                (Stripe and the sandbox keep them).

        Returns:
            The customer as it is now.

        Example:
            >>> client.update("cus_123", name="Ada L.", phone=None).phone is None  # doctest: +SKIP
            True
        """
        spec = self._spec(
            "update", customer_id, email=email, name=name, phone=phone, metadata=metadata
        )
        options = RequestOptions(timeout, max_retries, deadline, idempotency_key)
        return self._customer(*self._send(spec, options))

    def delete(
        self,
        customer_id: str,
        *,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
    ) -> Customer:
        """Delete a customer; returns it with ``deleted=True``.

        Args:
            customer_id: The customer to delete.

        Returns:
            The deleted customer, with ``deleted=True``.

        Example:
            >>> client.delete("cus_123").deleted  # doctest: +SKIP
            True
        """
        spec = self._spec("delete", customer_id)
        options = RequestOptions(timeout, max_retries, deadline, idempotency_key)
        return self._deleted(customer_id, *self._send(spec, options))

    def close(self) -> None:
        """Close the connection pool, unless the caller passed its own ``http_client``."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> CustomersClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
