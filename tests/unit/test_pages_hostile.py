"""Walks against servers that lie: a walk that stops advancing is an error, never a hang, and a
lying ``total`` costs no more than the concurrency window.

Every fake here fails the test after a few dozen requests, so a walk that would loop for ever
fails fast instead of hanging the suite.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import pytest
import respx
from test_pages import FakeList

from conftest import COLLECTIONS, DIALECTS, Drive, page_body, unit_driver, wire_customer
from customers_sdk import Customer, CustomersClient, InternalServerError, ResponseValidationError
from customers_sdk._fetch_ahead import window_size
from customers_sdk._request import ListQuery

CURSOR_DIALECTS = ("stripe", "cursor")
ANY_DRIVE = ["sync", "async", "trio"]
SEARCH = f"{COLLECTIONS['stripe']}/search"


class Hostile:
    """An endpoint answering every request with ``answer(params)``, at most ``cap`` times."""

    def __init__(self, answer: Callable[[httpx.QueryParams], dict[str, Any]], cap: int = 30):
        self.answer = answer
        self.cap = cap
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) > self.cap:
            raise AssertionError(f"the walk went on for {self.cap} requests")
        return httpx.Response(200, json=self.answer(request.url.params))

    def sent(self, name: str) -> list[str | None]:
        """``name`` in each request, but a sliced Stripe walk's probes for its oldest customer
        (``created[lt]`` alone): a window of them at most, asserted here."""
        probes = [r for r in self.requests if "created[lt]" in r.url.params]
        assert len(probes) <= window_size(2)
        return [r.url.params.get(name) for r in self.requests if r not in probes]


def _walk_until_stalled(
    walk: Iterable[Customer], *, quotes_body: bool = True
) -> tuple[list[str], ResponseValidationError]:
    seen: list[str] = []

    def walk_on() -> None:
        seen.extend(customer.id for customer in walk)

    with pytest.raises(ResponseValidationError, match="the walk would not advance") as caught:
        walk_on()
    assert caught.value.status_code == 200
    assert caught.value.excerpt.startswith("{") is quotes_body
    return seen, caught.value


# -- cursors and tokens that repeat ---------------------------------------------------------
@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
@pytest.mark.parametrize("dialect", CURSOR_DIALECTS)
@pytest.mark.parametrize("concurrency", [1, 2])
@pytest.mark.parametrize("backward", [False, True], ids=["forward", "backward"])
def test_a_cursor_that_repeats_is_an_error(
    drive: Drive,
    mock_api: respx.MockRouter,
    dialect: str,
    concurrency: int,
    backward: bool,
) -> None:
    # The reproducer: the same customer on every page, always "more to come".
    stuck = wire_customer(dialect, 0)
    fake = Hostile(lambda _: page_body(dialect, [stuck], has_more=True))
    mock_api.get(COLLECTIONS[dialect]).mock(side_effect=fake)
    start = {"ending_before": "cus_later"} if backward else {}
    walk = unit_driver(drive, dialect).iterate(limit=1, concurrency=concurrency, **start)

    seen, _ = _walk_until_stalled(walk)

    assert seen == [stuck["id"]]
    cursor = "ending_before" if backward else "starting_after"
    assert fake.sent(cursor) == [start.get(cursor), stuck["id"]]


@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
@pytest.mark.parametrize("dialect", CURSOR_DIALECTS)
@pytest.mark.parametrize("concurrency", [1, 2])
@pytest.mark.parametrize("backward", [False, True], ids=["forward", "backward"])
def test_cursors_that_go_round_in_a_circle_are_an_error(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, concurrency: int, backward: bool
) -> None:
    # After A comes B, after B comes A: each page moves on from its own cursor, the walk not.
    a, b = wire_customer(dialect, 0), wire_customer(dialect, 1)
    cursor = "ending_before" if backward else "starting_after"
    fake = Hostile(
        lambda params: page_body(
            dialect, [b if params.get(cursor) == a["id"] else a], has_more=True
        )
    )
    mock_api.get(COLLECTIONS[dialect]).mock(side_effect=fake)
    start = {"ending_before": "cus_later"} if backward else {}
    walk = unit_driver(drive, dialect).iterate(limit=1, concurrency=concurrency, **start)

    # Seen across pages, after the response was read: there is no one body to quote.
    seen, error = _walk_until_stalled(walk, quotes_body=False)

    assert "earlier page's cursor" in str(error)
    assert seen == [a["id"], b["id"], a["id"]]
    assert fake.sent(cursor) == [start.get(cursor), a["id"], b["id"], a["id"]]


@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("concurrency", [1, 2])
def test_an_empty_page_claiming_more_is_an_error(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, concurrency: int
) -> None:
    fake = FakeList(dialect, 4, always_more=True)
    mock_api.get(COLLECTIONS[dialect]).mock(side_effect=fake)
    walk = unit_driver(drive, dialect).iterate(limit=2, concurrency=concurrency)

    seen, error = _walk_until_stalled(walk)

    assert "empty but has_more" in str(error)
    # Pages 1 and 2 hold the customers; page 3 is empty though it says has_more: no page 4.
    assert seen == fake.ids
    assert len(fake.requests) == 3


@pytest.mark.parametrize("dialect", CURSOR_DIALECTS)
def test_a_page_ending_on_the_cursor_sent_is_an_error(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    before, cursor = wire_customer(dialect, 0), wire_customer(dialect, 1)
    fake = Hostile(lambda _: page_body(dialect, [before, cursor], has_more=True))
    mock_api.get(COLLECTIONS[dialect]).mock(side_effect=fake)
    with pytest.raises(ResponseValidationError, match="own cursor"):
        unit_driver(drive, dialect).first_page(starting_after=cursor["id"])
    assert len(fake.requests) == 1


@pytest.mark.parametrize("dialect", ["stripe", "cursor", "search"])
def test_a_cursor_or_token_too_long_for_a_url_is_a_validation_error(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    # httpx refuses a URL past 64 KiB: the next page's request could not be made, and that is
    # the server's doing, not a bad param of the caller's (it was an InvalidParameterError).
    huge = "c" * 70_000
    last = {**wire_customer("stripe" if dialect == "search" else dialect, 1), "id": huge}
    walk: Callable[[], list[Customer]]
    if dialect == "search":
        body = _search_body([wire_customer("stripe", 0)], more=True, token=huge)
        route = mock_api.get(SEARCH).respond(json=body)
        walk = functools.partial(unit_driver(drive, "stripe").search_all, "name:'x'")
    else:
        body = page_body(dialect, [wire_customer(dialect, 0), last], has_more=True)
        route = mock_api.get(COLLECTIONS[dialect]).respond(json=body)
        walk = unit_driver(drive, dialect).list_all
    with pytest.raises(ResponseValidationError, match="more than a URL can carry"):
        walk()
    assert route.call_count == 1


def _search_body(items: list[dict[str, Any]], *, more: bool, token: str | None) -> dict[str, Any]:
    return {"object": "search_result", "data": items, "has_more": more, "next_page": token}


def test_a_search_token_that_repeats_is_an_error(drive: Drive, mock_api: respx.MockRouter) -> None:
    stuck = wire_customer("stripe", 0)
    fake = Hostile(lambda _: _search_body([stuck], more=True, token="tok_same"))
    mock_api.get(SEARCH).mock(side_effect=fake)

    seen, _ = _walk_until_stalled(unit_driver(drive, "stripe").search("name:'x'", limit=1))

    assert seen == [stuck["id"]]
    assert fake.sent("page") == [None, "tok_same"]


def test_an_empty_search_page_with_more_is_an_error(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    fake = Hostile(lambda params: _search_body([], more=True, token=f"tok_{len(fake.requests)}"))
    mock_api.get(SEARCH).mock(side_effect=fake)
    with pytest.raises(ResponseValidationError, match="empty"):
        unit_driver(drive, "stripe").search("name:'x'")
    assert len(fake.requests) == 1


def test_a_search_page_without_more_ends_the_walk_despite_a_token(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    only = wire_customer("stripe", 0)
    fake = Hostile(lambda _: _search_body([only], more=False, token="tok_stray"))
    mock_api.get(SEARCH).mock(side_effect=fake)
    driver = unit_driver(drive, "stripe")
    assert [c.id for c in driver.search_all("name:'x'")] == [only["id"]]
    page = driver.search("name:'x'")
    assert page.next_page() is None
    assert fake.sent("page") == [None, None]


# -- offsets that do not advance ----------------------------------------------------------------
@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
@pytest.mark.parametrize("concurrency", [1, 3])
def test_an_offset_that_does_not_advance_is_an_error(
    drive: Drive, mock_api: respx.MockRouter, concurrency: int
) -> None:
    # Whatever offset is asked for, the server sends the first customer again.
    first = wire_customer("offset", 0)
    fake = Hostile(
        lambda _: page_body("offset", [first], has_more=True, offset=0, limit=1, total=10**9)
    )
    mock_api.get(COLLECTIONS["offset"]).mock(side_effect=fake)
    walk = unit_driver(drive, "offset").iterate(limit=1, concurrency=concurrency)

    seen, error = _walk_until_stalled(walk)

    assert seen == [first["id"]]
    assert "offset" in str(error)
    # Sequential: the first page and the one that stalled; concurrent: at most a window more.
    assert 2 <= len(fake.requests) <= 2 + 2 * concurrency


# -- a lying total ---------------------------------------------------------------------------
@pytest.fixture
def queries_made(monkeypatch: pytest.MonkeyPatch) -> list[ListQuery]:
    """Every list query made from now on, however it is made; the 51st fails the test at
    once, so a plan materialised up to a huge ``total`` fails fast instead of eating memory."""
    made: list[ListQuery] = []
    init = ListQuery.__init__

    def counted(query: ListQuery, *args: Any, **kwargs: Any) -> None:
        init(query, *args, **kwargs)
        made.append(query)
        assert len(made) <= 50, "list queries are being made up to the reported total"

    monkeypatch.setattr(ListQuery, "__init__", counted)
    return made


@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
def test_a_huge_total_is_planned_only_a_window_ahead(
    drive: Drive, mock_api: respx.MockRouter, queries_made: list[ListQuery]
) -> None:
    fake = FakeList("offset", 7, reported_total=10**9)
    mock_api.get(COLLECTIONS["offset"]).mock(side_effect=fake)

    pages = unit_driver(drive, "offset").pages(limit=3, concurrency=3)

    assert [p.ids for p in pages] == [fake.ids[0:3], fake.ids[3:6], fake.ids[6:7]]
    offsets = [int(o or 0) for o in fake.sent("offset")]
    assert len(offsets) == len(set(offsets))
    assert {0, 3, 6} <= set(offsets)
    # The call's query, one next query per page but the last, and the plan: a window of
    # twice the concurrency and one more queued as each of the first two planned pages came in.
    assert len(queries_made) <= 1 + 2 + (2 * 3 + 2)
    assert len(offsets) <= 1 + (2 * 3 + 2)


@pytest.mark.parametrize("drive", ["sync"], indirect=True)
def test_an_over_reported_total_adds_no_pages_nor_requests_past_the_window(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # Real threads: the short last page (hasMore false) ends the walk, and what was still
    # queued is cancelled; only requests that were already in the window can have gone out.
    fake = FakeList("offset", 7, reported_total=60)
    mock_api.get(COLLECTIONS["offset"]).mock(side_effect=fake)

    pages = unit_driver(drive, "offset").pages(limit=3, concurrency=2)
    sent_by_the_walk = len(fake.requests)

    assert [p.ids for p in pages] == [fake.ids[0:3], fake.ids[3:6], fake.ids[6:7]]
    offsets = [int(o or 0) for o in fake.sent("offset")]
    assert len(offsets) == len(set(offsets)) == sent_by_the_walk
    # The first page, the window of four (3, 6, 9, 12) and one queued as each of pages 3 and
    # 6 came in (15, 18); nothing after the walk ended.
    assert {0, 3, 6} <= set(offsets) <= {0, 3, 6, 9, 12, 15, 18}


# -- a prefetch left running after break ---------------------------------------------------
# Stripe's concurrent walk is sliced, not prefetched: tests/unit/test_sliced_walk.py.
@pytest.mark.parametrize("dialect", ["cursor"])
@pytest.mark.parametrize("drive", ["sync"], indirect=True)
def test_breaking_out_of_a_prefetching_walk_stops_the_prefetch(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    fake = FakeList(dialect, 30)
    prefetching = threading.Event()

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("starting_after") is not None:
            prefetching.set()
        return fake(request)

    mock_api.get(COLLECTIONS[dialect]).mock(side_effect=answer)
    client = unit_driver(drive, dialect).client
    assert isinstance(client, CustomersClient)
    seen = []
    for customer in client.list(limit=3, concurrency=2):
        seen.append(customer.id)
        # The prefetch is out when we stop (bounded: fails rather than hangs).
        assert prefetching.wait(timeout=10)
        break
    sent_at_break = len(fake.requests)
    prefetchers = [t for t in threading.enumerate() if t.name.startswith("customers-sdk-prefetch")]
    for thread in prefetchers:
        thread.join(timeout=10)  # a prefetch left running gets the time to send

    assert seen == fake.ids[:1]
    # The walk waited for the prefetch that was out, so it ended when the break did.
    assert prefetchers == []
    assert sent_at_break == len(fake.requests) == 2
    assert fake.sent("starting_after") == [None, fake.ids[2]]


# -- an error status in a concurrent walk ---------------------------------------------------
@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
def test_an_error_in_a_concurrent_offset_walk_is_raised_as_itself_in_order(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    fake = FakeList("offset", 30)

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("offset") == "9":
            fake.requests.append(request)
            return httpx.Response(500, json={"error": "boom"})
        return fake(request)

    mock_api.get(COLLECTIONS["offset"]).mock(side_effect=answer)
    seen: list[str] = []

    def walk_on() -> None:
        walk = unit_driver(drive, "offset").iterate(limit=3, concurrency=3)
        seen.extend(customer.id for customer in walk)

    # Not an ExceptionGroup from trio's task group: the SDK's own error, after the pages
    # before the one that failed.
    with pytest.raises(InternalServerError):
        walk_on()
    assert seen == fake.ids[:9]


# -- offset pages that do not hold `limit` items --------------------------------------------
def _uneven_pages(sizes: dict[int, int], count: int = 14) -> Callable[..., dict[str, Any]]:
    """A server over ``count`` customers whose page at an offset in ``sizes`` holds that many
    items instead of ``limit`` (fewer, or more), still saying more follow."""
    items = [wire_customer("offset", i) for i in range(count)]

    def answer(params: httpx.QueryParams) -> dict[str, Any]:
        offset, limit = int(params.get("offset", 0)), int(params["limit"])
        chunk = items[offset : offset + sizes.get(offset, limit)]
        more = offset + len(chunk) < count
        return page_body("offset", chunk, has_more=more, offset=offset, limit=limit, total=count)

    return answer


@pytest.mark.parametrize("drive", ANY_DRIVE, indirect=True)
@pytest.mark.parametrize(
    "sizes",
    [{3: 2}, {3: 1, 7: 2}, {0: 2}, {3: 4}, {0: 5, 8: 1}],
    ids=["short", "two-short", "short-first", "long", "long-then-short"],
)
def test_a_concurrent_offset_walk_yields_what_a_sequential_walk_does(
    drive: Drive, mock_api: respx.MockRouter, sizes: dict[int, int]
) -> None:
    # A page holding fewer (or more) than `limit` items yet saying more follow: the plan of
    # offsets `limit` apart would skip (or repeat) customers the sequential walk gets.
    fake = Hostile(_uneven_pages(sizes), cap=60)
    mock_api.get(COLLECTIONS["offset"]).mock(side_effect=fake)
    driver = unit_driver(drive, "offset")

    sequential = [c.id for c in driver.iterate(limit=3)]
    sent_sequentially = len(fake.requests)
    concurrent = [c.id for c in driver.iterate(limit=3, concurrency=3)]

    assert sequential == [wire_customer("offset", i)["id"] for i in range(14)]
    assert concurrent == sequential
    # What the broken plan fetched ahead is dropped: one window of requests at most.
    assert len(fake.requests) - sent_sequentially <= sent_sequentially + window_size(3)
