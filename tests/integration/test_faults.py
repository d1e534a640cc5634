"""The transport against the sandbox served on 127.0.0.1, with faults on the real socket.

Connections closed with no reply, bodies cut short, 503s and 429s with ``Retry-After``, and
writes committed before the connection drops: listings still return every customer exactly
once and in order, and writes are never duplicated or lost. Both clients, all dialects, and
the async client on both transports.
Waits are recorded, not slept (``customers_sdk._retry.sleep`` / ``async_sleep`` patched).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from conftest import NETWORK_MODES, Drive, Driver, Waits
from customers_sdk import APIConnectionError, APITimeoutError, CustomersClient, RateLimitError
from customers_sdk.sandbox import (
    DEFAULT_API_KEY,
    Fault,
    FaultConfig,
    Sandbox,
    SandboxServer,
    SandboxTransport,
    serve,
)

# Every test on both async transports: httpx's own and aiohttp's (DefaultAioHttpClient).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize("drive", NETWORK_MODES, indirect=True),
]

LISTED = 3000
RATE_LIMIT_WAIT = 0.75  # a Retry-After no backoff wait would ever equal exactly
WRITE_FAULTS = (Fault.COMMIT_THEN_DROP, Fault.RESET, Fault.TRUNCATED)


def faults_serve(sandbox: Sandbox) -> SandboxServer:
    return serve(sandbox, host="127.0.0.1", port=0)


def base_url(server: SandboxServer, dialect: str) -> str:
    return server.cursor_base_url if dialect == "cursor" else server.url


@dataclass
class Listing:
    sandbox: Sandbox
    server: SandboxServer
    expected: dict[str, list[str]]


@pytest.fixture(scope="module")
def faults_listing() -> Iterator[Listing]:
    """Thousands of customers served once for the module, with each dialect's full walk as
    the sandbox answers it in-process with no faults: what every faulty walk must match."""
    sandbox = Sandbox(customers=LISTED, seed=11)
    expected = {}
    for dialect in ("stripe", "offset", "cursor"):
        http = httpx.Client(transport=SandboxTransport(sandbox))
        url = "http://sandbox" + ("/rest" if dialect == "cursor" else "")
        factory = getattr(CustomersClient, dialect)
        with factory(api_key=DEFAULT_API_KEY, base_url=url, http_client=http) as client:
            expected[dialect] = [c.id for c in client.list(limit=100)]
        http.close()
    with faults_serve(sandbox) as server:
        yield Listing(sandbox, server, expected)


@pytest.mark.parametrize(("dialect", "seed"), [("stripe", 1), ("offset", 2), ("cursor", 3)])
def test_listing_under_a_30_percent_fault_rate_returns_everyone_once_in_order(
    drive: Drive, faults_listing: Listing, waits: Waits, dialect: str, seed: int
) -> None:
    sandbox, server = faults_listing.sandbox, faults_listing.server
    sandbox.reset_log()
    sandbox.faults = FaultConfig(rate=0.3, seed=seed, retry_after=RATE_LIMIT_WAIT)
    try:
        driver = drive.dialect(
            dialect, api_key=DEFAULT_API_KEY, base_url=base_url(server, dialect), max_retries=8
        )
        ids = [customer.id for customer in driver.list_all(limit=100)]
    finally:
        sandbox.faults = None

    assert len(faults_listing.expected[dialect]) == LISTED
    assert ids == faults_listing.expected[dialect]
    faults = Counter(entry.fault for entry in sandbox.request_log if entry.fault is not None)
    assert sum(faults.values()) >= 0.15 * len(sandbox.request_log)  # faults really happened,
    dropped = faults[Fault.RESET] + faults[Fault.COMMIT_THEN_DROP]  # (the same, for a read)
    assert min(dropped, faults[Fault.TRUNCATED], faults[Fault.SERVER_ERROR]) > 0  # every kind
    assert waits.seconds.count(RATE_LIMIT_WAIT) == faults[Fault.RATE_LIMIT] > 0


# -- writes ------------------------------------------------------------------------------------
@pytest.fixture
def faults_sandbox() -> Iterator[tuple[Sandbox, SandboxServer]]:
    sandbox = Sandbox(customers=5, seed=5)
    with faults_serve(sandbox) as server:
        yield sandbox, server


def writer(drive: Drive, server: SandboxServer, dialect: str, **options: object) -> Driver:
    return drive.dialect(
        dialect, api_key=DEFAULT_API_KEY, base_url=base_url(server, dialect), **options
    )


@pytest.mark.parametrize(
    ("dialect", "methods"),
    # Stripe keys POSTs only; a DELETE repeated after it landed is a 404 there, by design.
    [("stripe", {"POST"}), ("cursor", {"POST", "PATCH", "DELETE"})],
)
def test_writes_whose_reply_is_lost_are_stored_exactly_once(
    drive: Drive,
    faults_sandbox: tuple[Sandbox, SandboxServer],
    waits: Waits,
    dialect: str,
    methods: set[str],
) -> None:
    sandbox, server = faults_sandbox
    before = sandbox.customer_count
    emails = [f"writer{n}.{drive.mode}@example.com" for n in range(10)]
    driver = writer(drive, server, dialect, max_retries=10)
    sandbox.faults = FaultConfig(rate=0.3, kinds=WRITE_FAULTS, seed=1, methods=methods)
    for method in methods:  # whatever the random faults do, each kind of write loses a reply
        sandbox.inject("commit_then_drop", method=method)
    try:
        made = [driver.create(email=email, name="before") for email in emails]
        for customer in made:
            driver.update(customer.id, name="after")
        deleted = [driver.delete(c.id).id for c in made[:3]] if "DELETE" in methods else []
    finally:
        sandbox.faults = None

    dropped = [e for e in sandbox.request_log if e.fault is Fault.COMMIT_THEN_DROP]
    assert {e.method for e in dropped} == methods  # every kind of write lost a reply
    assert sandbox.customer_count == before + len(emails) - len(deleted)
    stored = Counter(c.email for c in driver.list_all(limit=100))
    names = {c.email: c.name for c in driver.list_all(limit=100)}
    for customer in made:
        expected = 0 if customer.id in deleted else 1
        assert stored[customer.email] == expected
        assert expected == 0 or names[customer.email] == "after"


def test_a_write_without_a_key_is_not_repeated_when_its_reply_is_lost(
    drive: Drive, faults_sandbox: tuple[Sandbox, SandboxServer], waits: Waits
) -> None:
    sandbox, server = faults_sandbox
    before = sandbox.customer_count
    sandbox.inject("commit_then_drop", method="POST")

    with pytest.raises(APIConnectionError) as caught:
        writer(drive, server, "cursor", max_retries=5).create(
            email="once@example.com", idempotency_key=None
        )

    assert caught.value.retries == 0
    assert sandbox.customer_count == before + 1  # it landed once; the SDK did not repeat it
    assert [e.method for e in sandbox.request_log] == ["POST"]


# -- deadlines --------------------------------------------------------------------------------
def test_a_deadline_ends_a_call_the_server_never_answers(drive: Drive) -> None:
    # Real time: the transport's own read timeout, cut to the deadline, must fire. The server's
    # wait is released at the end so that no handler outlives the test.
    released = threading.Event()
    sandbox = Sandbox(customers=3, latency=30.0)
    with serve(sandbox, host="127.0.0.1", port=0, sleep=released.wait) as server:
        try:
            driver = writer(drive, server, "stripe", max_retries=3)
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                driver.get("cus_1", deadline=0.2)
            took = time.monotonic() - started
        finally:
            released.set()
    assert 0.15 < took < 5.0


# -- rate limits -------------------------------------------------------------------------------
def test_a_429_with_retry_after_is_waited_out(
    drive: Drive, faults_sandbox: tuple[Sandbox, SandboxServer], waits: Waits
) -> None:
    sandbox, server = faults_sandbox
    sandbox.faults = FaultConfig(rate=0.0, retry_after=2.5)  # only the injected fault
    sandbox.inject("rate_limit", method="GET")
    driver = writer(drive, server, "stripe")

    page = driver.first_page(limit=2)

    assert waits.seconds == [2.5]
    assert page.response_info is not None
    assert page.response_info.retries == 1
    assert [e.fault for e in sandbox.request_log] == [Fault.RATE_LIMIT, None]


def test_the_client_limiter_keeps_a_burst_clear_of_the_servers_429s(
    drive: Drive, waits: Waits
) -> None:
    # Client and server share the fake clock: exact, and no real time passes.
    sandbox = Sandbox(customers=3, rate_limit_per_second=8, clock=waits.clock)
    with faults_serve(sandbox) as server:
        unthrottled = writer(drive, server, "stripe", max_retries=0)
        for _ in range(8):
            unthrottled.first_page(limit=1)
        with pytest.raises(RateLimitError) as caught:
            unthrottled.first_page(limit=1)
        sandbox.rate_limit_per_second = 8  # a fresh window for the throttled burst
        throttled = writer(drive, server, "stripe", max_retries=0, max_requests_per_second=8)
        throttled.client._settings = throttled.client._settings.with_clock(waits.clock)
        waits.seconds.clear()

        pages = [throttled.first_page(limit=1) for _ in range(40)]

    assert caught.value.status_code == 429  # without the limiter the burst is refused...
    assert all(page.response_info and page.response_info.retries == 0 for page in pages)
    assert sum(waits.seconds) == pytest.approx(39 / 8)  # ...with it, paced at 8/s
