"""One rate-limit budget for a fleet, against a real ``redis-server`` the tests start.

The acceptance tests run several processes (``tests/fleet_worker.py``), each with its own
client and an ``httpx.MockTransport`` for a server, all sharing one budget key: the aggregate
rate they reach, a 429 seen by one pausing the others, and Redis killed and restarted mid-run
without a failed call. The in-process tests drive the sync, async and trio clients against the
same Redis. Without ``redis-server`` these tests skip (and fail in CI, which installs it).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import respx

from conftest import COLLECTIONS, Drive, Waits, unit_driver, wire_customer
from customers_sdk import _fleet
from customers_sdk._fleet import FleetLimiter
from redis_server import RedisServer

pytestmark = pytest.mark.integration

WORKER = str(Path(__file__).resolve().parents[1] / "fleet_worker.py")
CUSTOMER_URL = COLLECTIONS["stripe"] + "/cus_0001"
TOLERANCE = 0.15  # the bound on the aggregate rate; 2 busy cores need the room


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    with RedisServer.start() as server:
        yield server


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A server of the test's own, for the tests that kill it."""
    with RedisServer.start() as server:
        yield server


def fresh_key() -> str:
    return f"test-{uuid.uuid4()}"


class Fleet:
    """Worker processes started together, each ready (imported, client built) before any
    starts sending, so the measured window holds requests only."""

    def __init__(self, plans: list[dict[str, Any]]) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, WORKER, json.dumps(plan)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for plan in plans
        ]
        for process in self.processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"

    def go(self, index: int | None = None) -> None:
        chosen = self.processes if index is None else [self.processes[index]]
        for process in chosen:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()

    def result(self, index: int) -> dict[str, Any]:
        out, _ = self.processes[index].communicate(timeout=60)
        assert self.processes[index].returncode == 0
        parsed: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return parsed

    def results(self) -> list[dict[str, Any]]:
        return [self.result(index) for index in range(len(self.processes))]

    def kill(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def test_four_processes_keep_to_one_budget(redis_server: RedisServer) -> None:
    rate, each = 20.0, 8
    plan = {"url": redis_server.url, "key": fresh_key(), "rate": rate, "requests": each}
    fleet = Fleet([{**plan, "mode": mode} for mode in ("sync", "async", "sync", "async")])
    try:
        fleet.go()
        results = fleet.results()
    finally:
        fleet.kill()

    assert [r["errors"] for r in results] == [[]] * 4
    sent = sorted(t for r in results for t in r["sent"])
    assert len(sent) == 4 * each
    aggregate = (len(sent) - 1) / (sent[-1] - sent[0])
    assert aggregate == pytest.approx(rate, rel=TOLERANCE)  # four times 20/s alone would be 80/s


def test_a_429_in_one_process_pauses_the_whole_fleet(redis_server: RedisServer) -> None:
    plan = {"url": redis_server.url, "key": fresh_key(), "rate": 20.0, "requests": 1}
    fleet = Fleet([{**plan, "statuses": [429], "retry_after": 1}, plan])
    try:
        fleet.go(0)
        seen_429 = fleet.result(0)
        fleet.go(1)
        other = fleet.result(1)
    finally:
        fleet.kill()

    assert seen_429["errors"] == ["RateLimitError"]
    assert other["errors"] == []
    waited = other["sent"][0] - seen_429["sent"][0]
    assert 0.9 <= waited < 1.6  # Retry-After: 1, not the budget's 1/20 s


def test_redis_killed_mid_run_fails_no_call_and_is_used_again_when_back(
    own_redis: RedisServer,
) -> None:
    plan = {
        "url": own_redis.url,
        "key": fresh_key(),
        "rate": 20.0,
        "requests": 16,
        "redis_backoff": 0.2,
    }
    fleet = Fleet([plan, plan, plan])
    try:
        fleet.go()
        time.sleep(0.3)  # the real server's wall time: what is measured here
        own_redis.kill()
        time.sleep(0.3)
        own_redis.restart()
        results = fleet.results()
    finally:
        fleet.kill()

    assert [r["errors"] for r in results] == [[]] * 3  # not one call failed
    assert [len(r["sent"]) for r in results] == [16] * 3
    assert [r["failed"] for r in results] == [1] * 3  # one warning per process
    assert all(r["back"] >= 1 for r in results)  # and each went back to Redis


# -- in-process: the sync, async and trio clients on the same Redis ------------------------------
@pytest.mark.parametrize("drive", ["sync", "async", "trio"], indirect=True)
def test_clients_of_one_key_share_its_slots(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, redis_server: RedisServer
) -> None:
    waits.advance = False  # nothing sleeps: the booked waits show the shared schedule
    mock_api.get(CUSTOMER_URL).mock(
        return_value=httpx.Response(200, json=wire_customer("stripe", 1))
    )
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
    elsewhere.get("cus_0001")

    assert waits.seconds == pytest.approx([0.1, 0.2, 0.3], abs=0.05)


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
