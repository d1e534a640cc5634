"""The params ``TypedDict``s under ``mypy --strict``: typed params pass, wrong ones do not.

Each ``# type: ignore[...]`` below marks an error mypy must report; with ``warn_unused_ignores``
(part of ``--strict``) mypy fails this file the day one of them is no longer an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

import pytest

from customers_sdk import InvalidParameterError
from customers_sdk._dialects._stripe_form import encode_params
from customers_sdk._dialects._stripe_params import (
    AddressParams,
    CustomerCreateParams,
    CustomerDeleteParams,
    CustomerListParams,
    CustomerRetrieveParams,
    CustomerSearchParams,
    CustomerUpdateParams,
    ShippingParams,
)

ADDRESS: AddressParams = {"line1": "12 St James's Square", "city": "London", "country": "GB"}


def test_typed_create_params_pass_and_encode() -> None:
    shipping: ShippingParams = {"name": "Ada Lovelace", "address": ADDRESS, "phone": None}
    params: CustomerCreateParams = {
        "email": "ada@example.com",
        "address": ADDRESS,
        "shipping": shipping,
        "balance": -500,
        "preferred_locales": ["en-GB", "fr"],
        "tax_exempt": "reverse",
        "invoice_settings": {
            "custom_fields": [{"name": "PO", "value": "42"}],
            "rendering_options": {"amount_tax_display": "include_inclusive_tax"},
        },
        "tax": {"ip_address": "127.0.0.1", "validate_location": "deferred"},
        "tax_id_data": [{"type": "gb_vat", "value": "GB123456789"}],
        "cash_balance": {"settings": {"reconciliation_mode": "manual"}},
        "metadata": {"tier": "gold"},
        "validate": True,
        "expand": ["tax"],
    }
    pairs = dict(encode_params(params, CustomerCreateParams))
    assert pairs["shipping[address][city]"] == "London"
    assert pairs["tax_id_data[0][type]"] == "gb_vat"
    assert pairs["validate"] == "true"


def test_update_unsets_with_none_or_an_empty_string() -> None:
    params: CustomerUpdateParams = {
        "description": None,
        "address": "",
        "shipping": None,
        "tax_exempt": "",
        "metadata": {"tier": None},
        "invoice_settings": {"custom_fields": "", "rendering_options": ""},
        "default_source": "card_1",
    }
    assert (
        dict(encode_params(params, CustomerUpdateParams))["invoice_settings[custom_fields]"] == ""
    )


def test_read_params_pass() -> None:
    listed: CustomerListParams = {
        "created": {"gte": datetime(2024, 1, 1, tzinfo=timezone.utc), "lt": 1717200000},
        "expand": ["data.subscriptions"],
    }
    searched: CustomerSearchParams = {"query": "email~'acme'", "expand": ["total_count"]}
    retrieved: CustomerRetrieveParams = {"expand": ["subscriptions"]}
    deleted: CustomerDeleteParams = {}
    assert encode_params(listed, CustomerListParams)[0] == ("created[gte]", "1704067200")
    assert encode_params(searched, CustomerSearchParams)[0] == ("query", "email~'acme'")
    assert encode_params(retrieved, CustomerRetrieveParams) == (("expand[0]", "subscriptions"),)
    assert encode_params(deleted, CustomerDeleteParams) == ()


def test_wrong_params_are_type_errors() -> None:
    # Each line is an error for mypy; at run time the guard catches the keys it can.
    unknown: CustomerCreateParams = {"emial": "a@b.co"}  # type: ignore[typeddict-unknown-key]
    create_only: CustomerUpdateParams = {"tax_id_data": []}  # type: ignore[typeddict-unknown-key]
    update_only: CustomerCreateParams = {"default_source": "card_1"}  # type: ignore[typeddict-unknown-key]
    no_query: CustomerSearchParams = {"limit": 3}  # type: ignore[typeddict-item]
    delete_takes_nothing: CustomerDeleteParams = {"expand": ["x"]}  # type: ignore[typeddict-unknown-key]
    refused: list[tuple[Mapping[str, object], type]] = [
        (unknown, CustomerCreateParams),
        (create_only, CustomerUpdateParams),
        (update_only, CustomerCreateParams),
        (no_query, CustomerSearchParams),
        (delete_takes_nothing, CustomerDeleteParams),
    ]
    for params, shape in refused:
        with pytest.raises(InvalidParameterError):
            encode_params(params, shape)


def test_a_create_s_tax_location_check_has_no_auto() -> None:
    # Stripe's create takes deferred or immediately; `auto` is an update's (a 400 on create).
    updated: CustomerUpdateParams = {"tax": {"validate_location": "auto"}}
    created: CustomerCreateParams = {"tax": {"validate_location": "auto"}}  # type: ignore[typeddict-item]
    assert updated["tax"] == created["tax"]


def test_wrong_values_are_type_errors_and_refused_before_sending() -> None:
    # An unknown enum value is a type error, but passes at run time: Stripe may have added it.
    new_enum: CustomerCreateParams = {"tax_exempt": "sometimes"}  # type: ignore[typeddict-item]
    assert encode_params(new_enum, CustomerCreateParams) == (("tax_exempt", "sometimes"),)
    bad_type: CustomerCreateParams = {"balance": "5"}  # type: ignore[typeddict-item]
    nested_unknown: AddressParams = {"street": "x"}  # type: ignore[typeddict-unknown-key]
    no_name: ShippingParams = {"address": {}}  # type: ignore[typeddict-item]
    refused: list[tuple[CustomerCreateParams, str]] = [
        (bad_type, "balance must be int, got str"),
        ({"address": nested_unknown}, "address has no key 'street'"),
        ({"shipping": no_name}, "shipping needs the key 'name'"),
    ]
    for params, message in refused:
        with pytest.raises(InvalidParameterError, match=message) as error:
            encode_params(params, CustomerCreateParams)
        assert error.value.param == next(iter(params))
