"""Pages and auto-pagination, written once: the next page's query is computed without I/O by
the dialect; :class:`Page` and :class:`AsyncPage` only fetch it.

Iterating a page walks every item of every later page, lazily. A list started with
``ending_before`` walks backward, yielding items in the order of the walk (nearest the cursor
first), as stripe-python does. Offset pages can fetch the pages ahead concurrently, because the
first page's ``total`` says which offsets exist; the plan is drawn only as far as the window of
requests in flight, and the first page that says it is the last ends the walk, so a lying
``total`` costs at most a window of requests. A page holding more or fewer than ``limit``
items ends the plan (the rest is walked one page at a time), so a concurrent walk yields
exactly what a sequential one does. Every next query comes from ``Dialect.follow``, which
raises when a page would not move the walk on. The plan is drawn here; ``_fetch_ahead`` holds
the engines that fetch it (threads, asyncio tasks, a trio task group).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._dialects import PageContent
from ._dialects._stripe_slices import sliceable
from ._fetch_ahead import afetch_batches, afetch_window, fetch_window, running_asyncio
from ._page_exports import PageExports
from ._request import ListQuery, Query
from ._sliced_walk import awalk_sliced, walk_sliced
from ._types import ResponseInfo
from ._walk_cycles import Lap, after_lap, first_lap

if TYPE_CHECKING:
    import httpx

    from ._models import Pagination

__all__ = ["AsyncPage", "Exchange", "Page", "walk_items"]

ItemT = TypeVar("ItemT", covariant=True)  # a Page[StripeCustomer] is a Page[Customer]
SentT = TypeVar("SentT")
PageT = TypeVar("PageT")

Exchange = tuple["httpx.Response", ResponseInfo]
"""What the request for one page brought back, before its items are read."""


class _BasePage(PageExports, Generic[ItemT, SentT, PageT]):
    """Everything about a page that does no I/O. Getting another page takes two steps:
    ``send`` makes the request (the sync client returns its :data:`Exchange`, the async one
    an awaitable of it) and ``read`` builds the page from it. Concurrent walks hold a request
    slot for the first step only: models are built after the slot is free again.

    Attributes:
        data: This page's items, in the order the server sent them.
        has_more: Whether the server has more items after this page.
        pagination: The offset API's pagination block (``total``...); None elsewhere.
        total_count: How many customers a Stripe search matches in all, when it was asked
            with ``expand=["total_count"]``; None otherwise.
        next_page_token: A Stripe search's ``next_page``: pass it as ``search(page=...)`` to
            resume there later; None on the last page and elsewhere.
        response_info: Request id, status, retries and time of this page's request.
        query: The parameters this page was fetched with.
    """

    def __init__(
        self,
        content: PageContent[Any],
        *,
        send: Callable[[Query], SentT],
        read: Callable[[Query, Exchange], PageT],
        query: Query,
        next_query: Query | None,
        previous: Callable[[], Query | None] = lambda: None,
        response_info: ResponseInfo | None = None,
        concurrency: int = 1,
        sliced: bool = False,
    ) -> None:
        self.data: list[ItemT] = content.items
        self.has_more = content.has_more
        self.pagination: Pagination | None = content.pagination
        self.total_count: int | None = content.total_count
        self.next_page_token: str | None = content.next_page_token
        self.response_info = response_info
        self.query = query
        self._next_query = next_query
        self._previous = previous  # the previous page's query, made when asked for
        self._concurrency = concurrency
        self._sliced = sliced
        self._send = send
        self._read = read
        self._lap: Lap = first_lap(query)

    @property
    def is_empty(self) -> bool:
        """Whether this page holds no items (stripe-python's ``is_empty``)."""
        return not self.data

    @property
    def next_page_query(self) -> Query | None:
        """The query the next page will be fetched with (``None``: this is the last page)."""
        return self._next_query

    def _followed_by(self, page: PageT) -> PageT:
        """``page``, read after this one, unless its next query returns to an earlier page's
        (A, B, A, …): the dialect sees one page, this sees the walk, in constant memory."""
        return after_lap(self._lap, page)  # type: ignore[type-var]  # PageT is a page

    def _in_walk_order(self) -> list[ItemT]:
        if isinstance(self.query, ListQuery) and self.query.backward:
            return self.data[::-1]
        return self.data

    def _offsets_ahead(self) -> Iterator[Query] | None:
        """With offset pagination and concurrency, the remaining pages' queries up to ``total``,
        each made only when the walk draws it (``None``: nothing to plan)."""
        pagination, query = self.pagination, self._next_query
        if self._concurrency <= 1 or pagination is None or not isinstance(query, ListQuery):
            return None
        step = max(1, pagination.limit)
        offsets = range(query.offset or 0, pagination.total, step)
        return (replace(query, offset=offset) for offset in offsets)

    def _planned_right(self, page: _BasePage[ItemT, SentT, PageT]) -> bool:
        """Whether ``page``, fetched from the plan, is the page after this one: the plan
        assumes every page holds exactly ``limit`` items, so one holding fewer (or more) yet
        saying more follow would make the next planned offset skip (or repeat) customers.

        The walk then drops what the plan fetched ahead (one window of requests at most) and
        goes on one page at a time from this page's own next query, exactly as a sequential
        walk does: both yield the same customers in the same order, whatever the server sends.
        Not an error, since a short page is legal (a customer deleted mid-walk, a server capping
        ``limit``); not a new plan either, since a server whose pages do not hold ``limit``
        items has shown that offsets ``limit`` apart cannot be trusted, and re-planning after
        each such page would waste a window of requests every time.
        """
        return page.query == self._next_query

    @property
    def _walks_slices(self) -> bool:
        # Stripe's walk, cut by creation time (see _sliced_walk); only a walk from the top.
        return (
            self._sliced
            and self._concurrency > 1
            and self._next_query is not None
            and sliceable(self.query)
        )

    def _resume_walk_at(self, query: Query | None) -> None:
        """Make this page, fetched for one slice of a sliced walk, a page of the whole walk."""
        self._next_query = query
        self.has_more = query is not None

    @property
    def _prefetches(self) -> bool:
        # Cursor pages can't be planned ahead (each cursor comes from the previous page), but
        # the next one can be fetched while the caller works through this one.
        return self._concurrency > 1 and self.pagination is None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(items={len(self.data)}, has_more={self.has_more})"


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

        Returns:
            The next page, or None.

        Example:
            >>> second = client.list(limit=10).next_page()  # doctest: +SKIP
        """
        query = self._next_query
        return None if query is None else self._followed_by(self._read(query, self._send(query)))

    def previous_page(self) -> Page[ItemT] | None:
        """Fetch the page before this one, as stripe-python's ``previous_page()``: the items
        just before this page's first (newer ones, on a list sorted newest first), or on the
        offset API the page at the offset before; ``None`` (and no request) where there is
        none to ask for (an offset page at 0, an empty page, a search page).

        Returns:
            The previous page, or None.

        Example:
            >>> newer = client.list(starting_after="cus_123").previous_page()  # doctest: +SKIP
        """
        query = self._previous()
        return None if query is None else self._read(query, self._send(query))

    def iter_pages(self) -> Iterator[Page[ItemT]]:
        """This page, then each following page, fetched as you go.

        Yields:
            Each page, this one first.

        Example:
            >>> for page in client.list(limit=100).iter_pages():  # doctest: +SKIP
            ...     print(len(page.data))
        """
        if self._walks_slices:
            yield from walk_sliced(self)
            return
        if self._prefetches:
            yield from self._walk_prefetching()
            return
        yield self
        last: Page[ItemT] = self
        planned = self._offsets_ahead()
        if planned is not None:
            window = fetch_window(self._send, self._read, self._concurrency, planned)
            with contextlib.closing(window):
                for page in window:
                    if not last._planned_right(page):
                        break
                    yield page
                    last = page
                    if last.next_page_query is None:
                        return
        # The total grew while we walked, or the plan went wrong: carry on one page at a time.
        # No page is held while the next is fetched and read: one the caller let go of is
        # freed first, so a walk holds one page at a time, not two.
        query, lap = last._next_query, last._lap
        del last
        while query is not None:
            following = after_lap(lap, self._read(query, self._send(query)))
            query, lap = following._next_query, following._lap
            yield following
            del following

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
            del page  # before the next page is read (see iter_pages)

    def auto_paging_iter(self) -> Iterator[ItemT]:
        """Every result from this page on: what iterating the page does, under stripe-python's
        name, so ``for c in page.auto_paging_iter()`` ports as is.

        Returns:
            An iterator over this page's results, then every later page's.

        Example:
            >>> for customer in client.list(limit=100).auto_paging_iter():  # doctest: +SKIP
            ...     print(customer.id)
        """
        return iter(self)


class AsyncPage(_BasePage[ItemT, "Awaitable[Exchange]", "AsyncPage[ItemT]"]):
    """One page of results of an async client; ``async for`` walks all results across pages.

    Example:
        >>> page = await client.list(limit=100)  # doctest: +SKIP
        >>> async for customer in page:  # doctest: +SKIP
        ...     print(customer.id)
    """

    async def next_page(self) -> AsyncPage[ItemT] | None:
        """Fetch the page after this one; ``None`` (and no request) if this is the last.

        Returns:
            The next page, or None.

        Example:
            >>> second = await (await client.list(limit=10)).next_page()  # doctest: +SKIP
        """
        query = self._next_query
        if query is None:
            return None
        return self._followed_by(self._read(query, await self._send(query)))

    async def previous_page(self) -> AsyncPage[ItemT] | None:
        """Fetch the page before this one (see :meth:`Page.previous_page`).

        Returns:
            The previous page, or None.

        Example:
            >>> page = await client.list(starting_after="cus_123")  # doctest: +SKIP
            >>> newer = await page.previous_page()  # doctest: +SKIP
        """
        query = self._previous()
        return None if query is None else self._read(query, await self._send(query))

    async def iter_pages(self) -> AsyncGenerator[AsyncPage[ItemT], None]:
        """This page, then each following page, fetched as you go.

        Yields:
            Each page, this one first.

        Example:
            >>> async for page in (await client.list()).iter_pages():  # doctest: +SKIP
            ...     print(len(page.data))
        """
        if self._walks_slices:
            async with contextlib.aclosing(awalk_sliced(self)) as sliced:
                async for page in sliced:
                    yield page
            return
        # Prefetching uses an asyncio task; under trio the walk is simply sequential.
        if self._prefetches and running_asyncio():
            # Nested async generators are closed explicitly, so a caller who breaks out tears
            # the whole walk down (prefetch included) in one step, not one GC pass per level.
            async with contextlib.aclosing(self._walk_prefetching()) as walk:
                async for page in walk:
                    yield page
            return
        yield self
        last: AsyncPage[ItemT] = self
        planned = self._offsets_ahead()
        if planned is not None:
            ahead = afetch_window if running_asyncio() else afetch_batches
            window = ahead(self._send, self._read, self._concurrency, planned)
            async with contextlib.aclosing(window):
                async for page in window:
                    if not last._planned_right(page):
                        break
                    yield page
                    last = page
                    if last.next_page_query is None:
                        return
        # As the sync walk: no page held while the next is fetched and read.
        query, lap = last._next_query, last._lap
        del last
        while query is not None:
            following = after_lap(lap, self._read(query, await self._send(query)))
            query, lap = following._next_query, following._lap
            yield following
            del following

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

    def __aiter__(self) -> AsyncGenerator[ItemT, None]:
        return walk_items(self)

    def auto_paging_iter(self) -> AsyncGenerator[ItemT, None]:
        """Every result from this page on (``async for``): stripe-python's name for it.

        Returns:
            An async iterator over this page's results, then every later page's.

        Example:
            >>> page = await client.list(limit=100)  # doctest: +SKIP
            >>> async for customer in page.auto_paging_iter():  # doctest: +SKIP
            ...     print(customer.id)
        """
        return walk_items(self)


async def walk_items(
    first: AsyncPage[ItemT] | Callable[[], Awaitable[AsyncPage[ItemT]]],
) -> AsyncGenerator[ItemT, None]:
    """Every item from the first page to the last, through a single async generator frame
    (not one per layer)."""
    page = first if isinstance(first, AsyncPage) else await first()
    async with contextlib.aclosing(page.iter_pages()) as pages:
        async for each in pages:
            for item in each._in_walk_order():
                yield item
            del each  # before the next page is read (see iter_pages)
