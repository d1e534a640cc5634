"""Stripe's form encoding of params: the SDK's rules beyond stripe-python's, and its guards."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from customers_sdk import InvalidParameterError
from customers_sdk._dialects._stripe_form import check_params, encode_params, form_pairs
from customers_sdk._dialects._stripe_params import (
    CustomerCreateParams,
    CustomerListParams,
    CustomerSearchParams,
    CustomerUpdateParams,
)


def test_nested_mappings_and_lists_are_bracketed_and_indexed_in_given_order() -> None:
    pairs = form_pairs(
        {
            "shipping": {"name": "Ada", "address": {"line1": "1 Main St", "country": "GB"}},
            "invoice_settings": {"custom_fields": [{"name": "PO", "value": "42"}]},
            "expand": ["subscriptions", "tax"],
        }
    )
    assert pairs == (
        ("shipping[name]", "Ada"),
        ("shipping[address][line1]", "1 Main St"),
        ("shipping[address][country]", "GB"),
        ("invoice_settings[custom_fields][0][name]", "PO"),
        ("invoice_settings[custom_fields][0][value]", "42"),
        ("expand[0]", "subscriptions"),
        ("expand[1]", "tax"),
    )


def test_lists_inside_lists_are_indexed_twice() -> None:
    assert form_pairs({"a": [["x", "y"]], "b": ("z",)}) == (
        ("a[0][0]", "x"),
        ("a[0][1]", "y"),
        ("b[0]", "z"),
    )


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-1500, "-1500"),
        (2.5, "2.5"),
        (Decimal("1.10"), "1.10"),
        ("", ""),
        (None, ""),
        (datetime(2024, 6, 1, tzinfo=timezone.utc), "1717200000"),
        (datetime(2024, 6, 1, 2, tzinfo=timezone(timedelta(hours=2))), "1717200000"),
    ],
)
def test_scalars(value: object, sent: str) -> None:
    assert form_pairs({"v": value}) == (("v", sent),)


def test_none_unsets_at_every_level_and_an_empty_string_is_kept() -> None:
    pairs = form_pairs(
        {"description": None, "metadata": {"tier": None, "plan": ""}, "address": {"line2": None}}
    )
    assert pairs == (
        ("description", ""),
        ("metadata[tier]", ""),
        ("metadata[plan]", ""),
        ("address[line2]", ""),
    )


def test_empty_mappings_and_lists_send_nothing_as_in_stripe_python() -> None:
    assert form_pairs({"metadata": {}, "preferred_locales": [], "email": "a@b.co"}) == (
        ("email", "a@b.co"),
    )


def test_a_bool_inside_a_list_is_true_or_false() -> None:
    # stripe-python would send Python's "True" here; no Customers param takes such a list.
    assert form_pairs({"flags": [True, False]}) == (("flags[0]", "true"), ("flags[1]", "false"))


@pytest.mark.parametrize("key", ["a[b]", "x]", "[", "", 3])
def test_a_key_stripe_would_read_as_nesting_is_refused(key: Any) -> None:
    with pytest.raises(InvalidParameterError, match="keys must be non-empty strings") as caught:
        form_pairs({"metadata": {key: "v"}})
    assert caught.value.param == "metadata"


def test_a_bracketed_top_level_name_is_refused() -> None:
    with pytest.raises(InvalidParameterError) as caught:
        form_pairs({"metadata[x]": "v"})
    assert caught.value.param == "metadata[x]"


def test_a_naive_datetime_is_refused_rather_than_read_in_local_time() -> None:
    with pytest.raises(InvalidParameterError, match=r"created\[gte\] must be an aware") as caught:
        form_pairs({"created": {"gte": datetime(2024, 6, 1)}})
    assert caught.value.param == "created"


@pytest.mark.parametrize("value", [{"a"}, object(), b"bytes"])
def test_a_value_with_no_form_encoding_is_refused(value: object) -> None:
    with pytest.raises(InvalidParameterError, match="cannot be sent as") as caught:
        form_pairs({"address": {"line1": value}})
    assert caught.value.param == "address"


@pytest.mark.parametrize(
    "value",
    [10**5000, -(10**5000), math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("-Infinity")],
    ids=["huge", "huge-negative", "nan", "inf", "-inf", "decimal-nan", "decimal-inf"],
)
def test_a_number_with_no_text_stripe_reads_is_refused(value: object) -> None:
    # str() of an int past 4300 digits is a bare ValueError; "nan" and "inf" are not amounts.
    finite = r"metadata\[n\]\[0\] must be a finite"
    with pytest.raises(InvalidParameterError, match=finite) as caught:
        form_pairs({"metadata": {"n": [value]}})
    assert caught.value.param == "metadata"


def test_a_huge_int_in_a_typed_param_is_refused_by_name() -> None:
    with pytest.raises(InvalidParameterError, match="balance") as caught:
        encode_params({"balance": 10**5000}, CustomerCreateParams)
    assert caught.value.param == "balance"


def test_unknown_params_are_refused_by_name() -> None:
    with pytest.raises(InvalidParameterError, match="unknown parameter 'tax_id_data'") as caught:
        encode_params({"email": "a@b.co", "tax_id_data": []}, CustomerUpdateParams)
    assert caught.value.param == "tax_id_data"
    assert "default_source" in str(caught.value)


def test_a_missing_required_param_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="missing required parameter 'query'"):
        check_params({"limit": 3}, CustomerSearchParams)


def test_every_declared_param_passes_the_check() -> None:
    check_params(dict.fromkeys(CustomerCreateParams.__annotations__), CustomerCreateParams)
    assert encode_params({"created": {"gt": 1, "lte": 2}, "limit": 3}, CustomerListParams) == (
        ("created[gt]", "1"),
        ("created[lte]", "2"),
        ("limit", "3"),
    )
