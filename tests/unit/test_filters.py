"""The typed filter builder and the checks on raw filter documents (cursor dialect)."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

import pytest

from customers_sdk import (
    Condition,
    FieldRef,
    Filter,
    FilterGroup,
    InvalidParameterError,
    where,
)
from customers_sdk._filters import MAX_FILTER_DEPTH, check_filter, filters_json


@pytest.mark.parametrize(
    ("built", "op", "value"),
    [
        (where("email").eq("a@b.co"), "eq", "a@b.co"),
        (where("name").neq(None), "neq", None),
        (where("email").contains("@example.com"), "contains", "@example.com"),
        (where("created_at").gt(1), "gt", 1),
        (where("created_at").gte(2), "gte", 2),
        (where("created_at").lt(3), "lt", 3),
        (where("created_at").lte(4), "lte", 4),
        (where("metadata.tier").in_(("gold", "silver")), "in", ["gold", "silver"]),
    ],
)
def test_every_op_builds_its_condition(built: Condition, op: str, value: Any) -> None:
    field = built.field
    assert built.to_dict() == {"field": field, "op": op, "value": value}
    assert check_filter(built) == built.to_dict()


def test_where_returns_the_public_field_ref() -> None:
    ref = where("metadata.tier")
    assert type(ref) is FieldRef
    assert ref == FieldRef("metadata.tier")
    assert ref.in_(("gold", "silver")) == Condition("metadata.tier", "in", ["gold", "silver"])


def test_and_or_nest_and_flatten() -> None:
    a, b, c, d = (where(f).eq(i) for i, f in enumerate("abcd"))
    assert (a & b & c).to_dict() == {"and": [a.to_dict(), b.to_dict(), c.to_dict()]}
    assert (a | b | c).to_dict() == {"or": [a.to_dict(), b.to_dict(), c.to_dict()]}
    nested = (a | b) & (c | d)
    assert nested.to_dict() == {
        "and": [{"or": [a.to_dict(), b.to_dict()]}, {"or": [c.to_dict(), d.to_dict()]}]
    }
    mixed = (a & b) | c
    assert mixed.to_dict() == {"or": [{"and": [a.to_dict(), b.to_dict()]}, c.to_dict()]}
    assert isinstance(nested, FilterGroup)
    assert isinstance(nested, Filter)


def test_conditions_compare_by_value() -> None:
    assert where("email").eq("x") == Condition("email", "eq", "x")
    assert where("email").eq("x") != where("email").neq("x")


def test_raw_documents_are_checked_and_returned_as_plain_dicts() -> None:
    raw = {
        "or": [
            {"field": "email", "op": "eq", "value": "a@b.co"},
            {
                "and": [
                    {"field": "created_at", "op": "gte", "value": 1},
                    {"field": "x", "op": "in", "value": ("p", "q")},
                ]
            },
        ]
    }
    checked = check_filter(raw)
    assert checked["or"][0] == raw["or"][0]
    assert checked["or"][1]["and"][1] == {"field": "x", "op": "in", "value": ["p", "q"]}


@pytest.mark.parametrize(
    ("document", "where_in_message"),
    [
        ("email = x", "filters must be a dict"),
        (["field", "op"], "filters must be a dict"),
        ({}, "got keys []"),
        ({"field": "email", "op": "eq"}, "got keys ['field', 'op']"),
        ({"field": "email", "op": "eq", "value": 1, "extra": 2}, "got keys"),
        ({"and": [], "or": []}, "got keys ['and', 'or']"),
        ({"and": []}, "filters.and must be a non-empty list"),
        ({"or": "abc"}, "filters.or must be a non-empty list"),
        ({"and": [{"field": "", "op": "eq", "value": 1}]}, "filters.and[0].field"),
        ({"field": 3, "op": "eq", "value": 1}, "filters.field"),
        ({"field": "email", "op": "like", "value": "x"}, "op 'like' is not one of"),
        ({"or": [{"and": [{"field": "a", "op": "~", "value": 1}]}]}, "filters.or[0].and[0].op"),
        ({"field": "email", "op": "in", "value": "abc"}, "op 'in' takes a list"),
        ({"field": "email", "op": "in", "value": 5}, "op 'in' takes a list"),
    ],
)
def test_malformed_documents_are_rejected(document: Any, where_in_message: str) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        check_filter(document)
    assert caught.value.param == "filters"
    assert isinstance(caught.value, ValueError)
    assert where_in_message in str(caught.value)


def test_builder_rejects_bad_fields_and_ops_at_once() -> None:
    with pytest.raises(InvalidParameterError, match="non-empty string"):
        where("")
    with pytest.raises(InvalidParameterError, match="non-empty string"):
        where(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="is not one of"):
        Condition("email", "like", "x")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="takes a list"):
        Condition("email", "in", "x")


def test_groups_built_by_hand_are_checked_too() -> None:
    with pytest.raises(InvalidParameterError, match="non-empty list"):
        check_filter(FilterGroup("and", ()))
    with pytest.raises(InvalidParameterError, match="got keys"):
        check_filter(FilterGroup("xor", (where("a").eq(1),)))  # type: ignore[arg-type]
    inner = FilterGroup("or", (FilterGroup("and", ()),))
    with pytest.raises(InvalidParameterError, match=r"filters\.or\[0\]\.and"):
        check_filter(inner)


def test_base_filter_has_no_document() -> None:
    with pytest.raises(NotImplementedError):
        Filter().to_dict()


# -- what JSON cannot carry, and how deep filters may nest --------------------------------------
def _nested(depth: int) -> dict[str, Any]:
    document: dict[str, Any] = {"field": "email", "op": "eq", "value": "a@b.co"}
    for level in range(depth - 1):
        document = {("and", "or")[level % 2]: [document]}
    return document


def test_filters_nest_up_to_the_cap() -> None:
    assert check_filter(_nested(MAX_FILTER_DEPTH)) == _nested(MAX_FILTER_DEPTH)
    with pytest.raises(InvalidParameterError, match=f"deeper than {MAX_FILTER_DEPTH} levels"):
        check_filter(_nested(MAX_FILTER_DEPTH + 1))


def test_filters_nested_500_deep_are_refused_without_a_recursion_error() -> None:
    with pytest.raises(InvalidParameterError, match="deeper than") as caught:
        check_filter(_nested(500))
    assert caught.value.param == "filters"


def test_a_self_containing_filter_document_is_refused() -> None:
    document: dict[str, Any] = {"and": []}
    document["and"].append(document)
    with pytest.raises(InvalidParameterError, match="deeper than"):
        check_filter(document)


def test_the_builder_refuses_to_nest_past_the_cap() -> None:
    built: Filter = where("a").eq(1)
    for level in range(MAX_FILTER_DEPTH - 1):
        other = where(f"f{level}").eq(level)
        built = (built & other) if level % 2 else (built | other)
    assert isinstance(built, FilterGroup)
    assert (built.kind, built.depth) == ("or", MAX_FILTER_DEPTH)
    assert check_filter(built) == built.to_dict()
    assert (built | where("b").eq(2)).depth == MAX_FILTER_DEPTH  # same kind: flattened
    with pytest.raises(InvalidParameterError, match="deeper than"):
        built & where("b").eq(2)
    with pytest.raises(InvalidParameterError, match="deeper than"):
        FilterGroup("and", (built,))


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_values_json_cannot_carry_are_refused(value: float) -> None:
    with pytest.raises(InvalidParameterError, match="JSON cannot carry"):
        where("created_at").gt(value)
    with pytest.raises(InvalidParameterError, match=r"filters\.or\[1\]\.value\[1\]"):
        check_filter({"or": [_nested(1), {"field": "x", "op": "in", "value": [1, value]}]})


@pytest.mark.parametrize(
    "value", [object(), {"a": 1}, [1], b"bytes", datetime(2024, 1, 1, tzinfo=timezone.utc)]
)
def test_values_that_are_not_json_scalars_are_refused(value: Any) -> None:
    with pytest.raises(InvalidParameterError, match="must be a string, a number, a bool or None"):
        check_filter({"field": "x", "op": "eq", "value": value})


def test_texts_with_lone_surrogates_are_refused() -> None:
    with pytest.raises(InvalidParameterError, match="lone surrogate"):
        where("email").eq("a\ud800")
    with pytest.raises(InvalidParameterError, match="lone surrogate"):
        where("metadata.\udc00").eq("a")


def test_scalars_pass_and_serialise_compactly() -> None:
    checked = check_filter(
        {"and": [{"field": "x", "op": "in", "value": ["é", 1, 1.5, True, None]}, _nested(1)]}
    )
    assert filters_json(checked) == (
        '{"and":[{"field":"x","op":"in","value":["\\u00e9",1,1.5,true,null]},'
        '{"field":"email","op":"eq","value":"a@b.co"}]}'
    )


def test_an_int_too_long_to_print_is_refused() -> None:
    checked = check_filter({"field": "created_at", "op": "gt", "value": 10**5000})
    with pytest.raises(InvalidParameterError, match="cannot be encoded as JSON"):
        filters_json(checked)
