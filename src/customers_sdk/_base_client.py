"""Everything a client does that is not I/O: configuration, argument checks, request specs,
reading results. :class:`CustomersClient` and :class:`AsyncCustomersClient` only send."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx

from ._body import DEFAULT_MAX_RESPONSE_BYTES, check_max_response_bytes, masking
from ._call import Call
from ._dialects import Dialect, PageContent
from ._dialects._base import invalid_response
from ._errors import InvalidParameterError, UnsupportedOperationError
from ._factories import ClientFactories, CursorT, HttpT, OffsetT, StripeT
from ._fleet import choose_limiter
from ._inputs import (
    MAX_SECONDS,
    check_api_key,
    check_base_url,
    check_headers,
    check_max_retries,
    check_seconds,
    check_text,
    merge_headers,
)
from ._logging import setup_from_env
from ._request import (
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
from ._types import NOT_GIVEN, NotGiven, RequestOptions, ResponseInfo, Timeout, is_given

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._models import Customer

__all__ = ["BaseClient"]

# The operations some dialect has (stripe-python's names for them too): on a client whose
# dialect lacks one, a clear error.
_OPERATIONS = frozenset({"get", "retrieve", "create", "update", "modify", "delete", "search"})


def _check_rate(rate: object) -> None:
    """``max_requests_per_second``: a number > 0 (NaN and bools refused) whose wait between two
    requests, ``1 / rate`` seconds, a timer can hold (:data:`MAX_SECONDS`)."""
    seconds = None
    if not isinstance(rate, bool) and isinstance(rate, int | float) and rate > 0:
        with contextlib.suppress(OverflowError):  # an int past any float
            seconds = check_seconds(1 / float(rate))
    if seconds is None:
        raise InvalidParameterError(
            f"max_requests_per_second must be a number > 0 and at least {1 / MAX_SECONDS:g} "
            "(a wait between requests of at most 1e9 s)",
            param="max_requests_per_second",
        )


MAX_CURSOR_CHARS = 4096
"""The longest cursor or search token a walk sends on (Stripe's are under 300 characters):
percent-encoded, even one of 4-byte characters stays under httpx's 64 KiB URL limit."""
_CURSORS = ("starting_after", "ending_before", "page")


def _cursors(query: Query) -> Iterator[tuple[str, str]]:
    # The params a page's URL carries that a server gave (ids, search tokens), under the
    # names every dialect sends them by.
    for name in _CURSORS:
        value = getattr(query, name, None)
        if isinstance(value, str):
            yield name, value


class BaseClient(ClientFactories[HttpT, StripeT, OffsetT, CursorT]):
    """Configuration and the pure half of every operation, shared by both client families.

    The type arguments are the HTTP client and the family's three dialect classes, which the
    factories return.
    """

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
        check_max_retries(max_retries)
        if max_requests_per_second is not None:
            _check_rate(max_requests_per_second)
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

    # -- the pure half of each operation ------------------------------------------------------
    @property
    def dialect(self) -> str:
        """The wire dialect this client speaks: ``"stripe"``, ``"offset"`` or ``"cursor"``."""
        return self._settings.dialect.name

    @property
    def base_url(self) -> str:
        """The base URL requests go to."""
        return self._settings.base_url

    def _list_query(self, given: Mapping[str, object], concurrency: int) -> ListQuery:
        """The checked query of a ``list()`` call, from the params the caller gave."""
        dialect = self._settings.dialect
        dialect.require("list")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidParameterError("concurrency must be an int >= 1", param="concurrency")
        return dialect.list_query({k: v for k, v in given.items() if is_given(v)})

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
            # None is "not given", as in list() (see Dialect.list_query).
            dialect.check_limit(limit) if is_given(limit) and limit is not None else None,
            check_search_page(page) if is_given(page) and page is not None else None,
            check_search_expand(expand) if is_given(expand) and expand is not None else (),
        )

    def _check_options(self, query: Query, options: RequestOptions) -> None:
        """Refuse now what the first page's call would refuse: an async ``list()`` or
        ``search()`` checks its arguments before anything is awaited, its options too. A
        :class:`Call` checks them as it is made, and making one sends nothing."""
        Call(self._settings, self._sendable_spec(query), options)

    def _page_spec(self, query: Query) -> RequestSpec:
        dialect = self._settings.dialect
        if isinstance(query, SearchQuery):
            return dialect.build_search(query)
        return dialect.build_list(query)

    def _page_parts(
        self, query: Query, response: httpx.Response
    ) -> tuple[PageContent[Customer], Query | None, Callable[[], Query | None]]:
        dialect = self._settings.dialect
        with masking(self._settings.scrub):  # the next query too: a stalled walk quotes ids
            content = dialect.read_page(response, query)
            following = dialect.follow(query, content, response)
            if following is not None and (problem := self._unsendable(query, following)):
                raise invalid_response(response, f"{problem}: the walk stops here")
            # Made only if previous_page() is called: most walks never go back.
            return content, following, functools.partial(dialect.previous_query, query, content)

    def _sendable_spec(self, query: Query) -> RequestSpec:
        """The request of a page, refused if a cursor in it holds the API key: the check of
        every page a walk sends, whoever made its query (the caller, a page read, or the sliced
        walk going on after a slice's last id, which no response's next query says)."""
        for name, value in _cursors(query):
            if self._settings.redact(value) != value:
                raise InvalidParameterError(
                    f"{name} holds the API key, which the page's URL would carry", param=name
                )
        return self._page_spec(query)

    def _unsendable(self, query: Query, following: Query) -> str | None:
        """Why the next page's URL cannot carry what the server gave as its cursor or token
        (``None``: it can). httpx logs each URL it requests, and proxies keep them: a server
        echoing the key there must not get it sent."""
        own = dict(_cursors(query))
        for name, value in _cursors(following):
            if own.get(name) == value:
                continue
            if len(value) > MAX_CURSOR_CHARS:
                return (
                    f"the next page's {name} is {len(value)} characters long, more than a URL "
                    f"can carry ({MAX_CURSOR_CHARS} at most)"
                )
            if self._settings.redact(value) != value:
                return f"the next page's {name} holds the API key, which its URL would carry"
        return None

    def _spec(
        self,
        operation: str,
        customer_id: object = None,
        fields: Mapping[str, object] | None = None,
    ) -> RequestSpec:
        """The request of a single-object operation, checked before anything is sent.

        ``fields`` holds only what the caller gave (``None`` values clear a field).
        """
        dialect = self._settings.dialect
        dialect.require(operation)
        given = {k: v for k, v in (fields or {}).items() if is_given(v)}
        if operation == "create":
            return dialect.build_create(given)
        customer_id = check_id(customer_id)
        if operation == "get":
            return dialect.build_get(customer_id, given)
        if operation == "update":
            return dialect.build_update(customer_id, given)
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

    def _copy_with(
        self,
        *,
        timeout: Timeout | NotGiven,
        max_retries: int | NotGiven,
        headers: Mapping[str, str | None],
        api_key: str | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A light copy with other options, sharing the connection pool and rate limiter.

        ``headers`` replace the client's of the same name (case-insensitive); ``None`` drops
        one. The copy never closes the pool: its owner, the original, does. With another
        ``api_key``, the copy sends it and masks it (not the original's) in what it shows.
        """
        settings = self._settings
        if is_given(max_retries):
            check_max_retries(max_retries)
        key = settings.api_key
        if is_given(api_key):
            key = check_api_key(api_key, "api_key")
            headers = {**headers, **Settings.auth_header(key)}
        clone = copy.copy(self)
        clone._settings = replace(
            settings,
            api_key=key,
            timeout=settings.timeout if isinstance(timeout, NotGiven) else to_timeout(timeout),
            max_retries=settings.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            headers=merge_headers(settings.headers, headers),
        )
        clone._owns_http = False
        return clone

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        api_key: str | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A light copy of this client with other defaults, sharing its connection pool.

        Cheap enough to call per request; closing the copy leaves the pool open (closing the
        original closes it for both).

        Args:
            timeout: The copy's default timeout.
            max_retries: The copy's default number of retries.
            default_headers: Headers sent with every request of the copy, over this client's.
            api_key: Another key for the copy (checked as the client's own is); the copy
                masks it in errors and logs.

        Returns:
            A client of the same class, configured as this one but for what was given.

        Example:
            >>> patient = client.with_options(timeout=120, max_retries=5)  # doctest: +SKIP
            >>> patient.list(limit=100)  # doctest: +SKIP
        """
        return self._copy_with(
            timeout=timeout,
            max_retries=max_retries,
            headers=check_headers(default_headers, "default_headers"),
            api_key=api_key,
        )

    if not TYPE_CHECKING:  # at run time only: to a type checker, the method is just missing

        def __getattr__(self, name: str) -> Any:
            settings = self.__dict__.get("_settings")
            if name in _OPERATIONS and settings is not None:
                raise UnsupportedOperationError(name, settings.dialect.name)
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(dialect={self.dialect!r}, base_url={self.base_url!r})"
