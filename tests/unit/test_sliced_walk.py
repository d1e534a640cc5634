"""Concurrent Stripe walks cut into ``created`` slices (``_sliced_walk``, planned by
``_dialects/_stripe_slices``): the very customers of a sequential walk in its very order,
seconds crowded with customers never split, the caller's range kept, every page a place to
resume the whole walk, nothing left running when the walk stops, and a server that ignores
the filters walked one page at a time."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timezone
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from conftest import Drive, Driver, Waits, sandbox_client
from customers_sdk._dialects._stripe_slices import (
    Bounds,
    bounds_of,
    oldest_flow,
    on_plan,
    remainder,
    sliceable,
)
from customers_sdk._fetch_ahead import window_size
from customers_sdk._models import Customer
from customers_sdk._request import ListQuery, SearchQuery
from customers_sdk.sandbox import Sandbox, SandboxTransport

ANY_DRIVE = ["sync", "async", "trio"]
KEY = "sk_test_sandbox"
BASE = 1_700_000_000
# Seconds after BASE: a sparse past, a second of 120 customers sharing one millisecond (the
# id orders them), a second of 30 spread over its milliseconds, a gap of days, a recent burst.
SECONDS = (
    [i * 3_600 for i in range(60)]
    + [250_000.0] * 120
    + [250_001 + i / 40 for i in range(30)]
    + [600_000 + i * 7 for i in range(50)]
)


def crowded_sandbox() -> Sandbox:
    now = [float(BASE)]
    sandbox = Sandbox(customers=0, wall_clock=lambda: now[0])
    with sandbox_client(sandbox) as http:
        for index, second in enumerate(SECONDS):
            now[0] = BASE + second
            assert http.post("/v1/customers", data={"email": f"c{index}@example.com"}).is_success
    sandbox.request_log.clear()
    return sandbox


def connect(drive: Drive, transport: httpx.BaseTransport | httpx.AsyncBaseTransport) -> Driver:
    http = drive.http_client(transport=transport)
    return drive.stripe(api_key=KEY, base_url="http://sandbox", http_client=http)


def created_params(sandbox: Sandbox) -> list[dict[str, str]]:
    return [
        {name: value for name, value in parse_qsl(logged.query) if name.startswith("created")}
        for logged in sandbox.request_log
    ]


CALLER_RANGES: list[Any] = [
    None,
    {"gte": BASE + 250_000},
    {"lt": BASE + 250_001},
    {"gt": BASE + 3_600 * 5, "lte": BASE + 250_001},
    BASE + 250_000,  # one second: nothing to cut
    {"gte": datetime.fromtimestamp(BASE + 7_200, timezone.utc)},
]


@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
@pytest.mark.parametrize("created", CALLER_RANGES, ids=lambda c: repr(c)[:24])
def test_a_sliced_walk_yields_the_sequential_walk(drive: Drive, created: Any) -> None:
    sandbox = crowded_sandbox()
    client = connect(drive, SandboxTransport(sandbox))
    given = {} if created is None else {"created": created}
    sequential = [c.id for c in client.list_all(limit=10, **given)]
    requests = len(sandbox.request_log)
    sandbox.request_log.clear()

    pages = client.pages(limit=10, concurrency=4, **given)

    assert [c for page in pages for c in page.ids] == sequential
    assert len(sequential) > 0
    if isinstance(created, int):
        assert len(sandbox.request_log) == requests  # one second: walked as before
        return
    sliced = [p for p in created_params(sandbox) if "created[gte]" in p or "created[lt]" in p]
    assert len(sliced) > 10  # it did cut the range
    # The pages are the whole walk's: each resumes it after its last customer, the last ends it.
    root = pages[0].page.query
    assert isinstance(root, ListQuery)
    for page in pages[:-1]:
        assert page.page.next_page_query == replace(root, starting_after=page.ids[-1])
        assert page.has_more
    assert pages[-1].page.next_page_query is None
    assert all(page.ids for page in pages)  # empty slices are left out


@pytest.mark.parametrize("drive", ["sync"], indirect=True)
def test_slices_stay_inside_the_callers_range(drive: Drive) -> None:
    sandbox = crowded_sandbox()
    driver = connect(drive, SandboxTransport(sandbox))
    low, high = BASE + 3_600 * 5, BASE + 250_001
    walked = driver.list_all(limit=10, concurrency=4, created={"gt": low, "lte": high})
    assert walked
    assert all(low < c.created_at.timestamp() < high + 1 for c in walked)  # type: ignore[union-attr]
    for params in created_params(sandbox)[1:]:
        assert int(params.get("created[gte]", low + 1)) > low
        assert int(params["created[lt]"]) <= high + 1


@pytest.mark.parametrize("drive", ["sync"], indirect=True)
def test_a_walk_from_a_cursor_or_a_single_page_is_not_sliced(drive: Drive) -> None:
    sandbox = crowded_sandbox()
    driver = connect(drive, SandboxTransport(sandbox))
    ids = [c.id for c in driver.list_all(limit=100)]
    sandbox.request_log.clear()
    assert [c.id for c in driver.list_all(limit=7, starting_after=ids[3], concurrency=4)] == ids[4:]
    assert [c.id for c in driver.list_all(limit=100, ending_before=ids[40], concurrency=4)] == (
        ids[:40][::-1]
    )
    assert [c.id for c in driver.list_all(limit=100, email="c3@example.com", concurrency=4)] == [
        ids[-4]
    ]
    assert all(not params for params in created_params(sandbox))


@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
def test_stopping_a_sliced_walk_leaves_no_request_behind(drive: Drive) -> None:
    sandbox = crowded_sandbox()
    client = connect(drive, SandboxTransport(sandbox))
    expected = [c.id for c in client.list_all(limit=10)]
    sandbox.request_log.clear()

    taken = client.take(45, limit=10, concurrency=4)  # closes the walk after the 45th

    assert [c.id for c in taken] == expected[:45]
    sent = len(sandbox.request_log)
    for thread in threading.enumerate():
        if thread.name.startswith("customers-sdk-page"):
            thread.join(timeout=10)  # bounded: a request still running gets its chance to send
    if drive.mode != "sync":
        drive.run(lambda: _yield_to_loop())
    assert len(sandbox.request_log) == sent
    assert sent < len(expected) // 10 + 40  # a window of slices and probes, not the whole walk


async def _yield_to_loop() -> None:
    import anyio

    for _ in range(5):
        await anyio.sleep(0)


@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
def test_every_request_of_a_sliced_walk_books_a_slot_of_the_clients_rate(
    drive: Drive, waits: Waits
) -> None:
    # The clock stands still, so the n-th request waits (n - 1) / rate: one budget, no request
    # (slice, nested slice or probe) outside it.
    waits.advance = False
    sandbox = crowded_sandbox()
    http = drive.http_client(transport=SandboxTransport(sandbox))
    driver = drive.stripe(
        api_key=KEY, base_url="http://sandbox", http_client=http, max_requests_per_second=10
    )
    driver.client._settings = driver.client._settings.with_clock(waits.clock)

    assert len(driver.list_all(limit=10, concurrency=4)) == len(SECONDS)

    sent = len(sandbox.request_log)
    assert sent > 30
    assert sorted(waits.seconds) == pytest.approx([n / 10 for n in range(1, sent)])


class IgnoresCreated(httpx.BaseTransport):
    """The sandbox, but every ``created`` filter dropped on the way in, as by a server that
    does not know it: the walk must notice and go on one page at a time."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.inner = SandboxTransport(sandbox)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        kept = [(k, v) for k, v in request.url.params.multi_items() if not k.startswith("created")]
        stripped = httpx.Request(
            request.method, request.url.copy_with(params=kept), headers=request.headers
        )
        return self.inner.handle_request(stripped)


