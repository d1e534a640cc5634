"""The cursor dialect's `filters` document, compiled to a predicate.

A condition is `{"field": ..., "op": ..., "value": ...}`; `{"and": [...]}` and
`{"or": [...]}` combine filters and nest freely. Anything else is a 400: a filter that
silently matched nothing would hide a client bug.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._http import ApiError, parse_json
from ._store import CustomerRecord, Predicate

MAX_DEPTH = 16


@dataclass(frozen=True)
class _Field:
    read: Callable[[CustomerRecord], Any]
    value_types: tuple[type, ...]
    ordered: bool
    """Whether gt/gte/lt/lte make sense for it."""


_STRING = (str,)
_NUMBER = (int, float)
FIELDS: dict[str, _Field] = {
    "id": _Field(lambda record: record.id, _STRING, ordered=True),
    "email": _Field(lambda record: record.email, _STRING, ordered=True),
    "name": _Field(lambda record: record.name, _STRING, ordered=True),
    "phone": _Field(lambda record: record.phone, _STRING, ordered=True),
    "created_at": _Field(lambda record: record.created_ms, _NUMBER, ordered=True),
    "live": _Field(lambda record: False, (bool,), ordered=False),
}
METADATA_PREFIX = "metadata."
_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
OPS = frozenset({"eq", "neq", "contains", "in", *_ORDERINGS})


def compile_filters(raw: str) -> Predicate:
    """A predicate for a `filters` query value.

    >>> from customers_sdk.sandbox._store import CustomerRecord
    >>> matches = compile_filters('{"or": [{"field": "email", "op": "contains", "value": "@acme"},'
    ...                           ' {"field": "metadata.tier", "op": "eq", "value": "gold"}]}')
    >>> matches(CustomerRecord("cus_1", 1, 0, 0, email="bo@acme.io"))
    True
    """
    try:
        document = parse_json(raw)
    except ValueError:
        raise _filter_error(f"filters is not valid JSON: {raw[:80]!r}") from None
    return _compile(document, depth=0)


def _compile(node: object, depth: int) -> Predicate:
    if depth > MAX_DEPTH:
        raise _filter_error(f"filters nest deeper than {MAX_DEPTH} levels.")
    if not isinstance(node, dict):
        raise _filter_error(f"Each filter must be a JSON object, got {json.dumps(node)}.")
    keys = set(node)
    if keys in ({"and"}, {"or"}):
        (combinator,) = keys
        children = node[combinator]
        if not isinstance(children, list) or not children:
            raise _filter_error(f"{combinator!r} takes a non-empty list of filters.")
        predicates = [_compile(child, depth + 1) for child in children]
        if combinator == "and":
            return lambda record: all(predicate(record) for predicate in predicates)
        return lambda record: any(predicate(record) for predicate in predicates)
    if keys == {"field", "op", "value"}:
        return _condition(node["field"], node["op"], node["value"])
    raise _filter_error(
        'A filter is {"field", "op", "value"}, {"and": [...]} or {"or": [...]}; '
        f"got keys {sorted(keys)}."
    )


def _condition(field_name: object, op: object, value: object) -> Predicate:
    field = _field(field_name)
    if op not in OPS:
        raise _filter_error(f"Unknown op {op!r}; expected one of {sorted(OPS)}.")
    if op == "in":
        if not isinstance(value, list):
            raise _filter_error(f"op 'in' takes a list, got {json.dumps(value)}.")
        for item in value:
            _check_value(field_name, field, item, nullable=True)
        return lambda record: field.read(record) in value
    if op in ("eq", "neq"):
        _check_value(field_name, field, value, nullable=True)
        if op == "eq":
            return lambda record: field.read(record) == value
        return lambda record: field.read(record) != value
    if op == "contains":
        if field.value_types != _STRING:
            raise _filter_error(f"op 'contains' applies to text fields, not {field_name!r}.")
        if not isinstance(value, str):
            raise _filter_error(f"op 'contains' takes a string, got {json.dumps(value)}.")
        return lambda record: value in (field.read(record) or "")
    _check_value(field_name, field, value, nullable=False)
    if not field.ordered:
        raise _filter_error(f"op {op!r} does not apply to {field_name!r}.")
    compare = _ORDERINGS[str(op)]

    def ordered(record: CustomerRecord) -> bool:
        actual = field.read(record)
        return actual is not None and compare(actual, value)

    return ordered


def _field(name: object) -> _Field:
    if isinstance(name, str) and name in FIELDS:
        return FIELDS[name]
    key = name.removeprefix(METADATA_PREFIX) if isinstance(name, str) else ""
    if key and key != name:
        return _Field(lambda record: record.metadata.get(key), _STRING, ordered=True)
    raise _filter_error(
        f"Unknown field {name!r}; expected one of {sorted(FIELDS)} or 'metadata.<key>'."
    )


def _check_value(field_name: object, field: _Field, value: object, *, nullable: bool) -> None:
    if value is None and nullable:
        return
    # bool is an int in Python but never a number in a filter.
    is_bool_mismatch = isinstance(value, bool) and bool not in field.value_types
    if is_bool_mismatch or not isinstance(value, field.value_types):
        raise _filter_error(f"Value {json.dumps(value)} does not fit field {field_name!r}.")


def _filter_error(message: str) -> ApiError:
    return ApiError(400, "invalid_request_error", message, code="invalid_filters", param="filters")
