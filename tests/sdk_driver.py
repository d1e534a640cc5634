"""One blocking API over :class:`CustomersClient` and :class:`AsyncCustomersClient`.

The ``drive`` fixture (``tests/conftest.py``) yields a :class:`Drive` for the mode under test;
its factories mirror the clients' (``drive.stripe(...)``, ``drive.offset(...)``,
``drive.cursor(...)``, same keyword arguments, passed through unchanged) and return a
:class:`Driver` with the same methods for both clients: ``first_page``, ``list_all``,
``iterate``, ``take``, ``pages``, ``search``, ``search_all``, ``get``, ``create``, ``update``,
``delete``, ``session`` (``with`` / ``async with``) and ``close``; ``driver.client`` is the real
client. Clients built through a ``Drive`` are closed when the test ends.

The async side runs on one event loop thread shared by the whole session (an anyio blocking
portal), so every call of a test, and the connections its ``httpx.AsyncClient`` pools, live on
one loop: the same tests work against a real server on 127.0.0.1 as against respx. Lazy walks
(``iterate``, ``take``, ``DrivenPage.__iter__`` / ``iter_pages``) step the async iterator one
``__anext__`` per item, each in its own portal call, so request counts show laziness (an async
generator that holds a cancel scope across a ``yield`` would not survive that, nor should it).

Example::

    from sdk_driver import Drive

    def test_walks_everything(drive: Drive, mock_api: respx.MockRouter) -> None:
        mock_api.get("https://api.stripe.com/v1/customers").respond(json=...)
        customers = drive.stripe(api_key="sk_test_x", max_retries=0).list_all(limit=2)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeVar, cast

import httpx
from anyio.from_thread import BlockingPortal

from customers_sdk import (
    AsyncCustomersClient,
    AsyncPage,
    Customer,
    CustomersClient,
    DefaultAioHttpClient,
    Page,
)

__all__ = ["MODES", "NETWORK_MODES", "Drive", "DrivenPage", "Driver", "EventLoopThread"]

T = TypeVar("T")
_DONE = object()

MODES = ("sync", "async")
"""The ``drive`` fixture's default parameters; ``"trio"`` and ``"aiohttp"`` on request."""

NETWORK_MODES = ("sync", "async", "aiohttp")
"""For tests against a real server: the async client on httpx's transport and on aiohttp's
(:class:`customers_sdk.DefaultAioHttpClient`, asyncio only)."""


class EventLoopThread:
    """Runs coroutines on the portal's loop; steps async iterators lazily from this thread."""

    def __init__(self, portal: BlockingPortal) -> None:
        self.portal = portal

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        async def body() -> T:
            return await make()

        return self.portal.call(body)

    def walk(self, make: Callable[[], AsyncIterator[T]]) -> Iterator[T]:
        """One ``__anext__`` per item asked for, so laziness is observable from tests."""
        iterator = make()

        async def step() -> object:
            try:
                return await iterator.__anext__()
            except StopAsyncIteration:
                return _DONE

        async def close() -> None:
            aclose = getattr(iterator, "aclose", None)
            if aclose is not None:
                await aclose()

        try:
            while (item := self.portal.call(step)) is not _DONE:
                yield item  # type: ignore[misc]
        finally:
            self.portal.call(close)


class DrivenPage:
    """A :class:`Page` or :class:`AsyncPage` behind one blocking interface.

    Example:
        >>> page = driver.first_page(limit=2)  # doctest: +SKIP
        >>> page.data, page.has_more, page.next_page()  # doctest: +SKIP
    """

    def __init__(
        self, page: Page[Customer] | AsyncPage[Customer], loop: EventLoopThread | None
    ) -> None:
        self.page = page
        self._loop = loop

    @property
    def data(self) -> list[Customer]:
        return self.page.data

    @property
    def has_more(self) -> bool:
        return self.page.has_more

    @property
    def pagination(self) -> Any:
        return self.page.pagination

    @property
    def response_info(self) -> Any:
        return self.page.response_info

    @property
    def ids(self) -> list[str]:
        """The ids of this page's customers, in wire order."""
        return [c.id for c in self.page.data]

    def next_page(self) -> DrivenPage | None:
        return self._step("next_page")

    def previous_page(self) -> DrivenPage | None:
        return self._step("previous_page")

    def _step(self, method: str) -> DrivenPage | None:
        """``page.next_page()`` or ``page.previous_page()``, awaited on the async side."""
        page = self.page
        if isinstance(page, Page):
            found = getattr(page, method)()
            return None if found is None else DrivenPage(found, None)
        assert self._loop is not None
        awaited = self._loop.run(getattr(page, method))
        return None if awaited is None else DrivenPage(awaited, self._loop)

    @property
    def is_empty(self) -> bool:
        return self.page.is_empty

    def iter_pages(self) -> Iterator[DrivenPage]:
        """This page and the following ones, each fetched only when asked for."""
        page = self.page
        if isinstance(page, Page):
            for each in page.iter_pages():
                yield DrivenPage(each, None)
            return
        assert self._loop is not None
        for each_async in self._loop.walk(page.iter_pages):
            yield DrivenPage(each_async, self._loop)

    def __iter__(self) -> Iterator[Customer]:
        page = self.page
        if isinstance(page, Page):
            return iter(page)
        assert self._loop is not None
        return self._loop.walk(page.__aiter__)

    def auto_paging_iter(self) -> Iterator[Customer]:
        """stripe-python's name for the walk: ``page.auto_paging_iter()`` on either page."""
        page = self.page
        if isinstance(page, Page):
            return page.auto_paging_iter()
        assert self._loop is not None
        return self._loop.walk(page.auto_paging_iter)


