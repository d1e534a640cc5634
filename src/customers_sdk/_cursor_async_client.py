"""The async cursor client: the JSON customers API with cursors and filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from ._async_client import AsyncCustomersClient
from ._filters import FilterLike
from ._types import NOT_GIVEN, NotGiven, RequestOptions, Timeout

if TYPE_CHECKING:
    from ._dialect_models import CursorCustomer
    from ._page_request import AsyncPageRequest

__all__ = ["AsyncCursorCustomersClient"]


class AsyncCursorCustomersClient(AsyncCustomersClient, dialect="cursor"):
    """A client for a JSON customers API with cursors and filters.

    Lists (with :func:`where` filters), gets, creates, updates (PATCH: an omitted field is
    kept, ``None`` clears it) and deletes customers; results are :class:`CursorCustomer`.
    Build one with :meth:`AsyncCustomersClient.cursor`.

    Example:
        >>> from customers_sdk import AsyncCustomersClient, where
        >>> client = AsyncCustomersClient.cursor(base_url="https://api.example.com", api_key="k")
        >>> page = await client.list(filters=where("email").contains("@acme.io"))  # doctest: +SKIP
    """

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        starting_after: str | NotGiven = NOT_GIVEN,
        ending_before: str | NotGiven = NOT_GIVEN,
        filters: FilterLike | NotGiven = NOT_GIVEN,
        concurrency: int = 1,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
    ) -> AsyncPageRequest[CursorCustomer]:
        """Await for the first page, or ``async for`` to walk every customer, filters kept.

        Args:
            limit: Customers per page, 1 to 1000; default: the server's.
            starting_after: Start after this customer id.
            ending_before: Walk backward from this customer id.
            filters: Only the customers a filter matches: built with :func:`where`, or a
                raw dict of the same shape.
            concurrency: With more than 1, the next page is fetched while this one is
                consumed.

        Returns:
            The first page; iterate it to walk every customer, page by page.

        Example:
            >>> async for c in client.list(filters=where("live").eq(True)):  # doctest: +SKIP
            ...     print(c.id)
        """
        given = {
            "limit": limit,
            "starting_after": starting_after,
            "ending_before": ending_before,
            "filters": filters,
        }
        options = RequestOptions(
            timeout,
            max_retries,
            deadline,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        return cast("AsyncPageRequest[CursorCustomer]", self._walk(given, concurrency, options))

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
    ) -> CursorCustomer:
        """One customer by id.

        Args:
            customer_id: The customer's id.

        Returns:
            The customer.

        Example:
            >>> (await client.get("cus_123")).email  # doctest: +SKIP
            'ada@example.com'
        """
        options = RequestOptions(
            timeout,
            max_retries,
            deadline,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        return cast("CursorCustomer", await self._one("get", customer_id, None, options))

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
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
    ) -> CursorCustomer:
        """Create a customer. Retries reuse one idempotency key, so it is created once.

        Args:
            email: The customer's email address.
            name: The customer's full name.
            phone: The customer's phone number.
            metadata: Your key-value pairs to store with the customer.

        Returns:
            The new customer, with the id the server gave it.

        Example:
            >>> (await client.create(email="ada@example.com")).id  # doctest: +SKIP
            'cus_...'
        """
        fields = {"email": email, "name": name, "phone": phone, "metadata": metadata}
        options = RequestOptions(
            timeout,
            max_retries,
            deadline,
            idempotency_key,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        return cast("CursorCustomer", await self._one("create", None, fields, options))

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
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
    ) -> CursorCustomer:
        """Change the fields given (PATCH); an omitted field is kept, ``None`` clears it.

        Args:
            customer_id: The customer to change.
            email: The new email address.
            name: The new full name.
            phone: The new phone number.
            metadata: The new metadata.

        Returns:
            The customer as it is now.

        Example:
            >>> (await client.update("cus_123", phone=None)).phone is None  # doctest: +SKIP
            True
        """
        fields = {"email": email, "name": name, "phone": phone, "metadata": metadata}
        options = RequestOptions(
            timeout,
            max_retries,
            deadline,
            idempotency_key,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        return cast("CursorCustomer", await self._one("update", customer_id, fields, options))

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
    ) -> CursorCustomer:
        """Delete a customer; returns it with ``deleted=True``.

        Args:
            customer_id: The customer to delete.

        Returns:
            The deleted customer, with ``deleted=True``.

        Example:
            >>> (await client.delete("cus_123")).deleted  # doctest: +SKIP
            True
        """
        options = RequestOptions(
            timeout,
            max_retries,
            deadline,
            idempotency_key,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        return cast("CursorCustomer", await self._one("delete", customer_id, None, options))
