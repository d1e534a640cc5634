"""Each dialect's customer class: Stripe's typed fields and JSON, offset's name, cursor's live.

The annotated assignments here are checked by ``mypy --strict`` with the rest of the tests:
the dialect read functions and ``Page[StripeCustomer]`` give typed access without a cast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from conftest import Drive, sandbox_client
from customers_sdk import (
    Address,
    CursorCustomer,
    Customer,
    CustomerTax,
    InvoiceSettings,
    OffsetCustomer,
    Page,
    Plan,
    Shipping,
    StripeCustomer,
    StripeList,
    StripeObject,
    Subscription,
    TaxId,
    TaxIdOwner,
    TestClock,
    to_dicts,
)
from customers_sdk._dialects import CursorDialect, OffsetDialect, PageContent, StripeDialect
from customers_sdk._request import ListQuery
from customers_sdk._stripe_shapes import Nested, Value
from customers_sdk.sandbox import Sandbox, SandboxTransport

KEY = "sk_test_sandbox"
EXPANDABLE = (
    "cash_balance", "default_source", "invoice_credit_balance",
    "invoice_settings.default_payment_method", "sources", "subscriptions", "tax", "tax_ids",
    "test_clock",
)  # fmt: skip


@pytest.fixture
def wide() -> Iterator[httpx.Client]:
    with sandbox_client(Sandbox(customers=40, wide=True)) as http:
        yield http


def first_line(page: Page[StripeCustomer]) -> str | None:
    # Typed access through a page of Stripe customers: no cast, no ignore.
    customer = page.data[0]
    return customer.address.line1 if customer.address is not None else None


# -- Stripe ---------------------------------------------------------------------------------------
def test_wide_customers_read_through_the_sdk_are_typed_and_give_their_json_back(
    drive: Drive,
) -> None:
    sandbox = Sandbox(customers=40, wide=True)
    client = drive.stripe(
        api_key=KEY,
        base_url="http://sandbox",
        http_client=drive.http_client(transport=SandboxTransport(sandbox)),
    )
    customers = client.list_all(limit=15)
    with sandbox_client(sandbox) as http:
        raw = http.get("/v1/customers", params={"limit": 40}).json()["data"]
    assert [c.id for c in customers] == [r["id"] for r in raw]
    for customer, wire in zip(customers, raw, strict=True):
        assert isinstance(customer, StripeCustomer)
        assert customer.extra == {}  # every field typed, none left over
        assert customer.to_dict() == wire
        assert customer.address is not None
        assert customer.shipping is not None
        assert customer.address.line1 == wire["address"]["line1"]
        assert customer.shipping.address == customer.address
        assert customer.invoice_settings is not None
        fields = customer.invoice_settings.custom_fields or []
        assert [(f.name, f.value) for f in fields] == [
            (f["name"], f["value"]) for f in wire["invoice_settings"]["custom_fields"]
        ]
        assert customer.discount is not None
        assert customer.discount.source is not None
        assert customer.discount.source.coupon == wire["discount"]["source"]["coupon"]
        assert (customer.created, customer.livemode) == (wire["created"], False)
        assert customer.created_at is not None
        assert customer.created_at.timestamp() == wire["created"]
        assert customer.test_clock == wire["test_clock"]  # an id until expanded


def test_the_dialect_reads_a_page_of_stripe_customers(wide: httpx.Client) -> None:
    response = wide.get("/v1/customers", params={"limit": 3})
    content: PageContent[StripeCustomer] = StripeDialect().read_page(response, ListQuery())
    city: str | None = content.items[0].address.city if content.items[0].address else None
    assert city is not None
    assert all(type(c) is StripeCustomer for c in content.items)


def test_expanded_fields_are_models_and_subscriptions_a_list_object(wide: httpx.Client) -> None:
    page = wide.get("/v1/customers", params=[("limit", "10"), ("expand[]", "data.subscriptions")])
    customer_id = next(c["id"] for c in page.json()["data"] if c["subscriptions"]["data"])
    response = wide.get(
        f"/v1/customers/{customer_id}", params=[("expand[]", path) for path in EXPANDABLE]
    )
    customer: StripeCustomer = StripeDialect().read_customer(response)
    wire = response.json()

    assert isinstance(customer.test_clock, TestClock)
    assert customer.test_clock.id == wire["test_clock"]["id"]
    assert isinstance(customer.default_source, StripeObject)
    assert customer.invoice_settings is not None
    payment_method = customer.invoice_settings.default_payment_method
    assert isinstance(payment_method, StripeObject)
    assert payment_method.object == "payment_method"
    assert customer.tax is not None
    assert customer.tax.location is not None
    assert customer.tax.location.country == wire["address"]["country"]
    assert customer.cash_balance is not None
    assert customer.cash_balance.settings is not None
    assert customer.cash_balance.settings.using_merchant_default is True
    assert customer.invoice_credit_balance == {}
    assert isinstance(customer.tax_ids, StripeList)
    assert isinstance(customer.sources, StripeList)

    subscriptions = customer.subscriptions
    assert isinstance(subscriptions, StripeList)
    expected = wire["subscriptions"]
    assert (subscriptions.has_more, subscriptions.total_count, subscriptions.url) == (
        expected["has_more"],
        expected["total_count"],
        expected["url"],
    )
    # The portable list is the list object itself: a sequence of Subscription.
    assert [s.id for s in subscriptions] == [s["id"] for s in expected["data"]]
    assert len(subscriptions) == len(expected["data"])
    assert bool(subscriptions)
    first: Subscription = subscriptions[0]
    assert subscriptions[:1] == [first]
    assert customer.has_active_subscription == any(s.is_active for s in subscriptions)
    # Everything but the subscriptions' inner shapes (mapped to the portable Subscription)
    # comes back as sent.
    dumped = customer.to_dict()
    assert {k: v for k, v in dumped.items() if k != "subscriptions"} == {
        k: v for k, v in wire.items() if k != "subscriptions"
    }
    assert dumped["subscriptions"]["total_count"] == expected["total_count"]


def test_a_legacy_plan_keeps_product_and_interval_count() -> None:
    plan = {"id": "plan_1", "object": "plan", "amount": 900, "currency": "eur", "nickname": "Bi",
            "interval": "week", "interval_count": 2, "product": "prod_1"}  # fmt: skip
    price = {"id": "price_1", "unit_amount": 5, "currency": "usd", "product": {"id": "prod_2"},
             "recurring": {"interval": "month", "interval_count": 3}}  # fmt: skip
    body = {
        "id": "cus_1",
        "subscriptions": {
            "object": "list",
            "data": [
                {"id": "sub_1", "status": "active", "plan": plan},
                {"id": "sub_2", "status": "active", "items": {"data": [{"price": price}]}},
            ],
        },
    }
    customer = StripeDialect().read_customer(httpx.Response(200, json=body))
    assert customer.subscriptions is not None
    legacy, current = (s.plan for s in customer.subscriptions)
    assert legacy == Plan(stripe_price_id="plan_1", name="Bi", amount=900, currency="eur",
                          interval="week", interval_count=2, product="prod_1")  # fmt: skip
    assert current is not None
    assert (current.interval, current.interval_count, current.product) == ("month", 3, "prod_2")


def test_unknown_fields_and_enum_values_are_kept() -> None:
    wire: dict[str, Any] = {
        "id": "cus_1",
        "tax_exempt": "partially",
        "brand_new_field": {"nested": [1, 2]},
        "address": {"line1": "1 Main", "line3": "rear"},
        "tax": {"automatic_tax": "maybe_later", "provider": "newco", "location": None},
        "discount": {"id": "di_1", "source": {"type": "gift", "coupon": None}, "start": 1},
        "invoice_settings": {"rendering_options": {"amount_tax_display": "sideways"}},
        "subscriptions": {"object": "list", "data": [{"id": "sub_1", "status": "on_hold"}]},
    }
    customer = StripeDialect().read_customer(httpx.Response(200, json=wire))
    assert customer.tax_exempt == "partially"
    assert customer.extra == {"brand_new_field": {"nested": [1, 2]}}
    assert customer.address == Address(line1="1 Main", line3="rear")
    assert customer.address is not None
    assert customer.address.extra == {"line3": "rear"}
    assert customer.tax is not None
    assert customer.tax.automatic_tax == "maybe_later"
    assert customer.discount is not None
    assert customer.discount.source is not None
    assert customer.discount.source.type == "gift"
    assert customer.subscriptions is not None
    assert customer.subscriptions[0].status == "on_hold"
    dumped = customer.to_dict()
    assert {k: v for k, v in dumped.items() if k != "subscriptions"} == {
        k: v for k, v in wire.items() if k != "subscriptions"
    }


def test_a_bare_subscription_list_still_reads_as_a_list_object() -> None:
    body = {"id": "cus_1", "subscriptions": [{"id": "sub_1", "status": "trialing"}]}
    customer = StripeDialect().read_customer(httpx.Response(200, json=body))
    assert isinstance(customer.subscriptions, StripeList)
    assert customer.subscriptions.has_more is None
    assert customer.has_active_subscription is True


def test_an_odd_subscription_shape_is_a_validation_error() -> None:
    with pytest.raises(ValueError, match="unexpected shape"):
        StripeCustomer.model_validate({"id": "c", "subscriptions": {"data": [1]}})


def test_a_stripe_list_of_tax_ids_is_typed() -> None:
    tax_ids = StripeList[TaxId].model_validate(
        {"object": "list", "data": [{"id": "txi_1", "value": "x", "owner": {"type": "self"}}]}
    )
    first: TaxId = tax_ids[0]
    assert first.owner is not None
    assert first.owner.type == "self"


# -- offset and cursor ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("wire", "name"),
    [
        ({"firstName": "Ada", "lastName": "Lovelace"}, "Ada Lovelace"),
        ({"firstName": "Ada", "lastName": None}, "Ada"),
        ({"lastName": "Lovelace"}, "Lovelace"),
        ({"name": "Countess", "firstName": "Ada", "lastName": "Lovelace"}, "Countess"),
        ({}, None),
    ],
)
def test_offset_name_is_first_and_last_when_the_wire_has_none(
    wire: dict[str, Any], name: str | None
) -> None:
    body = {"data": [{"id": "1", **wire}], "pagination": _ONE}
    content = OffsetDialect().read_page(httpx.Response(200, json=body), ListQuery())
    [customer] = content.items
    assert customer.name == name
    assert "name" not in customer.model_fields_set or "name" in wire  # derived, not sent


_ONE = {"total": 1, "limit": 1, "offset": 0, "hasMore": False}


def test_each_dialect_prints_only_its_own_fields(drive: Drive) -> None:
    sandbox = Sandbox(customers=6)
    transport = SandboxTransport(sandbox)
    stripe = drive.stripe(api_key=KEY, base_url="http://sandbox",
                          http_client=drive.http_client(transport=transport))  # fmt: skip
    offset = drive.offset(api_key=KEY, base_url="http://sandbox",
                          http_client=drive.http_client(transport=transport))  # fmt: skip
    cursor = drive.cursor(api_key=KEY, base_url="http://sandbox/rest",
                          http_client=drive.http_client(transport=transport))  # fmt: skip
    offset_rows = to_dicts(offset.list_all(limit=6))
    cursor_customers = cursor.list_all(limit=6)
    stripe_rows = to_dicts(stripe.list_all(limit=6))
    assert all(isinstance(c, CursorCustomer) for c in cursor_customers)
    assert all(c.live is False for c in cursor_customers)  # type: ignore[attr-defined]
    cursor_rows = to_dicts(cursor_customers)
    for row in offset_rows:
        assert {"first_name", "stripe_customer_id"} <= set(row)
        assert not {"live", "livemode", "created"} & set(row)
        assert row["name"] is not None
    for row in cursor_rows:
        assert "live" in row
        assert not {"first_name", "stripe_customer_id", "livemode"} & set(row)
    for row in stripe_rows:
        assert {"created", "livemode", "object"} <= set(row)
        assert not {"created_at", "live", "first_name", "has_active_subscription"} & set(row)


def test_cursor_dialect_reads_cursor_customers() -> None:
    body = {"id": "c1", "live": True, "created_at": 1_500}
    customer: CursorCustomer = CursorDialect().read_customer(httpx.Response(200, json=body))
    assert customer.live is True
    assert isinstance(customer, Customer)
    assert customer.extra == {}


def test_offset_customer_built_by_hand_composes_its_name() -> None:
    customer: OffsetCustomer = OffsetCustomer(id="1", first_name="Grace", last_name="Hopper")
    assert customer.name == "Grace Hopper"
    assert customer.model_fields_set == {"id", "first_name", "last_name"}


def test_types_tell_each_dialects_fields_apart() -> None:
    # Each ignore marks an error mypy --strict must report (warn_unused_ignores checks it).
    stripe, offset = StripeCustomer(id="cus_1"), OffsetCustomer(id="1")
    with pytest.raises(AttributeError):
        stripe.first_name  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        offset.livemode  # type: ignore[attr-defined]  # noqa: B018
    line: str | None = stripe.address.line1 if stripe.address else None
    assert line is None


# -- the nested objects ---------------------------------------------------------------------------
def test_a_nested_object_keeps_the_wires_dict_behind_typed_attributes() -> None:
    shipping = Shipping(name="Ada", address=Address(line1="1 Main", floor="2"))
    assert shipping.to_dict() == {"name": "Ada", "address": {"line1": "1 Main", "floor": "2"}}
    address = shipping.address
    assert address is not None
    assert (address.line1, address.city, address.floor) == ("1 Main", None, "2")
    assert address.extra == {"floor": "2"}
    assert address == Address(line1="1 Main", floor="2")
    assert address != Shipping(line1="1 Main", floor="2")  # another type, the same keys
    assert address != {"line1": "1 Main", "floor": "2"}
    assert repr(address) == "Address(line1='1 Main', floor='2')"
    with pytest.raises(AttributeError, match="no attribute 'line9'"):
        address.line9  # noqa: B018
    with pytest.raises(TypeError, match="unhashable"):
        hash(address)
    copied = shipping.to_dict()
    copied["address"]["line1"] = "elsewhere"
    assert address.line1 == "1 Main"  # to_dict() is a copy
    assert isinstance(Address.line1, Value)  # the class holds the typed attribute itself


def test_nested_attributes_read_what_is_there_whatever_its_shape() -> None:
    settings = InvoiceSettings(custom_fields="not a list", default_payment_method="pm_1")
    assert settings.custom_fields == "not a list"  # type: ignore[comparison-overlap]  # as sent
    assert settings.default_payment_method == "pm_1"
    owner = TaxIdOwner(customer={"id": "cus_1", "object": "customer"})
    assert isinstance(owner.customer, StripeObject)
    assert owner.customer.id == "cus_1"


def test_a_customer_built_with_nested_objects_dumps_them_as_dicts() -> None:
    customer = StripeCustomer(id="cus_1", address=Address(city="Oslo"))
    assert customer.address == Address(city="Oslo")
    assert customer.to_dict() == {"id": "cus_1", "address": {"city": "Oslo"}}
    assert customer.model_dump()["address"] == {"city": "Oslo"}


def test_a_customer_holds_its_nested_objects_as_dicts_made_objects_when_read(
    wide: httpx.Client,
) -> None:
    # No Python call per nested object while a page is read: the customer holds the dicts.
    response = wide.get("/v1/customers", params={"limit": 3})
    read = StripeDialect().read_page(response, ListQuery()).items[0]
    wire = response.json()["data"][0]
    held = read.__dict__
    assert [type(held[name]) for name in ("address", "shipping", "invoice_settings")] == [dict] * 3
    assert read.address == Address(**wire["address"])
    assert read.address is not read.address  # a new object on each read, over the same dict
    by_hand = StripeCustomer.model_validate(wire)
    assert type(by_hand.__dict__["address"]) is dict
    assert by_hand == read
    assert read.to_dict() == wire
    given = Address(city="Oslo")
    customer = StripeCustomer(id="cus_1", address=given, tax=CustomerTax(provider="stripe"))
    assert customer.__dict__["address"] is given._raw  # held, not copied
    assert customer.tax is not None
    assert customer.tax.provider == "stripe"
    assert customer == StripeCustomer(
        id="cus_1", address={"city": "Oslo"}, tax={"provider": "stripe"}
    )
    customer.address = Address(city="Rome")  # pydantic writes it as given; read as it is
    assert customer.address == Address(city="Rome")
    object.__setattr__(customer, "address", {"city": "Bern"})  # the descriptor's own setter
    assert customer.address == Address(city="Bern")
    assert StripeCustomer(id="cus_2").address is None
    with pytest.raises(ValidationError):
        StripeCustomer(id="cus_3", address="1 Main St")
    assert isinstance(StripeCustomer.address, Nested)  # the class holds the typed attribute


def test_a_customer_with_nested_objects_copies_and_pickles() -> None:
    import pickle

    customer = StripeCustomer.model_validate(
        {
            "id": "c",
            "address": {"line1": "x", "zz": 1},
            # Expanded lists: each a parametrized StripeList, which pickle looks up by name.
            "subscriptions": {"object": "list", "data": [{"id": "sub_1"}], "has_more": False},
            "tax_ids": {"object": "list", "data": [{"id": "txi_1"}], "total_count": 1},
            "sources": {"object": "list", "data": [{"id": "card_1"}]},
        }
    )
    for copied in (customer.model_copy(deep=True), pickle.loads(pickle.dumps(customer))):
        assert copied == customer
        assert copied.address is not None
        assert copied.address.extra == {"zz": 1}
        assert copied.subscriptions is not None
        assert [s.id for s in copied.subscriptions] == ["sub_1"]


def test_a_dataframe_of_stripe_customers_has_the_portable_columns_then_stripes() -> None:
    pytest.importorskip("pandas")
    from customers_sdk import to_dataframe

    with sandbox_client(Sandbox(customers=3, wide=True)) as http:
        response = http.get("/v1/customers", params={"limit": 3})
    customers = StripeDialect().read_page(response, ListQuery()).items
    frame = to_dataframe(customers)
    portable = list(Customer.model_fields)
    assert list(frame.columns[: len(portable)]) == portable
    assert {"created", "livemode", "address", "discount"} <= set(frame.columns)
    assert "first_name" not in frame.columns  # no other dialect's fields
    assert frame["address"].iloc[0] == response.json()["data"][0]["address"]
    assert str(frame["created_at"].dtype) == "datetime64[us, UTC]"
