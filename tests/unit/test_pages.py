"""Pages and auto-pagination for all three dialects, sync and async.

A small paging fake per dialect answers from a list of customers the way the real API does, so
the walks, request counts and carried filters below are computed, not scripted.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import respx

from conftest import (
    BASE_URLS,
    COLLECTIONS,
    DIALECTS,
    Drive,
    Driver,
    page_body,
    unit_driver,
    wire_customer,
)
from customers_sdk import (
    AsyncCustomersClient,
    AsyncPage,
    Customer,
    CustomersClient,
    Page,
    where,
)
from customers_sdk._request import ListQuery

CURSOR_DIALECTS = ("stripe", "cursor")
DEFAULT_LIMIT = {"stripe": 10, "offset": 50, "cursor": 50}


@dataclass
class FakeList:
    """One dialect's list endpoint over ``count`` customers (newest first, as the APIs do)."""

    dialect: str
    count: int
    # Every page says has_more=True, even the empty one past the end (a lying server).
    always_more: bool = False
    # The offset dialect's `total` as the server reports it (None: the true count).
    reported_total: int | None = None
    requests: list[httpx.Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items = [wire_customer(self.dialect, i) for i in range(self.count)]
        self.ids = [item["id"] for item in self.items]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        params = request.url.params
        limit = int(params.get("limit", DEFAULT_LIMIT[self.dialect]))
        if self.dialect == "offset":
            start = int(params.get("offset", 0))
            chunk = self.items[start : start + limit]
            more = start + limit < self.count or self.always_more
            total = self.count if self.reported_total is None else self.reported_total
            body = page_body("offset", chunk, has_more=more, offset=start, limit=limit, total=total)
            return httpx.Response(200, json=body)
        if "ending_before" in params:
            end = self.ids.index(params["ending_before"])
            begin = max(0, end - limit)
            chunk, more = self.items[begin:end], begin > 0
        else:
            after = params.get("starting_after")
            begin = 0 if after is None else self.ids.index(after) + 1
            chunk = self.items[begin : begin + limit]
            more = begin + limit < self.count
        more = more or self.always_more
        return httpx.Response(200, json=page_body(self.dialect, chunk, has_more=more))

    def sent(self, name: str) -> list[str | None]:
        return [request.url.params.get(name) for request in self.requests]


def _serve(mock_api: respx.MockRouter, dialect: str, count: int, *, lie: bool = False) -> FakeList:
    fake = FakeList(dialect, count, always_more=lie)
    mock_api.get(COLLECTIONS[dialect]).mock(side_effect=fake)
    return fake


def _client(drive: Drive, dialect: str) -> Driver:
    return unit_driver(drive, dialect)


# -- forward walks ------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("count", "limit", "requests"), [(7, 3, 3), (6, 3, 2), (1, 5, 1)])
def test_iteration_walks_every_customer_in_order(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, count: int, limit: int, requests: int
) -> None:
    fake = _serve(mock_api, dialect, count)
    walked = _client(drive, dialect).list_all(limit=limit)
    assert [c.id for c in walked] == fake.ids
    # (6, 3): the last page is exactly full and says has_more=false: no extra request.
    assert len(fake.requests) == requests
    assert fake.sent("limit") == [str(limit)] * requests


@pytest.mark.parametrize("dialect", CURSOR_DIALECTS)
def test_cursor_pages_continue_from_the_last_id(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 7)
    _client(drive, dialect).list_all(limit=3)
    assert fake.sent("starting_after") == [None, fake.ids[2], fake.ids[5]]
    assert fake.sent("ending_before") == [None, None, None]


def test_offset_pages_advance_by_the_items_received(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    fake = _serve(mock_api, "offset", 12)
    walked = _client(drive, "offset").list_all(limit=5, offset=2)
    assert [c.id for c in walked] == fake.ids[2:]
    assert fake.sent("offset") == ["2", "7"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_empty_first_page_makes_one_request(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 0)
    client = _client(drive, dialect)
    page = client.first_page()
    assert page.data == []
    assert page.has_more is False
    assert page.next_page() is None
    assert client.list_all() == []
    assert len(fake.requests) == 2  # one per call above, none for next_page()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_next_page_returns_none_without_a_request_at_the_end(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 4)
    first = _client(drive, dialect).first_page(limit=2)
    second = first.next_page()
    assert second is not None
    assert (first.ids, second.ids) == (fake.ids[:2], fake.ids[2:])
    assert second.has_more is False
    assert second.next_page() is None
    assert second.next_page() is None
    assert len(fake.requests) == 2


@pytest.mark.parametrize("dialect", DIALECTS)
def test_iter_pages_yields_each_page_once(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 9)
    pages = _client(drive, dialect).pages(limit=4)
    assert [p.ids for p in pages] == [fake.ids[0:4], fake.ids[4:8], fake.ids[8:9]]
    assert [p.has_more for p in pages] == [True, True, False]
    assert [p.response_info.status_code for p in pages] == [200, 200, 200]
    if dialect == "offset":
        assert [p.pagination.offset for p in pages] == [0, 4, 8]
        assert {p.pagination.total for p in pages} == {9}
    assert len(fake.requests) == 3


@pytest.mark.parametrize("dialect", DIALECTS)
def test_iteration_is_lazy(drive: Drive, mock_api: respx.MockRouter, dialect: str) -> None:
    fake = _serve(mock_api, dialect, 10)
    client = _client(drive, dialect)
    assert [c.id for c in client.take(3, limit=3)] == fake.ids[:3]
    assert len(fake.requests) == 1
    assert [c.id for c in client.take(4, limit=3)] == fake.ids[:4]
    assert len(fake.requests) == 3  # 1 earlier + 2 for this walk, none ahead of need


class _PagesAlive:
    """Counts, at each request after the first, the customers of the walk's earlier pages
    (the first page and the caller's current customer aside) that are still alive."""

    def __init__(self, fake: FakeList, first: int) -> None:
        self.fake, self.first = fake, first
        self.walked: list[weakref.ref[Customer]] = []
        self.alive: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.fake.requests:
            earlier = self.walked[self.first : -1]
            self.alive.append(sum(ref() is not None for ref in earlier))
        return self.fake(request)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_walk_holds_one_page_at_a_time(
    mock_api: respx.MockRouter, dialect: str, kind: str
) -> None:
    # A page the caller has let go of is freed before the next one is fetched and read, so a
    # walk's memory is one page, not two (and a wide walk reads into memory still in cache).
    fake = FakeList(dialect, 12)
    probe = _PagesAlive(fake, first=3)
    mock_api.get(COLLECTIONS[dialect]).mock(side_effect=probe)
    options: dict[str, Any] = {"api_key": "sk_test_x", "base_url": BASE_URLS[dialect]}
    if kind == "sync":
        with getattr(CustomersClient, dialect)(**options) as client:
            for customer in client.list(limit=3):
                probe.walked.append(weakref.ref(customer))
    else:

        async def walk() -> None:
            async with getattr(AsyncCustomersClient, dialect)(**options) as client:
                async for customer in client.list(limit=3):
                    probe.walked.append(weakref.ref(customer))

        asyncio.run(walk())
    assert len(probe.walked) == 12
    # Requests for pages 2, 3, 4 (and offset's none after): nothing of pages 2, 3 held.
    assert len(probe.alive) == len(fake.requests) - 1 >= 3
    assert probe.alive == [0] * len(probe.alive)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_iterating_a_page_object_walks_from_that_page(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 5)
    second = _client(drive, dialect).first_page(limit=2).next_page()
    assert second is not None
    assert [c.id for c in second] == fake.ids[2:]
    assert [p.ids for p in second.iter_pages()] == [fake.ids[2:4], fake.ids[4:]]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_previous_page_goes_back_as_stripe_python_s_does(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 7)
    first = _client(drive, dialect).first_page(limit=3)
    third = first.next_page()
    assert third is not None
    third = third.next_page()
    assert third is not None
    assert third.ids == fake.ids[6:]
    second = third.previous_page()
    assert second is not None
    assert second.ids == fake.ids[3:6]
    back = second.previous_page()
    assert back is not None
    assert back.ids == fake.ids[:3]
    assert not back.is_empty
    before_first = back.previous_page()
    if dialect == "offset":  # offset 0: nothing before it, and no request
        assert before_first is None
        assert fake.sent("offset") == [None, "3", "6", "3", "0"]
    else:  # newer customers than the first: none here, asked for as Stripe is asked
        assert before_first is not None
        assert before_first.is_empty
        assert before_first.previous_page() is None  # an empty page: nothing to go by
        assert fake.sent("ending_before") == [
            None,
            None,
            None,
            fake.ids[6],
            fake.ids[3],
            fake.ids[0],
        ]
    assert [request.url.params.get("limit") for request in fake.requests] == ["3"] * len(
        fake.requests
    )


@pytest.mark.parametrize("dialect", DIALECTS)
def test_auto_paging_iter_walks_from_the_page_as_stripe_python_does(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 7)
    first = _client(drive, dialect).first_page(limit=3)
    assert [c.id for c in first.auto_paging_iter()] == fake.ids
    second = first.next_page()
    assert second is not None
    assert [c.id for c in second.auto_paging_iter()] == fake.ids[3:]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_common_types_list_walks_any_dialect(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    # What code typed against the common CustomersClient runs: the base class's list(), which
    # takes only what every dialect takes.
    fake = _serve(mock_api, dialect, 5)
    client = _client(drive, dialect).client
    if isinstance(client, CustomersClient):
        walked = [c.id for c in CustomersClient.list(client, limit=2)]
    else:

        async def walk() -> list[str]:
            return [c.id async for c in AsyncCustomersClient.list(client, limit=2)]

        walked = drive.run(walk)
    assert walked == fake.ids
    assert fake.sent("limit") == ["2"] * 3


# -- backward -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", CURSOR_DIALECTS)
def test_backward_walk_from_ending_before(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 10)
    cursor = fake.ids[7]
    walked = _client(drive, dialect).list_all(limit=3, ending_before=cursor)
    # Nearest the cursor first, all the way back to the newest customer.
    assert [c.id for c in walked] == list(reversed(fake.ids[:7]))
    assert fake.sent("ending_before") == [cursor, fake.ids[4], fake.ids[1]]
    assert fake.sent("starting_after") == [None, None, None]


@pytest.mark.parametrize("dialect", CURSOR_DIALECTS)
def test_backward_pages_keep_wire_order(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 6)
    pages = _client(drive, dialect).pages(limit=2, ending_before=fake.ids[5])
    assert [p.ids for p in pages] == [fake.ids[3:5], fake.ids[1:3], fake.ids[0:1]]


# -- filters carried to every page -------------------------------------------------------------
FILTERS: dict[str, dict[str, Any]] = {
    "stripe": {"email": "user@example.com", "created": {"gte": 1_700_000_000}},
    "offset": {"include_subscriptions": True},
    "cursor": {"filters": where("email").contains("@example.com") | where("name").eq("x")},
}
CARRIED: dict[str, list[tuple[str, str]]] = {
    "stripe": [("email", "user@example.com"), ("created[gte]", "1700000000")],
    "offset": [("include_subscriptions", "true")],
    "cursor": [
        (
            "filters",
            '{"or":[{"field":"email","op":"contains","value":"@example.com"},'
            '{"field":"name","op":"eq","value":"x"}]}',
        )
    ],
}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_filters_are_carried_to_every_page(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = _serve(mock_api, dialect, 5)
    _client(drive, dialect).list_all(limit=2, **FILTERS[dialect])
    assert len(fake.requests) == 3
    for request in fake.requests:
        sent = list(request.url.params.multi_items())
        for pair in CARRIED[dialect]:
            assert pair in sent


# -- offset concurrency ---------------------------------------------------------------------
@pytest.mark.parametrize("drive", ["sync", "async", "trio"], indirect=True)
@pytest.mark.parametrize(
    ("count", "limit", "concurrency"), [(23, 5, 4), (20, 5, 4), (23, 3, 2), (3, 5, 4), (0, 5, 4)]
)
def test_offset_concurrency_gives_identical_results_in_order(
    drive: Drive, mock_api: respx.MockRouter, count: int, limit: int, concurrency: int
) -> None:
    fake = _serve(mock_api, "offset", count)
    client = _client(drive, "offset")
    sequential = [c.id for c in client.list_all(limit=limit)]
    requests_sequential = len(fake.requests)
    concurrent = [c.id for c in client.list_all(limit=limit, concurrency=concurrency)]
    assert sequential == concurrent == fake.ids
    # Same pages, none fetched twice or beyond the total.
    assert len(fake.requests) - requests_sequential == requests_sequential
    later = fake.sent("offset")[requests_sequential:]
    assert sorted(int(o or 0) for o in later) == list(range(0, max(count, 1), limit))


def test_offset_concurrency_continues_past_a_total_that_grew(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    fake = _serve(mock_api, "offset", 13)
    fake.reported_total = 10  # customers were added after the first page was counted
    walked = _client(drive, "offset").list_all(limit=3, concurrency=2)
    assert [c.id for c in walked] == fake.ids
    assert sorted(int(o or 0) for o in fake.sent("offset")) == [0, 3, 6, 9, 12]


def test_offset_concurrency_pages_are_in_order(drive: Drive, mock_api: respx.MockRouter) -> None:
    fake = _serve(mock_api, "offset", 14)
    pages = _client(drive, "offset").pages(limit=3, concurrency=4)
    assert [p.pagination.offset for p in pages] == [0, 3, 6, 9, 12]
    assert [c for p in pages for c in p.ids] == fake.ids


def test_concurrency_on_the_cursor_dialect_walks_sequentially(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # Stripe's concurrent walk is cut into created slices: tests/unit/test_sliced_walk.py.
    fake = _serve(mock_api, "cursor", 7)
    walked = _client(drive, "cursor").list_all(limit=3, concurrency=4)
    assert [c.id for c in walked] == fake.ids
    assert fake.sent("starting_after") == [None, fake.ids[2], fake.ids[5]]


# -- page objects -------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", DIALECTS)
def test_page_exposes_its_query_and_a_short_repr(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    _serve(mock_api, dialect, 3)
    page = _client(drive, dialect).first_page(limit=2).page
    assert isinstance(page, (Page, AsyncPage))
    assert repr(page) == f"{type(page).__name__}(items=2, has_more=True)"
    assert isinstance(page.query, ListQuery)
    assert page.query.limit == 2
    nxt = page.next_page_query
    assert isinstance(nxt, ListQuery)
    assert nxt.limit == 2
    assert "<table>" in page._repr_html_()


# -- cursor prefetch and early stops ----------------------------------------------------------
@pytest.mark.parametrize("dialect", CURSOR_DIALECTS)
@pytest.mark.parametrize("concurrency", [1, 2])
def test_stopping_early_leaves_no_request_behind(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, concurrency: int
) -> None:
    fake = _serve(mock_api, dialect, 9)
    taken = _client(drive, dialect).take(2, limit=3, concurrency=concurrency)
    assert [c.id for c in taken] == fake.ids[:2]
    # With prefetch the second page may have been asked for, never a third.
    assert len(fake.requests) <= min(concurrency, 2)
    assert fake.sent("starting_after")[1:] in ([], [fake.ids[2]])


# -- trio -------------------------------------------------------------------------------------
@pytest.mark.parametrize("drive", ["trio"], indirect=True)
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("concurrency", [1, 3])
def test_async_client_walks_under_trio(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, concurrency: int
) -> None:
    fake = _serve(mock_api, dialect, 8)
    client = _client(drive, dialect)
    assert [c.id for c in client.list_all(limit=3, concurrency=concurrency)] == fake.ids
    assert [p.ids for p in client.pages(limit=5)] == [fake.ids[:5], fake.ids[5:]]


def test_stopping_a_concurrent_offset_walk_early_cancels_what_is_queued(
    mock_api: respx.MockRouter,
) -> None:
    fake = _serve(mock_api, "offset", 60)
    client = CustomersClient.offset(api_key="k", base_url=BASE_URLS["offset"], max_retries=0)
    walk = iter(client.list(limit=5, concurrency=3))
    taken = [next(walk) for _ in range(7)]  # into the second page
    walk.close()  # type: ignore[attr-defined]
    assert [c.id for c in taken] == fake.ids[:7]
    # The first page plus at most the window (twice the concurrency) and the page queued after
    # the one taken: far fewer than the 12 pages that exist.
    assert len(fake.requests) <= 1 + 2 * 3 + 1
    client.close()
