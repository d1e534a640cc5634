"""The synchronous client: a thin shell that sends what :class:`BaseClient` plans."""

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
from ._pagination import Exchange, Page
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
    from ._cursor_client import CursorCustomersClient  # noqa: F401
    from ._models import Customer
    from ._offset_client import OffsetCustomersClient  # noqa: F401
    from ._stripe_client import StripeCustomersClient  # noqa: F401

__all__ = ["CustomersClient"]


class CustomersClient(
    BaseClient[
        httpx.Client, "StripeCustomersClient", "OffsetCustomersClient", "CursorCustomersClient"
    ]
):
    """The sync client: what every dialect does (``list``, ``with_options``, ``close``).

    Build one with a factory — :meth:`stripe`, :meth:`offset` or :meth:`cursor` — which returns
    the dialect's own class (:class:`StripeCustomersClient`...) with exactly its operations and
    params. Use it as a context manager (or call :meth:`close`). Safe to share across threads.

    Example:
        >>> from customers_sdk import CustomersClient
        >>> with CustomersClient.stripe(api_key="sk_test_...") as client:  # doctest: +SKIP
        ...     for customer in client.list(limit=100):
        ...         print(customer.id, customer.email)
    """

    _dialect_classes: ClassVar[dict[str, type[Any]]] = {}

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
        return self._send(self._sendable_spec(query), options)

    def _read_page(
        self, query: Query, exchange: Exchange, options: RequestOptions, concurrency: int
    ) -> Page[Customer]:
        response, info = exchange
        content, next_query, previous = self._page_parts(query, response)
        return Page(
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
    ) -> Page[Customer]:
        return self._fetch_page(self._list_query(given, concurrency), options, concurrency)

    def _one(
        self,
        operation: str,
        customer_id: str | None,
        fields: Mapping[str, object] | None,
        options: RequestOptions,
    ) -> Customer:
        response, info = self._send(self._spec(operation, customer_id, fields), options)
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
    ) -> Page[Customer]:
        """The first page of customers; iterate it to walk them all.

        What every dialect's ``list`` takes; each dialect's client adds its own params
        (:meth:`StripeCustomersClient.list`, :meth:`OffsetCustomersClient.list`,
        :meth:`CursorCustomersClient.list`).

        Args:
            concurrency: Pages fetched at a time while walking; results stay in order (see
                the pagination guide).

        Returns:
            The first page; iterate it to walk every customer, page by page.

        Example:
            >>> for customer in client.list(limit=100):  # doctest: +SKIP
            ...     print(customer.id, customer.email)
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

    def close(self) -> None:
        """Close the connection pool, unless the caller passed its own ``http_client``."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
