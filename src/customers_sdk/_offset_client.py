"""The offset client: the offset-paginated public customers API (``list`` only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from ._async_client import AsyncCustomersClient
from ._client import CustomersClient
from ._types import NOT_GIVEN, NotGiven, RequestOptions, Timeout

if TYPE_CHECKING:
    from ._dialect_models import OffsetCustomer
    from ._page_request import AsyncPageRequest
    from ._pagination import Page

__all__ = ["AsyncOffsetCustomersClient", "OffsetCustomersClient"]


class OffsetCustomersClient(CustomersClient, dialect="offset"):
    """A client for an offset-paginated public customers API: it lists, nothing else.

    Results are :class:`OffsetCustomer` (``first_name``, ``last_name``, subscriptions with
    their plans); ``page.pagination`` holds the server's ``total``. Build one with
    :meth:`CustomersClient.offset`.

    Example:
        >>> from customers_sdk import CustomersClient
        >>> client = CustomersClient.offset(base_url="https://app.example.com", api_key="k")
        >>> for c in client.list(include_subscriptions=True, concurrency=8):  # doctest: +SKIP
        ...     print(c.name, c.has_active_subscription)
    """

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        offset: int | NotGiven = NOT_GIVEN,
        include_subscriptions: bool | NotGiven = NOT_GIVEN,
        concurrency: int = 1,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
    ) -> Page[OffsetCustomer]:
        """The first page of customers; iterate it to walk them all.

        Args:
            limit: Customers per page, 1 to 100; default: the server's (50).
            offset: How many customers to skip.
            include_subscriptions: Include each customer's subscriptions.
            concurrency: Later pages fetched that many at a time, by offset; results stay
                in order.

        Returns:
            The first page; iterate it to walk every customer, page by page.

        Example:
            >>> page = client.list(limit=100)  # doctest: +SKIP
            >>> page.pagination.total  # doctest: +SKIP
            1234
        """
        given = {"limit": limit, "offset": offset, "include_subscriptions": include_subscriptions}
        options = RequestOptions(
            timeout,
            max_retries,
            deadline,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        return cast("Page[OffsetCustomer]", self._walk(given, concurrency, options))


class AsyncOffsetCustomersClient(AsyncCustomersClient, dialect="offset"):
    """The async twin of :class:`OffsetCustomersClient`.

    Example:
        >>> from customers_sdk import AsyncCustomersClient
        >>> client = AsyncCustomersClient.offset(base_url="https://app.example.com", api_key="k")
        >>> async for c in client.list(concurrency=8):  # doctest: +SKIP
        ...     print(c.name)
    """

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        offset: int | NotGiven = NOT_GIVEN,
        include_subscriptions: bool | NotGiven = NOT_GIVEN,
        concurrency: int = 1,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        deadline: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str | None] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
    ) -> AsyncPageRequest[OffsetCustomer]:
        """Await for the first page, or ``async for`` to walk every customer.

        Returns:
            An awaitable of the first page that is also an async iterable of every customer.

        Example:
            >>> page = await client.list(limit=100)  # doctest: +SKIP
            >>> page.pagination.total  # doctest: +SKIP
            1234
        """
        given = {"limit": limit, "offset": offset, "include_subscriptions": include_subscriptions}
        options = RequestOptions(
            timeout,
            max_retries,
            deadline,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
        )
        return cast("AsyncPageRequest[OffsetCustomer]", self._walk(given, concurrency, options))
