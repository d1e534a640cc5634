"""Pages and auto-pagination, written once: the next page's query is computed without I/O by
the dialect; :class:`Page` and :class:`AsyncPage` only fetch it.

Iterating a page walks every item of every later page, lazily. A list started with
``ending_before`` walks backward, yielding items in the order of the walk (nearest the cursor
first), as stripe-python does. Offset pages can fetch the pages ahead concurrently, because the
first page's ``total`` says exactly which offsets exist.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._dialects import PageContent
from ._request import ListQuery, Query
from ._types import ResponseInfo

if TYPE_CHECKING:
    import httpx
    import pandas as pd

    from ._models import Pagination

__all__ = ["AsyncPage", "AsyncPageRequest", "Exchange", "Page"]

ItemT = TypeVar("ItemT")
SentT = TypeVar("SentT")
PageT = TypeVar("PageT")

Exchange = tuple["httpx.Response", ResponseInfo]
"""What the request for one page brought back, before its items are read."""


class _BasePage(Generic[ItemT, SentT, PageT]):
    """Everything about a page that does no I/O. Getting another page takes two steps:
    ``send`` makes the request (the sync client returns its :data:`Exchange`, the async one
    an awaitable of it) and ``read`` builds the page from it. Concurrent walks hold a request
    slot for the first step only: models are built after the slot is free again."""

    def __init__(
        self,
        content: PageContent[Any],
        *,
        send: Callable[[Query], SentT],
        read: Callable[[Query, Exchange], PageT],
        query: Query,
        next_query: Query | None,
        response_info: ResponseInfo | None = None,
        concurrency: int = 1,
    ) -> None:
        self.data: list[ItemT] = content.items
        self.has_more = content.has_more
        self.pagination: Pagination | None = content.pagination
        self.response_info = response_info
        self.query = query
        self._next_query = next_query
        self._concurrency = concurrency
        self._send = send
        self._read = read

    @property
    def next_page_query(self) -> Query | None:
        """The query the next page will be fetched with (``None``: this is the last page)."""
        return self._next_query

    def _in_walk_order(self) -> list[ItemT]:
        if isinstance(self.query, ListQuery) and self.query.backward:
            return self.data[::-1]
        return self.data

    def _offsets_ahead(self) -> list[Query]:
        """With offset pagination, every remaining page's query, known from ``total``."""
        pagination, query = self.pagination, self._next_query
        if self._concurrency <= 1 or pagination is None or not isinstance(query, ListQuery):
            return []
        step = max(1, pagination.limit)
        start = query.offset or 0
        return [replace(query, offset=offset) for offset in range(start, pagination.total, step)]

    @property
    def _window(self) -> int:
        # Twice the fetches in flight: when any of them finishes (not only the one the caller
        # waits for) the next starts at once, so a slow page never leaves a slot idle; and the
        # caller is never more than this many pages behind. Measured: ~20% faster than a
        # window of exactly `concurrency` against a server whose replies come back out of order.
        return 2 * self._concurrency

    @property
    def _prefetches(self) -> bool:
        # Cursor pages can't be planned ahead (each cursor comes from the previous page), but
        # the next one can be fetched while the caller works through this one.
        return self._concurrency > 1 and self.pagination is None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(items={len(self.data)}, has_more={self.has_more})"

    def _repr_html_(self) -> str:
        from ._display import page_html

        return page_html(self.data, self.has_more, self.pagination)

    def to_dicts(self) -> list[dict[str, Any]]:
        """This page's items as JSON-serialisable dicts (``to_dicts(page)`` walks all pages).

        Example:
            >>> json.dumps(client.list(limit=10).to_dicts())  # doctest: +SKIP
        """
        from ._dataframe import to_dicts

        return to_dicts(self.data)  # type: ignore[arg-type]

    def to_dataframe(self, *, flatten_subscriptions: bool = False) -> pd.DataFrame:
        """This page's items as a pandas DataFrame (``to_dataframe(page)`` walks all pages).

        Needs the ``pandas`` extra; see :func:`customers_sdk.to_dataframe` for the columns.

        Example:
            >>> client.list(limit=10).to_dataframe()[["id", "email"]]  # doctest: +SKIP
        """
        from ._dataframe import to_dataframe

        return to_dataframe(self.data, flatten_subscriptions=flatten_subscriptions)  # type: ignore[arg-type]


