"""The sandbox's store and seed data: order, laziness, determinism, pagination windows."""

from __future__ import annotations

import collections
import itertools

import pytest

from customers_sdk.sandbox._seed import (
    CHUNK_SIZE,
    SUBSCRIPTION_STATUSES,
    SeedCustomers,
    has_active_subscription,
    subscriptions_of,
)
from customers_sdk.sandbox._store import CustomerRecord, SortKey, Store, sort_key


class CountingSeed(SeedCustomers):
    """Seed data that records which chunks were built."""

    def __init__(self, count: int, seed: int) -> None:
        super().__init__(count, seed)
        self.built: list[int] = []

    def chunk(self, index: int) -> list[CustomerRecord]:
        self.built.append(index)
        return super().chunk(index)


def all_seeded(count: int, seed: int = 0) -> list[CustomerRecord]:
    """Every seeded customer, newest first, built eagerly."""
    seeded = SeedCustomers(count, seed)
    records = [r for index in range(seeded.chunk_count) for r in seeded.chunk(index)]
    return sorted(records, key=sort_key, reverse=True)


def walk_forward(store: Store, limit: int) -> list[CustomerRecord]:
    walked: list[CustomerRecord] = []
    after: SortKey | None = None
    while True:
        window = store.window(limit=limit, after=after)
        walked += window.records
        if not window.has_more:
            return walked
        after = sort_key(window.records[-1])


def test_seed_is_deterministic_per_seed() -> None:
    assert [r.id for r in all_seeded(50, seed=1)] == [r.id for r in all_seeded(50, seed=1)]
    assert [r.id for r in all_seeded(50, seed=1)] != [r.id for r in all_seeded(50, seed=2)]


def test_seeded_customers_have_varied_realistic_fields() -> None:
    records = all_seeded(300)
    assert all(r.id.startswith("cus_") and len(r.id) == 18 and r.id[4:].isalnum() for r in records)
    assert sorted(r.number for r in records) == list(range(1, 301))
    assert any(r.email is None for r in records)
    domains = collections.Counter(r.email.split("@")[1] for r in records if r.email)
    assert max(domains.values()) > 10  # customers share domains
    assert any(r.name is None for r in records)
    assert any(r.name and " " not in r.name for r in records)
    assert any(r.phone is None for r in records)
    assert any(r.phone for r in records)
    assert any(r.metadata == {} for r in records)
    assert any(r.metadata.get("tier") == "gold" for r in records)
    assert len({r.created_ms for r in records}) < len(records)  # some creation-time ties


def test_subscriptions_cover_every_status_and_edge_case() -> None:
    records = all_seeded(300)
    subscriptions = [s for r in records for s in subscriptions_of(r)]
    assert {s.status for s in subscriptions} == set(SUBSCRIPTION_STATUSES)
    assert any(s.plan is None for s in subscriptions)
    assert any(s.plan is not None and s.plan.interval == "year" for s in subscriptions)
    assert any(not subscriptions_of(r) for r in records)
    assert all(s.current_period_end > s.current_period_start for s in subscriptions)
    for record in records:
        statuses = {s.status for s in subscriptions_of(record)}
        assert has_active_subscription(record) == bool(statuses & {"active", "trialing"})


def test_customers_created_through_the_api_have_no_subscriptions() -> None:
    store = Store()
    record = store.create(email=None, name=None, phone=None, metadata={}, now_ms=5)
    assert subscriptions_of(record) == ()
    assert record.number == 1


def test_seeding_is_lazy_and_builds_only_the_chunks_a_page_reaches() -> None:
    seeded = CountingSeed(200_000, seed=0)
    store = Store(seeded)
    assert len(store) == 200_000
    assert seeded.built == []
    first_page = store.window(limit=100)
    assert seeded.built == [199]
    assert {r.number for r in first_page.records} == set(range(199_901, 200_001))
    store.offset_slice(offset=1500, limit=100)
    assert seeded.built == [199, 198]


def test_lazy_walk_equals_eager_order_with_id_tiebreak() -> None:
    count = 2 * CHUNK_SIZE + 345
    walked = walk_forward(Store(SeedCustomers(count, seed=3)), limit=97)
    assert [r.id for r in walked] == [r.id for r in all_seeded(count, seed=3)]
    ties = [(a, b) for a, b in itertools.pairwise(walked) if a.created_ms == b.created_ms]
    assert ties
    assert all(a.id > b.id for a, b in ties)


def test_backward_window_is_the_page_just_before_in_newest_first_order() -> None:
    store = Store(SeedCustomers(30, seed=0))
    everything = walk_forward(store, limit=30)
    window = store.window(limit=5, before=sort_key(everything[12]))
    assert window.records == everything[7:12]
    assert window.has_more
    first = store.window(limit=5, before=sort_key(everything[4]))
    assert first.records == everything[0:4]
    assert not first.has_more


def test_window_with_predicate_scans_past_non_matches() -> None:
    store = Store(SeedCustomers(3 * CHUNK_SIZE, seed=0))
    window = store.window(limit=3, predicate=lambda r: r.number % 1000 == 1)
    assert [r.number for r in window.records] == [2001, 1001, 1]
    assert not window.has_more


def test_get_finds_customers_in_chunks_not_built_yet() -> None:
    oldest = all_seeded(3 * CHUNK_SIZE)[-1]
    store = Store(SeedCustomers(3 * CHUNK_SIZE, seed=0))
    found = store.get(oldest.id)
    assert found is not None
    assert found.number == 1
    assert store.get("cus_doesnotexist00") is None


def test_create_orders_by_creation_time_even_before_the_seeded_history() -> None:
    store = Store(SeedCustomers(2 * CHUNK_SIZE, seed=0))
    ancient = store.create(email="old@x.io", name=None, phone=None, metadata={}, now_ms=0)
    newest = store.create(email="new@x.io", name=None, phone=None, metadata={}, now_ms=2**50)
    walked = walk_forward(store, limit=500)
    assert walked[0] is newest
    assert walked[-1] is ancient
    assert len(walked) == 2 * CHUNK_SIZE + 2
    assert newest.number == 2 * CHUNK_SIZE + 2


def test_deleted_customers_leave_lists_but_keep_their_cursor_position() -> None:
    store = Store(SeedCustomers(20, seed=0))
    everything = walk_forward(store, limit=20)
    victim = everything[5]
    store.delete(victim, now_ms=1)
    assert victim.deleted
    assert store.get(victim.id) is victim
    assert store.get_live(victim.id) is None
    assert len(store) == 19
    after_victim = store.window(limit=3, after=sort_key(victim))
    assert after_victim.records == everything[6:9]
    store.delete(victim, now_ms=2)  # deleting twice is harmless at this level
    assert len(store) == 19


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [(0, 3, [0, 1, 2]), (8, 5, [8, 9]), (10, 5, []), (50, 1, [])],
)
def test_offset_slice(offset: int, limit: int, expected: list[int]) -> None:
    store = Store(SeedCustomers(10, seed=0))
    everything = walk_forward(store, limit=10)
    assert store.offset_slice(offset, limit) == [everything[i] for i in expected]


def test_an_empty_store_answers_empty_windows() -> None:
    store = Store(SeedCustomers(0, seed=0))
    assert len(store) == 0
    assert store.window(limit=10).records == []
    assert not store.window(limit=10).has_more
    assert store.offset_slice(0, 10) == []
