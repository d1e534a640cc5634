"""Shared fixtures: ``anyio_backend``, ``mock_api`` (respx), and the sync/async ``drive``.

``drive`` runs one test body against :class:`CustomersClient` *and*
:class:`AsyncCustomersClient`; see ``tests/sdk_driver.py`` for the :class:`Drive` it yields and
the :class:`Driver` (one blocking API over either client) that ``drive.stripe(...)``,
``drive.offset(...)`` and ``drive.cursor(...)`` return. Opt a test into trio too with
``@pytest.mark.parametrize("drive", ["sync", "async", "trio"], indirect=True)``, or a test
against a real server into the aiohttp transport with
``@pytest.mark.parametrize("drive", NETWORK_MODES, indirect=True)``.

Tests import the types and the unit-test wire helpers from here::

    from conftest import API_KEY, COLLECTIONS, Drive, Driver, page_body, wire_customer

Keep this the only ``conftest.py`` in the tree: mypy would see two modules named ``conftest``.
"""

from __future__ import annotations

import io
import socket
import ssl
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import httpx._transports.default as httpx_default_transport
import pytest
import respx
from anyio.from_thread import start_blocking_portal

from customers_sdk import CardError, _retry
from customers_sdk.sandbox import Sandbox, SandboxTransport
from sdk_driver import MODES, NETWORK_MODES, Drive, DrivenPage, Driver, EventLoopThread

__all__ = [
    "API_KEY",
    "FULL_CREATE_PARAMS",
    "BASE_URLS",
    "CARD_DECLINED",
    "COLLECTIONS",
    "DIALECTS",
    "MODES",
    "NETWORK_MODES",
    "OPERATIONS",
    "Drive",
    "DrivenPage",
    "Driver",
    "assert_card_declined",
    "call_operation",
    "error_texts",
    "form_of",
    "mock_operations",
    "only_request",
    "page_body",
    "query_of",
    "run_cli",
    "sandbox_client",
    "unit_driver",
    "wire_customer",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True, scope="session")
