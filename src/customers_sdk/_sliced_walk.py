"""Driving a concurrent Stripe walk cut into ``created`` slices: the shells only do I/O.

What to fetch is decided by the pure planner in ``_dialects/_stripe_slices``; the slices are
fetched by the engines of ``_fetch_ahead``, read back in the plan's order. A slice that holds
more than a page is cut again while its first page is yielded, and walked by a window of its
own before the slices after it are yielded; every window shares one set of ``concurrency``
request slots, so nesting never puts more requests in flight. Every request goes through the
page's ``send``, the client's one call path, so its rate limit (local or fleet-wide) governs
them all.

The pages come out in the sequential walk's order, empty slices left out, and each one is
relabelled as a page of the whole walk: its ``next_page_query`` is the caller's query from
after its last customer (what a sequential walk would ask next), ``None`` on the last.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncGenerator, Generator, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._dialects._stripe_slices import bounds_of, oldest_flow, on_plan, remainder
from ._fetch_ahead import afetch_batches, afetch_window, fetch_window, running_asyncio
from ._request import ListQuery, Query

if TYPE_CHECKING:
    from ._pagination import AsyncPage, Page, _BasePage

__all__ = ["awalk_sliced", "walk_sliced"]

PageT = TypeVar("PageT", bound="_BasePage[Any, Any, Any]")


def walk_sliced(first: Page[Any]) -> Generator[Page[Any], None, None]:
    """``first`` and the pages after it, their slices fetched ``concurrency`` at a time."""
    slots = threading.BoundedSemaphore(first._concurrency)
    stopping = threading.Event()
    root = _list_query(first)

    def send(query: Query) -> Any:
        with slots:
            # A request queued in an outer window while a nested one held every slot: the
            # walk was stopped meanwhile, so it must not go out now.
            if stopping.is_set():
                raise _Stopped
            return first._send(query)

    def fetch(plan: Iterator[Query]) -> Generator[Page[Any], None, None]:
        return fetch_window(send, first._read, first._concurrency, plan)

    def rest(page: Page[Any], floor: int | None) -> Generator[Page[Any], None, None]:
        last = page
        while last.next_page_query is not None:
            plan = remainder(_list_query(last), last.data, floor)
            if plan is None:  # one second, or no bound below: as a sequential walk
                last = _checked(last.next_page())
                yield last
                continue
            with contextlib.closing(fetch(plan)) as window:
                for piece in window:
                    yield _checked(piece)
                    plan.record(_list_query(piece), piece.data)
                    yield from rest(piece, bounds_of(_list_query(piece)).lo)
            return

    def probed(flow: Generator[list[ListQuery], list[bool], int | None]) -> int | None:
        try:
            probes = next(flow)
            while True:
                with contextlib.closing(fetch(iter(probes))) as window:
                    probes = flow.send([bool(_checked(probe).data) for probe in window])
        except StopIteration as found:
            floor: int | None = found.value
            return floor

    def pages() -> Generator[Page[Any], None, None]:
        tail = first
        try:
            _checked(first)
            floor = probed(oldest_flow(root, first.data, first._concurrency))
            for page in rest(first, floor):
                yield page
                tail = page if page.data else tail
        except _OffPlan:
            query = _after(tail, root)
            # As a sequential walk from here on, its check for cursors going round included.
            following: Page[Any] | None = tail._followed_by(first._read(query, send(query)))
            while following is not None:
                yield following
                following = following.next_page()

    yield first  # at once: its next query resumes the walk, as more pages follow it
    walk = pages()
    try:
        yield from _resumable(walk, root)
    finally:
        stopping.set()
        walk.close()


async def awalk_sliced(first: AsyncPage[Any]) -> AsyncGenerator[AsyncPage[Any], None]:
    """:func:`walk_sliced` on asyncio or trio."""
    import anyio  # comes with httpx; loaded only by async callers

    slots = anyio.Semaphore(first._concurrency)
    ahead = afetch_window if running_asyncio() else afetch_batches
    root = _list_query(first)

    async def send(query: Query) -> Any:
        async with slots:
            return await first._send(query)

    def fetch(plan: Iterator[Query]) -> AsyncGenerator[AsyncPage[Any], None]:
        return ahead(send, first._read, first._concurrency, plan)

    async def rest(page: AsyncPage[Any], floor: int | None) -> AsyncGenerator[AsyncPage[Any], None]:
        last = page
        while last.next_page_query is not None:
            plan = remainder(_list_query(last), last.data, floor)
            if plan is None:
                last = _checked(await last.next_page())
                yield last
                continue
            async with contextlib.aclosing(fetch(plan)) as window:
                async for piece in window:
                    yield _checked(piece)
                    plan.record(_list_query(piece), piece.data)
                    inner = rest(piece, bounds_of(_list_query(piece)).lo)
                    async with contextlib.aclosing(inner):
                        async for each in inner:
                            yield each
            return

    async def aprobed(flow: Generator[list[ListQuery], list[bool], int | None]) -> int | None:
        try:
            probes = next(flow)
            while True:
                async with contextlib.aclosing(fetch(iter(probes))) as window:
                    probes = flow.send([bool(_checked(probe).data) async for probe in window])
        except StopIteration as found:
            floor: int | None = found.value
            return floor

    async def pages() -> AsyncGenerator[AsyncPage[Any], None]:
        tail = first
        try:
            _checked(first)
            floor = await aprobed(oldest_flow(root, first.data, first._concurrency))
            async with contextlib.aclosing(rest(first, floor)) as after:
                async for page in after:
                    yield page
                    tail = page if page.data else tail
        except _OffPlan:
            query = _after(tail, root)
            following: AsyncPage[Any] | None = tail._followed_by(
                first._read(query, await send(query))
            )
            while following is not None:
                yield following
                following = await following.next_page()

    yield first
    held: _Held[AsyncPage[Any]] = _Held(root)
    try:
        async with contextlib.aclosing(pages()) as walk:
            async for page in walk:
                if (ready := held.swap(page)) is not None:
                    yield ready
    except Exception:
        if (last := held.release(going_on=True)) is not None:
            yield last  # its customers come out before the error, as in a sequential walk
        raise
    if (last := held.release(going_on=False)) is not None:
        yield last


class _Stopped(Exception):
    """A request drawn for a walk that has stopped since (never seen by the caller)."""


class _OffPlan(Exception):
    """A slice's page was not what slicing assumes of the server (see ``on_plan``)."""