class Driver:
    """One client, sync or async, behind the same blocking methods.

    ``client`` is the real client for anything the driver does not wrap. Keyword arguments
    go to the client method unchanged, so bad-input tests reach the SDK's own checks.

    Example:
        >>> d = drive.cursor(base_url="https://api.test", api_key="k")  # doctest: +SKIP
        >>> d.create(email="ada@example.com").id  # doctest: +SKIP
        >>> [c.id for c in d.list_all(limit=100)]  # doctest: +SKIP
    """

    def __init__(
        self, client: CustomersClient | AsyncCustomersClient, loop: EventLoopThread | None
    ) -> None:
        self.client = client
        self._loop = loop

    @property
    def is_async(self) -> bool:
        return isinstance(self.client, AsyncCustomersClient)

    @property
    def _any(self) -> Any:
        # Every dialect through one driver: operations a dialect lacks are called on purpose
        # (the run-time error is under test); the typed surface is test_dialect_typing's.
        return self.client

    def _async_any(self) -> tuple[Any, EventLoopThread]:
        return self._async()

    def _async(self) -> tuple[AsyncCustomersClient, EventLoopThread]:
        assert isinstance(self.client, AsyncCustomersClient)
        assert self._loop is not None
        return self.client, self._loop

    # -- lists ----------------------------------------------------------------------------
    def first_page(self, **params: Any) -> DrivenPage:
        """The first page (``client.list(...)``; awaited on the async side)."""
        if isinstance(self.client, CustomersClient):
            return DrivenPage(self.client.list(**params), None)
        client, loop = self._async()
        return DrivenPage(loop.run(lambda: _first(client.list(**params))), loop)

    def list_all(self, **params: Any) -> list[Customer]:
        """Every customer of the walk; async: ``async for`` on ``list()`` without an await."""
        if isinstance(self.client, CustomersClient):
            return list(self.client.list(**params))
        client, loop = self._async()
        return loop.run(lambda: _collect(client.list(**params)))

    def iterate(self, **params: Any) -> Iterator[Customer]:
        """The walk, one customer per ``next()``; close it (``contextlib.closing``) if you
        stop early."""
        if isinstance(self.client, CustomersClient):
            return iter(self.client.list(**params))
        client, loop = self._async()
        return loop.walk(lambda: client.list(**params).__aiter__())

    def take(self, count: int, **params: Any) -> list[Customer]:
        """The first ``count`` customers of the walk, then stop (and close the walk)."""
        taken: list[Customer] = []
        walk = self.iterate(**params)
        try:
            for customer in walk:
                taken.append(customer)
                if len(taken) == count:
                    break
        finally:
            close = getattr(walk, "close", None)
            if close is not None:
                close()
        return taken

    def pages(self, **params: Any) -> list[DrivenPage]:
        """Every page, via ``iter_pages()`` on the first one."""
        return list(self.first_page(**params).iter_pages())

    def search(self, query: Any, **params: Any) -> DrivenPage:
        if isinstance(self.client, CustomersClient):
            return DrivenPage(self._any.search(query, **params), None)
        client, loop = self._async_any()
        return DrivenPage(loop.run(lambda: _first(client.search(query, **params))), loop)

    def search_all(self, query: Any, **params: Any) -> list[Customer]:
        if isinstance(self.client, CustomersClient):
            return list(self._any.search(query, **params))
        client, loop = self._async_any()
        return loop.run(lambda: _collect(client.search(query, **params)))

    # -- single objects ---------------------------------------------------------------------
    def get(self, customer_id: Any, **options: Any) -> Customer:
        if isinstance(self.client, CustomersClient):
            return cast("Customer", self._any.get(customer_id, **options))
        client, loop = self._async_any()
        return cast("Customer", loop.run(lambda: client.get(customer_id, **options)))

    def create(self, **fields: Any) -> Customer:
        if isinstance(self.client, CustomersClient):
            return cast("Customer", self._any.create(**fields))
        client, loop = self._async_any()
        return cast("Customer", loop.run(lambda: client.create(**fields)))

    def update(self, customer_id: Any, **fields: Any) -> Customer:
        if isinstance(self.client, CustomersClient):
            return cast("Customer", self._any.update(customer_id, **fields))
        client, loop = self._async_any()
        return cast("Customer", loop.run(lambda: client.update(customer_id, **fields)))

    def delete(self, customer_id: Any, **options: Any) -> Customer:
        if isinstance(self.client, CustomersClient):
            return cast("Customer", self._any.delete(customer_id, **options))
        client, loop = self._async_any()
        return cast("Customer", loop.run(lambda: client.delete(customer_id, **options)))

    # -- lifetime ---------------------------------------------------------------------------
    def session(self) -> AbstractContextManager[Any]:
        """``with client:`` or ``async with client:`` (entered on the test's event loop)."""
        if isinstance(self.client, CustomersClient):
            return self.client
        client, loop = self._async()
        return loop.portal.wrap_async_context_manager(client)

    def close(self) -> None:
        """``close()`` or ``await aclose()``."""
        if isinstance(self.client, CustomersClient):
            self.client.close()
            return
        client, loop = self._async()
        loop.run(client.aclose)


