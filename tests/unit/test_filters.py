"""The typed filter builder and the checks on raw filter documents (cursor dialect)."""

from __future__ import annotations

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
from customers_sdk._filters import check_filter


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
