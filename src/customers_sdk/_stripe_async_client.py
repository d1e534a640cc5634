"""The async Stripe client: every param of Stripe's Customers endpoints, under Stripe's names."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from typing_extensions import Unpack

from ._async_client import AsyncCustomersClient
from ._dialects._stripe_params import (
    CustomerCreateParams,
    CustomerListParams,
    CustomerRetrieveParams,
    CustomerUpdateParams,
)
from ._page_request import AsyncPageRequest
from ._stripe_client import StripeOptions, stripe_call_options
from ._types import NOT_GIVEN, NotGiven, Timeout

if TYPE_CHECKING:
    from ._stripe_models import StripeCustomer

__all__ = ["AsyncStripeCustomersClient"]


class AsyncStripeCustomersClient(StripeOptions, AsyncCustomersClient, dialect="stripe"):
    """A client for Stripe's ``/v1/customers``: every param of Stripe's Customers API.

    Calls port from stripe-python by renaming the client: ``stripe.Customer.create(...)``
    becomes ``client.create(...)`` with the same params (``retrieve`` and ``modify`` are here
    too, as ``get`` and ``update``). Results are :class:`StripeCustomer` with every field
    typed. Build one with :meth:`AsyncCustomersClient.stripe`.

    Example:
        >>> from customers_sdk import AsyncCustomersClient
        >>> client = AsyncCustomersClient.stripe(api_key="sk_test_...")  # doctest: +SKIP
        >>> async with client:  # doctest: +SKIP
        ...     customer = await client.create(email="ada@example.com", address={"country": "GB"})
        ...     customer.address.country
        'GB'
    """

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
        stripe_account: str | NotGiven | None = NOT_GIVEN,
        stripe_version: str | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CustomerListParams],
    ) -> AsyncPageRequest[StripeCustomer]:
        """Await for the first page, newest first, or ``async for`` to walk every customer.

        Takes every param of Stripe's list: ``limit`` (1 to 100), ``starting_after`` /
        ``ending_before`` (a customer id; ``ending_before`` walks backward), ``email``
        (exact), ``created`` (epoch seconds or an aware datetime, or bounds
        ``{"gte": ..., "lt": ...}``), ``test_clock``, ``expand`` (paths under ``data.``).

        Args:
            concurrency: With more than 1, the walk is cut into ``created`` slices fetched
                that many at a time: same customers, same order (see the pagination guide).
            **params: Stripe's list params (:class:`CustomerListParams`).

        Returns:
            The first page; iterate it to walk every customer, page by page.

        Example:
            >>> page = await client.list(created={"gte": 1_700_000_000})  # doctest: +SKIP
            >>> async for customer in client.list(expand=["data.subscriptions"]):  # doctest: +SKIP
            ...     print(customer.id, len(customer.subscriptions or []))
        """
        options = stripe_call_options(
            timeout,
            max_retries,
            deadline,
            extra_headers,
            extra_query,
            extra_body,
            stripe_account,
            stripe_version,
        )
        return cast("AsyncPageRequest[StripeCustomer]", self._walk(params, concurrency, options))

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
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        stripe_account: str | NotGiven | None = NOT_GIVEN,
        stripe_version: str | NotGiven | None = NOT_GIVEN,
    ) -> AsyncPageRequest[StripeCustomer]:
        """Search customers with Stripe's search syntax.

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
            >>> async for c in client.search(query):  # doctest: +SKIP
            ...     print(c.id)
            >>> page = await client.search(query, expand=["total_count"])  # doctest: +SKIP
            >>> rest = await client.search(query, page=page.next_page_token)  # doctest: +SKIP
        """
        search = self._search_query(query, limit, page, expand)
        options = stripe_call_options(
            timeout,
            max_retries,
            deadline,
            extra_headers,
            extra_query,
            extra_body,
            stripe_account,
            stripe_version,
        )
        self._check_options(search, options)
        first = AsyncPageRequest(lambda: self._fetch_page(search, options, 1))
        return cast("AsyncPageRequest[StripeCustomer]", first)

    async def get(
        self,
        customer_id: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        stripe_account: str | NotGiven | None = NOT_GIVEN,
        stripe_version: str | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CustomerRetrieveParams],
    ) -> StripeCustomer:
        """One customer by id (a deleted one comes back with ``deleted=True``).

        Args:
            customer_id: The customer's id.
            **params: ``expand``: fields to expand, e.g. ``["subscriptions", "tax"]``.

        Returns:
            The customer.

        Example:
            >>> customer = await client.get("cus_123", expand=["subscriptions"])  # doctest: +SKIP
        """
        options = stripe_call_options(
            timeout,
            max_retries,
            deadline,
            extra_headers,
            extra_query,
            extra_body,
            stripe_account,
            stripe_version,
        )
        return cast("StripeCustomer", await self._one("get", customer_id, params, options))

    async def create(
        self,
        *,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        stripe_account: str | NotGiven | None = NOT_GIVEN,
        stripe_version: str | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CustomerCreateParams],
    ) -> StripeCustomer:
        """Create a customer. Retries reuse one idempotency key, so it is created once.

        Args:
            **params: Every param of Stripe's create (:class:`CustomerCreateParams`):
                ``email``, ``name``, ``address={...}``, ``shipping={...}``,
                ``invoice_settings={...}``, ``tax_id_data=[...]``, ``metadata``...

        Returns:
            The new customer, with the id Stripe gave it.

        Example:
            >>> await client.create(email="ada@example.com", name="Ada")  # doctest: +SKIP
        """
        options = stripe_call_options(
            timeout,
            max_retries,
            deadline,
            extra_headers,
            extra_query,
            extra_body,
            stripe_account,
            stripe_version,
            idempotency_key,
        )
        return cast("StripeCustomer", await self._one("create", None, params, options))

    async def update(
        self,
        customer_id: str,
        *,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        stripe_account: str | NotGiven | None = NOT_GIVEN,
        stripe_version: str | NotGiven | None = NOT_GIVEN,
        **params: Unpack[CustomerUpdateParams],
    ) -> StripeCustomer:
        """Change the params given; an omitted one is left as is, ``None`` (or ``""``) unsets it.

        Args:
            customer_id: The customer to change.
            **params: Every param of Stripe's update (:class:`CustomerUpdateParams`);
                ``metadata={"key": None}`` (or ``""``) unsets one key.

        Returns:
            The customer as it is now.

        Example:
            >>> (await client.update("cus_123", phone=None)).phone is None  # doctest: +SKIP
            True
        """
        options = stripe_call_options(
            timeout,
            max_retries,
            deadline,
            extra_headers,
            extra_query,
            extra_body,
            stripe_account,
            stripe_version,
            idempotency_key,
        )
        return cast("StripeCustomer", await self._one("update", customer_id, params, options))

    async def delete(
        self,
        customer_id: str,
        *,
        idempotency_key: str | NotGiven | None = NOT_GIVEN,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        stripe_account: str | NotGiven | None = NOT_GIVEN,
        stripe_version: str | NotGiven | None = NOT_GIVEN,
    ) -> StripeCustomer:
        """Delete a customer; returns it with ``deleted=True``.

        Args:
            customer_id: The customer to delete.

        Returns:
            The deleted customer, with ``deleted=True``.

        Example:
            >>> (await client.delete("cus_123")).deleted  # doctest: +SKIP
            True
        """
        options = stripe_call_options(
            timeout,
            max_retries,
            deadline,
            extra_headers,
            extra_query,
            extra_body,
            stripe_account,
            stripe_version,
            idempotency_key,
        )
        return cast("StripeCustomer", await self._one("delete", customer_id, None, options))

    retrieve = get
    """stripe-python's name for :meth:`get`: ``stripe.Customer.retrieve(id)`` ports as is."""
    modify = update
    """stripe-python's name for :meth:`update`: ``stripe.Customer.modify(id, ...)`` ports as
    is."""