async def _first(pending: Awaitable[AsyncPage[Customer]]) -> AsyncPage[Customer]:
    return await pending


async def _collect(walk: Any) -> list[Customer]:
    return [customer async for customer in walk]


class Drive:
    """Builds :class:`Driver` objects for one mode (``"sync"``, ``"async"``, ``"trio"`` or
    ``"aiohttp"``) and closes every client it built when the test ends. In ``"aiohttp"`` mode
    each client built without an ``http_client=`` gets a :class:`DefaultAioHttpClient`.

    Example:
        >>> driver = drive.stripe(api_key="sk_test_x", max_retries=0)  # doctest: +SKIP
        >>> drive.mode  # doctest: +SKIP
        'async'
    """

    def __init__(self, mode: str, loop: EventLoopThread | None) -> None:
        self.mode = mode
        self._loop = loop
        self._built: list[Driver] = []
        self._http: list[httpx.Client | httpx.AsyncClient] = []

    @property
    def client_class(self) -> type[CustomersClient] | type[AsyncCustomersClient]:
        return CustomersClient if self._loop is None else AsyncCustomersClient

    def _wrap(self, client: CustomersClient | AsyncCustomersClient) -> Driver:
        driver = Driver(client, self._loop)
        self._built.append(driver)
        return driver

    def wrap(self, client: CustomersClient | AsyncCustomersClient) -> Driver:
        """A :class:`Driver` for a client made from another (``with_options``), closed at
        teardown as the ones this drive builds are."""
        return self._wrap(client)

    def _options(self, options: dict[str, Any]) -> dict[str, Any]:
        if self.mode == "aiohttp" and "http_client" not in options:
            http = DefaultAioHttpClient()
            self._http.append(http)
            return {**options, "http_client": http}
        return options

    def stripe(self, **options: Any) -> Driver:
        return self._wrap(self.client_class.stripe(**self._options(options)))

    def offset(self, **options: Any) -> Driver:
        return self._wrap(self.client_class.offset(**self._options(options)))

    def cursor(self, **options: Any) -> Driver:
        return self._wrap(self.client_class.cursor(**self._options(options)))

    def http_client(self, **options: Any) -> Any:
        """A caller-owned ``httpx.Client`` (sync) or ``httpx.AsyncClient`` (async modes; a
        :class:`DefaultAioHttpClient` in ``"aiohttp"`` mode unless ``options`` name a transport)
        built with ``options`` (e.g. ``transport=SandboxTransport(sandbox)``), closed at
        teardown."""
        http: httpx.Client | httpx.AsyncClient
        if self._loop is None:
            http = httpx.Client(**options)
        elif self.mode == "aiohttp" and "transport" not in options:
            http = DefaultAioHttpClient(**options)
        else:
            http = httpx.AsyncClient(**options)
        self._http.append(http)
        return http

    def dialect(self, name: str, **options: Any) -> Driver:
        """``drive.dialect("cursor", ...)`` is ``drive.cursor(...)``, for parametrized tests."""
        factory: Callable[..., Driver] = getattr(self, name)
        return factory(**options)

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run an async callable on this test's event loop (async mode only)."""
        assert self._loop is not None, "run() is for the async mode"
        return self._loop.run(make)

    def close_all(self) -> None:
        for driver in self._built:
            driver.close()
        for http in self._http:
            if isinstance(http, httpx.Client):
                http.close()
            else:
                self.run(http.aclose)
