"""Property-based: whatever a server answers, a call ends in a result or a typed SDK error.

Hypothesis generates the response (status, headers, body) of an ``httpx.MockTransport``: JSON
of random shapes and depths, the dialect's own shapes with fields swapped for wrong types, huge
numbers, truncated JSON, random bytes, a compressed body that is not, and the headers the retry
logic reads (``Retry-After``, ``Stripe-Should-Retry``...). Every outcome must be a model, a page
or a :class:`CustomersError`, never another exception, a hang or the API key in the error's
text. Bounded (``max_examples``, ``deadline``, walks cut short) so the file runs in seconds.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASE_URLS, DIALECTS, page_body, wire_customer
from customers_sdk import (
    APIError,
    AsyncCustomersClient,
    AsyncPage,
    Customer,
    CustomersClient,
    CustomersError,
    Page,
    _retry,
)

KEY = "sk_test_prop_51HxYzEchoedBackByAServer"
PROPERTY = settings(
    max_examples=60,
    deadline=2000,  # ms per example: a generous bound that still catches a hang
    derandomize=True,  # the same examples on every run: CI does not flake on a new find
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# -- what a server may answer ----------------------------------------------------------------
printable = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
strings = st.one_of(st.text(max_size=20), st.just(KEY), printable.map(lambda s: s + KEY))
huge = st.integers(min_value=-(10**300), max_value=10**300)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), huge, st.floats(allow_nan=True), strings
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(strings, printable), inner, max_size=4),
    ),
    max_leaves=25,
)


@st.composite
def dialect_shaped(draw: st.DrawFn, dialect: str) -> Any:
    """A page (or a customer, or an error) of ``dialect`` with some fields given wrong values."""
    customers = [wire_customer(dialect, index) for index in range(draw(st.integers(0, 3)))]
    kind = draw(st.sampled_from(["page", "customer", "error"]))
    body: Any
    if kind == "page":
        body = page_body(dialect, customers, has_more=draw(st.booleans()))
        if dialect == "stripe" and draw(st.booleans()):
            body.update(object="search_result", next_page=draw(st.one_of(st.none(), strings)))
    elif kind == "customer":
        body = wire_customer(dialect, draw(st.integers(0, 10**6)))
    else:
        error = {"type": draw(strings), "message": draw(strings), "code": draw(strings)}
        body = {"error": error if draw(st.booleans()) else draw(json_values)}
    targets = [body, *customers, *(v for v in body.values() if isinstance(v, dict))]
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(targets))
        if target:
            target[draw(st.sampled_from(sorted(target)))] = draw(json_values)
    return body


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    content: bytes

    def response(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(self.status, headers=self.headers, content=self.content)


def encoded(value: Any) -> bytes:
    return json.dumps(value).encode()


@st.composite
def bodies(draw: st.DrawFn, dialect: str) -> bytes:
    shaped = draw(dialect_shaped(dialect))
    kind = draw(st.sampled_from(["shaped", "random", "truncated", "deep", "bytes", "numbers"]))
    if kind == "shaped":
        return encoded(shaped)
    if kind == "random":
        return encoded(draw(json_values))
    if kind == "truncated":
        whole = encoded(shaped)
        return whole[: draw(st.integers(0, max(0, len(whole) - 1)))]
    if kind == "deep":
        # Around pydantic-core's limit (200), and far past the stack's.
        depth = draw(st.one_of(st.integers(1, 300), st.sampled_from([5000, 100_000])))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return (opener * depth + "1" + closer * depth).encode()
    if kind == "numbers":
        number = draw(st.sampled_from(["1e999", "-1e999", "NaN", "9" * 5000, "1" + "0" * 400]))
        return encoded(shaped).replace(b"1700000", number.encode(), 1)
    return draw(st.binary(max_size=300))


header_values = st.one_of(
    printable,
    st.just(KEY),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["true", "false", "TRUE", " true ", "inf", "nan", "-1", "1e9", "0.5"]),
    st.sampled_from(["Wed, 21 Oct 2015 07:28:00 GMT", "Thu, 01 Jan 2099 00:00:00 GMT"]),
)
header_names = st.sampled_from(
    [
        "Retry-After",
        "retry-after-ms",
        "Stripe-Should-Retry",
        "X-Should-Retry",
        "Request-Id",
        "Content-Type",
        "Content-Encoding",
        "Content-Length",
    ]
)
statuses = st.one_of(
    st.sampled_from([200, 201, 204, 400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503]),
    st.integers(100, 599),
)


@st.composite
def replies(draw: st.DrawFn, dialect: str) -> Reply:
    headers = draw(st.lists(st.tuples(header_names, header_values), max_size=4))
    return Reply(draw(statuses), headers, draw(bodies(dialect)))


# -- what a caller does with it --------------------------------------------------------------
OPERATIONS = {
    "stripe": ["list", "walk", "get", "create", "delete", "search"],
    "offset": ["list", "walk"],
    "cursor": ["list", "walk", "get", "create", "update", "delete"],
}


@contextmanager
def no_waits() -> Iterator[None]:
    async def skip(seconds: float) -> None:
        return None

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_retry, "sleep", lambda seconds: None)
        patch.setattr(_retry, "async_sleep", skip)
        yield


def outcome(run: Callable[[], Any]) -> Any:
    """The call's result, or the SDK error it raised; any other exception propagates."""
    try:
        return run()
    except CustomersError as error:
        return error


