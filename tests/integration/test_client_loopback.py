"""The clients, sync and async, against the sandbox served on 127.0.0.1: every operation of
every dialect over real sockets, many-page walks in both directions, filters and search."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from conftest import NETWORK_MODES, Drive, Driver
from customers_sdk import (
    AuthenticationError,
    CursorCustomer,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedOperationError,
    where,
)
from customers_sdk._inputs import MAX_SECONDS
from customers_sdk.sandbox import Sandbox, SandboxServer, serve

# The async client on both transports: httpx's own and aiohttp's (DefaultAioHttpClient).
pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize("drive", NETWORK_MODES, indirect=True),
]

KEY = "sk_test_sandbox"
CUSTOMERS = 640


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    sandbox = Sandbox(customers=CUSTOMERS, seed=7, restricted_api_key="rk_test_restricted")
    with serve(sandbox, port=0) as running:
        yield running


def connect(drive: Drive, server: SandboxServer, dialect: str, **options: object) -> Driver:
    base = server.cursor_base_url if dialect == "cursor" else server.url
    return drive.dialect(dialect, api_key=KEY, base_url=base, **options)


@pytest.mark.parametrize("dialect", ["stripe", "cursor"])
def test_cursor_walk_forward_and_backward_covers_everything_once(
    drive: Drive, server: SandboxServer, dialect: str
) -> None:
    client = connect(drive, server, dialect)
    forward = client.list_all(limit=37)
    ids = [c.id for c in forward]
    assert len(ids) >= CUSTOMERS - 5  # other tests in this module may delete a few
    assert len(set(ids)) == len(ids)
    created = [c.created_at.timestamp() for c in forward if c.created_at is not None]
    assert len(created) == len(forward)
    assert created == sorted(created, reverse=True)  # newest first, across page boundaries
    # From the 100th customer backward: the 99 newer ones, nearest the cursor first.
    backward = [c.id for c in client.list_all(limit=13, ending_before=ids[99])]
    assert backward == ids[:99][::-1]
    after = [c.id for c in client.list_all(limit=50, starting_after=ids[99])]
    assert after == ids[100:]


def test_offset_walk_with_subscriptions_sequential_and_concurrent(
    drive: Drive, server: SandboxServer
) -> None:
    client = connect(drive, server, "offset")
    first = client.first_page(limit=100, include_subscriptions=True)
    assert first.pagination.total >= CUSTOMERS - 5
    sequential = client.list_all(limit=100, include_subscriptions=True)
    concurrent = client.list_all(limit=100, include_subscriptions=True, concurrency=4)
    assert [c.id for c in concurrent] == [c.id for c in sequential]
    assert len(sequential) == first.pagination.total
    with_subs = [c for c in sequential if c.subscriptions]
    assert with_subs
    statuses = {str(s.status) for c in with_subs for s in c.subscriptions or []}
    assert {"active", "trialing", "canceled"} <= statuses
    for customer in sequential:
        assert customer.created_at is not None
        assert customer.created_at.tzinfo is not None
        subs = customer.subscriptions or []
        expected = any(s.status in ("active", "trialing") for s in subs)
        assert customer.has_active_subscription is expected


def test_stripe_crud_round_trip_and_filters(drive: Drive, server: SandboxServer) -> None:
    client = connect(drive, server, "stripe")
    created = client.create(email="ada@example.test", name="Ada", phone="+100", metadata={"a": "1"})
    assert created.id.startswith("cus_")
    assert created.response_info is not None
    assert created.response_info.request_id
    assert [c.id for c in client.list_all(email="ada@example.test")] == [created.id]
    updated = client.update(created.id, phone=None, metadata={"b": "2"})
    assert (updated.phone, updated.name, updated.metadata) == (None, "Ada", {"a": "1", "b": "2"})
    assert client.get(created.id).metadata == {"a": "1", "b": "2"}
    since = int(created.created_at.timestamp()) if created.created_at else 0
    recent = client.list_all(created={"gte": since})
    assert created.id in {c.id for c in recent}
    deleted = client.delete(created.id)
    assert deleted.deleted is True
    assert client.get(created.id).deleted is True
    with pytest.raises(NotFoundError) as caught:
        client.get("cus_missing")
    assert caught.value.request_id


def test_stripe_search_walks_pages(drive: Drive, server: SandboxServer) -> None:
    client = connect(drive, server, "stripe")
    gold = client.search_all("metadata['tier']:'gold'", limit=7)
    assert len(gold) > 7
    assert all(c.metadata.get("tier") == "gold" for c in gold)
    assert len({c.id for c in gold}) == len(gold)


def test_cursor_crud_patch_semantics_and_filters(drive: Drive, server: SandboxServer) -> None:
    client = connect(drive, server, "cursor")
    created = client.create(email="grace@example.test", name="Grace", phone="+200")
    assert isinstance(created, CursorCustomer)
    assert created.live is False
    patched = client.update(created.id, phone=None)
    assert (patched.name, patched.phone) == ("Grace", None)  # absent kept, null cleared
    matching = client.list_all(filters=where("email").eq("grace@example.test"))
    assert [c.id for c in matching] == [created.id]
    either = where("metadata.tier").eq("gold") | where("metadata.tier").eq("silver")
    tiers = client.list_all(limit=40, filters=either)
    assert tiers
    assert {c.metadata.get("tier") for c in tiers} <= {"gold", "silver"}
    raw = {"and": [{"field": "metadata.tier", "op": "in", "value": ["gold"]}]}
    assert {c.id for c in client.list_all(filters=raw)} == {
        c.id for c in tiers if c.metadata.get("tier") == "gold"
    }
    assert client.delete(created.id).deleted is True
    with pytest.raises(NotFoundError):
        client.get(created.id)


@pytest.mark.parametrize("dialect", ["stripe", "offset", "cursor"])
def test_auth_errors_are_typed(drive: Drive, server: SandboxServer, dialect: str) -> None:
    base = server.cursor_base_url if dialect == "cursor" else server.url
    wrong = drive.dialect(dialect, api_key="sk_test_wrong", base_url=base, max_retries=0)
    with pytest.raises(AuthenticationError) as caught:
        wrong.first_page()
    assert "sk_test_wrong" not in str(caught.value)
    if dialect == "offset":
        restricted = drive.offset(api_key="rk_test_restricted", base_url=base, max_retries=0)
        with pytest.raises(PermissionDeniedError):
            restricted.first_page()


def test_unsupported_and_invalid_never_reach_the_server(
    drive: Drive, server: SandboxServer
) -> None:
    sandbox = server.sandbox
    sandbox.reset_log()
    offset = connect(drive, server, "offset")
    with pytest.raises(UnsupportedOperationError):
        offset.get("123")
    with pytest.raises(InvalidParameterError):
        connect(drive, server, "cursor").first_page(limit=1001)
    with pytest.raises(InvalidParameterError):
        connect(drive, server, "stripe").get("")
    assert sandbox.request_log == []
    # The server was there all along: nothing reached it because nothing was sent.
    assert len(offset.first_page(limit=1).data) == 1


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": float("inf")},
        {"timeout": 1e300},
        {"timeout": 10**400},
        {"timeout": httpx.Timeout(5.0, read=float("inf"))},
        {"timeout": httpx.Timeout(float("nan"))},
        {"timeout": httpx.Timeout(5.0, pool=-1.0)},
        {"deadline": float("inf")},
        {"deadline": 10**400},
    ],
    ids=[
        "inf",
        "1e300",
        "10**400",
        "read-inf",
        "nan",
        "pool-negative",
        "deadline-inf",
        "deadline-10**400",
    ],
)
def test_seconds_no_socket_can_wait_are_refused_unsent(
    drive: Drive, server: SandboxServer, options: dict[str, object]
) -> None:
    # Sent, they failed in the socket layer: OverflowError / ValueError, or a timeout error.
    sandbox = server.sandbox
    sandbox.reset_log()
    client = connect(drive, server, "stripe", timeout=None)
    with pytest.raises(InvalidParameterError) as caught:
        client.first_page(limit=1, **options)
    assert caught.value.param == next(iter(options))
    assert sandbox.request_log == []
    # The server was there all along; the longest wait taken works on the same socket layer.
    assert len(client.first_page(limit=1, timeout=MAX_SECONDS, deadline=MAX_SECONDS).data) == 1


def test_the_longest_timeout_and_deadline_taken_work_on_a_real_socket(
    drive: Drive, server: SandboxServer
) -> None:
    longest = MAX_SECONDS
    client = connect(drive, server, "stripe", timeout=longest)
    assert len(client.first_page(limit=1, timeout=longest, deadline=longest).data) == 1
    without_timeout = connect(drive, server, "stripe", timeout=None)
    assert len(without_timeout.first_page(limit=1, deadline=longest).data) == 1
