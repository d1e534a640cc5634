"""The client-side token bucket, timed by a fake clock: no test here sleeps."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from customers_sdk._ratelimit import TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_the_burst_is_free_then_slots_are_one_interval_apart() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10, burst=3, clock=clock)

    assert [bucket.reserve() for _ in range(6)] == pytest.approx([0, 0, 0, 0.1, 0.2, 0.3])


def test_a_caller_keeping_to_the_rate_never_waits() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=32, clock=clock)  # 1/32 s is exact in binary: no float drift
    waits = []
    for _ in range(100):
        waits.append(bucket.reserve())
        clock.now += 1 / 32

    assert max(waits) == 0.0


def test_a_caller_going_too_fast_is_held_to_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=4, clock=clock)
    sent_at = []
    for _ in range(9):
        clock.now += bucket.reserve()  # wait out the slot, as the client does
        sent_at.append(clock.now)
        clock.now += 0.01  # the request itself

    gaps = [later - earlier for earlier, later in itertools.pairwise(sent_at)]
    assert gaps == pytest.approx([0.25] * 8)


def test_idle_time_refills_up_to_the_burst_only() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2, burst=2, clock=clock)
    for _ in range(4):
        bucket.reserve()  # deep in debt: the last slot is a second away

    clock.now += 3600

    assert [bucket.reserve() for _ in range(3)] == pytest.approx([0, 0, 0.5])


def test_reserve_within_refuses_late_slots_without_booking_them() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2, clock=clock)

    assert bucket.reserve_within(0.1) == 0.0
    assert bucket.reserve_within(0.4) is None  # the slot is 0.5 s away
    assert bucket.reserve_within(0.5) is None  # ending exactly at the limit is too late
    assert bucket.reserve_within(0.6) == pytest.approx(0.5)
    assert bucket.reserve() == pytest.approx(1.0)  # the refusals took nothing


def test_many_threads_get_distinct_slots_in_arrival_order() -> None:
    clock_calls: list[int] = []
    lock = threading.Lock()

    def clock() -> float:
        # Called under the bucket's lock, so this records the order slots were booked in.
        with lock:
            clock_calls.append(threading.get_ident())
        return 0.0

    bucket = TokenBucket(rate=20, clock=clock)
    clock_calls.clear()  # the constructor reads the clock too
    start = threading.Barrier(16)
    booked: dict[int, list[float]] = {}

    def worker(_: int) -> None:
        start.wait()
        for _ in range(5):
            booked.setdefault(threading.get_ident(), []).append(bucket.reserve())

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(worker, range(16)))

    waits = sorted(wait for per_thread in booked.values() for wait in per_thread)
    assert waits == pytest.approx([n / 20 for n in range(80)])  # 80 distinct slots, no gaps
    in_booking_order = [booked[ident].pop(0) for ident in clock_calls]
    assert in_booking_order == pytest.approx(waits)  # first to book, first served


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (-1, 1), (1, 0.5)])
def test_bad_settings_are_rejected(rate: float, burst: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        TokenBucket(rate, burst=burst)


def test_a_pause_holds_every_later_slot_back_then_the_rate_resumes() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=4, clock=clock)
    bucket.reserve()

    bucket.pause(2.0)

    assert [bucket.reserve() for _ in range(3)] == pytest.approx([2.0, 2.25, 2.5])


def test_a_pause_shorter_than_the_queue_changes_nothing() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1, clock=clock)
    for _ in range(5):
        bucket.reserve()  # the next free slot is 5 s away

    bucket.pause(1.0)

    assert bucket.reserve() == pytest.approx(5.0)


def test_the_async_methods_book_the_same_slots() -> None:
    import anyio

    clock = FakeClock()
    bucket = TokenBucket(rate=2, clock=clock)

    async def book() -> list[float | None]:
        await bucket.apause(1.0)
        return [await bucket.areserve_within(5.0), await bucket.areserve_within(1.2)]

    assert anyio.run(book) == [pytest.approx(1.0), None]
    assert bucket.with_clock(clock).reserve() == 0.0  # a fresh bucket, same rate
