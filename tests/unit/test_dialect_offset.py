"""The offset dialect on the wire: its path and params, camelCase objects, ``pagination``.

Every test runs against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import respx

from conftest import API_KEY, COLLECTIONS, Drive, Driver, page_body, unit_driver, wire_customer
from customers_sdk import OffsetCustomer, Pagination, Plan, SubscriptionStatus

URL = COLLECTIONS["offset"]

# Seed 002's example response, verbatim.
SEED_EXAMPLE: dict[str, Any] = {
    "data": [
        {
            "id": "123",
            "email": "[email protected]",
            "firstName": "John",
            "lastName": "Doe",
            "phone": "+1234567890",
            "stripeCustomerId": "cus_ExampleCustomerID123",
            "hasActiveSubscription": True,
            "subscriptions": [
                {
                    "id": "sub_ExampleSubscription123",
                    "status": "active",
                    "currentPeriodStart": "2024-01-01T00:00:00.000Z",
                    "currentPeriodEnd": "2024-02-01T00:00:00.000Z",
                    "plan": {
                        "stripePriceId": "price_ExamplePriceID456",
                        "name": "Premium Plan",
                        "amount": 4999,
                        "currency": "usd",
                        "interval": "month",
                    },
                }
            ],
            "createdAt": "2023-12-01T00:00:00.000Z",
            "updatedAt": "2024-01-15T00:00:00.000Z",
        }
    ],
    "pagination": {"total": 150, "limit": 10, "offset": 0, "hasMore": True},
}


def _client(drive: Drive, **options: Any) -> Driver:
    return unit_driver(drive, "offset", **options)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, []),
        ({"limit": 10}, [("limit", "10")]),
        (
            {"limit": 100, "offset": 30, "include_subscriptions": True},
            [("limit", "100"), ("offset", "30"), ("include_subscriptions", "true")],
        ),
        ({"include_subscriptions": False}, [("include_subscriptions", "false")]),
        ({"offset": 0}, [("offset", "0")]),
    ],
)
def test_list_path_and_params(
    drive: Drive,
    mock_api: respx.MockRouter,
    params: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    route = mock_api.get(URL).respond(json=page_body("offset", [], has_more=False))
    _client(drive).first_page(**params)
    request = route.calls.last.request
    assert request.url.path == "/api/public/customers"
    assert list(request.url.params.multi_items()) == expected
    assert request.headers["authorization"] == f"Bearer {API_KEY}"


def test_seed_example_maps_camel_case_to_snake_case(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    mock_api.get(URL).respond(json=SEED_EXAMPLE, headers={"X-Request-Id": "req_off_1"})

    page = _client(drive).first_page(limit=10, include_subscriptions=True)

    (customer,) = page.data
    assert isinstance(customer, OffsetCustomer)  # the dialect's own class
    assert customer.id == "123"
    assert customer.email == "[email protected]"
    assert (customer.first_name, customer.last_name) == ("John", "Doe")
    assert customer.phone == "+1234567890"
    assert customer.stripe_customer_id == "cus_ExampleCustomerID123"
    assert customer.has_active_subscription is True
    assert customer.created_at == datetime(2023, 12, 1, tzinfo=timezone.utc)
    assert customer.updated_at == datetime(2024, 1, 15, tzinfo=timezone.utc)
    assert customer.metadata == {}
    assert customer.extra == {}
    assert customer.subscriptions is not None
    (sub,) = customer.subscriptions
    assert sub.id == "sub_ExampleSubscription123"
    assert sub.status is SubscriptionStatus.ACTIVE
    assert sub.current_period_start == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert sub.current_period_end == datetime(2024, 2, 1, tzinfo=timezone.utc)
    assert sub.plan == Plan(
        stripe_price_id="price_ExamplePriceID456",
        name="Premium Plan",
        amount=4999,
        currency="usd",
        interval="month",
    )
    assert page.pagination == Pagination(total=150, limit=10, offset=0, has_more=True)
    assert page.has_more is True
    assert page.response_info.request_id == "req_off_1"


def test_unknown_camel_case_fields_are_kept_in_snake_case(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    raw = wire_customer(
        "offset",
        1,
        loyaltyTier="gold",
        billingAddress={"postalCode": "10115"},
        badges=[{"badgeName": "early"}, "vip"],
        subscriptions=[
            {"id": "s", "status": "paused_by_admin", "plan": None, "pauseReason": "admin"},
            {"id": "t", "plan": {"stripePriceId": "price_1", "taxBehavior": "exclusive"}},
        ],
    )
    mock_api.get(URL).respond(json=page_body("offset", [raw], has_more=False))
    (customer,) = _client(drive).list_all()
    assert customer.extra == {
        "loyalty_tier": "gold",
        "billing_address": {"postal_code": "10115"},
        "badges": [{"badge_name": "early"}, "vip"],
    }
    assert customer.subscriptions is not None
    paused, other = customer.subscriptions
    assert paused.status == "paused_by_admin"
    assert paused.plan is None
    assert paused.extra == {"pause_reason": "admin"}
    assert other.plan is not None
    assert other.plan.stripe_price_id == "price_1"
    assert other.plan.extra == {"tax_behavior": "exclusive"}
    # The server's flag is taken as sent, not recomputed.
    assert customer.has_active_subscription is False


def test_pagination_block_reflects_the_page(drive: Drive, mock_api: respx.MockRouter) -> None:
    items = [wire_customer("offset", i) for i in range(20, 25)]
    body = page_body("offset", items, has_more=False, offset=20, limit=5, total=25)
    mock_api.get(URL).respond(json=body)
    page = _client(drive).first_page(limit=5, offset=20)
    assert page.pagination == Pagination(total=25, limit=5, offset=20, has_more=False)
    assert page.ids == [str(1000 + i) for i in range(20, 25)]
    assert page.next_page() is None