@pytest.mark.parametrize("drive", ["sync"], indirect=True)
def test_a_server_ignoring_created_is_walked_one_page_at_a_time(drive: Drive) -> None:
    sandbox = crowded_sandbox()
    driver = connect(drive, IgnoresCreated(sandbox))
    sequential = [c.id for c in driver.list_all(limit=10)]
    pages = len(sandbox.request_log)
    sandbox.request_log.clear()

    assert [c.id for c in driver.list_all(limit=10, concurrency=4)] == sequential
    # A window of probes (and the one drawn as the first is read), then as before.
    assert len(sandbox.request_log) <= pages + window_size(4) + 1


# -- the planner, without I/O ----------------------------------------------------------------
def customers(*seconds: int) -> list[Customer]:
    return [Customer(id=f"cus_{i}", created_at=s) for i, s in enumerate(seconds)]


def test_bounds_of_the_callers_filter_are_whole_seconds() -> None:
    assert bounds_of(ListQuery()) == Bounds()
    assert bounds_of(ListQuery(created=5)) == Bounds(5, 6)
    assert bounds_of(ListQuery(created={"gte": 5, "gt": 7})) == Bounds(8, None)
    assert bounds_of(ListQuery(created={"lt": 9, "lte": 3})) == Bounds(None, 4)


def test_only_forward_lists_from_the_top_are_sliceable() -> None:
    assert sliceable(ListQuery(limit=3))
    assert not sliceable(ListQuery(starting_after="cus_1"))
    assert not sliceable(ListQuery(ending_before="cus_1"))
    assert not sliceable(SearchQuery("email:'a'"))


