"""The Stripe client: every param of Stripe's Customers endpoints, under Stripe's names.

The methods add signatures and nothing else: params go to the Stripe dialect's encoder
(the one stripe-python's own encoding is tested against), pages and retries to the one core.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from typing_extensions import Unpack

from ._client import CustomersClient
from ._dialects._stripe_params import (
    CustomerCreateParams,
    CustomerListParams,
    CustomerRetrieveParams,
    CustomerUpdateParams,
)
from ._factories import stripe_headers
from ._inputs import check_extra_headers, check_headers
from ._types import NOT_GIVEN, NotGiven, RequestOptions, Timeout

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._pagination import Page
    from ._stripe_models import StripeCustomer

__all__ = ["StripeCustomersClient", "StripeOptions", "stripe_call_options"]


def stripe_call_options(
    timeout: Timeout | NotGiven,
    max_retries: int | NotGiven,
    deadline: float | NotGiven | None,
    extra_headers: Mapping[str, str | None] | None,
    extra_query: Mapping[str, object] | None,
    extra_body: Mapping[str, object] | None,
    stripe_account: str | NotGiven | None,
    stripe_version: str | NotGiven | None,
    idempotency_key: str | NotGiven | None = NOT_GIVEN,
) -> RequestOptions:
    """A Stripe call's options: ``stripe_account`` / ``stripe_version`` become its headers
    (``None`` sends none for this call), under the caller's own ``extra_headers``."""
    headers = stripe_headers(stripe_version, stripe_account)
    if extra_headers is not None:  # checked first: merged here, before the call checks it
        headers.update(check_extra_headers(extra_headers) or {})
    return RequestOptions(
        timeout,
        max_retries,
        deadline,
        idempotency_key,
        extra_headers=headers or None,
        extra_query=extra_query,
        extra_body=extra_body,
    )


class StripeOptions:
    """``with_options`` of the Stripe clients (sync and async): also ``stripe_account`` and
    ``stripe_version``."""

    if TYPE_CHECKING:

        def _copy_with(
            self,
            *,
            timeout: Timeout | NotGiven,
            max_retries: int | NotGiven,
            headers: Mapping[str, str | None],
            api_key: str | NotGiven = NOT_GIVEN,
        ) -> Self: ...

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        stripe_account: str | NotGiven | None = NOT_GIVEN,
        stripe_version: str | NotGiven | None = NOT_GIVEN,
        api_key: str | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A light copy of this client with other defaults, sharing its connection pool.

        Args:
            timeout: The copy's default timeout.
            max_retries: The copy's default number of retries.
            default_headers: Headers sent with every request of the copy, over this client's.
            stripe_account: The connected account the copy acts for (``None``: none).
            stripe_version: The copy's ``Stripe-Version`` (``None``: the account's default).
            api_key: Another key for the copy, as stripe-python's per-request ``api_key``
                (checked as the client's own is); the copy masks it in errors and logs.

        Returns:
            A client of the same class, configured as this one but for what was given.

        Example:
            >>> connected = client.with_options(stripe_account="acct_123")  # doctest: +SKIP
            >>> connected.list(limit=10).data  # doctest: +SKIP
        """
        changes = stripe_headers(stripe_version, stripe_account)
        changes.update(check_headers(default_headers, "default_headers"))
        return self._copy_with(
            timeout=timeout, max_retries=max_retries, headers=changes, api_key=api_key
        )


class StripeCustomersClient(StripeOptions, CustomersClient, dialect="stripe"):
    """A client for Stripe's ``/v1/customers``: every param of Stripe's Customers API.

    Calls port from stripe-python by renaming the client: ``stripe.Customer.create(...)``
    becomes ``client.create(...)`` with the same params (``retrieve`` and ``modify`` are here
    too, as ``get`` and ``update``). Results are :class:`StripeCustomer` with every field
    typed. Build one with :meth:`CustomersClient.stripe`.

    Example:
        >>> from customers_sdk import CustomersClient
        >>> with CustomersClient.stripe(api_key="sk_test_...") as client:  # doctest: +SKIP
        ...     customer = client.create(email="ada@example.com", address={"country": "GB"})
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
    ) -> Page[StripeCustomer]:
        """The first page of customers, newest first; iterate it to walk them all.

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
            >>> page = client.list(limit=100, created={"gte": 1_700_000_000})  # doctest: +SKIP
            >>> for customer in client.list(expand=["data.subscriptions"]):  # doctest: +SKIP
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
        return cast("Page[StripeCustomer]", self._walk(params, concurrency, options))

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
    ) -> Page[StripeCustomer]:
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
            >>> for c in client.search(query):  # doctest: +SKIP
            ...     print(c.id)
            >>> page = client.search(query, expand=["total_count"])  # doctest: +SKIP
            >>> rest = client.search(query, page=page.next_page_token)  # doctest: +SKIP
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
        return cast("Page[StripeCustomer]", self._fetch_page(search, options, 1))

    def get(
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
            >>> client.get("cus_123", expand=["subscriptions"]).subscriptions  # doctest: +SKIP
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
        return cast("StripeCustomer", self._one("get", customer_id, params, options))

    def create(
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
            >>> client.create(email="ada@example.com", preferred_locales=["en"])  # doctest: +SKIP
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
        return cast("StripeCustomer", self._one("create", None, params, options))

    def update(
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
            >>> client.update("cus_123", name="Ada L.", phone=None).phone is None  # doctest: +SKIP
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
        return cast("StripeCustomer", self._one("update", customer_id, params, options))

    def delete(
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
            >>> client.delete("cus_123").deleted  # doctest: +SKIP
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
        return cast("StripeCustomer", self._one("delete", customer_id, None, options))

    retrieve = get
    """stripe-python's name for :meth:`get`: ``stripe.Customer.retrieve(id)`` ports as is."""
    modify = update
    """stripe-python's name for :meth:`update`: ``stripe.Customer.modify(id, ...)`` ports as
    is."""