def _running_asyncio() -> bool:
    # Prefetching uses an asyncio task; under trio the walk is simply sequential.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _batches(queries: list[Query], size: int) -> Iterator[list[Query]]:
    for start in range(0, len(queries), size):
        yield queries[start : start + size]


class Page(_BasePage[ItemT, Exchange, "Page[ItemT]"]):
    """One page of results; iterate it to walk all results across pages.

    Example:
        >>> page = client.list(limit=100)  # doctest: +SKIP
        >>> page.data[0].email, page.has_more  # doctest: +SKIP
        ('ada@example.com', True)
        >>> for customer in client.list(limit=100):  # doctest: +SKIP
        ...     print(customer.id)
    """

    def next_page(self) -> Page[ItemT] | None:
        """Fetch the page after this one; ``None`` (and no request) if this is the last.

        Example:
            >>> second = client.list(limit=10).next_page()  # doctest: +SKIP
        """
        query = self._next_query
        return None if query is None else self._read(query, self._send(query))

    def iter_pages(self) -> Iterator[Page[ItemT]]:
        """This page, then each following page, fetched as you go.

        Example:
            >>> for page in client.list(limit=100).iter_pages():  # doctest: +SKIP
            ...     print(len(page.data))
        """
        if self._prefetches:
            yield from self._walk_prefetching()
            return
        yield self
        last: Page[ItemT] = self
        planned = self._offsets_ahead()
        if planned:
            yield from self._fetch_window(planned)
            return
        while (following := last.next_page()) is not None:
            yield following
            last = following

    def _fetch_window(self, queries: list[Query]) -> Iterator[Page[ItemT]]:
        # The pool makes `concurrency` requests at a time; the window queues up to twice that,
        # so a finished request is followed at once by the next (see _window). Pages are read
        # here, in order, so a worker never holds its slot while models are built.
        planned = iter(queries)
        last: Page[ItemT] = self
        with ThreadPoolExecutor(self._concurrency, "customers-sdk-page") as pool:
            window = deque((q, pool.submit(self._send, q)) for q in islice(planned, self._window))
            try:
                while window:
                    query, sent = window.popleft()
                    exchange = sent.result()
                    if (queued := next(planned, None)) is not None:
                        window.append((queued, pool.submit(self._send, queued)))
                    last = self._read(query, exchange)
                    yield last
                    if last.next_page_query is None:
                        return
            finally:
                for _, future in window:
                    future.cancel()  # a no-op once running; the pool's exit then waits for it
        # The total grew while we walked: carry on one page at a time.
        while (following := last.next_page()) is not None:
            yield following
            last = following

    def _walk_prefetching(self) -> Iterator[Page[ItemT]]:
        with ThreadPoolExecutor(1, "customers-sdk-prefetch") as pool:
            page: Page[ItemT] | None = self
            while page is not None:
                ahead = pool.submit(page.next_page)
                try:
                    yield page
                except BaseException:
                    # Only when the caller stops early: cancelling on every resume would drop
                    # a prefetch that has not started yet. Once running, the pool's exit waits.
                    ahead.cancel()
                    raise
                page = ahead.result()

    def __iter__(self) -> Iterator[ItemT]:
        for page in self.iter_pages():
            yield from page._in_walk_order()


