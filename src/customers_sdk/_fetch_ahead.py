"""Fetching the planned pages of a concurrent offset walk: ``concurrency`` requests at a time,
the pages read back in the plan's order.

One engine per runtime: :func:`fetch_window` (threads, the sync client), :func:`afetch_window`
(asyncio tasks) and :func:`afetch_batches` (a trio task group). Each takes the walk's ``send``
(makes one page's request) and ``read`` (builds the page from what came back), so a request
slot is held for the request only, never while models are built. Which pages to fetch, and
when to stop trusting the plan, is decided by the walk in ``_pagination``; whoever stops
iterating (break, close, cancellation) leaves no request running.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

from ._request import Query

__all__ = ["afetch_batches", "afetch_window", "fetch_window", "running_asyncio", "window_size"]

ExchangeT = TypeVar("ExchangeT")
PageT = TypeVar("PageT")


def window_size(concurrency: int) -> int:
    """How many planned pages are requested or queued at once.

    Twice the fetches in flight: when any of them finishes (not only the one the caller waits
    for) the next starts at once, so a slow page never leaves a slot idle; and the caller is
    never more than this many pages behind. Measured: ~20% faster than a window of exactly
    ``concurrency`` against a server whose replies come back out of order.

    Example:
        >>> window_size(4)
        8
    """
    return 2 * concurrency


def running_asyncio() -> bool:
    """Whether an asyncio loop runs this code (under trio the walks use no asyncio task).

    Example:
        >>> running_asyncio()
        False
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def fetch_window(
    send: Callable[[Query], ExchangeT],
    read: Callable[[Query, ExchangeT], PageT],
    concurrency: int,
    planned: Iterator[Query],
) -> Generator[PageT, None, None]:
    """The planned pages, in order, fetched by a pool of ``concurrency`` threads.

    Example:
        >>> pages = fetch_window(send, read, 4, planned)  # doctest: +SKIP
    """
    # The pool makes `concurrency` requests at a time; the window queues up to twice that, so
    # a finished request is followed at once by the next (see window_size). Pages are read
    # here, in order, so a worker never holds its slot while models are built.
    with ThreadPoolExecutor(concurrency, "customers-sdk-page") as pool:
        ahead = window_size(concurrency)
        window = deque((q, pool.submit(send, q)) for q in islice(planned, ahead))
        try:
            while window:
                query, sent = window.popleft()
                exchange = sent.result()
                if (queued := next(planned, None)) is not None:
                    window.append((queued, pool.submit(send, queued)))
                yield read(query, exchange)
        finally:
            for _, future in window:
                future.cancel()  # a no-op once running; the pool's exit then waits for it


async def afetch_window(
    send: Callable[[Query], Awaitable[ExchangeT]],
    read: Callable[[Query, ExchangeT], PageT],
    concurrency: int,
    planned: Iterator[Query],
) -> AsyncGenerator[PageT, None]:
    """:func:`fetch_window` on asyncio: a window of tasks, ``concurrency`` of them requesting.

    Example:
        >>> pages = afetch_window(send, read, 4, planned)  # doctest: +SKIP
    """
    # The caller works through a page while the next requests are out. Whoever stops the walk
    # (break, aclose, cancellation) lands in ``finally``, which cancels and awaits every task
    # still out.
    slots = asyncio.Semaphore(concurrency)

    async def send_in_slot(query: Query) -> ExchangeT:
        async with slots:
            return await send(query)

    window = deque(
        (query, asyncio.ensure_future(send_in_slot(query)))
        for query in islice(planned, window_size(concurrency))
    )
    try:
        while window:
            # Shielded: a cancelled walk must not cancel this request by itself first, or its
            # freed slot would start a queued one; ``finally`` cancels all, queued first.
            query, sent = window[0]
            exchange = await asyncio.shield(sent)
            window.popleft()
            if (queued := next(planned, None)) is not None:
                window.append((queued, asyncio.ensure_future(send_in_slot(queued))))
            yield read(query, exchange)
    finally:
        for _, task in reversed(window):
            task.cancel()
        for _, task in window:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def afetch_batches(
    send: Callable[[Query], Awaitable[ExchangeT]],
    read: Callable[[Query, ExchangeT], PageT],
    concurrency: int,
    planned: Iterator[Query],
) -> AsyncGenerator[PageT, None]:
    """:func:`fetch_window` on trio: ``concurrency`` requests at a time in a task group.

    Example:
        >>> pages = afetch_batches(send, read, 4, planned)  # doctest: +SKIP
    """
    # The group is closed before anything is yielded: a caller who stops iterating (or is
    # cancelled) never leaves requests running in the background.
    import anyio  # comes with httpx; loaded only by async callers

    async def fetch_one(into: dict[int, ExchangeT | Exception], index: int, query: Query) -> None:
        try:
            into[index] = await send(query)
        except Exception as exc:  # raised below, in order: the group would wrap it in a group
            into[index] = exc

    while batch := list(islice(planned, concurrency)):
        exchanges: dict[int, ExchangeT | Exception] = {}
        async with anyio.create_task_group() as group:
            for index, query in enumerate(batch):
                group.start_soon(fetch_one, exchanges, index, query)
        for index, query in enumerate(batch):
            sent = exchanges[index]
            if isinstance(sent, Exception):
                raise sent
            yield read(query, sent)