def sync_call(client: Any, operation: str) -> Any:
    # Any: every dialect through one helper (an operation a dialect lacks is part of the test).
    if operation == "list":
        return client.list(limit=3)
    if operation == "walk":
        # Cut short: whether a walk that stops advancing ends is another test's concern.
        return list(itertools.islice(client.list(limit=3), 12))
    if operation == "search":
        return list(itertools.islice(client.search("name~'a'"), 12))
    if operation == "create":
        return client.create(email="a@example.com")
    if operation == "update":
        return client.update("c1", name=None)
    return getattr(client, operation)("c1")


async def async_call(client: Any, operation: str) -> Any:
    if operation in ("walk", "search"):
        walk = client.list(limit=3) if operation == "walk" else client.search("name~'a'")
        found: list[Customer] = []
        async for customer in walk:
            found.append(customer)
            if len(found) == 12:
                break
        return found
    if operation == "list":
        return await client.list(limit=3)
    if operation == "create":
        return await client.create(email="a@example.com")
    if operation == "update":
        return await client.update("c1", name=None)
    method: Callable[[str], Any] = getattr(client, operation)
    return await method("c1")


def check(result: Any) -> None:
    """A model, a page, customers of a walk, or an SDK error that does not show the key."""
    if isinstance(result, APIError):
        # Only the message: a key echoed in `code`, `param` or a Request-Id header is still
        # shown by str(error) (issue #16, item 4, handled apart from response reading).
        assert KEY not in result.message
    elif isinstance(result, CustomersError):
        for text in (str(result), repr(result), *map(str, result.args)):
            assert KEY not in text
    elif isinstance(result, list):
        assert all(isinstance(item, Customer) for item in result)
    else:
        assert isinstance(result, (Customer, Page, AsyncPage))


def options(dialect: str) -> dict[str, Any]:
    return {"api_key": KEY, "base_url": BASE_URLS[dialect], "max_retries": 1}


@pytest.mark.parametrize("dialect", DIALECTS)
@PROPERTY
@given(data=st.data())
def test_any_reply_ends_in_a_result_or_a_typed_error(dialect: str, data: st.DataObject) -> None:
    reply = data.draw(replies(dialect))
    operation = data.draw(st.sampled_from(OPERATIONS[dialect]))
    http = httpx.Client(transport=httpx.MockTransport(reply.response))
    factory = getattr(CustomersClient, dialect)
    with no_waits(), http, factory(**options(dialect), http_client=http) as client:
        check(outcome(lambda: sync_call(client, operation)))


@pytest.mark.parametrize("dialect", DIALECTS)
@settings(PROPERTY, max_examples=20)
@given(data=st.data())
def test_any_reply_ends_in_a_result_or_a_typed_error_async(
    dialect: str, data: st.DataObject
) -> None:
    reply = data.draw(replies(dialect))
    operation = data.draw(st.sampled_from(OPERATIONS[dialect]))

    async def main() -> Any:
        http = httpx.AsyncClient(transport=httpx.MockTransport(reply.response))
        factory = getattr(AsyncCustomersClient, dialect)
        async with http, factory(**options(dialect), http_client=http) as client:
            try:
                return await async_call(client, operation)
            except CustomersError as error:  # what outcome() does for the sync client
                return error

    with no_waits():
        check(anyio.run(main))
