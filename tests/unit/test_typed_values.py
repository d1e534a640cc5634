"""Stripe params checked against their ``TypedDict`` before anything is encoded or sent: the
checker's rules on small shapes of its own, then on the real create params through the
client (sync and async), where a refused value is never sent."""

# No `from __future__ import annotations`: TypedDict tells Required keys apart only from
# evaluated annotations (as in _stripe_params).
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Literal

import pytest
import respx
from typing_extensions import Required, TypedDict

from conftest import Drive, form_of, mock_operations, only_request, unit_driver
from customers_sdk import InvalidParameterError
from customers_sdk._dialects._typed_values import check_values


class Inner(TypedDict, total=False):
    code: Required[str]
    level: Literal[1, 2, 3]
    note: str | None


class Shape(TypedDict, total=False):
    count: int
    ratio: float
    flag: bool
    when: int | datetime
    kind: Literal["a", "b"] | Literal[""] | None
    tags: list[str]
    labels: Mapping[str, str | None] | Literal[""] | None
    inner: Inner | Literal[""] | None
    items: list[Inner]
    anything: Any
    table: dict[str, int]


AWARE = datetime(2024, 1, 1, tzinfo=timezone.utc)
ACCEPTED: list[dict[str, Any]] = [
    {"count": 3, "ratio": 0.5, "flag": False, "when": 5},
    {"ratio": 2, "when": AWARE},
    {"kind": "a", "tags": ["x", "y"], "labels": {"k": None, "j": "v"}},
    {"kind": "added-by-stripe-later", "labels": "", "inner": None},
    {"inner": {"code": "c", "level": 2, "note": None}},
    {"items": [{"code": "c"}, {"code": "d", "level": 3}], "tags": ("x",)},
    {"anything": object(), "table": {"a": 1}},
    {"unknown_top_level": object()},  # the caller's check_params names those
]
REFUSED: list[tuple[dict[str, Any], str, str]] = [
    ({"count": "3"}, "count", "count must be int, got str"),
    ({"count": True}, "count", "count must be int, got bool"),
    ({"ratio": "0.5"}, "ratio", "ratio must be float, got str"),
    ({"flag": 1}, "flag", "flag must be bool, got int"),
    ({"when": "now"}, "when", "when must be int or an aware datetime, got str"),
    ({"kind": 5}, "kind", "kind must be str or '' or None, got int"),
    ({"tags": "x"}, "tags", "tags must be a list, got str"),
    ({"tags": ["x", 5]}, "tags", r"tags\[1\] must be str, got int"),
    ({"labels": {"k": 1}}, "labels", r"labels\[k\] must be str or None, got int"),
    ({"labels": ["k"]}, "labels", "labels must be a dict or '' or None, got list"),
    ({"inner": {"level": 1}}, "inner", "inner needs the key 'code'"),
    ({"inner": {"code": "c", "extra": 1}}, "inner", "inner has no key 'extra'"),
    ({"inner": {"code": "c", "level": 4}}, "inner", r"inner\[level\] must be 1 or 2 or 3, got int"),
    ({"labels": "clear"}, "labels", "labels must be a dict or '' or None, got str"),
    ({"items": [{"code": "c"}, "d"]}, "items", r"items\[1\] must be a dict, got str"),
    ({"table": {"a": "1"}}, "table", r"table\[a\] must be int, got str"),
    ({"table": []}, "table", "table must be a dict, got list"),
]


@pytest.mark.parametrize("params", ACCEPTED)
def test_values_the_shape_allows_pass(params: dict[str, Any]) -> None:
    check_values(params, Shape)


@pytest.mark.parametrize(("params", "param", "message"), REFUSED)
def test_values_the_shape_does_not_allow_are_refused_with_their_path(
    params: dict[str, Any], param: str, message: str
) -> None:
    with pytest.raises(InvalidParameterError, match=message) as error:
        check_values(params, Shape)
    assert error.value.param == param


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"balance": "100"}, "balance"),
        ({"address": {"line1": 12}}, "address"),
        ({"tax_id_data": [{"type": "eu_vat"}]}, "tax_id_data"),
        (
            {"invoice_settings": {"custom_fields": [{"name": "PO", "value": 42}]}},
            "invoice_settings",
        ),
        ({"preferred_locales": "en"}, "preferred_locales"),
        ({"validate": "yes"}, "validate"),
    ],
)
def test_the_client_refuses_a_wrong_value_before_sending(
    drive: Drive, mock_api: respx.MockRouter, params: dict[str, Any], param: str
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    with pytest.raises(InvalidParameterError) as error:
        driver.create(email="ada@example.com", **params)
    assert error.value.param == param
    with pytest.raises(InvalidParameterError):
        driver.update("cus_0001", **params)
    assert not route.called


def test_what_stripe_may_take_that_the_types_do_not_say_is_sent(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # An enum value newer than this release, and "" to clear a list.
    route = mock_operations(mock_api, "stripe")
    unit_driver(drive, "stripe").update("cus_0001", tax_exempt="partially", preferred_locales="")
    assert form_of(only_request(route)) == [("tax_exempt", "partially"), ("preferred_locales", "")]
