"""The three factories, written once for the sync and the async client.

``CustomersClient.stripe(...)`` returns a :class:`StripeCustomersClient`,
``AsyncCustomersClient.stripe(...)`` an ``AsyncStripeCustomersClient``: each client family
(sync, async) names its three dialect classes as type arguments, and each dialect class
registers itself in its family when it is defined (``class ...(CustomersClient,
dialect="stripe")``), so a factory builds the right one without importing it. Called on a
subclass of a dialect class (``class Acme(StripeCustomersClient)``), the factory of that
dialect builds the subclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar, cast

import httpx

from ._body import DEFAULT_MAX_RESPONSE_BYTES
from ._dialects import CursorDialect, Dialect, OffsetDialect, StripeDialect
from ._inputs import check_header_value, check_headers
from ._retry import RetryPolicy
from ._types import NotGiven, Timeout

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "STRIPE_API_VERSION",
    "ClientFactories",
    "stripe_headers",
]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2

STRIPE_API_VERSION = "2026-10-28.endive"
"""The ``Stripe-Version`` a Stripe client sends unless told otherwise: the version
:class:`StripeCustomer` and the Stripe params are typed against (stripe-python 16.1's).
Pass ``stripe_version=None`` to send none and get the account's default version."""

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
StripeT = TypeVar("StripeT")
OffsetT = TypeVar("OffsetT")
CursorT = TypeVar("CursorT")


def stripe_headers(
    stripe_version: str | NotGiven | None, stripe_account: str | NotGiven | None
) -> dict[str, str | None]:
    """The ``Stripe-Version`` and ``Stripe-Account`` headers of the values given (``None``:
    send none), checked: an empty one is refused (Stripe would refuse the request), ``None``
    being how to send none. A value not given is left out."""
    headers: dict[str, str | None] = {}
    for param, header, value in (
        ("stripe_version", "Stripe-Version", stripe_version),
        ("stripe_account", "Stripe-Account", stripe_account),
    ):
        if not isinstance(value, NotGiven):
            headers[header] = (
                None if value is None else check_header_value(value, param, required=True)
            )
    return headers


class ClientFactories(Generic[HttpT, StripeT, OffsetT, CursorT]):
    """``stripe()``, ``offset()`` and ``cursor()``: each returns its dialect's class."""

    _dialect_classes: ClassVar[dict[str, type[Any]]]
    """The family's dialect classes by dialect name (each family has its own dict)."""

    def __init_subclass__(cls, *, dialect: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if dialect is not None:
            cls._dialect_classes[dialect] = cls

    @classmethod
    def _make(cls, dialect: Dialect, **options: Any) -> Any:
        # A subclass of the dialect's class (a service's own client) gets itself back.
        registered = cls._dialect_classes[dialect.name]
        target: type[Any] = cls if issubclass(cls, registered) else registered
        return target(dialect, **options)

    @classmethod
    def stripe(
        cls,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_requests_per_second: float | None = None,
        rate_limit_url: str | None = None,
        rate_limit_key: str | None = None,
        http_client: HttpT | None = None,
        default_headers: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        stripe_version: str | None = STRIPE_API_VERSION,
        stripe_account: str | None = None,
    ) -> StripeT:
        """A client for Stripe's v1 customers API (key from ``STRIPE_API_KEY`` if not given).

        Args:
            stripe_version: Sent as ``Stripe-Version``; default: :data:`STRIPE_API_VERSION`,
                the version the models are typed against. ``None`` sends none (the account's
                default version applies).
            stripe_account: Sent as ``Stripe-Account``, to act for a connected account.

        Returns:
            A :class:`StripeCustomersClient` (:class:`AsyncStripeCustomersClient` from
            ``AsyncCustomersClient``); use it as a context manager, or close it when done.

        Example:
            >>> client = CustomersClient.stripe(api_key="sk_test_...")  # doctest: +SKIP
            >>> client.get("cus_123", expand=["subscriptions"]).address  # doctest: +SKIP
        """
        headers: dict[str, str] = check_headers(default_headers, "default_headers")
        for header, value in stripe_headers(stripe_version, stripe_account).items():
            if value is not None:
                headers[header] = value
        return cast(
            StripeT,
            cls._make(
                StripeDialect(),
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                max_requests_per_second=max_requests_per_second,
                rate_limit_url=rate_limit_url,
                rate_limit_key=rate_limit_key,
                http_client=http_client,
                default_headers=headers,
                retry_policy=retry_policy,
                max_response_bytes=max_response_bytes,
            ),
        )

    @classmethod
    def offset(
        cls,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_requests_per_second: float | None = None,
        rate_limit_url: str | None = None,
        rate_limit_key: str | None = None,
        http_client: HttpT | None = None,
        default_headers: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> OffsetT:
        """A client for the offset-paginated public customers API (``list`` only).

        Returns:
            An :class:`OffsetCustomersClient` (``base_url`` is required: argument or
            ``CUSTOMERS_BASE_URL``).

        Example:
            >>> from customers_sdk import CustomersClient
            >>> client = CustomersClient.offset(base_url="https://app.example.com", api_key="k")
            >>> client
            OffsetCustomersClient(dialect='offset', base_url='https://app.example.com')
        """
        return cast(
            OffsetT,
            cls._make(
                OffsetDialect(),
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                max_requests_per_second=max_requests_per_second,
                rate_limit_url=rate_limit_url,
                rate_limit_key=rate_limit_key,
                http_client=http_client,
                default_headers=default_headers,
                retry_policy=retry_policy,
                max_response_bytes=max_response_bytes,
            ),
        )

    @classmethod
    def cursor(
        cls,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        collection_path: str = "/v1/customers",
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_requests_per_second: float | None = None,
        rate_limit_url: str | None = None,
        rate_limit_key: str | None = None,
        http_client: HttpT | None = None,
        default_headers: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> CursorT:
        """A client for the JSON customers API with cursors and filters.

        Args:
            collection_path: Where the customers live under ``base_url``.

        Returns:
            A :class:`CursorCustomersClient` (``base_url`` is required: argument or
            ``CUSTOMERS_BASE_URL``).

        Example:
            >>> from customers_sdk import CustomersClient
            >>> client = CustomersClient.cursor(base_url="https://api.example.com", api_key="k")
            >>> client.dialect
            'cursor'
        """
        return cast(
            CursorT,
            cls._make(
                CursorDialect(collection_path),
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                max_requests_per_second=max_requests_per_second,
                rate_limit_url=rate_limit_url,
                rate_limit_key=rate_limit_key,
                http_client=http_client,
                default_headers=default_headers,
                retry_policy=retry_policy,
                max_response_bytes=max_response_bytes,
            ),
        )