def test_the_remainder_starts_after_the_last_customer_and_ends_at_the_callers_bound() -> None:
    query = ListQuery(limit=4, created={"gte": 100})
    plan = remainder(query, customers(1000, 990, 980, 970), floor=100)
    assert plan is not None
    slices = list(plan)
    assert slices[0].starting_after == "cus_3"
    assert slices[0].created == {"gte": 944, "lt": 971}  # 0.9 of a page at 4 per 31 s
    assert all(s.starting_after is None for s in slices[1:])
    assert slices[-1].created == {"gte": 100, "lt": 107}
    edges = [(s.created["gte"], s.created["lt"]) for s in slices]  # type: ignore[index]
    assert all(lower[1] == upper[0] for upper, lower in pairwise(edges))


def test_a_remainder_with_no_bound_below_or_one_second_is_not_cut() -> None:
    assert remainder(ListQuery(limit=2), customers(10, 9), floor=None) is None
    assert remainder(ListQuery(limit=2, created=9), customers(9, 9), floor=9) is None
    assert remainder(ListQuery(limit=2), [Customer(id="cus_1")] * 2, floor=0) is None
    open_below = remainder(ListQuery(limit=2), customers(30, 20), floor=10)
    assert open_below is not None
    assert list(open_below)[-1].created == {"lt": 12}  # the lowest slice stays open below


def test_a_page_is_on_plan_only_inside_its_slice_newest_first() -> None:
    query = ListQuery(created={"gte": 10, "lt": 20}, starting_after="cus_9")
    assert on_plan(query, customers(19, 19, 10))
    assert not on_plan(query, customers(20))  # outside the slice
    assert not on_plan(query, customers(11, 12))  # oldest first
    assert not on_plan(query, [Customer(id="cus_9", created_at=15)])  # the cursor again
    assert not on_plan(query, [Customer(id="cus_1")])  # no created


def run_flow(query: ListQuery, page: list[Customer], oldest: int) -> tuple[int | None, int]:
    flow = oldest_flow(query, page, concurrency=8)
    asked = 0
    try:
        probes = next(flow)
        while True:
            asked += len(probes)
            found = [bounds_of(p).hi is not None and oldest < bounds_of(p).hi for p in probes]  # type: ignore[operator]
            probes = flow.send(found)
    except StopIteration as done:
        return done.value, asked


@pytest.mark.parametrize("oldest", [BASE - 10, BASE - 86_400 * 400, 5, BASE + 95])
def test_the_oldest_is_bracketed_closely_in_two_rounds(oldest: int) -> None:
    page = customers(BASE + 200, BASE + 100)
    bound, asked = run_flow(ListQuery(limit=2), page, oldest)
    assert bound is not None
    assert bound <= oldest
    assert BASE + 101 - bound <= 1.3 * (BASE + 101 - oldest) + 400
    assert asked <= 24 + 8


def test_the_callers_lower_bound_needs_no_probe() -> None:
    flow = oldest_flow(ListQuery(created={"gte": 7}), customers(20, 10), concurrency=8)
    with pytest.raises(StopIteration) as done:
        next(flow)
    assert done.value.value == 7
    no_created = oldest_flow(ListQuery(), [Customer(id="cus_1")], concurrency=8)
    with pytest.raises(StopIteration) as nothing:
        next(no_created)
    assert nothing.value.value is None


def test_probing_stops_at_the_epoch() -> None:
    # Nothing to probe below second 1; a bracket of one second has no point inside.
    assert run_flow(ListQuery(limit=2), customers(1, 0), oldest=0) == (0, 0)
    assert run_flow(ListQuery(limit=2), customers(1, 1), oldest=0) == (0, 1)


@pytest.mark.parametrize("drive", ["sync"], indirect=True)
def test_a_first_page_saying_more_with_none_after_ends_on_an_empty_page(drive: Drive) -> None:
    # As a sequential walk whose customers were deleted meanwhile: the first page comes out
    # at once, saying more follow; the walk ends on an empty page that says none do.
    first = [{"id": f"cus_{i}", "object": "customer", "created": BASE - i} for i in range(2)]

    def answer(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        top = "created[lt]" not in params and "starting_after" not in params
        return httpx.Response(200, json={"data": first if top else [], "has_more": top})

    driver = connect(drive, httpx.MockTransport(answer))
    pages = driver.pages(limit=2, concurrency=4)

    assert [page.ids for page in pages] == [["cus_0", "cus_1"], []]
    assert pages[0].has_more
    assert pages[-1].page.next_page_query is None
