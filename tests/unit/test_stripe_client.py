"""The Stripe client's own params: ``expand`` and ``test_clock``, stripe-python's names
``retrieve`` / ``modify``, and an unknown param refused by name before anything is sent."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from conftest import (
    COLLECTIONS,
    Drive,
    Driver,
    call_operation,
    mock_operations,
    only_request,
    page_body,
    query_of,
    unit_driver,
    wire_customer,
)
from customers_sdk import (
    AsyncStripeCustomersClient,
    InvalidParameterError,
    StripeCustomer,
    StripeCustomersClient,
)

SUBSCRIPTIONS = {
    "object": "list",
    "url": "/v1/customers/cus_0001/subscriptions",
    "has_more": False,
    "total_count": 1,
    "data": [{"id": "sub_1", "object": "subscription", "status": "active"}],
}


def invoke(drive: Drive, driver: Driver, method_name: str, /, *args: Any, **kwargs: Any) -> Any:
    """``driver.client.<method_name>(...)``, awaited on the test's loop for the async client."""
    method = getattr(driver.client, method_name)
    if drive.mode == "sync":
        return method(*args, **kwargs)
    return drive.run(lambda: method(*args, **kwargs))


def test_get_expands_and_reads_the_expanded_objects(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get(f"{COLLECTIONS['stripe']}/cus_0001").respond(
        json=wire_customer("stripe", 1, subscriptions=SUBSCRIPTIONS, tax={"ip_address": None})
    )
    customer = unit_driver(drive, "stripe").get("cus_0001", expand=["subscriptions", "tax"])
    assert query_of(only_request(route)) == [("expand[0]", "subscriptions"), ("expand[1]", "tax")]
    assert isinstance(customer, StripeCustomer)
    assert customer.subscriptions is not None
    assert [s.id for s in customer.subscriptions] == ["sub_1"]
    assert customer.subscriptions.total_count == 1


def test_list_expands_and_filters_by_test_clock_on_every_page(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        first = "starting_after" not in request.url.params
        customer = wire_customer("stripe", 1 if first else 2, subscriptions=SUBSCRIPTIONS)
        return httpx.Response(200, json=page_body("stripe", [customer], has_more=first))

    route = mock_api.get(COLLECTIONS["stripe"]).mock(side_effect=pages)
    customers = unit_driver(drive, "stripe").list_all(
        limit=1, expand=["data.subscriptions"], test_clock="clock_1"
    )
    assert [c.id for c in customers] == ["cus_0001", "cus_0002"]
    assert all(c.subscriptions is not None for c in customers)
    for each in route.calls:
        query = query_of(each.request)
        assert ("test_clock", "clock_1") in query
        assert ("expand[0]", "data.subscriptions") in query
    assert ("starting_after", "cus_0001") in query_of(route.calls.last.request)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"expand": ["subscriptions"]}, "expand"),  # a list expands its customers: data.*
        ({"expand": ["data.subscriptions", "tax"]}, "expand"),
        ({"expand": "data.subscriptions"}, "expand"),
        ({"expand": [""]}, "expand"),
        ({"test_clock": ""}, "test_clock"),
        ({"test_clock": 5}, "test_clock"),
    ],
)
def test_bad_list_expand_or_test_clock_sends_nothing(
    drive: Drive, mock_api: respx.MockRouter, params: dict[str, Any], param: str
) -> None:
    route = mock_operations(mock_api, "stripe")
    with pytest.raises(InvalidParameterError) as error:
        unit_driver(drive, "stripe").first_page(**params)
    assert error.value.param == param
    assert not route.called


@pytest.mark.parametrize("expand", ["tax", [""], [" tax"], [1], ("tax", None)])
@pytest.mark.parametrize("operation", ["get", "create", "update"])
def test_a_bad_expand_on_one_customer_sends_nothing(
    drive: Drive, mock_api: respx.MockRouter, operation: str, expand: Any
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    with pytest.raises(InvalidParameterError) as error:
        call_operation(driver, "stripe", operation, expand=expand)
    assert error.value.param == "expand"
    assert not route.called


def test_retrieve_and_modify_are_get_and_update(drive: Drive, mock_api: respx.MockRouter) -> None:
    for cls in (StripeCustomersClient, AsyncStripeCustomersClient):
        assert (cls.retrieve, cls.modify) == (cls.get, cls.update)
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    for name in ("get", "retrieve"):
        invoke(drive, driver, name, "cus_0001", expand=["tax"], extra_headers={"X-T": "1"})
    for name in ("update", "modify"):
        invoke(drive, driver, name, "cus_0001", name="Ada", idempotency_key="key-1")
    requests = [each.request for each in route.calls]
    for original, alias in (requests[0:2], requests[2:4]):
        assert (alias.method, alias.url, alias.content) == (
            original.method,
            original.url,
            original.content,
        )
        assert dict(alias.headers) == dict(original.headers)
    assert requests[3].headers["Idempotency-Key"] == "key-1"


# Every Stripe method that takes Stripe's params as keywords refuses one it does not know.
UNKNOWN: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("list", (), {"limit": 5, "page_size": 5}),
    ("get", ("cus_0001",), {"expand": ["tax"], "expnad": ["tax"]}),
    ("retrieve", ("cus_0001",), {"filters": "x"}),
    ("create", (), {"email": "a@b.co", "emial": "a@b.co"}),
    ("update", ("cus_0001",), {"tax_id_data": [{"type": "eu_vat", "value": "x"}]}),
    ("modify", ("cus_0001",), {"source_id": "src_1"}),
]


@pytest.mark.parametrize(("name", "args", "params"), UNKNOWN, ids=[u[0] for u in UNKNOWN])
def test_an_unknown_param_is_refused_by_name(
    drive: Drive,
    mock_api: respx.MockRouter,
    name: str,
    args: tuple[Any, ...],
    params: dict[str, Any],
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    with pytest.raises(InvalidParameterError) as error:
        invoke(drive, driver, name, *args, **params)
    unknown = list(params)[-1]
    assert error.value.param == unknown
    assert repr(unknown) in str(error.value)
    assert not route.called


@pytest.mark.parametrize("name", ["search", "delete"])
def test_methods_without_stripe_params_refuse_unknown_keywords(
    drive: Drive, mock_api: respx.MockRouter, name: str
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    with pytest.raises(TypeError, match="expnad"):
        invoke(drive, driver, name, "cus_0001", expnad=["tax"])
    assert not route.called