def _shared_ssl_context() -> Iterator[None]:
    """Reuse one SSL context per configuration across every client the tests build.

    Each ``httpx.Client`` loads the CA bundle (~60 ms); hundreds of clients would make the unit
    suite slow for nothing. Sharing one context between clients is what httpx recommends. httpx
    has no public hook for the context its default transport builds, so this test-only speed-up
    patches the private module's name (``src`` never does: ``test_no_private_access.py``).
    """
    # httpx >= 0.28 builds contexts here; on other versions, skip the speed-up.
    original: Callable[..., ssl.SSLContext] | None = getattr(
        httpx_default_transport, "create_ssl_context", None
    )
    if original is None:
        yield
        return
    cache: dict[tuple[bool, bool], ssl.SSLContext] = {}

    def cached(verify: Any = True, cert: Any = None, trust_env: bool = True) -> ssl.SSLContext:
        if not isinstance(verify, bool) or cert is not None:
            return original(verify=verify, cert=cert, trust_env=trust_env)
        key = (verify, trust_env)
        if key not in cache:
            cache[key] = original(verify=verify, trust_env=trust_env)
        return cache[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(httpx_default_transport, "create_ssl_context", cached)
        # httpx-aiohttp's transport (DefaultAioHttpClient) calls the public name.
        patch.setattr(httpx, "create_ssl_context", cached)
        yield


def _is_loopback(address: object) -> bool:
    host = address[0] if isinstance(address, tuple) and address else None
    return isinstance(host, str) and (host.startswith("127.") or host in ("::1", "localhost"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test marked ``integration`` must connect a real socket to the loopback server it
    started; one that passes without doing so belongs in ``tests/unit``."""
    if item.get_closest_marker("integration") is None:
        return (yield)
    peers: list[object] = []
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex

    def recording_connect(self: socket.socket, address: Any) -> None:
        peers.append(address)
        connect(self, address)

    def recording_connect_ex(self: socket.socket, address: Any) -> int:
        peers.append(address)
        return connect_ex(self, address)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", recording_connect)
        patch.setattr(socket.socket, "connect_ex", recording_connect_ex)
        result = yield
    if not any(_is_loopback(peer) for peer in peers):
        pytest.fail("marked integration, but never connected a socket to 127.0.0.1")
    return result


@pytest.fixture
def mock_api() -> Iterator[respx.MockRouter]:
    """A respx router mocking httpx's default transports; unmatched requests fail the test.

    Routes need not all be called (bad-input tests register one and assert it was *not*).
    A caller-owned client with a transport of its own (``httpx.MockTransport``, the sandbox's)
    bypasses it, as it should.
    """
    with respx.mock(using="httpx", assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture(scope="session")
def _asyncio_loop() -> Iterator[EventLoopThread]:
    # One event loop thread for the session: starting one per test costs ~10 ms, and one
    # shared loop still gives every test a single loop for all its calls.
    with start_blocking_portal("asyncio") as portal:
        yield EventLoopThread(portal)


@pytest.fixture(scope="session")
def _trio_loop() -> Iterator[EventLoopThread]:
    with start_blocking_portal("trio") as portal:
        yield EventLoopThread(portal)


@pytest.fixture(params=MODES)
def drive(request: pytest.FixtureRequest) -> Iterator[Drive]:
    """The sync/async matrix: every test using it runs once per client class.

    A test can add trio (the async client on a trio loop) with
    ``@pytest.mark.parametrize("drive", ["sync", "async", "trio"], indirect=True)``, and a test
    against a real server the aiohttp transport with ``NETWORK_MODES`` (see ``sdk_driver``).
    """
    loop: EventLoopThread | None = None
    if request.param in ("async", "aiohttp"):
        loop = request.getfixturevalue("_asyncio_loop")
    elif request.param == "trio":
        loop = request.getfixturevalue("_trio_loop")
    drive = Drive(request.param, loop)
    try:
        yield drive
    finally:
        drive.close_all()


# -- unit-test helpers: wire shapes of each dialect, for respx routes ---------------------------
API_KEY = "sk_test_unit_4eC39HqLyjWDarjtT1zdp7dc"
DIALECTS = ("stripe", "offset", "cursor")
BASE_URLS = {
    "stripe": "https://api.stripe.com",
    "offset": "https://offset.test",
    "cursor": "https://cursor.test",
}
COLLECTIONS = {
    "stripe": "https://api.stripe.com/v1/customers",
    "offset": "https://offset.test/api/public/customers",
    "cursor": "https://cursor.test/v1/customers",
}


def unit_driver(drive: Drive, dialect: str, **options: Any) -> Driver:
    """A driver for ``dialect`` at its unit-test base URL, with the unit key and no retries
    (so an error status is raised at once); ``options`` override those defaults."""
    settings: dict[str, Any] = {
        "api_key": API_KEY,
        "base_url": BASE_URLS[dialect],
        "max_retries": 0,
    }
    settings.update(options)
    return drive.dialect(dialect, **settings)


def wire_customer(dialect: str, index: int, **fields: Any) -> dict[str, Any]:
    """Customer number ``index`` as ``dialect`` sends it (``fields`` override or add keys)."""
    created = 1_700_000_000 + index
    raw: dict[str, Any]
    if dialect == "stripe":
        raw = {
            "id": f"cus_{index:04d}",
            "object": "customer",
            "created": created,
            "email": f"user{index}@example.com",
            "name": f"User {index}",
            "phone": None,
            "metadata": {"n": str(index)},
            "livemode": False,
        }
    elif dialect == "offset":
        raw = {
            "id": str(1000 + index),
            "email": f"user{index}@example.com",
            "firstName": "User",
            "lastName": str(index),
            "phone": None,
            "stripeCustomerId": f"cus_{index:04d}",
            "hasActiveSubscription": False,
            "createdAt": f"2023-11-14T22:{index // 60 % 60:02d}:{index % 60:02d}.000Z",
            "updatedAt": "2024-01-15T00:00:00.000Z",
        }
    else:
        raw = {
            "object": "customer",
            "id": f"c_{index:04d}",
            "live": False,
            "created_at": created * 1000,
            "email": f"user{index}@example.com",
            "metadata": {"n": str(index)},
            "name": f"User {index}",
            "phone": None,
        }
    raw.update(fields)
    return raw


def page_body(
    dialect: str,
    items: list[dict[str, Any]],
    *,
    has_more: bool,
    offset: int = 0,
    limit: int = 50,
    total: int | None = None,
) -> dict[str, Any]:
    """A list response of ``dialect`` holding ``items``."""
    if dialect == "offset":
        pagination = {
            "total": offset + len(items) if total is None else total,
            "limit": limit,
            "offset": offset,
            "hasMore": has_more,
        }
        return {"data": items, "pagination": pagination}
    body: dict[str, Any] = {"object": "list", "data": items, "has_more": has_more}
    if dialect == "stripe":
        body["url"] = "/v1/customers"
    return body


CARD_DECLINED: dict[str, Any] = {
    "error": {
        "code": "card_declined",
        "decline_code": "generic_decline",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": "Your card was declined.",
        "param": "",
        "type": "card_error",
    }
}
"""Stripe's 402 body for a card its test token ``tok_chargeDeclined`` declines."""


def assert_card_declined(error: BaseException) -> None:
    """``error`` is the :class:`CardError` of :data:`CARD_DECLINED`, every detail read."""
    assert isinstance(error, CardError)
    assert error.status_code == 402
    assert error.message == "Your card was declined."
    assert (error.type, error.code, error.decline_code, error.param) == (
        "card_error",
        "card_declined",
        "generic_decline",
        "",  # a string in the body stays one, empty or not
    )
    assert error.doc_url == "https://stripe.com/docs/error-codes/card-declined"


# Every (dialect, operation) of the dialect classes, for tests of what every method does.
OPERATIONS = [
    ("stripe", "list"),
    ("stripe", "search"),
    ("stripe", "get"),
    ("stripe", "create"),
    ("stripe", "update"),
    ("stripe", "delete"),
    ("offset", "list"),
    ("cursor", "list"),
    ("cursor", "get"),
    ("cursor", "create"),
    ("cursor", "update"),
    ("cursor", "delete"),
]
_OPERATION_IDS = {"stripe": "cus_0001", "cursor": "c_0001"}


def mock_operations(mock_api: respx.MockRouter, dialect: str, *, failures: int = 0) -> respx.Route:
    """One route answering every operation of ``dialect`` at its unit-test URL (a page for a
    list or a search, a customer otherwise), so ``route.calls`` holds everything sent; the
    first ``failures`` requests get a 500."""
    collection = COLLECTIONS[dialect]
    page = page_body(dialect, [wire_customer(dialect, 1)], has_more=False)
    failing = iter(range(failures))

    def answer(request: httpx.Request) -> httpx.Response:
        if next(failing, None) is not None:
            return httpx.Response(500)
        if request.method == "GET" and request.url.path.endswith(("/customers", "/search")):
            return httpx.Response(200, json=page)
        return httpx.Response(200, json=wire_customer(dialect, 1, deleted=True))

    return mock_api.route(url__startswith=collection).mock(side_effect=answer)


def call_operation(driver: Driver, dialect: str, operation: str, **options: Any) -> object:
    """``operation`` of :data:`OPERATIONS` with a param of its own (so there is a query or a
    body to add to) and ``options``; the customer ids are :func:`mock_operations`'."""
    if operation == "list":
        return driver.first_page(limit=5, **options)
    if operation == "search":
        return driver.search("email~'ada'", **options)
    if operation == "create":
        return driver.create(email="ada@example.com", **options)
    if operation == "update":
        return driver.update(_OPERATION_IDS[dialect], name="Ada", **options)
    method = driver.get if operation == "get" else driver.delete
    return method(_OPERATION_IDS[dialect], **options)


def query_of(request: httpx.Request) -> list[tuple[str, str]]:
    """The request's query as decoded pairs, in order, blank values kept."""
    return parse_qsl(request.url.query.decode(), keep_blank_values=True)


def form_of(request: httpx.Request) -> list[tuple[str, str]]:
    """The request's form body as decoded pairs, in order, blank values kept."""
    return parse_qsl(request.content.decode(), keep_blank_values=True)


def only_request(route: respx.Route) -> httpx.Request:
    """The one request ``route`` saw."""
    assert route.call_count == 1
    return route.calls.last.request


# Every kind of Stripe create param (nested shapes, lists of shapes, enums, a bool, expand), as
# both stripe-python and the SDK take them: for tests that create through either and compare.
FULL_CREATE_PARAMS: dict[str, Any] = {
    "email": "grace@example.com",
    "name": "Grace Hopper",
    "description": "rear admiral",
    "business_name": "Eckert-Mauchly",
    "individual_name": "Grace Brewster Hopper",
    "phone": "+1 212 555 0100",
    "balance": 2500,
    "tax_exempt": "exempt",
    "preferred_locales": ["en-US"],
    "next_invoice_sequence": 3,
    "invoice_prefix": "COBOL",
    "address": {"line1": "3330 Wisconsin Ave", "state": "DC", "country": "US"},
    "shipping": {
        "address": {"line1": "1 Navy Yard", "city": "Washington", "country": "US"},
        "name": "Grace",
        "phone": "+1 212 555 0101",
    },
    "invoice_settings": {
        "footer": "Semper Paratus",
        "rendering_options": {"amount_tax_display": "exclude_tax"},
        "custom_fields": [{"name": "PO", "value": "1952"}, {"name": "Dept", "value": "R&D"}],
    },
    "tax": {"validate_location": "deferred", "ip_address": "127.0.0.1"},
    "tax_id_data": [{"type": "us_ein", "value": "12-3456789"}],
    "cash_balance": {"settings": {"reconciliation_mode": "manual"}},
    "metadata": {"tier": "gold", "team": "core"},
    "test_clock": "clock_1",
    "validate": True,
    "expand": ["tax", "tax_ids"],
}


def sandbox_client(
    sandbox: Sandbox, *, sleep: Callable[[float], object] = time.sleep
) -> httpx.Client:
    """A raw httpx client answered by ``sandbox`` in this process, with the sandbox's key."""
    transport = (
        SandboxTransport(sandbox) if sleep is None else SandboxTransport(sandbox, sleep=sleep)
    )
    headers = {"Authorization": "Bearer sk_test_sandbox"}
    return httpx.Client(transport=transport, base_url="http://sandbox", headers=headers)


# -- waits ------------------------------------------------------------------------------------
@dataclass
class Waits:
    """Records every positive wait the SDK asks for; moves ``now`` by it when ``advance``."""

    now: float = 1000.0
    advance: bool = True
    seconds: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def record(self, seconds: float) -> None:
        if seconds > 0:
            self.seconds.append(seconds)
            if self.advance:
                self.now += seconds


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Waits:
    recorder = Waits()

    async def async_record(seconds: float) -> None:
        recorder.record(seconds)

    monkeypatch.setattr(_retry, "sleep", recorder.record)
    monkeypatch.setattr(_retry, "async_sleep", async_record)
    return recorder


# -- the CLI ----------------------------------------------------------------------------------
def run_cli(*argv: str) -> tuple[int, str, str]:
    """``customers *argv`` in this process: (exit status, stdout, stderr)."""
    from customers_sdk._cli import main as cli_main  # only in the tests that run it

    out, err = io.StringIO(), io.StringIO()
    status = cli_main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


# -- secrets ------------------------------------------------------------------------------------
def error_texts(error: BaseException) -> list[str]:
    """Everything a person or a log could see of ``error``: its traceback as printed, and the
    ``str``, ``repr``, ``args`` and attributes of it and of every exception in its chain
    (``__cause__`` and ``__context__``)."""
    texts = ["".join(traceback.format_exception(type(error), error, error.__traceback__))]
    pending, seen = [error], set()
    while pending:
        exc = pending.pop()
        if id(exc) in seen:
            continue
        seen.add(id(exc))
        texts += [str(exc), repr(exc), *map(repr, exc.args), *map(repr, vars(exc).values())]
        pending += [linked for linked in (exc.__cause__, exc.__context__) if linked is not None]
    return texts
