"""Stripe v1 on the wire: form encoding, ``created[...]``, headers, deleted shape, search pages.

Every test runs against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from conftest import API_KEY, COLLECTIONS, Drive, Driver, page_body, unit_driver, wire_customer
from customers_sdk import InvalidParameterError, ResponseValidationError, StripeCustomer

URL = COLLECTIONS["stripe"]


def _client(drive: Drive, **options: Any) -> Driver:
    return unit_driver(drive, "stripe", **options)


def _form(request: httpx.Request) -> list[tuple[str, str]]:
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    return parse_qsl(request.content.decode(), keep_blank_values=True)


def _params(request: httpx.Request) -> list[tuple[str, str]]:
    return list(request.url.params.multi_items())


# -- list ---------------------------------------------------------------------------------------
def test_list_sends_params_auth_and_reads_request_id(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    items = [wire_customer("stripe", i) for i in range(2)]
    route = mock_api.get(URL).respond(
        json=page_body("stripe", items, has_more=False), headers={"Request-Id": "req_list_1"}
    )

    page = _client(drive).first_page(
        limit=2, email="user0@example.com", created={"gte": 1_700_000_000, "lt": 1_800_000_000}
    )

    request = route.calls.last.request
    assert _params(request) == [
        ("limit", "2"),
        ("email", "user0@example.com"),
        ("created[gte]", "1700000000"),
        ("created[lt]", "1800000000"),
    ]
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith("customers-sdk/")
    assert "idempotency-key" not in request.headers
    assert page.ids == ["cus_0000", "cus_0001"]
    assert page.has_more is False
    assert page.response_info.request_id == "req_list_1"
    assert page.response_info.status_code == 200
    first = page.data[0]
    assert isinstance(first, StripeCustomer)  # the dialect's own class
    assert first.created_at == datetime.fromtimestamp(1_700_000_000, timezone.utc)
    assert first.live is False
    assert first.metadata == {"n": "0"}
    assert first.response_info is None  # per-object info lives on the page


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        (1_700_000_000, [("created", "1700000000")]),
        (
            datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc),
            [("created", "1700000000")],
        ),
        ({"gt": 5, "lte": 9}, [("created[gt]", "5"), ("created[lte]", "9")]),
        (
            {"gte": datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)},
            [("created[gte]", "1700000000")],
        ),
    ],
)
def test_created_filter_forms(
    drive: Drive, mock_api: respx.MockRouter, created: Any, expected: list[tuple[str, str]]
) -> None:
    route = mock_api.get(URL).respond(json=page_body("stripe", [], has_more=False))
    _client(drive).first_page(created=created)
    assert _params(route.calls.last.request) == expected


def test_factory_headers_reach_every_request(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.get(f"{URL}/cus_1").respond(json=wire_customer("stripe", 1, id="cus_1"))
    client = _client(
        drive,
        stripe_version="2024-06-20",
        stripe_account="acct_123",
        default_headers={"X-Team": "growth"},
    )
    client.get("cus_1")
    headers = route.calls.last.request.headers
    assert headers["stripe-version"] == "2024-06-20"
    assert headers["stripe-account"] == "acct_123"
    assert headers["x-team"] == "growth"


def test_expanded_subscriptions_in_a_list(drive: Drive, mock_api: respx.MockRouter) -> None:
    sub = {"id": "sub_1", "object": "subscription", "status": "trialing", "items": {"data": []}}
    raw = wire_customer("stripe", 1, subscriptions={"object": "list", "data": [sub]})
    mock_api.get(URL).respond(json=page_body("stripe", [raw], has_more=False))
    (customer,) = _client(drive).list_all()
    assert customer.subscriptions is not None
    assert [s.id for s in customer.subscriptions] == ["sub_1"]
    assert customer.has_active_subscription is True


# -- single objects ---------------------------------------------------------------------------
def test_get_reads_customer_and_request_id(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.get(f"{URL}/cus_0007").respond(
        json=wire_customer("stripe", 7), headers={"Request-Id": "req_get_7"}
    )
    customer = _client(drive).get("cus_0007")
    assert route.calls.last.request.method == "GET"
    assert customer.id == "cus_0007"
    assert customer.email == "user7@example.com"
    assert customer.response_info is not None
    assert customer.response_info.request_id == "req_get_7"
    assert customer.response_info.retries == 0


@pytest.mark.parametrize("operation", ["get", "delete"])
def test_deleted_customer_shape(drive: Drive, mock_api: respx.MockRouter, operation: str) -> None:
    body = {"id": "cus_9", "object": "customer", "deleted": True}
    route = mock_api.route(url=f"{URL}/cus_9").respond(json=body)
    customer = getattr(_client(drive), operation)("cus_9")
    assert route.calls.last.request.method == operation.upper()
    assert (customer.id, customer.deleted, customer.email) == ("cus_9", True, None)
    assert (customer.object, customer.extra) == ("customer", {})


def test_create_is_form_encoded_with_metadata_in_brackets(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.post(URL).respond(json=wire_customer("stripe", 1))
    _client(drive).create(
        email="ada@example.com",
        name="Ada Lovelace",
        phone="+44 20 0000",
        metadata={"tier": "gold", "plan=x&y": "a&b=c"},
        idempotency_key="idem-create-1",
    )
    request = route.calls.last.request
    assert _form(request) == [
        ("email", "ada@example.com"),
        ("name", "Ada Lovelace"),
        ("phone", "+44 20 0000"),
        ("metadata[tier]", "gold"),
        ("metadata[plan=x&y]", "a&b=c"),
    ]
    assert request.headers["idempotency-key"] == "idem-create-1"


def test_create_without_fields_sends_an_empty_form(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.post(URL).respond(json=wire_customer("stripe", 1))
    _client(drive).create()
    request = route.calls.last.request
    assert _form(request) == []
    assert request.headers["idempotency-key"].startswith("customers-sdk-")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": "New"}, [("name", "New")]),
        ({"phone": None}, [("phone", "")]),
        ({"email": None, "name": None}, [("email", ""), ("name", "")]),
        ({"metadata": None}, [("metadata", "")]),
        ({"metadata": {}}, [("metadata", "")]),
        ({"metadata": {"old": ""}}, [("metadata[old]", "")]),
        ({"metadata": {"k": "v", "gone": ""}}, [("metadata[k]", "v"), ("metadata[gone]", "")]),
        ({}, []),
    ],
)
def test_update_omitted_vs_unset(
    drive: Drive,
    mock_api: respx.MockRouter,
    fields: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    route = mock_api.post(f"{URL}/cus_5").respond(json=wire_customer("stripe", 5, id="cus_5"))
    customer = _client(drive).update("cus_5", **fields)
    assert _form(route.calls.last.request) == expected
    assert customer.id == "cus_5"


def test_delete_sends_delete_with_an_idempotency_key(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.delete(f"{URL}/cus_5").respond(
        json={"id": "cus_5", "object": "customer", "deleted": True}
    )
    assert _client(drive).delete("cus_5").deleted is True
    request = route.calls.last.request
    assert request.content == b""
    assert request.headers["idempotency-key"].startswith("customers-sdk-")


# -- search -------------------------------------------------------------------------------------
def _search_pages(request: httpx.Request) -> httpx.Response:
    # Three pages of two; the token names the page it leads to.
    number = {None: 0, "tok_1": 1, "tok_2": 2}[request.url.params.get("page")]
    items = [wire_customer("stripe", number * 2 + i) for i in range(2)]
    more = number < 2
    body = {
        "object": "search_result",
        "url": "/v1/customers/search",
        "data": items,
        "has_more": more,
        "next_page": f"tok_{number + 1}" if more else None,
    }
    return httpx.Response(200, json=body)


def test_search_walks_next_page_tokens(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.get(f"{URL}/search").mock(side_effect=_search_pages)
    query = "email~'example.com' AND metadata['tier']:'gold'"

    found = _client(drive).search_all(query, limit=2)

    assert [c.id for c in found] == [f"cus_{i:04d}" for i in range(6)]
    sent = [_params(call.request) for call in route.calls]
    assert sent == [
        [("query", query), ("limit", "2")],
        [("query", query), ("limit", "2"), ("page", "tok_1")],
        [("query", query), ("limit", "2"), ("page", "tok_2")],
    ]


def test_search_first_page_and_next_page(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.get(f"{URL}/search").mock(side_effect=_search_pages)
    page = _client(drive).search("name:'x'")
    assert page.has_more is True
    assert page.ids == ["cus_0000", "cus_0001"]
    second = page.next_page()
    assert second is not None
    assert second.ids == ["cus_0002", "cus_0003"]
    assert route.call_count == 2


def test_search_with_more_but_no_token_is_a_validation_error(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    body = {"object": "search_result", "data": [], "has_more": True, "next_page": None}
    mock_api.get(f"{URL}/search").respond(json=body)
    with pytest.raises(ResponseValidationError, match="next_page") as caught:
        _client(drive).search("name:'x'")
    assert caught.value.status_code == 200


@pytest.mark.parametrize(
    ("query", "options", "param"),
    [
        ("", {}, "query"),
        ("   ", {}, "query"),
        (None, {}, "query"),
        ("name:'x'", {"limit": 0}, "limit"),
        ("name:'x'", {"limit": 101}, "limit"),
        ("name:'x'", {"limit": "5"}, "limit"),
    ],
)
def test_search_bad_input_sends_nothing(
    drive: Drive, mock_api: respx.MockRouter, query: Any, options: dict[str, Any], param: str
) -> None:
    route = mock_api.route()
    with pytest.raises(InvalidParameterError) as caught:
        _client(drive).search(query, **options)
    assert caught.value.param == param
    assert route.call_count == 0
