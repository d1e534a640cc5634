"""Choosing a client's rate limiter, and what a 429 does to its budget, without Redis.

The Redis side itself is tested against a real ``redis-server`` in
``tests/integration/test_fleet_redis.py``.
"""

from __future__ import annotations

import builtins
import hashlib
import logging
import uuid
from typing import Any

import httpx
import pytest
import respx

from conftest import API_KEY, COLLECTIONS, Drive, Driver, Waits, unit_driver, wire_customer
from customers_sdk import InvalidParameterError, RateLimitError
from customers_sdk._fleet import REDIS_MISSING, FleetLimiter, choose_limiter, default_key
from customers_sdk._ratelimit import TokenBucket

CUSTOMER_URL = COLLECTIONS["stripe"] + "/cus_0001"
# Nothing listens here: port 1 is reserved, and connecting to it on loopback is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


def choose(rate: float | None = 10.0, **given: Any) -> Any:
    options: dict[str, Any] = {"url": None, "key": None}
    options.update(given)
    return choose_limiter(rate, base_url="https://api.stripe.com", api_key=API_KEY, **options)


def test_without_a_url_the_budget_stays_in_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTOMERS_RATE_LIMIT_URL", raising=False)

    assert choose(None) is None
    assert isinstance(choose(10.0), TokenBucket)


def test_the_url_comes_from_the_environment_only_with_a_rate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CUSTOMERS_RATE_LIMIT_URL", "redis://127.0.0.1:1/3")

    fleet = choose(7.0, key=f"env-{uuid.uuid4()}")

    assert isinstance(fleet, FleetLimiter)
    assert fleet.rate == 7.0
    assert choose(None) is None  # a fleet-wide setting does not pace an unpaced client


def test_the_default_key_fingerprints_the_api_key_never_stores_it() -> None:
    key = default_key("https://api.stripe.com", API_KEY)

    assert API_KEY not in key
    assert key == "https://api.stripe.com:" + hashlib.sha256(API_KEY.encode()).hexdigest()[:16]
    assert default_key("https://api.stripe.com", API_KEY + "x") != key


def test_clients_of_one_budget_in_a_process_share_one_limiter() -> None:
    key = f"shared-{uuid.uuid4()}"
    first = choose(5.0, url=DEAD_REDIS, key=key)

    assert choose(5.0, url=DEAD_REDIS, key=key) is first
    assert choose(5.0, url=DEAD_REDIS, key=key + "-other") is not first
    assert first.key.endswith(key)


@pytest.mark.parametrize(
    ("given", "param"),
    [
        ({"rate": None, "url": DEAD_REDIS}, "max_requests_per_second"),
        ({"rate": None, "key": "acct_1"}, "max_requests_per_second"),
        ({"key": "acct_1"}, "rate_limit_key"),
        ({"url": DEAD_REDIS, "key": ""}, "rate_limit_key"),
        ({"url": 6379}, "rate_limit_url"),
        ({"url": "http://127.0.0.1:6379"}, "rate_limit_url"),
    ],
)
def test_bad_fleet_settings_are_rejected(
    monkeypatch: pytest.MonkeyPatch, given: dict[str, Any], param: str
) -> None:
    monkeypatch.delenv("CUSTOMERS_RATE_LIMIT_URL", raising=False)

    with pytest.raises(InvalidParameterError) as caught:
        choose(**given)

    assert caught.value.param == param


def test_a_url_without_the_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_redis(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "redis" or name.startswith("redis."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_redis)

    with pytest.raises(ImportError, match=r"customers-sdk\[redis\]") as caught:
        FleetLimiter(DEAD_REDIS, "no-extra", 1.0)

    assert str(caught.value) == REDIS_MISSING


def test_the_factories_take_the_fleet_settings(drive: Drive, mock_api: respx.MockRouter) -> None:
    client = unit_driver(
        drive,
        "cursor",
        max_requests_per_second=3,
        rate_limit_url=DEAD_REDIS,
        rate_limit_key=f"factory-{uuid.uuid4()}",
    ).client

    limiter = client._settings.limiter
    assert isinstance(limiter, FleetLimiter)
    assert limiter.rate == 3.0


def paced(
    drive: Drive,
    mock_api: respx.MockRouter,
    waits: Waits,
    answers: list[httpx.Response],
    **options: Any,
) -> Driver:
    """A Stripe driver paced by ``options``, timed by ``waits``' clock, which stands still:
    every call comes at the same instant, so the recorded waits show the budget's schedule."""
    waits.advance = False
    mock_api.get(CUSTOMER_URL).mock(side_effect=answers)
    driver = unit_driver(drive, "stripe", **options)
    driver.client._settings = driver.client._settings.with_clock(waits.clock)
    return driver


def ok() -> httpx.Response:
    return httpx.Response(200, json=wire_customer("stripe", 1))


def too_many(**headers: str) -> httpx.Response:
    return httpx.Response(429, headers=headers, json={"error": {"type": "rate_limit_error"}})


def test_a_dead_redis_leaves_the_client_on_a_local_budget_with_one_warning(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="customers_sdk")
    driver = paced(
        drive,
        mock_api,
        waits,
        [ok() for _ in range(4)],
        max_requests_per_second=4,
        rate_limit_url="redis://user:s3cret@127.0.0.1:1/0",
        rate_limit_key=f"dead-{uuid.uuid4()}",
    )

    for _ in range(4):
        driver.get("cus_0001")

    assert waits.seconds == pytest.approx([0.25, 0.5, 0.75])
    warnings = [r.getMessage() for r in caplog.records if r.name == "customers_sdk"]
    assert len(warnings) == 1
    assert "local budget of 4/s" in warnings[0]
    assert "s3cret" not in warnings[0]


@pytest.mark.parametrize("drive", ["sync", "async", "trio"], indirect=True)
def test_a_429_pauses_the_whole_budget_not_only_its_call(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    answers = [too_many(**{"Retry-After": "2"}), ok()]
    driver = paced(drive, mock_api, waits, answers, max_requests_per_second=10)

    with pytest.raises(RateLimitError):
        driver.get("cus_0001")  # max_retries=0: this call gives up at once...
    driver.get("cus_0001")  # ...and the next one, any caller's, waits out the server's pause

    assert waits.seconds == pytest.approx([2.0])


def test_a_429_pause_is_cut_to_the_longest_retry_after_honoured(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    # An hour is cut to the policy's 60 s; a 429 without Retry-After pauses nothing.
    answers = [too_many(**{"Retry-After": "3600"}), too_many(), ok()]
    driver = paced(drive, mock_api, waits, answers, max_requests_per_second=1000)

    for _ in range(2):
        with pytest.raises(RateLimitError):
            driver.get("cus_0001")
    driver.get("cus_0001")

    assert waits.seconds == pytest.approx([60.0, 60.001])