def _checked(page: PageT | None) -> PageT:
    assert page is not None  # only pages that had a next query are followed
    if not on_plan(_list_query(page), page.data):
        raise _OffPlan
    return page


def _list_query(page: _BasePage[Any, Any, Any]) -> ListQuery:
    assert isinstance(page.query, ListQuery)  # a sliced walk lists
    return page.query


def _after(page: _BasePage[Any, Any, Any], root: ListQuery) -> ListQuery:
    """Where the whole walk goes on after ``page``: what a sequential walk would ask next."""
    return replace(root, starting_after=page.data[-1].id)


class _Held(Generic[PageT]):
    """Each page after the first is held back until the next non-empty one arrives: only then
    is it known whether the walk goes on after it, which its ``next_page_query`` must say."""

    def __init__(self, root: ListQuery) -> None:
        self._root = root
        self._page: PageT | None = None
        self._empty: PageT | None = None

    def swap(self, page: PageT) -> PageT | None:
        """Hold ``page``; return the page held until now if ``page`` shows the walk goes on."""
        if not page.data:
            self._empty = page
            return None
        ready = self.release(going_on=True)
        self._page, self._empty = page, None
        return ready

    def release(self, *, going_on: bool) -> PageT | None:
        """The page held, labelled as going on or as the last. At the end with none held
        (the first page said more follow, and no customer did), the last empty page ends
        the walk, as it would a sequential one."""
        held, self._page = self._page, None
        if held is None and not going_on:
            held, self._empty = self._empty, None
        if held is not None:
            held._resume_walk_at(_after(held, self._root) if going_on and held.data else None)
        return held


def _resumable(pages: Iterator[PageT], root: ListQuery) -> Iterator[PageT]:
    held: _Held[PageT] = _Held(root)
    try:
        for page in pages:
            if (ready := held.swap(page)) is not None:
                yield ready
    except Exception:
        if (last := held.release(going_on=True)) is not None:
            yield last
        raise
    if (last := held.release(going_on=False)) is not None:
        yield last
