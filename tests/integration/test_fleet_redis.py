"""One rate-limit budget for a fleet, against a real ``redis-server`` the tests start.

The acceptance tests run several processes (``benchmarks/_fleet_worker.py``), each with its own
client and an ``httpx.MockTransport`` for a server, all sharing one budget key: the aggregate
rate they reach, a 429 seen by one pausing the others, and Redis killed and restarted mid-run
without a failed call. The in-process tests drive the sync, async and trio clients against the
same Redis. Without ``redis-server`` these tests skip (and fail in CI, which installs it).
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest
import redis
import respx

from conftest import COLLECTIONS, Drive, Waits, unit_driver, wire_customer
from customers_sdk import _fleet
from customers_sdk._fleet import FleetLimiter
from fleet_support import Fleet, RedisServer, aggregate_rate, redis_binary

pytestmark = pytest.mark.integration

CUSTOMER_URL = COLLECTIONS["stripe"] + "/cus_0001"
TOLERANCE = 0.15  # the bound on the aggregate rate; 2 busy cores need the room


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer.start(redis_binary()) as server:
        yield server


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A server of the test's own, for the tests that kill it."""
    with RedisServer.start(redis_binary()) as server:
        yield server


def fresh_key() -> str:
    return f"test-{uuid.uuid4()}"


def slots_booked_in(server: RedisServer) -> int:
    """How many times the budget's script ran in this Redis since it started (asked over
    loopback by the test itself): proof that the fleet booked its slots there."""
    client = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=1.0)
    try:
        stats: dict[str, Any] = client.info("commandstats")
    finally:
        client.close()
    return sum(
        int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in ("evalsha", "eval")
    )


def test_four_processes_keep_to_one_budget(redis_server: RedisServer) -> None:
    rate, each = 20.0, 8
    plan = {"url": redis_server.url, "key": fresh_key(), "rate": rate, "requests": each}
    modes = ("sync", "async", "sync", "async")
    with Fleet([{**plan, "mode": mode} for mode in modes]) as fleet:
        fleet.go()
        results = fleet.results()

    assert [r["errors"] for r in results] == [[]] * 4
    assert [len(r["sent"]) for r in results] == [each] * 4
    # Four processes at 20/s each would be 80/s; one budget holds them to 20/s together.
    assert aggregate_rate(results) == pytest.approx(rate, rel=TOLERANCE)
    assert slots_booked_in(redis_server) >= 4 * each  # the schedule lived in Redis


def test_a_429_in_one_process_pauses_the_whole_fleet(redis_server: RedisServer) -> None:
    plan = {"url": redis_server.url, "key": fresh_key(), "rate": 20.0, "requests": 1}
    with Fleet([{**plan, "statuses": [429], "retry_after": 1}, plan]) as fleet:
        fleet.go(0)
        seen_429 = fleet.result(0)
        fleet.go(1)
        other = fleet.result(1)

    refused_at = seen_429["sent"][0]
    assert seen_429["errors"] == ["RateLimitError"]
    assert other["errors"] == []
    assert (
        other["released"] < refused_at + 0.8
    )  # released within the pause (else it proves nothing)
    assert other["sent"][0] >= refused_at + 0.95  # and waited it out: Retry-After 1, not 1/20 s
    assert slots_booked_in(redis_server) >= 2  # both booked their slots in Redis


def test_redis_killed_mid_run_fails_no_call_and_is_used_again_when_back(
    own_redis: RedisServer,
) -> None:
    plan = {
        "url": own_redis.url,
        "key": fresh_key(),
        "rate": 20.0,
        "requests": 20,
        "redis_backoff": 0.2,
    }
    with Fleet([plan, plan, plan]) as fleet:
        fleet.go()
        time.sleep(0.3)  # real time on purpose: Redis dies while the fleet is sending
        own_redis.kill()
        time.sleep(0.5)
        own_redis.restart()
        results = fleet.results()

    assert [r["errors"] for r in results] == [[]] * 3  # not one call failed
    assert [len(r["sent"]) for r in results] == [20] * 3
    assert [r["failed"] for r in results] == [1] * 3  # one warning per process
    assert all(r["back"] >= 1 for r in results)  # and each went back to Redis
    assert slots_booked_in(own_redis) >= 1  # the restarted server, whose stats start at 0


# -- in-process: the sync, async and trio clients on the same Redis ------------------------------
@pytest.mark.parametrize("drive", ["sync", "async", "trio"], indirect=True)
def test_clients_of_one_key_share_its_slots(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, redis_server: RedisServer
) -> None:
    waits.advance = False  # nothing sleeps: the booked waits show the shared schedule
    sent_at: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent_at.append(time.monotonic())  # when the slot was booked, give or take a little
        return httpx.Response(200, json=wire_customer("stripe", 1))

    mock_api.get(CUSTOMER_URL).mock(side_effect=answer)
    options: dict[str, Any] = {
        "max_requests_per_second": 10,
        "rate_limit_url": redis_server.url,
        "rate_limit_key": fresh_key(),
    }
    first, second = unit_driver(drive, "stripe", **options), unit_driver(drive, "stripe", **options)
    elsewhere = unit_driver(drive, "stripe", **{**options, "rate_limit_key": fresh_key()})

    for _ in range(2):
        first.get("cus_0001")
        second.get("cus_0001")
    elsewhere.get("cus_0001")  # a budget of its own: no wait

    assert len(waits.seconds) == 3  # every call of the shared key but the first waited
    slots = [at + wait for at, wait in zip(sent_at, [0.0, *waits.seconds], strict=False)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert gaps == pytest.approx([0.1] * 3, abs=0.02)  # one schedule for both clients


def test_a_late_slot_is_refused_without_being_booked(redis_server: RedisServer) -> None:
    limiter = FleetLimiter(redis_server.url, fresh_key(), rate=2)
    try:
        assert limiter.reserve_within(1.0) == 0.0
        assert limiter.reserve_within(0.2) is None  # the slot is ~0.5 s away
        assert limiter.reserve_within(float("inf")) == pytest.approx(0.5, abs=0.05)
    finally:
        limiter.close()


def test_a_pause_holds_back_every_limiter_of_the_key(redis_server: RedisServer) -> None:
    key = fresh_key()
    first = FleetLimiter(redis_server.url, key, rate=50)
    second = FleetLimiter(redis_server.url, key, rate=50)

    async def pause_then_book() -> float | None:
        await first.apause(1.5)
        return await second.areserve_within(5.0)

    try:
        assert anyio.run(pause_then_book) == pytest.approx(1.5, abs=0.05)
    finally:
        first.close()
        second.close()


def test_a_limiter_falls_back_once_and_returns_when_redis_answers(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="customers_sdk")
    now = [100.0]
    limiter = FleetLimiter(own_redis.url, fresh_key(), rate=4, clock=lambda: now[0])
    assert limiter.reserve_within(5.0) == 0.0  # from Redis

    own_redis.kill()
    local = [limiter.reserve_within(5.0) for _ in range(3)]
    limiter.pause(1.0)  # Redis is not asked again until the backoff is over
    own_redis.restart()
    assert limiter.reserve_within(5.0) == pytest.approx(1.0)  # still local: the backoff holds
    now[0] += _fleet.RETRY_REDIS_AFTER
    from_redis = limiter.reserve_within(5.0)
    limiter.close()

    assert local == pytest.approx([0.0, 0.25, 0.5])
    assert from_redis == 0.0  # the restarted Redis has an empty schedule
    messages = [r.getMessage() for r in caplog.records if r.name == "customers_sdk"]
    assert len(messages) == 2
    assert "failed" in messages[0]
    assert "answers again" in messages[1]
