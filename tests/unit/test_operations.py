"""Operations across dialects: what each dialect lacks, bad input, and ids in paths.

Everything that must fail does so *before* a request: each such test asserts respx saw none.
Every test runs against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import respx

from conftest import (
    API_KEY,
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
    InvalidParameterError,
    UnsupportedOperationError,
    where,
)

MAX_LIMIT = {"stripe": 100, "offset": 100, "cursor": 1000}
SINGLE_OBJECT_DIALECTS = ("stripe", "cursor")

Op = Callable[[Driver], object]
OPERATIONS: dict[str, Op] = {
    "get": lambda d: d.get("cus_1"),
    "create": lambda d: d.create(email="a@b.co"),
    "update": lambda d: d.update("cus_1", name="x"),
    "delete": lambda d: d.delete("cus_1"),
    "search": lambda d: d.search("name:'x'"),
}
UNSUPPORTED = [
    ("offset", "get"),
    ("offset", "create"),
    ("offset", "update"),
    ("offset", "delete"),
    ("offset", "search"),
    ("cursor", "search"),
]


@pytest.fixture
def anything(mock_api: respx.MockRouter) -> respx.Route:
    """A route matching every request, so a test can assert that none was made."""
    return mock_api.route()


# -- what a dialect does not have ----------------------------------------------------------------
@pytest.mark.parametrize(("dialect", "operation"), UNSUPPORTED)
def test_unsupported_operation_raises_before_any_request(
    drive: Drive, anything: respx.Route, dialect: str, operation: str
) -> None:
    with pytest.raises(UnsupportedOperationError) as caught:
        OPERATIONS[operation](unit_driver(drive, dialect))
    assert (caught.value.operation, caught.value.dialect) == (operation, dialect)
    assert repr(dialect) in str(caught.value)
    assert f"{operation}()" in str(caught.value)
    assert anything.call_count == 0


# -- bad input -------------------------------------------------------------------------------
NOT_TAKEN: dict[str, dict[str, Any]] = {
    "stripe": {"filters": {"field": "email", "op": "eq", "value": "x"}, "offset": 5,
               "include_subscriptions": True},
    "offset": {"email": "a@b.co", "filters": where("email").eq("x"), "created": 1,
               "starting_after": "1", "ending_before": "1"},
    "cursor": {"email": "a@b.co", "created": 1, "offset": 0, "include_subscriptions": False},
}  # fmt: skip


@pytest.mark.parametrize(
    ("dialect", "param"),
    [(d, p) for d in ("offset", "cursor") for p in NOT_TAKEN[d]],
)
def test_another_dialects_list_param_is_refused_by_name(
    drive: Drive, anything: respx.Route, dialect: str, param: str
) -> None:
    # A type error under mypy (see test_dialect_typing.py); at run time, Python's own.
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{param}'"):
        unit_driver(drive, dialect).first_page(**{param: NOT_TAKEN[dialect][param]})
    assert anything.call_count == 0


def _list_cases() -> list[tuple[str, dict[str, Any], str]]:
    cases: list[tuple[str, dict[str, Any], str]] = []
    for dialect in DIALECTS:
        top = MAX_LIMIT[dialect]
        for limit in (0, -1, top + 1, "10", True, 10.0):
            cases.append((dialect, {"limit": limit}, "limit"))
        for concurrency in (0, -2, "4", True, 1.5):
            cases.append((dialect, {"concurrency": concurrency}, "concurrency"))
    # Stripe's list takes its params as keywords checked at run time too (they are a TypedDict):
    # another dialect's param is an InvalidParameterError naming it. See NOT_TAKEN below.
    for name, value in NOT_TAKEN["stripe"].items():
        cases.append(("stripe", {name: value}, name))
    for dialect in SINGLE_OBJECT_DIALECTS:
        cases += [
            (dialect, {"starting_after": "a", "ending_before": "b"}, "ending_before"),
            (dialect, {"starting_after": ""}, "starting_after"),
            (dialect, {"ending_before": 5}, "ending_before"),
        ]
    for created in ("yesterday", True, 1.5, {}, {"after": 1}, {"gte": "1"}, datetime(2024, 1, 1)):
        cases.append(("stripe", {"created": created}, "created"))
    cases.append(("stripe", {"email": 5}, "email"))
    for offset in (-1, "5", True, 1.5):
        cases.append(("offset", {"offset": offset}, "offset"))
    for flag in ("true", 1):
        cases.append(("offset", {"include_subscriptions": flag}, "include_subscriptions"))
    documents: tuple[Any, ...] = (
        {"field": "email", "op": "like", "value": "x"},
        {"and": [{"field": "email", "op": "regex", "value": "x"}]},
        {"field": "email", "op": "eq"},
        {"and": []},
        "email = 'x'",
        ["email", "eq", "x"],
    )
    cases.extend(("cursor", {"filters": document}, "filters") for document in documents)
    return cases


LIST_CASES = _list_cases()


@pytest.mark.parametrize(
    ("dialect", "params", "param"),
    LIST_CASES,
    ids=[f"{d}-{p}-{i}" for i, (d, _, p) in enumerate(LIST_CASES)],
)
def test_bad_list_arguments_raise_before_any_request(
    drive: Drive, anything: respx.Route, dialect: str, params: dict[str, Any], param: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        unit_driver(drive, dialect).first_page(**params)
    assert caught.value.param == param
    assert isinstance(caught.value, ValueError)
    assert anything.call_count == 0


NONE_PARAMS = {
    "stripe": ("limit", "starting_after", "ending_before", "email", "created", "expand"),
    "offset": ("limit", "offset", "include_subscriptions"),
    "cursor": ("limit", "starting_after", "ending_before", "filters"),
}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_list_param_given_as_none_is_not_given(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    # As stripe-python's encoder has it: a loop that starts with `cursor = None` ports as is.
    route = mock_api.get(COLLECTIONS[dialect]).respond(json=page_body(dialect, [], has_more=False))
    client = unit_driver(drive, dialect)
    client.first_page(**dict.fromkeys(NONE_PARAMS[dialect]))
    client.first_page()
    first, bare = (call.request.url.params for call in route.calls)
    assert first == bare
    # A param the dialect does not take is refused even as None: a typo is not "not given"
    # (Stripe's list takes a TypedDict's keys, checked at run time; the others, keywords).
    with pytest.raises(InvalidParameterError if dialect == "stripe" else TypeError):
        client.first_page(limt=None)
    assert len(route.calls) == 2


@pytest.mark.parametrize("dialect", DIALECTS)
def test_limit_edges_are_accepted(drive: Drive, mock_api: respx.MockRouter, dialect: str) -> None:
    route = mock_api.get(COLLECTIONS[dialect]).respond(json=page_body(dialect, [], has_more=False))
    client = unit_driver(drive, dialect)
    client.first_page(limit=1)
    client.first_page(limit=MAX_LIMIT[dialect])
    sent = [call.request.url.params["limit"] for call in route.calls]
    assert sent == ["1", str(MAX_LIMIT[dialect])]


BAD_IDS: list[tuple[Any, str]] = [
    ("", "must be a non-empty string"),
    (" cus_1", "surrounding spaces"),
    ("cus_1 ", "surrounding spaces"),
    ("\tcus_1\n", "surrounding spaces"),
    (123, "must be a string, got int"),
    (None, "must be a string, got NoneType"),
    (b"cus_1", "must be a string, got bytes"),
]


@pytest.mark.parametrize("dialect", SINGLE_OBJECT_DIALECTS)
@pytest.mark.parametrize("operation", ["get", "update", "delete"])
@pytest.mark.parametrize(("customer_id", "message"), BAD_IDS)
def test_bad_ids_raise_before_any_request(
    drive: Drive,
    anything: respx.Route,
    dialect: str,
    operation: str,
    customer_id: Any,
    message: str,
) -> None:
    method = getattr(unit_driver(drive, dialect), operation)
    with pytest.raises(InvalidParameterError, match=message) as caught:
        method(customer_id)
    assert caught.value.param == "customer_id"
    assert anything.call_count == 0


BAD_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"email": 5}, "email"),
    ({"name": ["Ada"]}, "name"),
    ({"phone": 4420}, "phone"),
    ({"metadata": ["a", "b"]}, "metadata"),
    ({"metadata": "tier=gold"}, "metadata"),
    ({"metadata": {"tier": 1}}, "metadata"),
    ({"metadata": {1: "gold"}}, "metadata"),
    ({"metadata": {"": "gold"}}, "metadata"),
]


@pytest.mark.parametrize("dialect", SINGLE_OBJECT_DIALECTS)
@pytest.mark.parametrize("operation", ["create", "update"])
@pytest.mark.parametrize(("fields", "param"), BAD_FIELDS)
def test_bad_fields_raise_before_any_request(
    drive: Drive,
    anything: respx.Route,
    dialect: str,
    operation: str,
    fields: dict[str, Any],
    param: str,
) -> None:
    client = unit_driver(drive, dialect)
    send: Callable[[], object] = {
        "create": lambda: client.create(**fields),
        "update": lambda: client.update("cus_1", **fields),
    }[operation]
    with pytest.raises(InvalidParameterError) as caught:
        send()
    assert caught.value.param == param
    assert anything.call_count == 0


def test_async_list_and_search_check_arguments_before_any_await() -> None:
    # No event loop here at all: the check must happen in the plain call.
    client = AsyncCustomersClient.stripe(api_key=API_KEY, max_retries=0)
    with pytest.raises(InvalidParameterError):
        client.list(limit=0)
    with pytest.raises(InvalidParameterError):
        client.search("")
    offset = AsyncCustomersClient.offset(base_url=BASE_URLS["offset"], api_key=API_KEY)
    with pytest.raises(UnsupportedOperationError):
        offset.search("x")  # type: ignore[attr-defined]


# -- ids in paths -------------------------------------------------------------------------------
ENCODED_IDS = [
    ("../charges", "%2E%2E%2Fcharges"),
    ("a/b?x=1", "a%2Fb%3Fx%3D1"),
    ("..", "%2E%2E"),
    (".", "%2E"),
    ("a#frag", "a%23frag"),
    ("100%", "100%25"),
    ("%2F", "%252F"),
    ("cus 1", "cus%201"),
    ("ü&x", "%C3%BC%26x"),
    ("cus_123", "cus_123"),
]


@pytest.mark.parametrize("dialect", SINGLE_OBJECT_DIALECTS)
@pytest.mark.parametrize("operation", ["get", "update", "delete"])
@pytest.mark.parametrize(("customer_id", "segment"), ENCODED_IDS)
def test_ids_are_one_percent_encoded_path_segment(
    drive: Drive,
    mock_api: respx.MockRouter,
    dialect: str,
    operation: str,
    customer_id: str,
    segment: str,
) -> None:
    route = mock_api.route().respond(json=wire_customer(dialect, 1))
    getattr(unit_driver(drive, dialect), operation)(customer_id)
    url = route.calls.last.request.url
    collection = COLLECTIONS[dialect].removeprefix(BASE_URLS[dialect]).encode()
    assert url.raw_path == collection + b"/" + segment.encode()
    assert url.query == b""
    assert url.host == BASE_URLS[dialect].removeprefix("https://")
