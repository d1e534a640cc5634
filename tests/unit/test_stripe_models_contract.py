"""``StripeCustomer`` against stripe-python's own ``Customer`` class.

Every field stripe-python's ``Customer`` declares must be a typed field of ``StripeCustomer``,
and so on down the objects stripe-python types (address, shipping, invoice settings, tax,
discount, cash balance, tax ids, test clock). When stripe-python is bumped, this test names
each field the SDK lacks, object by object.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from customers_sdk import (
    CashBalance,
    Discount,
    StripeCustomer,
    StripeList,
    StripeObject,
    Subscription,
    TaxId,
    TestClock,
)
from customers_sdk._stripe_shapes import Shape, Value

stripe = pytest.importorskip("stripe")

# stripe-python's resources that a customer's fields refer to, and the SDK's model of each.
# Subscription is the portable model: Stripe's other subscription fields are kept as extras.
RESOURCES: dict[type, Any] = {
    CashBalance: stripe.CashBalance,
    Discount: stripe.Discount,
    TaxId: stripe.TaxId,
    TestClock: stripe.test_helpers.TestClock,
}
NOT_FIELD_BY_FIELD = {Subscription, StripeObject}
# Nested objects of those resources that the SDK keeps as a plain dict (no model of their own).
KEPT_AS_DICT = {(TestClock, "status_details")}


def models_in(annotation: Any) -> Iterator[type]:
    """The models an annotation holds: ``Address | None``, ``str | TestClock | None``,
    ``StripeList[TaxId]`` (its items), ``list[InvoiceCustomField]``."""
    if isinstance(annotation, type) and issubclass(annotation, StripeList):
        (item,) = annotation.__pydantic_generic_metadata__["args"]
        yield from models_in(item)
        return
    if isinstance(annotation, type) and issubclass(annotation, (BaseModel, Shape)):
        yield annotation
        return
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            yield from models_in(arg)


def nested_models(ours: type, name: str) -> list[type] | None:
    """The models field ``name`` of ``ours`` holds; ``None`` when it is not a typed field."""
    if isinstance(ours, type) and issubclass(ours, Shape):
        attribute = next((c.__dict__[name] for c in ours.__mro__ if name in c.__dict__), None)
        if not isinstance(attribute, Value):
            return None
        shape = getattr(attribute, "shape", None)  # Object, Objects and Expandable hold one
        return [shape] if shape is not None else []
    assert issubclass(ours, BaseModel)
    field = ours.model_fields.get(name)
    if field is None or field.annotation in (Any, None):
        return None
    return list(models_in(field.annotation))


def missing(ours: type, theirs: Any, path: str) -> Iterator[str]:
    """Each field of stripe-python's class ``theirs`` that ``ours`` does not type, recursively."""
    inner: dict[str, Any] = getattr(theirs, "_inner_class_types", {})
    for name in theirs.__annotations__:
        if name.isupper() or name.startswith("_"):  # OBJECT_NAME and the like: not fields
            continue
        held = nested_models(ours, name)
        if held is None:
            yield f"{path}.{name}"
            continue
        if (ours, name) in KEPT_AS_DICT:
            continue
        nested = [m for m in held if m not in NOT_FIELD_BY_FIELD]
        their_nested = inner.get(name)
        if their_nested is not None:
            if not nested:
                yield f"{path}.{name} (an object in stripe-python, no model here)"
            for model in nested:
                yield from missing(model, their_nested, f"{path}.{name}")
        for model in nested:
            if model in RESOURCES:
                yield from missing(model, RESOURCES[model], f"{path}.{name}")


def test_every_field_of_stripe_pythons_customer_is_typed() -> None:
    assert list(missing(StripeCustomer, stripe.Customer, "Customer")) == []


def test_the_check_names_what_is_missing() -> None:
    # The walk must see a gap when there is one, at any depth.
    class Short(BaseModel):
        id: str
        address: Any = None

    gaps = list(missing(Short, stripe.Customer, "Customer"))
    assert "Customer.address" in gaps
    assert "Customer.livemode" in gaps
    nested = list(missing(StripeCustomer, type("T", (), {"__annotations__": {"x": int}}), "C"))
    assert nested == ["C.x"]


def test_every_referenced_resource_is_checked() -> None:
    # Each model a StripeCustomer field holds is checked field by field, or named as not.
    held = {
        model
        for field in StripeCustomer.model_fields.values()
        for model in models_in(field.annotation)
    }
    unchecked = {
        model
        for model in held
        if model not in RESOURCES
        and model not in NOT_FIELD_BY_FIELD
        and model.__module__
        # Nested objects stripe-python defines inside Customer are reached through it.
        and model.__name__ not in {"Address", "Shipping", "InvoiceSettings", "CustomerTax"}
    }
    assert unchecked == set()
