"""Everything a client does that is not I/O: configuration, argument checks, request specs,
reading results. :class:`CustomersClient` and :class:`AsyncCustomersClient` only send."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._body import DEFAULT_MAX_RESPONSE_BYTES, check_max_response_bytes, masking
from ._dialects import CursorDialect, Dialect, OffsetDialect, PageContent, StripeDialect
from ._errors import InvalidParameterError
from ._filters import FilterLike
from ._fleet import choose_limiter
from ._inputs import (
    check_api_key,
    check_base_url,
    check_header_value,
    check_headers,
    check_text,
)
from ._logging import setup_from_env
from ._request import (
    CreatedFilter,
    ListQuery,
    Query,
    RequestSpec,
    SearchQuery,
    check_id,
    check_search_expand,
    check_search_page,
)
from ._retry import RetryPolicy
from ._settings import Settings, to_timeout
from ._types import NOT_GIVEN, NotGiven, ResponseInfo, Timeout, is_given

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._models import Customer

__all__ = ["DEFAULT_TIMEOUT", "BaseClient"]

DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


class BaseClient(Generic[HttpT]):
    """Configuration and the pure half of every operation, shared by both clients."""

    _http: HttpT

    def __init__(
        self,
        dialect: Dialect,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: Timeout,
        max_retries: int,
        max_requests_per_second: float | None,
        http_client: HttpT | None,
        default_headers: Mapping[str, str] | None,
        retry_policy: RetryPolicy | None = None,
        rate_limit_url: str | None = None,
        rate_limit_key: str | None = None,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        setup_from_env()
        key = api_key if api_key is not None else os.environ.get(dialect.api_key_env)
        if not key:
            raise InvalidParameterError(
                f"no API key: pass api_key= or set {dialect.api_key_env}", param="api_key"
            )
        check_api_key(key, "api_key" if api_key is not None else dialect.api_key_env)
        url_source = "base_url"
        url = base_url
        if not url and dialect.default_base_url is None:
            url, url_source = os.environ.get("CUSTOMERS_BASE_URL"), "CUSTOMERS_BASE_URL"
        url = url or dialect.default_base_url
        if not url:
            raise InvalidParameterError(
                f"the {dialect.name!r} dialect needs base_url= (or CUSTOMERS_BASE_URL)",
                param="base_url",
            )
        url = check_base_url(url, url_source)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidParameterError("max_retries must be an int >= 0", param="max_retries")
        if max_requests_per_second is not None:
            rate: object = max_requests_per_second
            # `not rate > 0` also rejects NaN; bool is an int but never a meant rate.
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not rate > 0:
                raise InvalidParameterError(
                    "max_requests_per_second must be > 0", param="max_requests_per_second"
                )
        self._settings = Settings(
            dialect=dialect,
            api_key=key,
            base_url=url,
            timeout=to_timeout(timeout),
            max_retries=max_retries,
            headers=Settings.base_headers(key, default_headers),
            limiter=choose_limiter(
                max_requests_per_second,
                url=rate_limit_url,
                key=rate_limit_key,
                base_url=url.rstrip("/"),
                api_key=key,
            ),
            policy=retry_policy or RetryPolicy(),
            max_response_bytes=check_max_response_bytes(max_response_bytes),
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else self._new_http()

    def _new_http(self) -> HttpT:
        raise NotImplementedError

    # -- factories: one per dialect ---------------------------------------------------------
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
        stripe_version: str | None = None,
        stripe_account: str | None = None,
    ) -> Self:
        """A client for Stripe's v1 customers API (key from ``STRIPE_API_KEY`` if not given).

        Args:
            stripe_version: Sent as ``Stripe-Version``, to pin the API version; default: the
                account's.
            stripe_account: Sent as ``Stripe-Account``, to act for a connected account.

        Returns:
            A Stripe client; use it as a context manager, or close it when done.

        Example:
            >>> client = CustomersClient.stripe(api_key="sk_test_...")  # doctest: +SKIP
            >>> client.get("cus_123").email  # doctest: +SKIP
        """
        headers = check_headers(default_headers, "default_headers")
        for param, header, value in (
            ("stripe_version", "Stripe-Version", stripe_version),
            ("stripe_account", "Stripe-Account", stripe_account),
        ):
            if value is not None and check_header_value(value, param):
                headers[header] = value
        return cls(
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
    ) -> Self:
        """A client for the offset-paginated public customers API (``list`` only).

        Returns:
            An offset client (``base_url`` is required: argument or ``CUSTOMERS_BASE_URL``).

        Example:
            >>> client = CustomersClient.offset(base_url="https://app.example.com", api_key="k")
            >>> client
            CustomersClient(dialect='offset', base_url='https://app.example.com')
        """
        return cls(
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
    ) -> Self:
        """A client for the JSON customers API with cursors and filters.

        Args:
            collection_path: Where the customers live under ``base_url``.

        Returns:
            A cursor client (``base_url`` is required: argument or ``CUSTOMERS_BASE_URL``).

        Example:
            >>> client = CustomersClient.cursor(base_url="https://api.example.com", api_key="k")
            >>> client.dialect
            'cursor'
        """
        return cls(
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
        )

    # -- the pure half of each operation ------------------------------------------------------
    @property
    def dialect(self) -> str:
        """The wire dialect this client speaks: ``"stripe"``, ``"offset"`` or ``"cursor"``."""
        return self._settings.dialect.name

    @property
    def base_url(self) -> str:
        """The base URL requests go to."""
        return self._settings.base_url

    def _list_query(
        self,
        *,
        limit: int | NotGiven,
        starting_after: str | NotGiven,
        ending_before: str | NotGiven,
        email: str | NotGiven,
        created: CreatedFilter | NotGiven,
        filters: FilterLike | NotGiven,
        offset: int | NotGiven,
        include_subscriptions: bool | NotGiven,
        concurrency: int,
    ) -> ListQuery:
        dialect = self._settings.dialect
        dialect.require("list")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidParameterError("concurrency must be an int >= 1", param="concurrency")
        given = {
            name: value
            for name, value in (
                ("limit", limit),
                ("starting_after", starting_after),
                ("ending_before", ending_before),
                ("email", email),
                ("created", created),
                ("filters", filters),
                ("offset", offset),
                ("include_subscriptions", include_subscriptions),
            )
            if is_given(value)
        }
        return dialect.list_query(given)

    def _search_query(
        self,
        query: str,
        limit: int | NotGiven,
        page: str | NotGiven = NOT_GIVEN,
        expand: list[str] | NotGiven = NOT_GIVEN,
    ) -> SearchQuery:
        dialect = self._settings.dialect
        dialect.require("search")
        if not isinstance(query, str) or not query.strip():
            raise InvalidParameterError("query must be a non-empty string", param="query")
        check_text(query, "query")
        return SearchQuery(
            query,
            dialect.check_limit(limit) if is_given(limit) else None,
            check_search_page(page) if is_given(page) else None,
            check_search_expand(expand) if is_given(expand) else (),
        )

    def _page_spec(self, query: Query) -> RequestSpec:
        dialect = self._settings.dialect
        if isinstance(query, SearchQuery):
            return dialect.build_search(query)
        return dialect.build_list(query)

    def _page_parts(
        self, query: Query, response: httpx.Response
    ) -> tuple[PageContent[Customer], Query | None]:
        dialect = self._settings.dialect
        with masking(self._settings.scrub):  # the next query too: a stalled walk quotes ids
            content = dialect.read_page(response, query)
            return content, dialect.follow(query, content, response)

    def _spec(
        self,
        operation: str,
        customer_id: Any = None,
        *,
        email: str | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven | None = NOT_GIVEN,
        phone: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
    ) -> RequestSpec:
        """The request of a single-object operation, checked before anything is sent."""
        dialect = self._settings.dialect
        dialect.require(operation)
        fields = {
            key: value
            for key, value in (
                ("email", email),
                ("name", name),
                ("phone", phone),
                ("metadata", metadata),
            )
            if is_given(value)
        }
        if operation == "create":
            return dialect.build_create(fields)
        check_id(customer_id)
        if operation == "get":
            return dialect.build_get(customer_id)
        if operation == "update":
            return dialect.build_update(customer_id, fields)
        return dialect.build_delete(customer_id)

    def _customer(self, response: httpx.Response, info: ResponseInfo) -> Customer:
        with masking(self._settings.scrub):
            customer = self._settings.dialect.read_customer(response)
        customer._response_info = info
        return customer

    def _deleted(self, customer_id: str, response: httpx.Response, info: ResponseInfo) -> Customer:
        # A 404 reaches here only when an earlier attempt of this very delete may have done it
        # (see Call.check); the caller asked for the customer to be gone, and it is.
        if response.status_code == 404:
            customer = self._settings.dialect.customer_model()(id=customer_id, deleted=True)
            customer._response_info = info
            return customer
        customer = self._customer(response, info)
        customer.deleted = True  # the cursor API's DELETE returns the object without the flag
        return customer

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dialect={self.dialect!r}, base_url={self.base_url!r})"
