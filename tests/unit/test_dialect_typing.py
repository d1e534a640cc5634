"""The dialect classes under ``mypy --strict``: a call a dialect lacks is a type error, and the
same call fails at run time before anything is sent.

Each ``# type: ignore[...]`` below marks an error mypy must report; with ``warn_unused_ignores``
(part of ``--strict``) mypy fails this file the day one of them is no longer an error. The
positive side (``assert_type``) fails mypy the day a factory or a method loses its precise type.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import respx
from typing_extensions import assert_type

from conftest import API_KEY, BASE_URLS, COLLECTIONS, page_body, wire_customer
from customers_sdk import (
    Address,
    AsyncCursorCustomersClient,
    AsyncCustomersClient,
    AsyncOffsetCustomersClient,
    AsyncPage,
    AsyncPageRequest,
    AsyncStripeCustomersClient,
    CursorCustomer,
    CursorCustomersClient,
    CustomersClient,
    InvalidParameterError,
    OffsetCustomer,
    OffsetCustomersClient,
    Page,
    StripeCustomer,
    StripeCustomersClient,
    UnsupportedOperationError,
    where,
)


def stripe_client() -> StripeCustomersClient:
    return CustomersClient.stripe(api_key=API_KEY, max_retries=0)


def offset_client() -> OffsetCustomersClient:
    return CustomersClient.offset(api_key=API_KEY, base_url=BASE_URLS["offset"], max_retries=0)


def cursor_client() -> CursorCustomersClient:
    return CustomersClient.cursor(api_key=API_KEY, base_url=BASE_URLS["cursor"], max_retries=0)


def async_clients() -> tuple[
    AsyncStripeCustomersClient, AsyncOffsetCustomersClient, AsyncCursorCustomersClient
]:
    return (
        AsyncCustomersClient.stripe(api_key=API_KEY),
        AsyncCustomersClient.offset(api_key=API_KEY, base_url=BASE_URLS["offset"]),
        AsyncCustomersClient.cursor(api_key=API_KEY, base_url=BASE_URLS["cursor"]),
    )


@pytest.fixture
def nothing_sent(mock_api: respx.MockRouter) -> respx.Route:
    """A route for every request: a wrong call must leave it uncalled."""
    return mock_api.route()


# -- wrong-dialect calls: type errors, and run-time errors with nothing sent ------------------
def test_offset_lacks_every_single_object_operation(nothing_sent: respx.Route) -> None:
    with offset_client() as offset:
        with pytest.raises(UnsupportedOperationError) as get:
            offset.get("1")  # type: ignore[attr-defined]
        assert (get.value.operation, get.value.dialect) == ("get", "offset")
        with pytest.raises(UnsupportedOperationError):
            offset.retrieve("1")  # type: ignore[attr-defined]
        with pytest.raises(UnsupportedOperationError):
            offset.create(email="ada@example.com")  # type: ignore[attr-defined]
        with pytest.raises(UnsupportedOperationError):
            offset.update("1", name="Ada")  # type: ignore[attr-defined]
        with pytest.raises(UnsupportedOperationError):
            offset.delete("1")  # type: ignore[attr-defined]
        with pytest.raises(UnsupportedOperationError):
            offset.search("email~'x'")  # type: ignore[attr-defined]
        with pytest.raises(TypeError, match="filters"):
            offset.list(filters=where("live").eq(True))  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="expand"):
            offset.list(expand=["data.subscriptions"])  # type: ignore[call-arg]
        with pytest.raises(InvalidParameterError) as limit:
            offset.list(limit="10")  # type: ignore[arg-type]
        assert limit.value.param == "limit"
    assert not nothing_sent.called


def test_cursor_lacks_search_and_stripe_params(nothing_sent: respx.Route) -> None:
    with cursor_client() as cursor:
        with pytest.raises(UnsupportedOperationError):
            cursor.search("email~'x'")  # type: ignore[attr-defined]
        with pytest.raises(UnsupportedOperationError):
            cursor.retrieve("c_1")  # type: ignore[attr-defined]
        with pytest.raises(UnsupportedOperationError):
            cursor.modify("c_1", name="Ada")  # type: ignore[attr-defined]
        with pytest.raises(TypeError, match="expand"):
            cursor.list(expand=["data.subscriptions"])  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="offset"):
            cursor.list(offset=10)  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="address"):
            cursor.create(address={"line1": "1 Main St"})  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="stripe_account"):
            cursor.get("c_1", stripe_account="acct_1")  # type: ignore[call-arg]
        with pytest.raises(InvalidParameterError) as bad_id:
            cursor.get(42)  # type: ignore[arg-type]
        assert bad_id.value.param == "customer_id"
    assert not nothing_sent.called


def test_stripe_refuses_other_dialects_params_by_name(nothing_sent: respx.Route) -> None:
    with stripe_client() as stripe:
        refused: list[tuple[str, Callable[[], object]]] = [
            ("filters", lambda: stripe.list(filters=where("live").eq(True))),  # type: ignore[call-arg]
            ("offset", lambda: stripe.list(offset=10)),  # type: ignore[call-arg]
            ("include_subscriptions", lambda: stripe.list(include_subscriptions=True)),  # type: ignore[call-arg]
            ("emial", lambda: stripe.create(emial="ada@example.com")),  # type: ignore[call-arg]
            ("tax_id_data", lambda: stripe.update("cus_1", tax_id_data=[])),  # type: ignore[call-arg]
            ("default_source", lambda: stripe.create(default_source="card_1")),  # type: ignore[call-arg]
            ("email", lambda: stripe.get("cus_1", email="a@b.co")),  # type: ignore[call-arg]
            ("limit", lambda: stripe.list(limit="10")),  # type: ignore[arg-type]
            ("expand", lambda: stripe.list(expand=["subscriptions"])),
        ]
        for name, call in refused:
            with pytest.raises(InvalidParameterError) as error:
                call()
            assert error.value.param == name, name
        with pytest.raises(TypeError, match="expand"):
            stripe.delete("cus_1", expand=["tax"])  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="filters"):
            stripe.search("email~'x'", filters=where("live").eq(True))  # type: ignore[call-arg]
    assert not nothing_sent.called


def test_the_common_type_has_only_what_every_dialect_does(nothing_sent: respx.Route) -> None:
    def get_any(client: CustomersClient) -> object:
        return client.get("cus_1")  # type: ignore[attr-defined]

    def search_any(client: AsyncCustomersClient) -> object:
        return client.search("email~'x'")  # type: ignore[attr-defined]

    with offset_client() as offset, pytest.raises(UnsupportedOperationError):
        get_any(offset)
    async_offset = AsyncCustomersClient.offset(api_key=API_KEY, base_url=BASE_URLS["offset"])
    with pytest.raises(UnsupportedOperationError):
        search_any(async_offset)
    assert not nothing_sent.called


@pytest.mark.anyio
async def test_async_twins_refuse_the_same_calls(nothing_sent: respx.Route) -> None:
    stripe, offset, cursor = async_clients()
    async with offset, cursor, stripe:
        with pytest.raises(UnsupportedOperationError):
            await offset.get("1")  # type: ignore[attr-defined]
        with pytest.raises(UnsupportedOperationError):
            await cursor.search("email~'x'")  # type: ignore[attr-defined]
        with pytest.raises(TypeError, match="filters"):
            offset.list(filters=where("live").eq(True))  # type: ignore[call-arg]
        with pytest.raises(TypeError, match="expand"):
            cursor.list(expand=["data.subscriptions"])  # type: ignore[call-arg]
        with pytest.raises(InvalidParameterError) as filters:
            await stripe.list(filters=where("live").eq(True))  # type: ignore[call-arg]
        assert filters.value.param == "filters"
        with pytest.raises(InvalidParameterError) as unknown:
            await stripe.create(emial="ada@example.com")  # type: ignore[call-arg]
        assert unknown.value.param == "emial"
        with pytest.raises(InvalidParameterError) as bad_id:
            await stripe.get(42)  # type: ignore[arg-type]
        assert bad_id.value.param == "customer_id"
        with pytest.raises(TypeError, match="expand"):
            await stripe.delete("cus_1", expand=["tax"])  # type: ignore[call-arg]
    assert not nothing_sent.called


# -- the positive side: each dialect's results are its own types --------------------------------
def test_factories_and_with_options_keep_the_dialect_class() -> None:
    clients = (
        stripe_client(),
        offset_client(),
        cursor_client(),
        *async_clients(),
    )
    stripe, offset, cursor, astripe, aoffset, acursor = clients
    assert_type(stripe.with_options(timeout=5), StripeCustomersClient)
    assert_type(offset.with_options(max_retries=1), OffsetCustomersClient)
    assert_type(cursor.with_options(default_headers={"X-A": "1"}), CursorCustomersClient)
    assert_type(astripe.with_options(stripe_account="acct_1"), AsyncStripeCustomersClient)
    assert_type(aoffset.with_options(timeout=5), AsyncOffsetCustomersClient)
    assert_type(acursor.with_options(timeout=5), AsyncCursorCustomersClient)
    for client in clients:
        assert type(client.with_options(timeout=5)) is type(client)
    common: list[CustomersClient] = [stripe, offset, cursor]
    common_async: list[AsyncCustomersClient] = [astripe, aoffset, acursor]
    assert [c.dialect for c in common] == [c.dialect for c in common_async]
    for sync_client in common:
        sync_client.close()


def test_stripe_results_are_typed_stripe_customers(mock_api: respx.MockRouter) -> None:
    address = {"line1": "12 St James's Square", "city": "London", "country": "GB"}
    mock_api.get(f"{COLLECTIONS['stripe']}/cus_0001").respond(
        json=wire_customer("stripe", 1, address=address, livemode=True)
    )
    mock_api.get(COLLECTIONS["stripe"]).respond(
        json=page_body("stripe", [wire_customer("stripe", 2)], has_more=False)
    )
    with stripe_client() as stripe:
        customer = stripe.get("cus_0001", expand=["subscriptions"])
        assert_type(customer, StripeCustomer)
        assert_type(stripe.retrieve("cus_0001"), StripeCustomer)
        assert customer.address is not None
        assert_type(customer.address, Address)
        line1: str | None = customer.address.line1
        created: int | None = customer.created
        livemode: bool | None = customer.livemode
        assert (line1, created, livemode) == ("12 St James's Square", 1_700_000_001, True)
        page = stripe.list(limit=1)
        assert_type(page, Page[StripeCustomer])
        assert [c.created for c in page] == [1_700_000_002]


def test_offset_and_cursor_pages_hold_their_own_customers(mock_api: respx.MockRouter) -> None:
    mock_api.get(COLLECTIONS["offset"]).respond(
        json=page_body("offset", [wire_customer("offset", 1)], has_more=False)
    )
    mock_api.get(COLLECTIONS["cursor"]).respond(
        json=page_body("cursor", [wire_customer("cursor", 1)], has_more=False)
    )
    with offset_client() as offset, cursor_client() as cursor:
        offset_page = offset.list(limit=1)
        assert_type(offset_page, Page[OffsetCustomer])
        first_name: str | None = offset_page.data[0].first_name
        cursor_page = cursor.list(limit=1)
        assert_type(cursor_page, Page[CursorCustomer])
        live: bool | None = cursor_page.data[0].live
        assert (first_name, live) == ("User", False)


@pytest.mark.anyio
async def test_async_results_are_typed_alike(mock_api: respx.MockRouter) -> None:
    mock_api.get(f"{COLLECTIONS['stripe']}/cus_0001").respond(json=wire_customer("stripe", 1))
    for dialect in ("stripe", "offset", "cursor"):
        mock_api.get(COLLECTIONS[dialect]).respond(
            json=page_body(dialect, [wire_customer(dialect, 1)], has_more=False)
        )
    stripe, offset, cursor = async_clients()
    async with stripe, offset, cursor:
        customer = await stripe.get("cus_0001")
        assert_type(customer, StripeCustomer)
        stripe_request = stripe.list()
        assert_type(stripe_request, AsyncPageRequest[StripeCustomer])
        stripe_page = await stripe_request
        assert_type(stripe_page, AsyncPage[StripeCustomer])
        offset_page = await offset.list()
        assert_type(offset_page, AsyncPage[OffsetCustomer])
        cursor_page = await cursor.list()
        assert_type(cursor_page, AsyncPage[CursorCustomer])
        assert [customer.created, stripe_page.data[0].livemode] == [1_700_000_001, False]
        assert [offset_page.data[0].last_name, cursor_page.data[0].id] == ["1", "c_0001"]


def test_a_function_of_the_common_type_takes_every_dialect(mock_api: respx.MockRouter) -> None:
    def first_ids(client: CustomersClient) -> list[str]:
        return [customer.id for customer in client.list(limit=1).data]

    for dialect in ("stripe", "offset", "cursor"):
        mock_api.get(COLLECTIONS[dialect]).respond(
            json=page_body(dialect, [wire_customer(dialect, 3)], has_more=False)
        )
    with stripe_client() as stripe, offset_client() as offset, cursor_client() as cursor:
        ids = [first_ids(stripe), first_ids(offset), first_ids(cursor)]
    assert ids == [["cus_0003"], ["1003"], ["c_0003"]]


@pytest.mark.anyio
async def test_a_function_of_the_async_common_type_takes_every_dialect(
    mock_api: respx.MockRouter,
) -> None:
    async def first_ids(client: AsyncCustomersClient) -> list[str]:
        page = await client.list(limit=1)
        return [customer.id for customer in page.data]

    for dialect in ("stripe", "offset", "cursor"):
        mock_api.get(COLLECTIONS[dialect]).respond(
            json=page_body(dialect, [wire_customer(dialect, 4)], has_more=False)
        )
    stripe, offset, cursor = async_clients()
    async with stripe, offset, cursor:
        ids = [await first_ids(stripe), await first_ids(offset), await first_ids(cursor)]
    assert ids == [["cus_0004"], ["1004"], ["c_0004"]]


def test_a_subclass_of_a_dialect_class_gets_itself_from_its_factory() -> None:
    # A service wrapping the SDK subclasses a dialect's class; its factory builds the subclass.
    class AcmeStripe(StripeCustomersClient):
        def gold(self) -> list[str]:
            return [c.id for c in self.search("metadata['tier']:'gold'")]

    class AcmeAsyncCursor(AsyncCursorCustomersClient):
        pass

    acme = AcmeStripe.stripe(api_key="sk_test_acme")
    assert type(acme) is AcmeStripe
    assert callable(acme.gold)
    assert type(AcmeStripe.offset(api_key="k", base_url="https://a.example")) is (
        OffsetCustomersClient
    )
    cursor = AcmeAsyncCursor.cursor(api_key="k", base_url="https://a.example")
    assert type(cursor) is AcmeAsyncCursor
    # The family's own classes are unchanged by the subclasses.
    assert type(CustomersClient.stripe(api_key="sk_test_acme")) is StripeCustomersClient
    assert type(AsyncCustomersClient.cursor(api_key="k", base_url="https://a.example")) is (
        AsyncCursorCustomersClient
    )
