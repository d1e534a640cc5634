"""Slices of a Stripe list walk by creation time: pure functions, no I/O.

Stripe lists customers newest first, so the customers created in ``[a, b)`` (whole seconds)
are one contiguous run of the sequential walk, and the runs of ``[b, c)``, ``[a, b)``, …
walked one after the other are the sequential walk itself, customers sharing a second
included (a second is never cut). That is the whole trick of a concurrent Stripe walk: the
rest of the walk after a page is cut into such slices (:func:`remainder`), each walked with
``created[gte]`` / ``created[lt]``, the first with ``starting_after`` so that it also holds
the rest of the last page's second. A slice that comes back with more pages is cut again the
same way; one that cannot be cut (one second, or no lower bound) goes on one page at a time.
How wide a slice is comes from how densely the page before it was filled.

A walk with no lower bound on ``created`` first looks for one: :func:`oldest_flow` asks
``created[lt]=t, limit=1`` ("is anyone older than t?") at points each four times as far from
the top as the one before, then at evenly spaced points inside the bracket found, each round
at once. The bound only sizes the slices: the lowest slice stays open below, so a wrong one
costs requests, never customers.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING

from .._request import ListQuery, Query
from .stripe import _epoch

if TYPE_CHECKING:
    from .._models import Customer

__all__ = ["Bounds", "Slices", "bounds_of", "on_plan", "oldest_flow", "remainder", "sliceable"]

FILL = 0.9
"""The share of ``limit`` a slice is sized to hold, by the density of the page before it."""
STRIPE_DEFAULT_LIMIT = 10
MAX_PROBES = 24


@dataclass(frozen=True, slots=True)
class Bounds:
    """Whole seconds ``[lo, hi)``; ``None``: unbounded on that side."""

    lo: int | None = None
    hi: int | None = None


def bounds_of(query: ListQuery) -> Bounds:
    """The seconds ``query``'s ``created`` filter lets through, as ``[lo, hi)``.

    Example:
        >>> bounds_of(ListQuery(created={"gt": 10, "lte": 20}))
        Bounds(lo=11, hi=21)
    """
    created = query.created
    if created is None:
        return Bounds()
    if not isinstance(created, Mapping):
        second = _epoch(created, "created")
        return Bounds(second, second + 1)
    lows, highs = [], []
    for op, value in created.items():
        second = _epoch(value, f"created[{op}]")
        if op in ("gt", "gte"):
            lows.append(second + (op == "gt"))
        else:
            highs.append(second + (op == "lte"))
    return Bounds(max(lows, default=None), min(highs, default=None))


def sliceable(query: Query) -> bool:
    """Whether a walk starting with ``query`` can be sliced: a forward list from the top.
    Walks from a cursor (``starting_after``, ``ending_before``) stay sequential."""
    return isinstance(query, ListQuery) and query.starting_after is None and not query.backward


def _within(query: ListQuery, lo: int | None, hi: int | None, after: str | None) -> ListQuery:
    created = {op: at for op, at in (("gte", lo), ("lt", hi)) if at is not None}
    return replace(query, starting_after=after, created=created or None)


def _second(customer: Customer) -> int | None:
    created = customer.created_at
    return None if created is None else int(created.timestamp())


def on_plan(query: ListQuery, items: Sequence[Customer]) -> bool:
    """Whether a slice's page is what the plan assumes of the server: customers inside the
    slice's seconds, newest first, the ``starting_after`` one not among them. A server that
    ignores a filter breaks this at once; the walk then goes on one page at a time.

    Example:
        >>> on_plan(ListQuery(created={"gte": 5, "lt": 6}), [])
        True
    """
    bounds = bounds_of(query)
    seconds = [_second(item) for item in items]
    if query.starting_after is not None and any(i.id == query.starting_after for i in items):
        return False
    known = [second for second in seconds if second is not None]
    if len(known) < len(seconds):
        return False
    inside = all(
        (bounds.lo is None or bounds.lo <= second) and (bounds.hi is None or second < bounds.hi)
        for second in known
    )
    return inside and all(newer >= older for newer, older in pairwise(known))


def _width(query: ListQuery, items: Sequence[Customer], newest: int, last: int) -> int:
    """Seconds a slice spans to hold ``FILL`` of a page, at the density of ``items``."""
    per_second = len(items) / max(1, newest - last + 1)  # on_plan: newest >= last
    return max(1, int(FILL * (query.limit or STRIPE_DEFAULT_LIMIT) / per_second))


def remainder(query: ListQuery, items: Sequence[Customer], floor: int | None) -> Slices | None:
    """The slices holding the rest of the walk after ``items`` (a full page of ``query``),
    newest first; ``None`` when it cannot be cut (the walk then follows the page's own
    next query, as a sequential walk does).

    ``floor`` is the lowest second worth slicing down to (``query``'s own lower bound, or
    the estimate of :func:`oldest_flow`); below it the last slice reaches ``query``'s bound.

    Example:
        >>> slices = remainder(query, page.data, floor=1_700_000_000)  # doctest: +SKIP
    """
    newest, last = _second(items[0]), _second(items[-1])
    if newest is None or last is None or floor is None:
        return None
    top = last + 1  # the rest of the last item's second comes first, after its id
    width = _width(query, items, newest, last)
    if top - width <= floor:
        return None
    return Slices(query, top, floor, width, items[-1].id)


class Slices(Iterator[ListQuery]):
    """The slices of a remainder, newest first, drawn one at a time as the walk's window
    needs them. Each is as wide as the slices read back so far say a page-full is
    (:meth:`record`): twice as wide after an empty one, so a sparse past costs a few
    requests per doubling rather than one per slice of the dense present.

    Example:
        >>> slices = Slices(ListQuery(limit=10), top=100, floor=0, width=30, after="cus_1")
        >>> [s.created for s in slices]
        [{'gte': 70, 'lt': 100}, {'gte': 40, 'lt': 70}, {'gte': 10, 'lt': 40}, {'lt': 10}]
    """

    def __init__(self, query: ListQuery, top: int, floor: int, width: int, after: str) -> None:
        self._query = query
        self._edge, self._floor, self._width = top, floor, width
        self._after: str | None = after
        self._done = False

    def __next__(self) -> ListQuery:
        if self._done:
            raise StopIteration
        edge, after = self._edge, self._after
        self._after = None
        if edge - self._width > self._floor:
            self._edge = edge - self._width
            return _within(self._query, self._edge, edge, after)
        self._done = True
        return _within(self._query, bounds_of(self._query).lo, edge, after)

    def record(self, query: ListQuery, items: Sequence[Customer]) -> None:
        """Size the slices still to come by how full ``query``'s slice came back."""
        bounds = bounds_of(query)
        if bounds.lo is None or bounds.hi is None:
            return
        if not items:
            self._width *= 2
            return
        limit = self._query.limit or STRIPE_DEFAULT_LIMIT
        self._width = max(1, int(FILL * limit * (bounds.hi - bounds.lo) / len(items)))