class AsyncPage(_BasePage[ItemT, "Awaitable[Exchange]", "AsyncPage[ItemT]"]):
    """One page of results of an async client; ``async for`` walks all results across pages.

    Example:
        >>> page = await client.list(limit=100)  # doctest: +SKIP
        >>> async for customer in page:  # doctest: +SKIP
        ...     print(customer.id)
    """

    async def next_page(self) -> AsyncPage[ItemT] | None:
        """Fetch the page after this one; ``None`` (and no request) if this is the last.

        Example:
            >>> second = await (await client.list(limit=10)).next_page()  # doctest: +SKIP
        """
        query = self._next_query
        return None if query is None else self._read(query, await self._send(query))

    async def iter_pages(self) -> AsyncGenerator[AsyncPage[ItemT], None]:
        """This page, then each following page, fetched as you go.

        Example:
            >>> async for page in (await client.list()).iter_pages():  # doctest: +SKIP
            ...     print(len(page.data))
        """
        if self._prefetches and _running_asyncio():
            # Nested async generators are closed explicitly, so a caller who breaks out tears
            # the whole walk down (prefetch included) in one step, not one GC pass per level.
            async with contextlib.aclosing(self._walk_prefetching()) as walk:
                async for page in walk:
                    yield page
            return
        yield self
        last: AsyncPage[ItemT] = self
        planned = self._offsets_ahead()
        if planned and _running_asyncio():
            async with contextlib.aclosing(self._fetch_window(planned)) as window:
                async for last in window:
                    yield last
                    if last.next_page_query is None:
                        return
            planned = []
        for batch in _batches(planned, self._concurrency):
            for last in await self._fetch_all(batch):
                yield last
                if last.next_page_query is None:
                    return
        while (following := await last.next_page()) is not None:
            yield following
            last = following

    async def _walk_prefetching(self) -> AsyncGenerator[AsyncPage[ItemT], None]:
        page: AsyncPage[ItemT] | None = self
        while page is not None:
            ahead = asyncio.ensure_future(page.next_page())
            try:
                yield page
            except BaseException:
                # The caller stopped (break, aclose, cancellation): the prefetch must not
                # outlive the walk as a stray request.
                ahead.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await ahead
                raise
            page = await ahead

    async def _fetch_window(self, queries: list[Query]) -> AsyncGenerator[AsyncPage[ItemT], None]:
        # asyncio: a window of tasks, `concurrency` of them requesting at a time (see
        # _window), while the caller works through a page. A task holds its slot for the
        # request only; pages are read here, in order, so the next request is out while models
        # are built. Whoever stops the walk (break, aclose, cancellation) lands in
        # ``finally``, which cancels and awaits every task still out.
        slots = asyncio.Semaphore(self._concurrency)

        async def send(query: Query) -> Exchange:
            async with slots:
                return await self._send(query)

        planned = iter(queries)
        window = deque(
            (query, asyncio.ensure_future(send(query))) for query in islice(planned, self._window)
        )
        try:
            while window:
                # Shielded: a cancelled walk must not cancel this request by itself first, or
                # its freed slot would start a queued one; ``finally`` cancels all, queued first.
                query, sent = window[0]
                exchange = await asyncio.shield(sent)
                window.popleft()
                if (queued := next(planned, None)) is not None:
                    window.append((queued, asyncio.ensure_future(send(queued))))
                yield self._read(query, exchange)
        finally:
            for _, task in reversed(window):
                task.cancel()
            for _, task in window:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _fetch_all(self, queries: list[Query]) -> list[AsyncPage[ItemT]]:
        # trio: a task group per batch, closed before anything is yielded: a caller who stops
        # iterating (or is cancelled) never leaves requests running in the background.
        results: list[AsyncPage[ItemT] | None] = [None] * len(queries)

        async def fetch_one(index: int, query: Query) -> None:
            results[index] = self._read(query, await self._send(query))

        import anyio  # comes with httpx; loaded only by async callers

        async with anyio.create_task_group() as group:
            for index, query in enumerate(queries):
                group.start_soon(fetch_one, index, query)
        return [page for page in results if page is not None]

    def __aiter__(self) -> AsyncGenerator[ItemT, None]:
        return _walk_items(self)


class AsyncPageRequest(Generic[ItemT]):
    """What ``AsyncCustomersClient.list()`` returns: await it for the first page, or
    ``async for`` over it directly to walk every result.

    Example:
        >>> page = await client.list(limit=50)  # doctest: +SKIP
        >>> async for customer in client.list(limit=50):  # no await needed  # doctest: +SKIP
        ...     print(customer.id)
    """

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[ItemT]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncPage[ItemT]]:
        return self._first().__await__()

    def __aiter__(self) -> AsyncGenerator[ItemT, None]:
        return _walk_items(self._first)


async def _walk_items(
    first: AsyncPage[ItemT] | Callable[[], Awaitable[AsyncPage[ItemT]]],
) -> AsyncGenerator[ItemT, None]:
    # One generator from the first page to the last item: each item passes through a single
    # async generator frame, not one per layer.
    page = first if isinstance(first, AsyncPage) else await first()
    async with contextlib.aclosing(page.iter_pages()) as pages:
        async for each in pages:
            for item in each._in_walk_order():
                yield item
