"""The sandbox's single source of truth: customers kept in one newest-first order.

All three dialects read and write these records; each renders them in its own wire shape.
The store itself holds no lock: `Sandbox` serialises every request around it.
"""

from __future__ import annotations

import bisect
import gc
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

SortKey = tuple[int, str]
"""(created_ms, id): ascending in storage, so "newest first" is reversed storage order."""

Predicate = Callable[["CustomerRecord"], bool]

_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Maps every byte onto the alphabet so an id costs one bytes.translate (seeding 200,000
# customers must stay fast); the 256 % 62 skew is irrelevant for test ids.
_BYTE_TO_ALPHANUMERIC = bytes(_ALPHABET[b % len(_ALPHABET)] for b in range(256))
CUSTOMER_ID_LENGTH = 14


@dataclass(frozen=True)
class Plan:
    """A price a subscription bills; rendered only by the offset dialect."""

    stripe_price_id: str
    name: str
    amount: int
    currency: str
    interval: str


@dataclass(frozen=True)
class Subscription:
    """A customer's subscription as the offset dialect exposes it (times in epoch seconds)."""

    id: str
    status: str
    current_period_start: int
    current_period_end: int
    plan: Plan | None


@dataclass(slots=True)
class CustomerRecord:
    """One customer, dialect-neutral.

    `number` is the stable small integer the offset dialect uses as its `id`.
    `subscription_seed` lets seeded customers derive their subscriptions on demand (cheap to
    store for 200,000 customers); customers created through the API have none.
    `stripe` holds the Stripe-only params set through the API (address, shipping, invoice
    settings…) as validated; seeded customers have none, so the benchmark's pages stay cheap.
    """

    id: str
    number: int
    created_ms: int
    updated_ms: int
    email: str | None = None
    name: str | None = None
    phone: str | None = None
    description: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    subscription_seed: int | None = None
    deleted: bool = False
    stripe: dict[str, Any] | None = None


def sort_key(record: CustomerRecord) -> SortKey:
    """Key function for bisecting the ascending storage list."""
    return (record.created_ms, record.id)


def make_id(prefix: str, random_bytes: bytes) -> str:
    """An id in Stripe's shape: a prefix plus one alphanumeric per random byte.

    >>> make_id("cus_", bytes(range(3)))
    'cus_012'
    """
    return prefix + random_bytes.translate(_BYTE_TO_ALPHANUMERIC).decode("ascii")


@dataclass(frozen=True)
class Window:
    """One page of a newest-first walk, and whether more lie further in the walk's direction."""

    records: list[CustomerRecord]
    has_more: bool


class ChunkSource(Protocol):
    """Seeded customers, buildable chunk by chunk (chunk 0 is the oldest)."""

    count: int
    chunk_count: int

    def chunk(self, index: int) -> list[CustomerRecord]: ...


class Store:
    """Live customers in ascending (created_ms, id) order plus an index of every id issued.

    Seeded customers are built lazily, newest chunk first: the invariant is that every
    customer not built yet is older than every customer held, so a page from the newest end
    only builds what it reaches. Deleted customers leave the ordered list but stay in the
    index, so a cursor naming one still marks a position and `GET` can answer "deleted".

    >>> store = Store()
    >>> record = store.create(email="a@b.co", name="Ada", phone=None, metadata={}, now_ms=1)
    >>> store.get(record.id) is record
    True
    """

    def __init__(self, seeded: ChunkSource | None = None) -> None:
        self._ascending: list[CustomerRecord] = []
        self._by_id: dict[str, CustomerRecord] = {}
        self._seeded = seeded
        self._chunks_left = seeded.chunk_count if seeded else 0
        self._unbuilt_count = seeded.count if seeded else 0
        self._last_number = self._unbuilt_count

    def __len__(self) -> int:
        return len(self._ascending) + self._unbuilt_count

    def get(self, customer_id: str) -> CustomerRecord | None:
        """The record with that id, deleted or not; None if the id was never issued."""
        record = self._by_id.get(customer_id)
        if record is None and self._chunks_left:
            self._build_all()
            record = self._by_id.get(customer_id)
        return record

    def get_live(self, customer_id: str) -> CustomerRecord | None:
        record = self.get(customer_id)
        return None if record is None or record.deleted else record

    def create(
        self,
        *,
        email: str | None,
        name: str | None,
        phone: str | None,
        metadata: Mapping[str, str],
        now_ms: int,
        description: str | None = None,
        stripe: dict[str, Any] | None = None,
    ) -> CustomerRecord:
        customer_id = make_id("cus_", os.urandom(CUSTOMER_ID_LENGTH))
        while customer_id in self._by_id:  # pragma: no cover - 83 random bits never collide
            customer_id = make_id("cus_", os.urandom(CUSTOMER_ID_LENGTH))
        self._last_number += 1
        record = CustomerRecord(
            id=customer_id,
            number=self._last_number,
            created_ms=now_ms,
            updated_ms=now_ms,
            email=email,
            name=name,
            phone=phone,
            description=description,
            metadata=dict(metadata),
            stripe=stripe,
        )
        # A clock set before the seeded history would place the record among unbuilt ones.
        while self._chunks_left and (
            not self._ascending or sort_key(record) < sort_key(self._ascending[0])
        ):
            self._build_next_chunk()
        bisect.insort(self._ascending, record, key=sort_key)
        self._by_id[customer_id] = record
        return record

    def delete(self, record: CustomerRecord, now_ms: int) -> None:
        index = bisect.bisect_left(self._ascending, sort_key(record), key=sort_key)
        if index < len(self._ascending) and self._ascending[index] is record:
            del self._ascending[index]
        record.deleted = True
        record.updated_ms = now_ms

    def window(
        self,
        *,
        limit: int,
        after: SortKey | None = None,
        before: SortKey | None = None,
        predicate: Predicate | None = None,
        created_ms: tuple[int | None, int | None] = (None, None),
    ) -> Window:
        """A newest-first page of matching customers.

        With `after`, the page holds the newest matches strictly older than that position;
        with `before`, the oldest matches strictly newer than it (the page just before it),
        still listed newest first; `has_more` looks further in that same direction.
        Scanning stops after limit + 1 matches, so unfiltered pages cost O(limit + log n).
        `created_ms` = [lo, hi) is where forward scanning starts and stops, found by bisection
        as Stripe's index on `created` would: a slice of history costs what it holds, not the
        customers newer than it (`predicate` must also hold the bounds; backward pages use it).
        """
        if before is not None:
            # Everything newer than a built customer is built already.
            start = bisect.bisect_right(self._ascending, before, key=sort_key)
            found = _collect(self._ascending, range(start, len(self._ascending)), limit, predicate)
            return Window(found[:limit][::-1], len(found) > limit)
        if predicate is not None:
            self._build_all()
        while True:
            ascending = self._ascending
            stop = (
                len(ascending)
                if after is None
                else bisect.bisect_left(ascending, after, key=sort_key)
            )
            if stop > limit or not self._chunks_left:
                break
            self._build_next_chunk()
        low, high = created_ms
        if high is not None:
            stop = min(stop, bisect.bisect_left(ascending, (high, ""), key=sort_key))
        floor = 0 if low is None else bisect.bisect_left(ascending, (low, ""), key=sort_key)
        found = _collect(ascending, range(stop - 1, floor - 1, -1), limit, predicate)
        return Window(found[:limit], len(found) > limit)

    def count(self, predicate: Predicate) -> int:
        """How many live customers match (what Stripe's search calls `total_count`)."""
        self._build_all()
        return sum(1 for record in self._ascending if predicate(record))

    def offset_slice(self, offset: int, limit: int) -> list[CustomerRecord]:
        """Customers at newest-first positions [offset, offset + limit)."""
        while self._chunks_left and len(self._ascending) < offset + limit:
            self._build_next_chunk()
        stop = max(0, len(self._ascending) - offset)
        return self._ascending[max(0, stop - limit) : stop][::-1]

    def _build_next_chunk(self) -> None:
        assert self._seeded is not None
        self._chunks_left -= 1
        chunk = self._seeded.chunk(self._chunks_left)
        self._unbuilt_count -= len(chunk)
        self._ascending[0:0] = chunk
        self._by_id.update((record.id, record) for record in chunk)

    def _build_all(self) -> None:
        if not self._chunks_left:
            return
        # Hundreds of thousands of new long-lived objects would trigger repeated full
        # collections that find nothing to free; pausing the collector halves the build time.
        collector_was_enabled = gc.isenabled()
        gc.disable()
        try:
            while self._chunks_left:
                self._build_next_chunk()
        finally:
            if collector_was_enabled:
                gc.enable()


def _collect(
    ascending: list[CustomerRecord],
    indices: range,
    limit: int,
    predicate: Predicate | None,
) -> list[CustomerRecord]:
    if predicate is None:
        return [ascending[i] for i in indices[: limit + 1]]
    found: list[CustomerRecord] = []
    for i in indices:
        record = ascending[i]
        if predicate(record):
            found.append(record)
            if len(found) > limit:
                break
    return found
