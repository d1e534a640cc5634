"""The sandbox's Stripe dialect with Stripe's full create/update params, `expand` and
search `total_count`; the forms are built by the SDK's own Stripe encoder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import sandbox_client
from customers_sdk._dialects import StripeDialect
from customers_sdk._dialects._stripe_form import encode_params
from customers_sdk._dialects._stripe_params import (
    AddressParams,
    CustomerCreateParams,
    CustomerUpdateParams,
)
from customers_sdk.sandbox import Sandbox
from customers_sdk.sandbox._http import ApiError
from customers_sdk.sandbox._stripe_params import CREATE_PARAMS, check_params, form_tree

ADDRESS: AddressParams = {"line1": "12 St James's Square", "city": "London", "country": "GB"}
FULL: CustomerCreateParams = {
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "description": "first customer",
    "business_name": "Analytical Engines Ltd",
    "address": {**ADDRESS, "postal_code": "SW1Y 4LE"},
    "shipping": {"name": "Ada", "address": ADDRESS, "phone": "+44 20 7946 0000"},
    "balance": -1500,
    "preferred_locales": ["en-GB", "fr"],
    "tax_exempt": "reverse",
    "invoice_prefix": "ADA1",
    "next_invoice_sequence": 7,
    "invoice_settings": {
        "custom_fields": [{"name": "PO", "value": "42"}],
        "footer": "Thank you",
        "rendering_options": {"amount_tax_display": "include_inclusive_tax"},
    },
    "tax": {"ip_address": "127.0.0.1", "validate_location": "deferred"},
    "tax_id_data": [{"type": "gb_vat", "value": "GB123456789"}],
    "cash_balance": {"settings": {"reconciliation_mode": "manual"}},
    "metadata": {"tier": "gold"},
    "source": "card_1",
    "payment_method": "pm_card_visa",
    "test_clock": "clock_1",
    "validate": True,
}


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with sandbox_client(Sandbox(customers=30)) as client:
        yield client


def create(http: httpx.Client, params: CustomerCreateParams) -> httpx.Response:
    return http.post("/v1/customers", data=dict(encode_params(params, CustomerCreateParams)))


def update(http: httpx.Client, customer_id: str, params: CustomerUpdateParams) -> dict[str, Any]:
    form = dict(encode_params(params, CustomerUpdateParams))
    response = http.post(f"/v1/customers/{customer_id}", data=form)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400
    body: dict[str, Any] = response.json()["error"]
    return body


def test_full_create_params_are_stored_and_rendered_as_stripe_does(http: httpx.Client) -> None:
    response = create(http, FULL)
    assert response.status_code == 200, response.text
    customer = response.json()
    assert customer["address"] == {
        **ADDRESS,
        "line2": None,
        "postal_code": "SW1Y 4LE",
        "state": None,
    }
    assert customer["shipping"] == {
        "address": {**ADDRESS, "line2": None, "postal_code": None, "state": None},
        "carrier": None,
        "name": "Ada",
        "phone": "+44 20 7946 0000",
        "tracking_number": None,
    }
    assert customer["invoice_settings"] == {
        "custom_fields": [{"name": "PO", "value": "42"}],
        "default_payment_method": None,
        "footer": "Thank you",
        "rendering_options": {"amount_tax_display": "include_inclusive_tax", "template": None},
    }
    expected = {
        "balance": -1500,
        "business_name": "Analytical Engines Ltd",
        "individual_name": None,
        "description": "first customer",
        "default_source": "card_1",
        "invoice_prefix": "ADA1",
        "next_invoice_sequence": 7,
        "preferred_locales": ["en-GB", "fr"],
        "tax_exempt": "reverse",
        "test_clock": "clock_1",
        "metadata": {"tier": "gold"},
    }
    assert {key: customer[key] for key in expected} == expected
    assert http.get(f"/v1/customers/{customer['id']}").json() == customer


def test_update_merges_hashes_and_unsets_with_empty_strings(http: httpx.Client) -> None:
    customer_id = create(http, FULL).json()["id"]
    updated = update(
        http,
        customer_id,
        {
            "address": {"line2": "Flat 2", "city": None},
            "invoice_settings": {"footer": None, "custom_fields": ""},
            "tax_exempt": "",
            "description": None,
            "preferred_locales": ["de"],
            "default_source": "card_2",
        },
    )
    assert updated["address"]["line1"] == ADDRESS["line1"]
    assert updated["address"]["line2"] == "Flat 2"
    assert updated["address"]["city"] is None
    assert updated["invoice_settings"]["footer"] is None
    assert updated["invoice_settings"]["custom_fields"] is None
    assert updated["invoice_settings"]["rendering_options"]["amount_tax_display"] == (
        "include_inclusive_tax"
    )
    assert updated["tax_exempt"] == "none"
    assert updated["description"] is None
    assert updated["preferred_locales"] == ["de"]
    assert updated["default_source"] == "card_2"
    cleared = update(http, customer_id, {"address": "", "shipping": None})
    assert cleared["address"] is None
    assert cleared["shipping"] is None
    assert cleared["balance"] == -1500


def test_a_seeded_customer_takes_stripe_params_too(http: httpx.Client) -> None:
    customer_id = http.get("/v1/customers", params={"limit": 1}).json()["data"][0]["id"]
    updated = update(http, customer_id, {"balance": 250, "tax": {"ip_address": "10.0.0.1"}})
    assert updated["balance"] == 250
    expanded = http.get(f"/v1/customers/{customer_id}", params={"expand[]": "tax"}).json()
    assert expanded["tax"]["ip_address"] == "10.0.0.1"


@pytest.mark.parametrize(
    ("form", "param", "code"),
    [
        ({"colour": "red"}, "colour", "parameter_unknown"),
        ({"address[street]": "x"}, "address[street]", "parameter_unknown"),
        ({"invoice_settings[custom_fields][0][nme]": "x"},
         "invoice_settings[custom_fields][0][nme]", "parameter_unknown"),
        ({"default_source": "card_1"}, "default_source", "parameter_unknown"),
        ({"balance": "lots"}, "balance", "parameter_invalid_integer"),
        ({"balance": ""}, "balance", "parameter_invalid_empty"),
        ({"shipping[address][line1]": "x"}, "shipping[name]", "parameter_missing"),
        ({"tax_exempt": "sometimes"}, "tax_exempt", None),
        ({"tax[validate_location]": "never"}, "tax[validate_location]", None),
        # `auto` is an update's value only: Stripe's create takes deferred or immediately.
        ({"tax[validate_location]": "auto"}, "tax[validate_location]", None),
        ({"tax_id_data[0][type]": "VAT", "tax_id_data[0][value]": "1"},
         "tax_id_data[0][type]", None),
        ({"validate": "yes"}, "validate", None),
        ({"address": "London"}, "address", None),
        ({"preferred_locales[lang]": "fr"}, "preferred_locales", None),
        ({"email[0]": "a@b.co"}, "email", None),
        ({"a]b": "x"}, "a]b", None),
    ],
)  # fmt: skip
def test_bad_params_are_400_naming_the_param(
    http: httpx.Client, form: dict[str, str], param: str, code: str | None
) -> None:
    error = error_of(http.post("/v1/customers", data=form))
    assert error["param"] == param
    assert error.get("code") == code


def test_an_update_takes_auto_as_its_validate_location(http: httpx.Client) -> None:
    customer_id = create(http, {"email": "tax@example.com"}).json()["id"]
    update(http, customer_id, {"tax": {"validate_location": "auto"}})
    error = error_of(http.post("/v1/customers", data={"tax[validate_location]": "auto"}))
    assert error["message"] == (
        "Invalid tax[validate_location]: must be one of deferred or immediately"
    )


def test_a_bad_enum_value_names_the_values() -> None:
    with pytest.raises(ApiError, match="must be one of exempt, none, or reverse"):
        check_params({"tax_exempt": "x"}, CREATE_PARAMS)


def test_form_tree_reads_brackets_indexes_and_appends() -> None:
    tree = form_tree(
        [("a[b][c]", "1"), ("l[1]", "y"), ("l[0]", "x"), ("e[]", "p"), ("e[]", "q"), ("n", "")]
    )
    assert tree == {"a": {"b": {"c": "1"}}, "l": ["x", "y"], "e": ["p", "q"], "n": ""}


@pytest.mark.parametrize("pairs", [[("a", "1"), ("a[b]", "2")], [("a[b]", "2"), ("a", "1")]])
def test_form_tree_refuses_a_name_given_as_both_value_and_hash(
    pairs: list[tuple[str, str]],
) -> None:
    with pytest.raises(ApiError, match="Invalid hash"):
        form_tree(pairs)


def test_expand_subscriptions_on_retrieve_and_on_list_pages(http: httpx.Client) -> None:
    page = http.get("/v1/customers", params={"limit": 10, "expand[]": "data.subscriptions"}).json()
    lists = [customer["subscriptions"] for customer in page["data"]]
    assert all(subs["object"] == "list" and subs["has_more"] is False for subs in lists)
    subscribed = next(subs for subs in lists if subs["data"])
    subscription = subscribed["data"][0]
    assert subscription["object"] == "subscription"
    assert subscribed["total_count"] == len(subscribed["data"])
    customer_id = subscription["customer"]
    one = http.get(f"/v1/customers/{customer_id}", params={"expand[0]": "subscriptions"}).json()
    assert one["subscriptions"] == subscribed
    plain = http.get(f"/v1/customers/{customer_id}").json()
    assert "subscriptions" not in plain
    item = next(
        sub["items"]["data"][0] for subs in lists for sub in subs["data"] if sub["items"]["data"]
    )
    assert item["object"] == "subscription_item"
    assert item["price"]["recurring"]["interval"] in ("month", "year")
    assert item["current_period_end"] > item["current_period_start"]


def test_a_subscription_s_price_names_its_product_as_stripe_s_does(http: httpx.Client) -> None:
    page = http.get("/v1/customers", params={"limit": 30, "expand[]": "data.subscriptions"}).json()
    subscriptions = [sub for c in page["data"] for sub in c["subscriptions"]["data"]]
    prices = [item["price"] for sub in subscriptions for item in sub["items"]["data"]]
    assert len({price["id"] for price in prices}) > 1
    products: dict[str, str] = {}
    for price in prices:
        # Stripe's price always names its product; one product per price, on every page.
        assert price["product"].startswith("prod_")
        assert products.setdefault(price["id"], price["product"]) == price["product"]
    subscribed = next(sub for sub in subscriptions if sub["items"]["data"])
    response = http.get(
        f"/v1/customers/{subscribed['customer']}", params={"expand[]": "subscriptions"}
    )
    customer = StripeDialect().read_customer(response)
    assert customer.subscriptions is not None
    plan = next(s.plan for s in customer.subscriptions if s.id == subscribed["id"])
    assert plan is not None
    assert plan.product == subscribed["items"]["data"][0]["price"]["product"]


def test_expand_the_includable_fields_on_a_write(http: httpx.Client) -> None:
    params: CustomerCreateParams = {
        **FULL,
        "expand": ["tax", "tax_ids", "cash_balance", "sources", "invoice_credit_balance"],
    }
    customer = create(http, params).json()
    assert customer["tax"]["location"] == {
        "country": "GB",
        "source": "billing_address",
        "state": None,
    }
    assert customer["tax"]["ip_address"] == "127.0.0.1"
    (tax_id,) = customer["tax_ids"]["data"]
    assert (tax_id["type"], tax_id["value"], tax_id["country"]) == ("gb_vat", "GB123456789", "GB")
    assert tax_id["id"].startswith("txi_")
    assert customer["cash_balance"]["settings"] == {
        "reconciliation_mode": "manual",
        "using_merchant_default": False,
    }
    assert customer["sources"]["data"] == []
    assert customer["invoice_credit_balance"] == {}


def test_expanding_ids_gives_stubs_and_leaves_nulls(http: httpx.Client) -> None:
    customer = create(http, {"source": "card_9", "expand": ["default_source", "test_clock"]}).json()
    assert customer["default_source"] == {"id": "card_9", "object": "source"}
    assert customer["test_clock"] is None
    bare = create(http, {"expand": ["tax", "cash_balance"]}).json()
    assert bare["tax"]["automatic_tax"] == "unrecognized_location"
    assert bare["cash_balance"]["settings"]["using_merchant_default"] is True
    path = f"/v1/customers/{bare['id']}"
    with_pm = update(http, bare["id"], {"invoice_settings": {"default_payment_method": "pm_1"}})
    assert with_pm["invoice_settings"]["default_payment_method"] == "pm_1"
    expanded = http.get(path, params={"expand[]": "invoice_settings.default_payment_method"})
    assert expanded.json()["invoice_settings"]["default_payment_method"] == {
        "id": "pm_1",
        "object": "payment_method",
    }


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("/v1/customers", "subscriptions"),  # a page expands `data.` fields
        ("/v1/customers", "total_count"),
        ("/v1/customers/search", "data.colour"),
    ],
)
def test_unknown_expansions_are_400(http: httpx.Client, path: str, value: str) -> None:
    query = {"query": "created>0"} if path.endswith("search") else {}
    response = http.get(path, params={**query, "expand[]": value})
    error = error_of(response)
    assert error["message"] == f"This property cannot be expanded ({value})."
    assert error["param"] == "expand"


def test_search_total_count_counts_every_match_when_expanded(http: httpx.Client) -> None:
    params: dict[str, str | int] = {"query": "created>0", "limit": 5}
    plain = http.get("/v1/customers/search", params=params).json()
    assert "total_count" not in plain
    counted = http.get(
        "/v1/customers/search",
        params={**params, "expand[0]": "total_count", "expand[1]": "data.subscriptions"},
    ).json()
    assert counted["total_count"] == 30
    assert len(counted["data"]) == 5
    assert all("subscriptions" in customer for customer in counted["data"])


def test_list_filters_by_test_clock(http: httpx.Client) -> None:
    on_clock = create(http, {"test_clock": "clock_A"}).json()["id"]
    create(http, {"test_clock": "clock_B"})
    page = http.get("/v1/customers", params={"test_clock": "clock_A"}).json()
    assert [customer["id"] for customer in page["data"]] == [on_clock]