def oldest_flow(
    query: ListQuery, items: Sequence[Customer], concurrency: int
) -> Generator[list[ListQuery], list[bool], int | None]:
    """A lower bound on the oldest ``created`` (whole seconds) of the customers ``query``
    lists after ``items`` (its first page), found in two rounds of concurrent one-customer
    probes; ``None`` if the page's customers have no ``created``.

    Sans-IO: yields each round's probe queries and is sent, for each, whether it found a
    customer; returns the bound. The caller's own lower bound, if any, is returned at once.

    Example:
        >>> from customers_sdk import StripeCustomer
        >>> newest = StripeCustomer.model_validate({"id": "cus_2", "created": 1_700_000_000})
        >>> flow = oldest_flow(ListQuery(limit=1), [newest], concurrency=8)
        >>> def found(probes):  # as a server whose oldest customer is from 1_699_999_950
        ...     return [probe.created["lt"] > 1_699_999_950 for probe in probes]
        >>> probes = next(flow)  # "anyone older than t?", t further back each time
        >>> len(probes), len(probes := flow.send(found(probes)))  # then inside the bracket
        (16, 8)
        >>> try:
        ...     flow.send(found(probes))
        ... except StopIteration as done:
        ...     print(done.value)
        1699999947
    """
    floor = bounds_of(query).lo
    if floor is not None:
        return floor
    newest, last = _second(items[0]), _second(items[-1])
    if newest is None or last is None:
        return None
    top, width = last + 1, _width(query, items, newest, last)
    bottom = 0  # Stripe has no customer before 1970
    points = [top - (width << 2 * i) for i in range(MAX_PROBES)]
    points = [point for point in points if point > bottom]
    if not points:
        return bottom
    found = yield [_probe(query, point) for point in points]
    older = [point for point, hit in zip(points, found, strict=True) if hit]
    if not older:
        return points[0]  # nobody is older than the first step down
    high = older[-1]
    low = points[len(older)] if len(older) < len(points) else bottom
    step = (high - low) / (concurrency + 1)
    inner = sorted({int(low + step * i) for i in range(1, concurrency + 1)} - {low, high})
    if not inner:
        return low
    found = yield [_probe(query, point) for point in inner]
    empty = [point for point, hit in zip(inner, found, strict=True) if not hit]
    return empty[-1] if empty else low


def _probe(query: ListQuery, below: int) -> ListQuery:
    return replace(_within(query, None, below, None), limit=1)
