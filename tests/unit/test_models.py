"""The pydantic models: one Customer for every dialect, Stripe's own fixtures, timestamps."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from customers_sdk import (
    CursorCustomer,
    Customer,
    OffsetCustomer,
    Pagination,
    Plan,
    ResponseInfo,
    ResponseValidationError,
    StripeCustomer,
    Subscription,
    SubscriptionStatus,
)
from customers_sdk._dialects import CursorDialect, OffsetDialect, StripeDialect
from customers_sdk._models import _from_epoch
from customers_sdk._request import ListQuery

# A verbatim copy of /work/shared/fixtures/stripe-openapi-fixtures.json (Stripe's published
# OpenAPI fixtures), kept in the repository so the test runs anywhere.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stripe-openapi-fixtures.json"


def _stripe_fixtures() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(FIXTURES.read_text())
    return loaded


def _read(dialect: Any, body: Any) -> Customer:
    customer: Customer = dialect.read_customer(httpx.Response(200, json=body))
    return customer


UTC = timezone.utc


# -- Stripe's own fixtures ----------------------------------------------------------------------
def test_stripe_fixture_customer_parses_with_every_field() -> None:
    raw = _stripe_fixtures()["customer"]
    customer = _read(StripeDialect(), raw)

    assert isinstance(customer, StripeCustomer)
    assert customer.id == raw["id"]
    assert customer.created_at == datetime.fromtimestamp(raw["created"], UTC)
    assert (customer.created, customer.livemode) == (raw["created"], raw["livemode"])
    assert customer.live is raw["livemode"]
    assert customer.email is None
    assert customer.name is None
    assert customer.phone is None
    assert customer.metadata == {}
    assert customer.deleted is False
    # Every key is a typed field (none left as an extra), nested objects as models.
    assert customer.extra == {}
    assert set(raw) <= set(type(customer).model_fields)
    assert customer.discount is not None
    assert customer.discount.source is not None
    assert (customer.discount.source.type, customer.discount.source.coupon) == ("coupon", None)
    assert customer.invoice_settings is not None
    assert customer.invoice_settings.rendering_options is not None
    assert customer.invoice_settings.rendering_options.template is None
    assert customer.address is not None
    assert customer.address.line1 is None
    assert customer.to_dict() == raw  # Stripe's JSON back, key for key


def test_stripe_fixture_deleted_customer_parses() -> None:
    raw = _stripe_fixtures()["deleted_customer"]
    customer = _read(StripeDialect(), raw)
    assert isinstance(customer, StripeCustomer)
    assert customer.to_dict() == raw
    assert (customer.id, customer.deleted, customer.object) == (
        raw["id"],
        True,
        "customer",
    )
    assert customer.email is None
    assert customer.metadata == {}


def test_stripe_fixture_subscription_parses_through_an_expanded_customer() -> None:
    raw_sub = _stripe_fixtures()["subscription"]
    raw = dict(_stripe_fixtures()["customer"])
    raw["subscriptions"] = {"object": "list", "data": [raw_sub], "has_more": False}

    customer = _read(StripeDialect(), raw)

    assert customer.subscriptions is not None
    (sub,) = customer.subscriptions
    item = raw_sub["items"]["data"][0]
    price = item["price"]
    assert sub.id == raw_sub["id"]
    assert sub.status is SubscriptionStatus.ACTIVE
    assert sub.current_period_start == datetime.fromtimestamp(item["current_period_start"], UTC)
    assert sub.current_period_end == datetime.fromtimestamp(item["current_period_end"], UTC)
    assert sub.plan == Plan(
        stripe_price_id=price["id"],
        name=price["nickname"],
        amount=price["unit_amount"],
        currency=price["currency"],
        interval=price["recurring"]["interval"],
        interval_count=price["recurring"]["interval_count"],
        product=price["product"],
    )
    assert isinstance(customer, StripeCustomer)
    assert customer.subscriptions is not None
    assert (customer.subscriptions.object, customer.subscriptions.has_more) == ("list", False)
    assert sub.extra["billing_schedules"] == raw_sub["billing_schedules"]
    assert sub.extra["pending_update"]["discount"]["id"] == "obj_123"
    assert customer.has_active_subscription is True


def test_stripe_legacy_subscription_plan_is_mapped() -> None:
    raw = {
        "id": "cus_1",
        "subscriptions": [
            {
                "id": "sub_1",
                "status": "past_due",
                "plan": {"id": "plan_1", "amount": 900, "currency": "eur", "interval": "year"},
            }
        ],
    }
    (sub,) = _read(StripeDialect(), raw).subscriptions or []
    assert sub.plan == Plan(stripe_price_id="plan_1", amount=900, currency="eur", interval="year")
    assert sub.is_active is False


def test_stripe_subscription_without_price_or_plan_has_no_plan() -> None:
    raw = {"id": "cus_1", "subscriptions": [{"id": "sub_1", "items": {"data": [{"id": "si"}]}}]}
    (sub,) = _read(StripeDialect(), raw).subscriptions or []
    assert sub.plan is None
    assert sub.status is None


# -- enums and derived fields ---------------------------------------------------------------------
def test_stripe_top_level_plan_wins_over_items_and_is_mapped() -> None:
    plan = {"id": "plan_1", "object": "plan", "amount": 900, "currency": "eur",
            "interval": "month", "nickname": "Basic"}  # fmt: skip
    item = {"id": "si_1", "price": {"id": "price_2", "unit_amount": 1}, "current_period_end": 9}
    raw = {
        "id": "cus_1",
        "subscriptions": [{"id": "sub_1", "plan": plan, "items": {"data": [item]}}],
    }
    (sub,) = _read(StripeDialect(), raw).subscriptions or []
    assert sub.plan == Plan(
        stripe_price_id="plan_1", name="Basic", amount=900, currency="eur", interval="month"
    )
    assert sub.current_period_end == datetime.fromtimestamp(9, UTC)


def test_known_statuses_print_as_their_value() -> None:
    assert str(SubscriptionStatus.PAST_DUE) == "past_due"
    assert f"{SubscriptionStatus.TRIALING:>9}" == " trialing"
    assert [s.value for s in SubscriptionStatus if s.value in {"active", "trialing"}] == [
        "active",
        "trialing",
    ]


def test_unknown_subscription_status_is_kept_as_str() -> None:
    sub = Subscription(id="sub_1", status="on_hold")
    assert sub.status == "on_hold"
    assert not isinstance(sub.status, SubscriptionStatus)
    assert sub.is_active is False


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["active"], True),
        (["trialing"], True),
        (["canceled", "trialing"], True),
        (["past_due", "canceled", "unpaid", "on_hold"], False),
        ([], False),
    ],
)
def test_has_active_subscription_is_derived_when_absent(
    statuses: list[str], expected: bool
) -> None:
    subs = [{"id": f"sub_{i}", "status": s} for i, s in enumerate(statuses)]
    assert Customer(id="c", subscriptions=subs).has_active_subscription is expected


def test_has_active_subscription_sent_by_server_wins_and_unknown_stays_none() -> None:
    sent = Customer(id="c", has_active_subscription=True, subscriptions=[])
    assert sent.has_active_subscription is True
    assert Customer(id="c").has_active_subscription is None


# -- timestamps ---------------------------------------------------------------------------------
EXPECTED = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)  # epoch 1_700_000_000


@pytest.mark.parametrize(
    "value",
    [
        1_700_000_000,
        "2023-11-14T22:13:20Z",
        "2023-11-14T22:13:20.000Z",
        "2023-11-15T00:13:20+02:00",
        "2023-11-14T17:13:20-05:00",
        "2023-11-14T22:13:20",
        datetime(2023, 11, 14, 22, 13, 20),
        datetime(2023, 11, 15, 7, 13, 20, tzinfo=timezone(timedelta(hours=9))),
    ],
)
def test_timestamps_become_aware_utc(value: Any) -> None:
    created = Customer(id="c", created_at=value).created_at
    assert created == EXPECTED
    assert created is not None
    assert created.utcoffset() == timedelta(0)


def test_dialect_timestamps_seconds_milliseconds_and_iso() -> None:
    stripe = _read(StripeDialect(), {"id": "s", "created": 1_700_000_000})
    cursor = _read(CursorDialect(), {"id": "c", "created_at": 1_700_000_000_123})
    offset = _read(OffsetDialect(), {"id": "o", "createdAt": "2023-11-14T22:13:20.123Z"})
    millis = EXPECTED + timedelta(milliseconds=123)
    assert stripe.created_at == EXPECTED
    assert cursor.created_at == millis
    assert offset.created_at == millis
    for customer in (stripe, cursor, offset):
        assert customer.created_at is not None
        # pydantic's own UTC for ISO "Z", the stdlib's for numbers: equal, not identical.
        assert customer.created_at.tzinfo == UTC
        assert customer.created_at.tzname() == "UTC"


def _read_page(dialect: Any, customer: dict[str, Any]) -> Customer:
    # One body every dialect reads as a page: each takes its own keys and ignores the rest.
    pagination = {"total": 1, "limit": 1, "offset": 0, "hasMore": False}
    body = {"object": "list", "data": [customer], "has_more": False, "pagination": pagination}
    [read] = dialect.read_page(httpx.Response(200, json=body), ListQuery()).items
    assert isinstance(read, Customer)
    return read


def _read_both_ways(dialect: Any, customer: dict[str, Any]) -> list[Customer]:
    # The unit must hold for a single object and inside a list page alike.
    return [_read(dialect, customer), _read_page(dialect, customer)]


def test_cursor_small_millisecond_values_are_not_mistaken_for_seconds() -> None:
    # 86_400_000 ms is one day; read as seconds it would be 1972.
    body = {"id": "c", "created_at": 86_400_000, "updated_at": None}
    for customer in _read_both_ways(CursorDialect(), body):
        assert customer.created_at == datetime(1970, 1, 2, tzinfo=UTC)
        assert customer.updated_at is None


def test_stripe_large_second_values_are_not_mistaken_for_milliseconds() -> None:
    # pydantic alone reads numbers above 2e10 as ms; Stripe's are seconds, nested ones too.
    seconds = 25_000_000_000
    in_seconds = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    subscription = {"id": "sub_1", "status": "active", "current_period_end": seconds}
    body = {"id": "s", "created": seconds, "subscriptions": {"data": [subscription]}}
    for customer in _read_both_ways(StripeDialect(), body):
        assert customer.created_at == in_seconds
        assert customer.subscriptions is not None
        assert customer.subscriptions[0].current_period_end == in_seconds


def test_numbers_given_by_hand_are_epoch_seconds() -> None:
    seconds = 25_000_000_000
    in_seconds = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    assert Customer(id="c", created_at=seconds).created_at == in_seconds
    with pytest.raises(ValueError, match="epoch timestamp in range"):
        Customer(id="c", created_at=1_700_000_000_000)  # ms by hand: out of range, not guessed


def test_each_dialect_builds_its_own_customer_class() -> None:
    classes = {StripeDialect(): StripeCustomer, CursorDialect(): CursorCustomer,
               OffsetDialect(): OffsetCustomer}  # fmt: skip
    for dialect, cls in classes.items():
        customer = _read(dialect, {"id": "c"})
        assert type(customer) is cls
        assert customer == cls(id="c")
        assert type(_read_page(dialect, {"id": "c"})) is cls


@pytest.mark.parametrize(
    ("dialect", "key"),
    [(StripeDialect(), "created"), (CursorDialect(), "created_at"), (OffsetDialect(), "createdAt")],
)
@pytest.mark.parametrize("value", [10**20, -(10**20), 1e300, True, "noon", [0]])
@pytest.mark.parametrize("read", [_read, _read_page])
def test_timestamps_out_of_range_or_not_times_are_validation_errors(
    dialect: Any, key: str, value: Any, read: Any
) -> None:
    with pytest.raises(ResponseValidationError, match="epoch timestamp in range"):
        read(dialect, {"id": "c", key: value})


@pytest.mark.parametrize(
    ("dialect", "key", "value"),
    [
        (StripeDialect(), "created", 1_700_000_000),
        (CursorDialect(), "created_at", 1_700_000_000_123),
    ],
)
def test_responses_read_a_customers_epoch_timestamps_without_a_python_call(
    dialect: Any, key: str, value: int
) -> None:
    # Each dialect's compiled copy of the schema reads them in pydantic-core (see
    # _envelopes.wire_validator); a generic validator would call _from_epoch once per value.
    calls = []

    def spy(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code is _from_epoch.__code__:
            calls.append(frame)

    sys.setprofile(spy)
    try:
        customers = _read_both_ways(dialect, {"id": "c", key: value})
    finally:
        sys.setprofile(None)
    expected = datetime(2023, 11, 14, 22, 13, 20, 123000 if value > 10**10 else 0, tzinfo=UTC)
    assert [c.created_at for c in customers] == [expected, expected]
    assert calls == []
    # A model built by hand keeps the generic validator: one call, epoch seconds.
    sys.setprofile(spy)
    try:
        assert Customer(id="c", created_at=1_700_000_000).created_at == expected.replace(
            microsecond=0
        )
    finally:
        sys.setprofile(None)
    assert len(calls) == 1


def test_an_offset_page_reads_subscriptions_without_the_stripe_hook() -> None:
    # The hook only reshapes Stripe's subscriptions; other wires' copies of the schema drop it,
    # so their subscriptions stay in pydantic-core (see _envelopes.wire_validator).
    hook = Customer.__dict__["_wire_subscriptions"].__func__.__code__
    calls = []

    def spy(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code is hook:
            calls.append(frame)

    plan = {"stripePriceId": "price_1", "name": "Pro", "amount": 4999, "currency": "usd"}
    subscription = {"id": "sub_1", "status": "trialing", "plan": plan, "pauseReason": None}
    raw = {"id": "o", "subscriptions": [subscription, {"id": "sub_2", "status": "on_hold"}]}
    sys.setprofile(spy)
    try:
        customer = _read_page(OffsetDialect(), raw)
    finally:
        sys.setprofile(None)
    assert calls == []
    assert customer.subscriptions is not None
    first, second = customer.subscriptions
    assert (first.status, first.plan, second.status) == (
        SubscriptionStatus.TRIALING,
        Plan(stripe_price_id="price_1", name="Pro", amount=4999, currency="usd"),
        "on_hold",
    )
    assert first.extra == {"pause_reason": None}
    assert customer.has_active_subscription is True


def test_a_camel_case_wire_prefers_its_own_spelling_when_both_are_sent() -> None:
    both = {"id": "o", "createdAt": "2024-01-02T00:00:00Z", "created_at": "1999-01-01T00:00:00Z"}
    customer = _read_page(OffsetDialect(), both)
    assert customer.created_at == datetime(2024, 1, 2, tzinfo=UTC)
    # Everywhere else the snake_case field name comes first, as in a model built by hand.
    for read in (_read_page(CursorDialect(), both), Customer.model_validate(both)):
        assert read.created_at == datetime(1999, 1, 1, tzinfo=UTC)


def test_wire_names_are_aliases_and_field_names_still_work() -> None:
    wire = {
        "id": "c",
        "firstName": "Ada",
        "livemode": True,
        "created": 0,
        "hasActiveSubscription": 1,
    }
    offset = OffsetCustomer.model_validate(wire)
    stripe = StripeCustomer.model_validate(wire)
    assert (offset.first_name, stripe.live, offset.has_active_subscription) == ("Ada", True, True)
    assert offset.created_at == datetime(1970, 1, 1, tzinfo=UTC) == stripe.created_at
    assert offset.extra == {"livemode": True}  # not the offset dialect's name
    assert OffsetCustomer(id="c", first_name="Ada").first_name == "Ada"
    assert CursorCustomer(id="c", live=False).live is False
    pagination = {"total": 1, "limit": 1, "offset": 0, "hasMore": False}
    assert Pagination.model_validate(pagination).has_more is False


def test_offset_metadata_is_user_data_and_keeps_its_keys() -> None:
    raw = {"id": "o", "metadata": {"planTier": "gold"}, "loyaltyTier": {"sinceYear": "2020"}}
    pagination = {"total": 1, "limit": 1, "offset": 0, "hasMore": False}
    page = httpx.Response(200, json={"data": [raw], "pagination": pagination})
    [customer] = OffsetDialect().read_page(page, ListQuery()).items
    assert customer.metadata == {"planTier": "gold"}
    assert customer.extra == {"loyalty_tier": {"since_year": "2020"}}


@pytest.mark.parametrize("dialect", [StripeDialect(), CursorDialect(), OffsetDialect()])
def test_null_metadata_reads_as_empty(dialect: Any) -> None:
    assert _read(dialect, {"id": "x", "metadata": None}).metadata == {}


def test_ids_must_be_strings() -> None:
    with pytest.raises(ValueError, match="id"):
        Customer(id=5)


# -- models ---------------------------------------------------------------------------------------
def test_customer_defaults_extras_and_to_dict() -> None:
    customer = Customer(id="c", created_at=0, favourite_colour="teal", nested={"a": [1, 2]})
    assert customer.metadata == {}
    assert customer.deleted is False
    assert customer.extra == {"favourite_colour": "teal", "nested": {"a": [1, 2]}}
    assert customer.response_info is None
    dumped = customer.to_dict()
    assert dumped["created_at"] == "1970-01-01T00:00:00Z"
    assert dumped["favourite_colour"] == "teal"
    assert json.loads(json.dumps(dumped)) == dumped


def test_repr_names_the_customer() -> None:
    text = repr(Customer(id="cus_1", email="ada@example.com", created_at=0))
    assert text.startswith("Customer(")
    assert "cus_1" in text
    assert "ada@example.com" in text


def test_metadata_must_be_a_mapping_of_strings() -> None:
    with pytest.raises(ValueError, match="metadata"):
        Customer(id="c", metadata=["not", "a", "dict"])


def test_pagination_plan_and_response_info() -> None:
    pagination = Pagination(total=150, limit=10, offset=20, has_more=True)
    assert (pagination.total, pagination.limit, pagination.offset, pagination.has_more) == (
        150,
        10,
        20,
        True,
    )
    assert Plan(amount=4999, currency="usd").interval is None
    info = ResponseInfo(status_code=200, request_id="req_1", retries=0, elapsed_ms=1.5)
    assert info.request_id == "req_1"
    with pytest.raises(AttributeError):
        info.request_id = "other"  # type: ignore[misc]


def test_json_schema_still_describes_timestamps_and_metadata() -> None:
    properties = Customer.model_json_schema(by_alias=False)["properties"]
    assert {"format": "date-time", "type": "string"} in properties["created_at"]["anyOf"]
    assert {"additionalProperties": {"type": "string"}, "type": "object"} in (
        properties["metadata"]["anyOf"]
    )


@pytest.mark.parametrize(
    ("dialect", "values_shared"),
    [(StripeDialect(), True), (OffsetDialect(), False), (CursorDialect(), False)],
)
def test_string_values_are_cached_only_on_wires_that_repeat_them(
    dialect: Any, values_shared: bool
) -> None:
    # Stripe repeats values verbatim from customer to customer, so one str serves them all;
    # elsewhere values are mostly distinct and caching them costs more than it saves.
    first, second = (_read_page(dialect, {"id": "c", "name": "Ada"}) for _ in range(2))
    assert first.name == second.name == "Ada"
    assert (first.name is second.name) is values_shared


def test_a_plain_customer_read_with_stripes_context_flattens_its_list_object() -> None:
    # StripeCustomer keeps the list object; the portable Customer, validated with Stripe's
    # wire as context (as before StripeCustomer existed), still gets a plain list.
    raw = {
        "id": "c",
        "subscriptions": {"object": "list", "data": [{"id": "s", "status": "active"}]},
    }
    customer = Customer.model_validate(raw, context=StripeDialect.wire)
    assert isinstance(customer.subscriptions, list)
    assert [s.id for s in customer.subscriptions] == ["s"]
    none = Customer.model_validate({"id": "c", "subscriptions": None}, context=StripeDialect.wire)
    assert none.subscriptions is None
    with pytest.raises(ValueError, match="unexpected shape"):
        Customer.model_validate({"id": "c", "subscriptions": [1]}, context=StripeDialect.wire)
