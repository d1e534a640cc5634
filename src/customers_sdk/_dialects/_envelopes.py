"""The responses of the dialects, each validated in one pass from the body's bytes, by a
validator compiled for the dialect's wire.

Dialects import this module (and with it the models and pydantic's model machinery) when they
read their first response, not at ``import customers_sdk``: a script, a CLI call or a cold
start that never parses a customer does not pay for it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import StrictBool, StrictInt, TypeAdapter
from pydantic_core import SchemaValidator, core_schema

from .._dialect_models import CursorCustomer, OffsetCustomer
from .._models import Customer, Pagination, _from_epoch
from .._stripe_models import StripeCustomer
from .._types import WireFormat

__all__ = ["CursorEnvelope", "ListEnvelope", "OffsetEnvelope", "StripeEnvelope", "wire_validator"]


# Plain dataclasses, not models: pydantic-core would swap a model's schema for its generic
# validator when compiling (see wire_validator). Keys not declared here are ignored. Not
# generic over the customer type either: pydantic does not carry a type argument into a
# dataclass subclassing a generic one. Each holds its dialect's subclass of Customer.
@dataclass
class ListEnvelope:
    """A cursor-paged list: ``data`` and ``has_more``; other keys are ignored."""

    data: list[CursorCustomer]
    has_more: StrictBool


@dataclass
class CursorEnvelope(ListEnvelope):
    """The cursor dialect's list. It has no ``url``; Stripe's has: read to tell them apart."""

    url: Any = None


@dataclass
class StripeEnvelope:
    """Stripe's list, and its search result with ``next_page`` (and ``total_count`` when
    expanded)."""

    data: list[StripeCustomer]
    has_more: StrictBool
    # Any type here: read_page checks it, and only where a search needs it.
    next_page: Any = None
    total_count: StrictInt | None = None


@dataclass
class OffsetEnvelope:
    """The offset dialect's list: ``data`` and the ``pagination`` block."""

    data: list[OffsetCustomer]
    pagination: Pagination


@functools.cache
def wire_validator(target: type[Any], wire: WireFormat) -> SchemaValidator:
    """A validator of ``target`` (an envelope or a model) for responses of ``wire``.

    It is the target's own schema, compiled once per wire with its numeric timestamps read by
    pydantic-core in the wire's unit: no Python call per timestamp (a tenth of the work of
    reading a Stripe page, a fifth of a cursor page, counted in instructions). pydantic-core
    compiles a model afresh only when its validator is wrapped by a model validator
    (``Customer``'s is); any other model inside keeps its generic validator, which reads the
    unit from the validation context: slower, never wrong. So validate with ``context=wire``
    all the same.

    Example:
        >>> from customers_sdk._dialects.cursor import CursorDialect
        >>> ms = wire_validator(ListEnvelope, CursorDialect.wire)
        >>> body = b'{"data": [{"id": "c1", "created_at": 1500}], "has_more": false}'
        >>> ms.validate_json(body).data[0].created_at.isoformat()
        '1970-01-01T00:00:01.500000+00:00'
    """
    adapter = TypeAdapter(target)
    adapter.rebuild(force=True)  # the models defer their schemas (see _models._Model)
    # pydantic-core caches every short string it parses by default. Keys repeat from customer
    # to customer; values repeat on some wires only (WireFormat.repeats_values). Caching the
    # distinct values of offset pages made reading them 5-15% slower in a walk, measured.
    strings: Literal["all", "keys"] = "all" if wire.repeats_values else "keys"
    config = core_schema.CoreConfig(cache_strings=strings)
    return SchemaValidator(_for_wire(adapter.core_schema, wire), config=config)


def _for_wire(schema: Any, wire: WireFormat) -> Any:
    # A copy of the schema tree: each model's config carries the wire's unit, each epoch
    # branch (the Python call in _models._UTC) becomes pydantic-core's own number -> datetime,
    # and the subscriptions hook goes where the wire has none.
    if isinstance(schema, list):
        return [_for_wire(item, wire) for item in schema]
    if not isinstance(schema, dict):
        return schema
    function = schema.get("function")
    if not isinstance(function, dict):  # a serializer's function-plain holds the bare function
        function = {}
    if schema.get("type") == "function-plain" and function.get("function") is _from_epoch:
        return _NATIVE_EPOCH
    if (
        wire.subscriptions is None
        and schema.get("type") == "function-before"
        and getattr(function.get("function"), "__func__", None) is _SUBSCRIPTIONS_HOOK
    ):
        # The hook passes the value through on such a wire; without it pydantic-core keeps
        # the subscriptions in Rust instead of handing them to Python first (an offset page
        # with subscriptions: 4.3x -> 2.0x `json.loads`, measured).
        return _for_wire(schema["schema"], wire)
    copied = {key: _for_wire(value, wire) for key, value in schema.items()}
    aliases = copied.get("validation_alias")
    if wire.camel_case and copied.get("type") == "model-field" and isinstance(aliases, list):
        # The first name that matches wins either way; a wire in camelCase is spared a miss
        # on each snake_case name first (a third of what an offset page's models cost on top of
        # json.loads, measured).
        copied["validation_alias"] = sorted(aliases, key=_snake_first)
    if copied.get("type") == "model":
        # pydantic >= 2.12 reads this key; pydantic-core's CoreConfig type does not list it.
        copied["config"] = {**copied.get("config", {}), "val_temporal_unit": wire.timestamp_unit}
    return copied


# The hook as each subclass of Customer inherits it: bound to that subclass, the same function.
_SUBSCRIPTIONS_HOOK = Customer._wire_subscriptions.__func__  # type: ignore[attr-defined]


def _snake_first(path: Any) -> bool:
    # sorted() is stable: camelCase names (False) move ahead, each group in its own order.
    return not any(isinstance(part, str) and part != part.lower() for part in path)


# Numbers only (strings and booleans have branches of their own), then a datetime in the unit
# of the enclosing model's config. Out of range fails here, as it does in _from_epoch.
_NATIVE_EPOCH = core_schema.chain_schema(
    [
        core_schema.union_schema(
            [core_schema.int_schema(strict=True), core_schema.float_schema(strict=True)],
            mode="left_to_right",
        ),
        core_schema.datetime_schema(),
    ]
)
