"""The cursor dialect on the wire: JSON bodies, PATCH semantics, ms timestamps, ``filters``.

Every test runs against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
import respx

from conftest import API_KEY, COLLECTIONS, Drive, Driver, page_body, unit_driver, wire_customer
from customers_sdk import CursorCustomer, ResponseValidationError, where
from customers_sdk._filters import FilterLike
from customers_sdk.sandbox import DEFAULT_API_KEY, Sandbox, SandboxTransport

URL = COLLECTIONS["cursor"]


def _client(drive: Drive, **options: Any) -> Driver:
    return unit_driver(drive, "cursor", **options)


def _json(request: httpx.Request) -> Any:
    assert request.headers["content-type"] == "application/json"
    return json.loads(request.content)


def _filters_sent(request: httpx.Request) -> Any:
    return json.loads(request.url.params["filters"])


def test_list_params_auth_and_ms_timestamps(drive: Drive, mock_api: respx.MockRouter) -> None:
    raw = wire_customer("cursor", 1, created_at=1_700_000_000_250, updated_at=1_700_000_001_000)
    route = mock_api.get(URL).respond(json=page_body("cursor", [raw], has_more=False))

    page = _client(drive).first_page(limit=1000, starting_after="c_0000")

    request = route.calls.last.request
    assert list(request.url.params.multi_items()) == [
        ("limit", "1000"),
        ("starting_after", "c_0000"),
    ]
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    (customer,) = page.data
    assert isinstance(customer, CursorCustomer)  # the dialect's own class
    assert customer.created_at == datetime(2023, 11, 14, 22, 13, 20, 250_000, timezone.utc)
    assert customer.updated_at == datetime(2023, 11, 14, 22, 13, 21, tzinfo=timezone.utc)
    assert customer.live is False
    assert customer.extra == {"object": "customer"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (where("email").eq("a@b.co"), {"field": "email", "op": "eq", "value": "a@b.co"}),
        (
            {"field": "email", "op": "contains", "value": "@example.com"},
            {"field": "email", "op": "contains", "value": "@example.com"},
        ),
        (
            (where("email").contains("@x.co") | where("name").eq("Ada"))
            & where("created_at").gte(1_700_000_000_000),
            {
                "and": [
                    {
                        "or": [
                            {"field": "email", "op": "contains", "value": "@x.co"},
                            {"field": "name", "op": "eq", "value": "Ada"},
                        ]
                    },
                    {"field": "created_at", "op": "gte", "value": 1_700_000_000_000},
                ]
            },
        ),
        (
            {
                "or": [
                    {"and": [{"field": "metadata.tier", "op": "in", "value": ["gold", "vip"]}]},
                    {"field": "phone", "op": "neq", "value": None},
                ]
            },
            {
                "or": [
                    {"and": [{"field": "metadata.tier", "op": "in", "value": ["gold", "vip"]}]},
                    {"field": "phone", "op": "neq", "value": None},
                ]
            },
        ),
    ],
    ids=["builder", "raw-dict", "builder-nested", "raw-nested"],
)
def test_filters_travel_as_compact_json_in_the_query(
    drive: Drive, mock_api: respx.MockRouter, filters: FilterLike, expected: Any
) -> None:
    route = mock_api.get(URL).respond(json=page_body("cursor", [], has_more=False))
    _client(drive).first_page(filters=filters)
    request = route.calls.last.request
    assert _filters_sent(request) == expected
    assert " " not in request.url.params["filters"]


def test_get(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.get(f"{URL}/c_0003").respond(
        json=wire_customer("cursor", 3), headers={"Request-Id": "req_c3"}
    )
    customer = _client(drive).get("c_0003")
    assert route.call_count == 1
    assert customer.id == "c_0003"
    assert customer.metadata == {"n": "3"}
    assert customer.response_info is not None
    assert customer.response_info.request_id == "req_c3"


def test_create_sends_json(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.post(URL).respond(json=wire_customer("cursor", 1), status_code=201)
    customer = _client(drive).create(email="ada@example.com", name=None, metadata={"tier": "gold"})
    request = route.calls.last.request
    assert _json(request) == {
        "email": "ada@example.com",
        "name": None,
        "metadata": {"tier": "gold"},
    }
    assert request.headers["idempotency-key"].startswith("customers-sdk-")
    assert customer.response_info is not None
    assert customer.response_info.status_code == 201


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"name": "New"}, {"name": "New"}),
        ({"phone": None}, {"phone": None}),
        ({"email": None, "metadata": None}, {"email": None, "metadata": None}),
        ({"metadata": {}}, {"metadata": {}}),
        ({}, {}),
    ],
)
def test_update_is_a_patch_that_keeps_omitted_vs_null(
    drive: Drive, mock_api: respx.MockRouter, fields: dict[str, Any], expected: Any
) -> None:
    route = mock_api.patch(f"{URL}/c_0005").respond(json=wire_customer("cursor", 5, phone=None))
    customer = _client(drive).update("c_0005", **fields)
    assert _json(route.calls.last.request) == expected
    assert customer.phone is None


def test_delete_returns_the_customer(drive: Drive, mock_api: respx.MockRouter) -> None:
    raw = wire_customer("cursor", 5, deleted=True)
    route = mock_api.delete(f"{URL}/c_0005").respond(json=raw)
    customer = _client(drive).delete("c_0005")
    assert route.calls.last.request.content == b""
    assert customer.deleted is True
    assert customer.email == "user5@example.com"


def test_null_metadata_becomes_an_empty_dict(drive: Drive, mock_api: respx.MockRouter) -> None:
    mock_api.get(f"{URL}/c_1").respond(json=wire_customer("cursor", 1, id="c_1", metadata=None))
    assert _client(drive).get("c_1").metadata == {}


@pytest.mark.parametrize("path", ["/rest/v1/customers", "rest/v1/customers/"])
def test_collection_path_is_configurable(
    drive: Drive, mock_api: respx.MockRouter, path: str
) -> None:
    base = "https://cursor.test/rest/v1/customers"
    listed = mock_api.get(base).respond(json=page_body("cursor", [], has_more=False))
    got = mock_api.get(f"{base}/c_1").respond(json=wire_customer("cursor", 1, id="c_1"))
    client = _client(drive, collection_path=path)
    client.first_page()
    client.get("c_1")
    assert listed.call_count == 1
    assert got.call_count == 1


# -- another dialect's page ---------------------------------------------------------------------
def test_a_stripe_page_is_refused_with_the_path_to_use(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    customers = [wire_customer("stripe", index) for index in range(3)]
    mock_api.get(URL).respond(json=page_body("stripe", customers, has_more=True))

    with pytest.raises(ResponseValidationError) as caught:
        _client(drive).first_page()

    message = str(caught.value)
    assert "looks like a Stripe list (url '/v1/customers', timestamps in seconds)" in message
    assert "/rest" in message
    assert "CustomersClient.stripe()" in message
    assert caught.value.status_code == 200


def test_a_cursor_page_that_names_its_url_is_still_read(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    body = page_body("cursor", [wire_customer("cursor", 1)], has_more=False)
    mock_api.get(URL).respond(json={**body, "url": "/v1/customers"})

    (customer,) = _client(drive).first_page().data

    assert customer.created_at is not None
    assert customer.created_at.year == 2023


def test_the_sandboxs_stripe_paths_are_refused_and_its_rest_paths_read(drive: Drive) -> None:
    sandbox = Sandbox(customers=5)
    http = drive.http_client(transport=SandboxTransport(sandbox))
    options: dict[str, Any] = {"api_key": DEFAULT_API_KEY, "http_client": http}

    wrong = drive.cursor(base_url="http://sandbox", **options)
    right = drive.cursor(base_url="http://sandbox/rest", **options)

    with pytest.raises(ResponseValidationError, match="looks like a Stripe list"):
        wrong.first_page()
    assert all(c.created_at and c.created_at.year > 2000 for c in right.list_all())
