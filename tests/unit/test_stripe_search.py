"""Stripe search: ``page=`` to resume, ``expand`` on every page, ``total_count`` and the
next-page token on the page; on the wire (respx) and against the sandbox, sync and async."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from conftest import COLLECTIONS, Drive, Driver, unit_driver, wire_customer
from customers_sdk import CustomersClient, InvalidParameterError, ResponseValidationError
from customers_sdk.sandbox import Sandbox, SandboxTransport

URL = f"{COLLECTIONS['stripe']}/search"
EXPAND = ["total_count", "data.subscriptions"]


def _client(drive: Drive) -> Driver:
    return unit_driver(drive, "stripe")


def _pages(request: httpx.Request) -> httpx.Response:
    # Three pages of two; the token names the page it leads to; total_count only when asked.
    number = {None: 0, "tok_1": 1, "tok_2": 2}[request.url.params.get("page")]
    more = number < 2
    body: dict[str, Any] = {
        "object": "search_result",
        "url": "/v1/customers/search",
        "data": [wire_customer("stripe", number * 2 + i) for i in range(2)],
        "has_more": more,
        "next_page": f"tok_{number + 1}" if more else None,
    }
    if "total_count" in request.url.params.get_list("expand[0]"):
        body["total_count"] = 6
    return httpx.Response(200, json=body)


def _sent(route: respx.Route) -> list[list[tuple[str, str]]]:
    return [list(call.request.url.params.multi_items()) for call in route.calls]


def test_expand_is_sent_on_every_page_of_a_walk(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.get(URL).mock(side_effect=_pages)

    found = _client(drive).search_all("name:'x'", limit=2, expand=EXPAND)

    assert [c.id for c in found] == [f"cus_{i:04d}" for i in range(6)]
    expand = [("expand[0]", "total_count"), ("expand[1]", "data.subscriptions")]
    assert _sent(route) == [
        [("query", "name:'x'"), ("limit", "2"), *expand],
        [("query", "name:'x'"), ("limit", "2"), ("page", "tok_1"), *expand],
        [("query", "name:'x'"), ("limit", "2"), ("page", "tok_2"), *expand],
    ]


def test_expand_is_encoded_as_stripe_python_encodes_it() -> None:
    from customers_sdk._dialects import StripeDialect
    from customers_sdk._request import SearchQuery

    encode = pytest.importorskip("stripe._encode")
    params = {"query": "name:'x'", "limit": 5, "page": "tok_1", "expand": EXPAND}
    spec = StripeDialect().build_search(SearchQuery("name:'x'", 5, "tok_1", tuple(EXPAND)))
    theirs = [(key, str(value)) for key, value in encode._api_encode(params)]
    assert list(spec.params) == theirs


def test_the_page_shows_total_count_and_the_next_page_token(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    mock_api.get(URL).mock(side_effect=_pages)
    client = _client(drive)

    plain = client.search("name:'x'").page
    counted = client.search("name:'x'", expand=["total_count"]).page

    assert (plain.total_count, plain.next_page_token) == (None, "tok_1")
    assert (counted.total_count, counted.next_page_token) == (6, "tok_1")
    assert callable(counted.next_page)  # the method is still there, beside the token
    last = client.search("name:'x'", page="tok_2").page
    assert (last.next_page_token, last.has_more) == (None, False)


def test_page_resumes_a_search_where_a_previous_page_ended(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get(URL).mock(side_effect=_pages)

    rest = _client(drive).search_all("name:'x'", page="tok_1")

    assert [c.id for c in rest] == [f"cus_{i:04d}" for i in range(2, 6)]
    assert [dict(sent).get("page") for sent in _sent(route)] == ["tok_1", "tok_2"]


def test_a_search_page_has_no_previous_page(drive: Drive, mock_api: respx.MockRouter) -> None:
    # Stripe's search pages only go forward (stripe-python's search result has no
    # previous_page): None, and nothing sent.
    route = mock_api.get(URL).mock(side_effect=_pages)
    page = _client(drive).search("name:'x'")
    assert page.previous_page() is None
    assert route.call_count == 1


def test_search_params_given_as_none_are_not_given(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # As stripe-python's encoder has it: `page=None` on the first call of a resumable loop.
    route = mock_api.get(URL).mock(side_effect=_pages)
    _client(drive).search("name:'x'", page=None, limit=None, expand=None)
    assert _sent(route) == [[("query", "name:'x'")]]


def test_a_total_count_that_is_not_an_int_is_a_validation_error(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    body = {"object": "search_result", "data": [], "has_more": False, "total_count": "6"}
    mock_api.get(URL).respond(json=body)
    with pytest.raises(ResponseValidationError):
        _client(drive).search("name:'x'", expand=["total_count"])


@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"page": ""}, "page"),
        ({"page": " tok_1"}, "page"),
        ({"page": 1}, "page"),
        ({"page": "tok\udc80"}, "page"),
        ({"expand": "total_count"}, "expand"),
        ({"expand": {"total_count"}}, "expand"),
        ({"expand": [""]}, "expand"),
        ({"expand": [1]}, "expand"),
        ({"expand": ["subscriptions"]}, "expand"),
        ({"expand": ["data.subscriptions\udc80"]}, "expand"),
    ],
)
def test_bad_page_or_expand_sends_nothing(
    drive: Drive, mock_api: respx.MockRouter, options: dict[str, Any], param: str
) -> None:
    route = mock_api.route()
    with pytest.raises(InvalidParameterError) as caught:
        _client(drive).search("name:'x'", **options)
    assert caught.value.param == param
    assert route.call_count == 0


def test_a_search_expansion_outside_data_names_the_fix() -> None:
    client = CustomersClient.stripe(api_key="sk_test_x", base_url="http://127.0.0.1:9")
    with client, pytest.raises(InvalidParameterError, match=r"data\.subscriptions"):
        client.search("name:'x'", expand=["subscriptions"])


def test_search_params_are_typed() -> None:
    # mypy --strict checks this file: each ignore marks an error it must report.
    client = CustomersClient.stripe(api_key="sk_test_x", base_url="http://127.0.0.1:9")
    with client:
        with pytest.raises(InvalidParameterError):
            client.search("name:'x'", page=1)  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError):
            client.search("name:'x'", expand="total_count")  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError):
            client.search("name:'x'", page="", expand=["total_count", "data.subscriptions"])


# -- against the sandbox ------------------------------------------------------------------------
def test_resuming_with_page_yields_the_rest_exactly_once(drive: Drive) -> None:
    sandbox = Sandbox(customers=23)
    client = drive.stripe(
        api_key="sk_test_sandbox",
        base_url="http://sandbox",
        http_client=drive.http_client(transport=SandboxTransport(sandbox)),
    )
    query = "created>0"
    everyone = [c.id for c in client.search_all(query, limit=100)]

    first = client.search(query, limit=5, expand=["total_count", "data.subscriptions"]).page
    token = first.next_page_token
    assert token is not None
    rest = client.search_all(query, limit=5, page=token, expand=["data.subscriptions"])

    assert first.total_count == len(everyone) == 23
    assert [c.id for c in first.data] + [c.id for c in rest] == everyone
    assert all(c.subscriptions is not None for c in [*first.data, *rest])
