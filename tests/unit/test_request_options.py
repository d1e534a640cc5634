"""Per-call ``extra_headers``, ``extra_query`` and ``extra_body`` on every method of every
dialect, sync and async: what reaches the wire, what is refused before anything is sent, and
that a walk's every page and a call's every retry carry the same extras."""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from conftest import (
    BASE_URLS,
    COLLECTIONS,
    OPERATIONS,
    Drive,
    Waits,
    call_operation,
    form_of,
    mock_operations,
    only_request,
    page_body,
    query_of,
    unit_driver,
    wire_customer,
)
from customers_sdk import (
    STRIPE_API_VERSION,
    AsyncCustomersClient,
    InternalServerError,
    InvalidParameterError,
)
from customers_sdk.sandbox import Sandbox, SandboxTransport

# Where each operation puts its own params: Stripe POSTs a form, the cursor API JSON.
BODIES = {("stripe", "create"), ("stripe", "update"), ("cursor", "create"), ("cursor", "update")}


operations = pytest.mark.parametrize(("dialect", "operation"), OPERATIONS)


# -- extra_headers ------------------------------------------------------------------------------
@operations
def test_extra_headers_add_override_case_insensitively_and_drop(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, operation: str
) -> None:
    route = mock_operations(mock_api, dialect)
    driver = unit_driver(drive, dialect, default_headers={"X-Team": "core", "X-Drop": "1"})
    extra: dict[str, str | None] = {"x-team": "edge", "X-Trace": "t1", "X-DROP": None}
    if dialect == "stripe":
        extra["stripe-version"] = None
    call_operation(driver, dialect, operation, extra_headers=extra)
    headers = only_request(route).headers
    assert headers.get_list("X-Team") == ["edge"]
    assert headers["X-Trace"] == "t1"
    assert "X-Drop" not in headers
    assert "Stripe-Version" not in headers
    assert headers["Authorization"].startswith("Bearer ")


@operations
def test_bad_options_are_refused_before_sending(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, operation: str
) -> None:
    route = mock_operations(mock_api, dialect)
    driver = unit_driver(drive, dialect)
    bad_options: list[dict[str, Any]] = [
        {"extra_headers": {"X-Bad": "a\r\nInjected: 1"}},
        {"extra_headers": {"Bad Name": "1"}},
        {"extra_headers": ["X-A", "1"]},
        # Seconds past what a socket can wait: sent, an OverflowError in the socket layer.
        {"timeout": math.inf},
        {"deadline": 10**400},
        {"deadline": math.inf},
    ]
    for options in bad_options:
        with pytest.raises(InvalidParameterError) as error:
            call_operation(driver, dialect, operation, **options)
        assert error.value.param == next(iter(options))
    assert not route.called


# -- extra_query ----------------------------------------------------------------------------------
@operations
def test_extra_query_goes_beside_the_calls_own_query(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, operation: str
) -> None:
    route = mock_operations(mock_api, dialect)
    driver = unit_driver(drive, dialect)
    if dialect == "stripe":  # Stripe's nesting, as its form
        extra: dict[str, object] = {"preview": {"tags": ["a", "b"]}, "flag": True}
        expected = [("preview[tags][0]", "a"), ("preview[tags][1]", "b"), ("flag", "true")]
    else:  # a JSON API's query: flat scalars
        extra = {"flag": True, "off": False, "n": 3, "ratio": 0.5, "s": "v w"}
        expected = [("flag", "true"), ("off", "false"), ("n", "3"), ("ratio", "0.5"), ("s", "v w")]
    call_operation(driver, dialect, operation, extra_query=extra)
    request = only_request(route)
    query = query_of(request)
    assert query[-len(expected) :] == expected
    if (dialect, operation) in BODIES:  # the query only: the body is the call's own
        assert "flag" not in request.content.decode()


