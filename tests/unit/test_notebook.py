"""Notebook ergonomics: ``to_dicts`` / ``to_dataframe``, the page's HTML, compact model reprs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pandas as pd
import pytest
import respx
from pydantic import Field

from conftest import page_body, wire_customer
from customers_sdk import (
    AsyncCustomersClient,
    Customer,
    CustomersClient,
    NotFoundError,
    Plan,
    StripeCustomersClient,
    Subscription,
    to_dataframe,
    to_dicts,
)

STRIPE = "https://api.stripe.com/v1/customers"
OFFSET = "https://offset.test/api/public/customers"
API_KEY = "sk_test_notebook_unit_7d8e9f"


def stripe_customer(index: int, **fields: Any) -> Customer:
    return Customer.model_validate(
        {
            "id": f"cus_{index:04d}",
            "email": f"user{index}@example.com",
            "created_at": 1_700_000_000 + index,
            **fields,
        }
    )


def offset_customer(index: int, subscriptions: list[dict[str, Any]]) -> dict[str, Any]:
    """A seed-002 customer with ``subscriptions`` (camelCase, as the offset API sends them)."""
    active = any(s["status"] in ("active", "trialing") for s in subscriptions)
    return wire_customer("offset", index, subscriptions=subscriptions, hasActiveSubscription=active)


def offset_subscription(sub_id: str, status: str, plan: str | None, amount: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": sub_id,
        "status": status,
        "currentPeriodStart": "2024-01-01T00:00:00.000Z",
        "currentPeriodEnd": "2024-02-01T00:00:00.000Z",
    }
    if plan is not None:
        body["plan"] = {
            "stripePriceId": f"price_{plan.lower()}",
            "name": plan,
            "amount": amount,
            "currency": "usd",
            "interval": "month",
        }
    return body


@pytest.fixture
def stripe_client(mock_api: respx.MockRouter) -> Iterator[StripeCustomersClient]:
    with CustomersClient.stripe(api_key=API_KEY, max_retries=0) as client:
        yield client


def two_stripe_pages(mock_api: respx.MockRouter) -> respx.Route:
    """cus_0001 and cus_0002 on the first page, cus_0003 on the page after cus_0002."""
    first = page_body("stripe", [wire_customer("stripe", i) for i in (1, 2)], has_more=True)
    second = page_body("stripe", [wire_customer("stripe", 3)], has_more=False)

    def answer(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("starting_after")
        return httpx.Response(200, json=second if after == "cus_0002" else first)

    return mock_api.get(STRIPE).mock(side_effect=answer)


# -- to_dicts -------------------------------------------------------------------------------------
def test_to_dicts_is_json_ready_and_keeps_extras() -> None:
    customers = [stripe_customer(1, balance=5), stripe_customer(2, metadata={"tier": "gold"})]

    rows = to_dicts(customers)

    assert rows == [customer.to_dict() for customer in customers]
    assert rows[0]["balance"] == 5
    assert rows[0]["created_at"] == "2023-11-14T22:13:21Z"
    assert json.loads(json.dumps(rows)) == rows


def test_to_dicts_takes_one_customer_or_any_iterable() -> None:
    customer = stripe_customer(1)

    assert to_dicts(customer) == [customer.to_dict()]
    assert to_dicts(c for c in [customer]) == [customer.to_dict()]
    assert to_dicts([]) == []


def test_page_to_dicts_is_the_page_and_to_dicts_of_a_page_walks_all(
    stripe_client: StripeCustomersClient, mock_api: respx.MockRouter
) -> None:
    route = two_stripe_pages(mock_api)

    page = stripe_client.list(limit=2)
    assert [row["id"] for row in page.to_dicts()] == ["cus_0001", "cus_0002"]
    assert route.call_count == 1

    assert [row["id"] for row in to_dicts(page)] == ["cus_0001", "cus_0002", "cus_0003"]
    assert route.call_count == 2


@pytest.mark.parametrize("bad", [[{"id": "cus_1"}], ["cus_1"], 42])
def test_to_dicts_and_to_dataframe_reject_what_is_not_customers(bad: Any) -> None:
    with pytest.raises(TypeError, match="to_dicts"):
        to_dicts(bad)
    with pytest.raises(TypeError, match="to_dataframe"):
        to_dataframe(bad)


@pytest.mark.anyio
async def test_async_pages_export_and_explain_how_to_walk(mock_api: respx.MockRouter) -> None:
    two_stripe_pages(mock_api)
    async with AsyncCustomersClient.stripe(api_key=API_KEY, max_retries=0) as client:
        page = await client.list(limit=2)

        assert [row["id"] for row in page.to_dicts()] == ["cus_0001", "cus_0002"]
        assert list(page.to_dataframe()["id"]) == ["cus_0001", "cus_0002"]
        with pytest.raises(TypeError, match="async for"):
            to_dicts(page)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="async for"):
            to_dataframe(client.list(limit=2))  # type: ignore[arg-type]
        everything = to_dataframe([c async for c in client.list(limit=2)])
    assert list(everything["id"]) == ["cus_0001", "cus_0002", "cus_0003"]


# -- to_dataframe ---------------------------------------------------------------------------------
def test_to_dataframe_has_the_customer_columns_then_extras() -> None:
    customers = [
        stripe_customer(1, name="Ada", live=True, balance=5),
        stripe_customer(2, currency="usd"),
    ]

    frame = to_dataframe(customers)

    # `live` is no portable field: the cursor's and Stripe's customers have it, not Customer.
    assert list(frame.columns) == [*Customer.model_fields, "live", "balance", "currency"]
    assert list(frame["id"]) == ["cus_0001", "cus_0002"]
    created = customers[0].created_at
    assert created is not None
    assert frame["created_at"].iloc[0] == pd.Timestamp(created)
    assert str(frame["created_at"].dtype) == "datetime64[us, UTC]"
    assert str(frame["live"].dtype) == "boolean"
    assert bool(frame["live"].iloc[0])
    assert pd.isna(frame["live"].iloc[1])
    assert pd.isna(frame["name"].iloc[1])
    assert pd.isna(frame["balance"].iloc[1])
    assert frame["currency"].iloc[1] == "usd"


def test_to_dataframe_of_nothing_still_has_typed_columns() -> None:
    frame = to_dataframe([])

    assert frame.empty
    assert list(frame.columns) == list(Customer.model_fields)
    assert str(frame["created_at"].dtype) == "datetime64[us, UTC]"
    assert str(frame["has_active_subscription"].dtype) == "boolean"


def test_page_to_dataframe_is_the_page_and_to_dataframe_of_a_page_walks_all(
    stripe_client: StripeCustomersClient, mock_api: respx.MockRouter
) -> None:
    route = two_stripe_pages(mock_api)

    page = stripe_client.list(limit=2)
    assert list(page.to_dataframe()["id"]) == ["cus_0001", "cus_0002"]
    assert route.call_count == 1

    assert list(to_dataframe(page)["email"]) == [f"user{i}@example.com" for i in (1, 2, 3)]
    assert route.call_count == 2


def offset_page(mock_api: respx.MockRouter) -> list[dict[str, Any]]:
    items = [
        offset_customer(
            1,
            [
                offset_subscription("sub_a", "active", "Pro", 4999),
                offset_subscription("sub_b", "on_hold", None, 0),
            ],
        ),
        offset_customer(2, []),
        offset_customer(3, [offset_subscription("sub_c", "trialing", "Team", 19900)]),
    ]
    mock_api.get(OFFSET).respond(json=page_body("offset", items, has_more=False, total=3))
    return items


def test_flattened_subscriptions_one_row_each(mock_api: respx.MockRouter) -> None:
    offset_page(mock_api)
    with CustomersClient.offset(
        base_url="https://offset.test", api_key=API_KEY, max_retries=0
    ) as client:
        page = client.list(limit=10, include_subscriptions=True)
        frame = page.to_dataframe(flatten_subscriptions=True)

    assert "subscriptions" not in frame.columns
    assert list(frame["id"]) == ["1001", "1001", "1002", "1003"]
    assert list(frame["subscription_id"].fillna("-")) == ["sub_a", "sub_b", "-", "sub_c"]
    assert list(frame["subscription_status"].fillna("-")) == ["active", "on_hold", "-", "trialing"]
    assert list(frame["plan_name"].fillna("-")) == ["Pro", "-", "-", "Team"]
    assert str(frame["plan_amount"].dtype) == "Int64"
    assert frame["plan_amount"].iloc[0] == 4999
    assert pd.isna(frame["plan_amount"].iloc[2])
    assert frame["subscription_current_period_end"].iloc[0] == pd.Timestamp(
        datetime(2024, 2, 1, tzinfo=timezone.utc)
    )
    for column in ("subscription_id", "plan_name", "subscription_current_period_start"):
        assert pd.isna(frame[column].iloc[2])
    assert list(frame["email"]) == ["user1@example.com"] * 2 + [
        "user2@example.com",
        "user3@example.com",
    ]


def test_flattening_keeps_extra_fields_prefixed() -> None:
    customer = Customer(
        id="cus_1",
        subscriptions=[
            Subscription.model_validate(
                {"id": "sub_1", "status": "active", "quantity": 3, "plan": Plan(name="Pro")}
            )
        ],
    )

    frame = to_dataframe([customer], flatten_subscriptions=True)

    assert frame["subscription_quantity"].iloc[0] == 3
    assert frame["plan_name"].iloc[0] == "Pro"


def test_nested_subscriptions_stay_json_without_flattening(mock_api: respx.MockRouter) -> None:
    offset_page(mock_api)
    with CustomersClient.offset(
        base_url="https://offset.test", api_key=API_KEY, max_retries=0
    ) as client:
        frame = to_dataframe(client.list(limit=10, include_subscriptions=True))

    assert len(frame) == 3
    nested = frame["subscriptions"].iloc[0]
    assert [s["id"] for s in nested] == ["sub_a", "sub_b"]
    assert nested[0]["plan"]["name"] == "Pro"
    assert json.loads(json.dumps(nested)) == nested
    assert frame["subscriptions"].iloc[1] == []
    assert list(frame["has_active_subscription"]) == [True, False, True]


def test_without_pandas_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
    stripe_client: StripeCustomersClient,
    mock_api: respx.MockRouter,
) -> None:
    two_stripe_pages(mock_api)
    page = stripe_client.list(limit=2)
    monkeypatch.setitem(sys.modules, "pandas", None)
    consumed: list[Customer] = []

    def customers() -> Iterator[Customer]:
        consumed.append(stripe_customer(1))
        yield consumed[-1]

    with pytest.raises(ImportError, match=r'pip install "customers-sdk\[pandas\]"'):
        to_dataframe(customers())
    with pytest.raises(ImportError, match=r"customers-sdk\[pandas\]"):
        page.to_dataframe()
    assert consumed == []  # the check comes before the walk
    assert [row["id"] for row in page.to_dicts()] == ["cus_0001", "cus_0002"]


def test_importing_the_sdk_does_not_import_pandas() -> None:
    code = "import sys, customers_sdk, customers_sdk.nodes; print('pandas' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


# -- display --------------------------------------------------------------------------------------
def test_page_html_is_a_compact_escaped_table(
    stripe_client: StripeCustomersClient, mock_api: respx.MockRouter
) -> None:
    hostile = wire_customer(
        "stripe", 1, name="<script>alert('x')</script>", email="a&b@example.com"
    )
    mock_api.get(STRIPE).respond(json=page_body("stripe", [hostile], has_more=True))

    html = stripe_client.list(limit=1)._repr_html_()

    assert html.startswith("<table>")
    assert "<th>id</th>" in html
    assert "<td>cus_0001</td>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "a&amp;b@example.com" in html
    assert "1 customers" in html
    assert "has_more=True" in html
    assert API_KEY not in html


def test_page_html_caps_rows_and_shows_offset_position(mock_api: respx.MockRouter) -> None:
    items = [wire_customer("offset", i) for i in range(25)]
    mock_api.get(OFFSET).respond(
        json=page_body("offset", items, has_more=True, offset=50, limit=25, total=200)
    )
    with CustomersClient.offset(base_url="https://offset.test", api_key=API_KEY) as client:
        html = client.list(limit=25, offset=50)._repr_html_()

    assert html.count("<tr>") == 21  # the header and 20 rows
    assert "5 more on this page" in html
    assert "offset 50 of 200" in html


def test_customer_repr_is_compact_and_round_trips() -> None:
    customer = Customer.model_validate(
        {
            "id": "cus_1",
            "email": "ada@example.com",
            "created_at": 0,
            "subscriptions": [
                {"id": "sub_1", "status": "active", "plan": {"name": "Pro", "amount": 4999}}
            ],
        }
    )

    text = repr(customer)

    assert text == (
        "Customer(id='cus_1', email='ada@example.com', created_at='1970-01-01T00:00:00+00:00', "
        "subscriptions=[Subscription(id='sub_1', status='active', plan=Plan(name='Pro', "
        "amount=4999))], has_active_subscription=True)"
    )
    namespace = {"Customer": Customer, "Subscription": Subscription, "Plan": Plan}
    assert eval(text, namespace) == customer


def test_customer_repr_counts_extra_fields_instead_of_listing_them() -> None:
    many = stripe_customer(1, balance=0, currency="usd", address={"city": None})
    one = stripe_customer(2, balance=0)

    assert repr(many).endswith(", +3 extra fields (see .extra))")
    assert repr(one).endswith(", +1 extra field (see .extra))")
    assert "deleted" not in repr(many)
    assert "deleted=True" in repr(Customer(id="cus_3", deleted=True))
    assert "metadata" not in repr(many)


def test_no_display_shows_the_api_key(
    stripe_client: StripeCustomersClient, mock_api: respx.MockRouter
) -> None:
    mock_api.get(STRIPE).respond(
        json=page_body("stripe", [wire_customer("stripe", 1)], has_more=False)
    )
    mock_api.get(f"{STRIPE}/cus_x").respond(
        404, json={"error": {"message": "No such customer"}}, headers={"Request-Id": "req_1"}
    )
    page = stripe_client.list()
    with pytest.raises(NotFoundError) as caught:
        stripe_client.get("cus_x")

    shown = [
        repr(stripe_client),
        str(stripe_client),
        repr(page),
        page._repr_html_(),
        repr(page.data[0]),
        str(page.data[0]),
        repr(caught.value),
        str(caught.value),
        json.dumps(page.to_dicts()),
        page.to_dataframe().to_string(),
    ]
    for text in shown:
        assert API_KEY not in text


def test_fields_marked_repr_false_stay_out_of_the_repr() -> None:
    class WithToken(Customer):
        token: str = Field(default="", repr=False)

    customer = WithToken(id="cus_1", token="tok_secret")

    assert repr(customer) == "WithToken(id='cus_1')"