@pytest.mark.parametrize("dialect", ["offset", "cursor"])
@pytest.mark.parametrize(
    "bad",
    [
        {"nested": {"a": 1}},
        {"many": ["a", "b"]},
        {"none": None},
        {"": "x"},
        ["a"],
        {"huge": 10**5000},  # str() of it is a bare ValueError
        {"nan": math.nan},
        {"inf": -math.inf},
    ],
)
def test_a_json_apis_extra_query_holds_only_scalars(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, bad: Any
) -> None:
    route = mock_operations(mock_api, dialect)
    with pytest.raises(InvalidParameterError) as error:
        unit_driver(drive, dialect).first_page(extra_query=bad)
    assert error.value.param == "extra_query"
    assert not route.called


@pytest.mark.parametrize("extra", ["extra_query", "extra_body"])
@pytest.mark.parametrize(
    "bad",
    [{"x": object()}, {"a[b]": "1"}, {"a": {"": "1"}}, ["a"], {"x": 10**5000}, {"x": math.inf}],
)
def test_stripes_extras_refuse_what_they_cannot_encode_by_their_name(
    drive: Drive, mock_api: respx.MockRouter, bad: Any, extra: str
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    for operation in ("get", "create"):
        with pytest.raises(InvalidParameterError, match=extra) as error:
            call_operation(driver, "stripe", operation, **{extra: bad})
        assert error.value.param == extra
    assert not route.called


# -- extra_body ---------------------------------------------------------------------------------
@operations
def test_extra_body_goes_where_the_dialect_reads_params(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, operation: str
) -> None:
    route = mock_operations(mock_api, dialect)
    driver = unit_driver(drive, dialect)
    extra = {"preview": {"tags": ["a"]}, "flag": True}
    if dialect == "stripe":
        call_operation(driver, dialect, operation, extra_body=extra)
        request = only_request(route)
        # Stripe reads a POST's params from the form, a GET's or a DELETE's from the query.
        pairs = form_of(request) if (dialect, operation) in BODIES else query_of(request)
        assert pairs[-2:] == [("preview[tags][0]", "a"), ("flag", "true")]
        if (dialect, operation) in BODIES:
            assert ("email", "ada@example.com") in pairs or ("name", "Ada") in pairs
            assert request.url.query == b""
    elif (dialect, operation) in BODIES:  # the cursor API's POST and PATCH: merged into JSON
        call_operation(driver, dialect, operation, extra_body={**extra, "name": "Over"})
        body = json.loads(only_request(route).content)
        assert body["preview"] == {"tags": ["a"]}
        assert body["flag"] is True
        assert body["name"] == "Over"  # the caller's word wins
        assert body.get("email", "ada@example.com") == "ada@example.com"
    else:  # nothing to put it in: refused, pointing at extra_query
        with pytest.raises(InvalidParameterError, match="extra_query") as error:
            call_operation(driver, dialect, operation, extra_body=extra)
        assert error.value.param == "extra_body"
        assert not route.called


def test_a_stripe_extra_replaces_the_param_of_the_same_name(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # As a dict update would (and as the cursor API's JSON body is merged): never two values
    # of one param on the wire, whose reading would be the server's guess.
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    driver.create(
        email="ada@example.com",
        address={"line1": "1 Main St", "city": "London"},
        name="Ada",
        extra_body={"email": "grace@example.com", "address": {"country": "GB"}},
    )
    assert form_of(only_request(route)) == [
        ("name", "Ada"),
        ("email", "grace@example.com"),
        ("address[country]", "GB"),
    ]
    route.reset()
    driver.first_page(limit=5, email="a@b.co", extra_query={"limit": 7})
    assert query_of(only_request(route)) == [("email", "a@b.co"), ("limit", "7")]


@pytest.mark.parametrize("dialect", ["offset", "cursor"])
def test_a_json_apis_extra_query_replaces_the_param_of_the_same_name(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    route = mock_operations(mock_api, dialect)
    unit_driver(drive, dialect).first_page(limit=5, extra_query={"limit": "9", "x": 1})
    assert query_of(only_request(route)) == [("limit", "9"), ("x", "1")]


@pytest.mark.parametrize("operation", ["create", "update"])
def test_a_cursor_extra_body_json_cannot_hold_is_refused(
    drive: Drive, mock_api: respx.MockRouter, operation: str
) -> None:
    route = mock_operations(mock_api, "cursor")
    driver = unit_driver(drive, "cursor")
    for bad in ({"x": float("nan")}, {"x": object()}, ["x"]):
        with pytest.raises(InvalidParameterError) as error:
            call_operation(driver, "cursor", operation, extra_body=bad)
        assert error.value.param == "extra_body"
    assert not route.called


# -- every page, every attempt ------------------------------------------------------------------
def stripe_pages(request: httpx.Request) -> httpx.Response:
    """Three pages of two customers, cut by ``starting_after``."""
    after = request.url.params.get("starting_after")
    start = 0 if after is None else int(after.removeprefix("cus_")) + 1
    items = [wire_customer("stripe", i) for i in range(start, min(start + 2, 6))]
    return httpx.Response(200, json=page_body("stripe", items, has_more=start + 2 < 6))


def test_a_stripe_walk_carries_the_extras_to_every_page(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get(COLLECTIONS["stripe"]).mock(side_effect=stripe_pages)
    customers = unit_driver(drive, "stripe").list_all(
        limit=2,
        extra_headers={"X-Trace": "walk", "Stripe-Version": "2020-08-27"},
        extra_query={"preview": {"a": "1"}},
        extra_body={"flag": True},
    )
    assert len(customers) == 6
    assert route.call_count == 3
    for each in route.calls:
        assert each.request.headers["X-Trace"] == "walk"
        assert each.request.headers.get_list("Stripe-Version") == ["2020-08-27"]
        assert query_of(each.request)[-2:] == [("preview[a]", "1"), ("flag", "true")]


def test_a_stripe_search_carries_the_extras_to_every_page(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    def search_pages(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        body = page_body("stripe", [wire_customer("stripe", page)], has_more=page < 2)
        return httpx.Response(200, json={**body, "next_page": str(page + 1) if page < 2 else None})

    route = mock_api.get(f"{COLLECTIONS['stripe']}/search").mock(side_effect=search_pages)
    found = unit_driver(drive, "stripe").search_all(
        "email~'x'", extra_headers={"X-Trace": "s"}, extra_query={"flag": False}
    )
    assert [c.id for c in found] == ["cus_0000", "cus_0001", "cus_0002"]
    for each in route.calls:
        assert each.request.headers["X-Trace"] == "s"
        assert ("flag", "false") in query_of(each.request)


def test_a_concurrent_offset_walk_carries_the_extras_to_every_page(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    total = 23

    def offset_pages(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        limit = int(request.url.params["limit"])
        items = [wire_customer("offset", i) for i in range(offset, min(offset + limit, total))]
        body = page_body(
            "offset",
            items,
            has_more=offset + limit < total,
            offset=offset,
            limit=limit,
            total=total,
        )
        return httpx.Response(200, json=body)

    route = mock_api.get(COLLECTIONS["offset"]).mock(side_effect=offset_pages)
    customers = unit_driver(drive, "offset").list_all(
        limit=5, concurrency=3, extra_headers={"X-Trace": "o"}, extra_query={"tenant": "t1"}
    )
    assert [c.id for c in customers] == [str(1000 + i) for i in range(total)]
    assert route.call_count == 5
    for each in route.calls:
        assert each.request.headers["X-Trace"] == "o"
        assert ("tenant", "t1") in query_of(each.request)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_sliced_stripe_walk_carries_the_extras_to_every_page(
    drive: Drive, concurrency: int
) -> None:
    sandbox = Sandbox(customers=150, seed=3)
    http = drive.http_client(transport=SandboxTransport(sandbox))
    driver = drive.stripe(api_key="sk_test_sandbox", base_url="http://sandbox", http_client=http)
    customers = driver.list_all(
        limit=10,
        concurrency=concurrency,
        extra_headers={"X-Trace": "sliced"},
        # Query params the sandbox knows, so it answers: expand, as Stripe reads it.
        extra_query={"expand": ["data.subscriptions"]},
    )
    assert len({c.id for c in customers}) == 150
    assert all(c.subscriptions is not None for c in customers)
    log = sandbox.request_log
    assert len(log) >= 15
    sliced = [logged for logged in log if "created" in logged.query]
    assert bool(sliced) == (concurrency > 1)  # the concurrent walk was cut into slices
    for logged in log:
        assert logged.headers["x-trace"] == "sliced"
        assert logged.headers["stripe-version"] == STRIPE_API_VERSION
        assert ("expand[0]", "data.subscriptions") in parse_qsl(logged.query)


@pytest.mark.parametrize(("dialect", "operation"), [op for op in OPERATIONS if op[1] != "list"])
def test_every_retry_sends_the_very_same_request(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, dialect: str, operation: str
) -> None:
    answer = (
        page_body(dialect, [wire_customer(dialect, 1)], has_more=False)
        if operation == "search"
        else wire_customer(dialect, 1, deleted=True)
    )
    flaky = mock_api.route(url__startswith=COLLECTIONS[dialect]).mock(
        side_effect=[httpx.Response(500), httpx.Response(503), httpx.Response(200, json=answer)]
    )
    options: dict[str, Any] = {
        "extra_headers": {"X-Trace": "r"},
        "extra_query": {"q": "1"},
        "max_retries": 2,
    }
    if (dialect, operation) in BODIES or dialect == "stripe":
        options["extra_body"] = {"flag": True}
    call_operation(unit_driver(drive, dialect), dialect, operation, **options)
    attempts = [each.request for each in flaky.calls]
    assert len(attempts) == 3
    first = attempts[0]
    assert first.headers["X-Trace"] == "r"
    for attempt in attempts[1:]:
        assert attempt.url == first.url
        assert attempt.content == first.content
        assert attempt.headers.get("Idempotency-Key") == first.headers.get("Idempotency-Key")
        assert dict(attempt.headers) == dict(first.headers)
    is_write = operation in ("create", "update", "delete")
    assert ("Idempotency-Key" in first.headers) == is_write
    assert len(waits.seconds) == 2


def test_the_list_retries_send_the_very_same_page_request(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits
) -> None:
    flaky = mock_api.get(COLLECTIONS["cursor"]).mock(
        side_effect=[
            httpx.Response(502),
            httpx.Response(200, json=page_body("cursor", [], has_more=False)),
        ]
    )
    unit_driver(drive, "cursor", max_retries=1).first_page(
        extra_headers={"X-Trace": "l"}, extra_query={"q": True}
    )
    first, second = (each.request for each in flaky.calls)
    assert (second.url, dict(second.headers)) == (first.url, dict(first.headers))
    assert ("q", "true") in query_of(first)
    assert waits.seconds


WRITES = [(d, o) for d, o in OPERATIONS if o in ("create", "update", "delete")]


@pytest.mark.parametrize(("dialect", "operation"), WRITES)
def test_an_idempotency_key_in_extra_headers_is_the_calls_key(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, dialect: str, operation: str
) -> None:
    answer = wire_customer(dialect, 1, deleted=True)
    flaky = mock_api.route(url__startswith=COLLECTIONS[dialect]).mock(
        side_effect=[httpx.Response(500), httpx.Response(200, json=answer)]
    )
    driver = unit_driver(drive, dialect, max_retries=2)
    call_operation(driver, dialect, operation, extra_headers={"idempotency-key": "mine-1"})
    keys = [each.request.headers.get_list("Idempotency-Key") for each in flaky.calls]
    assert keys == [["mine-1"], ["mine-1"]]


@pytest.mark.parametrize(("dialect", "operation"), WRITES)
def test_a_write_whose_key_extra_headers_drop_is_not_retried_once_it_may_have_applied(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, dialect: str, operation: str
) -> None:
    # As with idempotency_key=None: sent again without a key, a write could apply twice.
    flaky = mock_api.route(url__startswith=COLLECTIONS[dialect]).mock(
        side_effect=[httpx.Response(500), httpx.Response(200, json=wire_customer(dialect, 1))]
    )
    driver = unit_driver(drive, dialect, max_retries=2)
    with pytest.raises(InternalServerError):
        call_operation(driver, dialect, operation, extra_headers={"Idempotency-Key": None})
    assert flaky.call_count == 1
    assert "Idempotency-Key" not in flaky.calls.last.request.headers


@operations
def test_per_call_timeout_and_max_retries_are_the_calls_own(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, dialect: str, operation: str
) -> None:
    route = mock_operations(mock_api, dialect, failures=2)
    driver = unit_driver(drive, dialect, timeout=60)  # and max_retries=0
    call_operation(driver, dialect, operation, timeout=3, max_retries=2, deadline=600)
    assert route.call_count == 3
    assert {each.request.extensions["timeout"]["read"] for each in route.calls} == {3}
    assert len(waits.seconds) == 2
    mock_operations(mock_api, dialect, failures=1)  # respx updates the same route
    with pytest.raises(InternalServerError):  # the client's own options again: no retry
        call_operation(driver, dialect, operation)
    assert route.call_count == 4
    assert route.calls.last.request.extensions["timeout"]["read"] == 60


@pytest.mark.parametrize("dialect", ["stripe", "offset", "cursor"])
@pytest.mark.parametrize(
    "options",
    [
        {"extra_query": {"x": object()}},
        {"extra_body": {"x": 1}},
        {"extra_headers": {"X-Bad": "a\nb"}},
        {"max_retries": -1},
        {"timeout": "soon"},
    ],
)
def test_an_async_walk_refuses_bad_options_before_anything_is_awaited(
    mock_api: respx.MockRouter, dialect: str, options: dict[str, Any]
) -> None:
    # list() returns an awaitable; as its params, its options are checked when it is called.
    if dialect == "stripe" and "extra_body" in options:
        options = {"extra_body": {"x": object()}}  # Stripe sends a GET's extras in the query
    route = mock_operations(mock_api, dialect)
    factory = getattr(AsyncCustomersClient, dialect)
    client: Any = factory(api_key="sk_test_unit", base_url=BASE_URLS[dialect], max_retries=0)
    with pytest.raises(InvalidParameterError):
        client.list(limit=5, **options)
    if dialect == "stripe":
        with pytest.raises(InvalidParameterError):
            client.search("email~'a'", **options)
    assert not route.called


def _deep(levels: int) -> dict[str, object]:
    nested: dict[str, object] = {"leaf": "v"}
    for _ in range(levels):
        nested = {"a": nested}
    return nested


def _cycle() -> dict[str, object]:
    looped: dict[str, object] = {}
    looped["self"] = [looped]
    return looped


@pytest.mark.parametrize("value", [_deep(5_000), _cycle()], ids=["deep", "cycle"])
@pytest.mark.parametrize(
    ("dialect", "call", "param"),
    [
        ("stripe", lambda d, v: d.create(email="a@b.co", extra_body={"x": v}), "extra_body"),
        ("stripe", lambda d, v: d.first_page(extra_query={"x": v}), "extra_query"),
        ("stripe", lambda d, v: d.get("cus_0001", extra_body={"x": v}), "extra_body"),
        ("cursor", lambda d, v: d.create(email="a@b.co", extra_body={"x": v}), "extra_body"),
        ("cursor", lambda d, v: d.update("c_0001", extra_body={"x": v}), "extra_body"),
    ],
)
def test_params_nested_too_deep_or_holding_themselves_are_refused_unsent(
    drive: Drive,
    mock_api: respx.MockRouter,
    dialect: str,
    call: Any,
    param: str,
    value: dict[str, object],
) -> None:
    # Encoding them would recurse until the stack ran out: a RecursionError, not a typed error.
    route = mock_operations(mock_api, dialect)
    with pytest.raises(InvalidParameterError, match="deeper than 32 levels") as error:
        call(unit_driver(drive, dialect), value)
    assert error.value.param == param
    assert not route.called


def test_a_typed_param_nested_past_its_shape_is_refused_by_its_shape(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # A typed param's depth is its shape's: what nests further holds a key the shape lacks.
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    for value in (_deep(5_000), _cycle()):
        with pytest.raises(InvalidParameterError, match="invoice_settings has no key") as error:
            driver.update("cus_0001", invoice_settings=value)
        assert error.value.param == "invoice_settings"
    assert not route.called


def test_params_nested_as_deep_as_allowed_are_sent(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_operations(mock_api, "stripe")
    unit_driver(drive, "stripe").create(email="a@b.co", extra_body={"x": _deep(30)})
    key, value = form_of(only_request(route))[-1]
    assert key == "x" + "[a]" * 30 + "[leaf]"
    assert value == "v"
