"""The cursor dialect's `filters` document: every op, nesting, errors, filtered paging."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from conftest import sandbox_client
from customers_sdk.sandbox import Sandbox

PATH = "/rest/v1/customers"
Customer = dict[str, Any]


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """Shared by the module's tests, which therefore only read."""
    with sandbox_client(Sandbox(customers=150)) as client:
        yield client


@pytest.fixture(scope="module")
def everyone(http: httpx.Client) -> list[Customer]:
    customers: list[Customer] = http.get(PATH, params={"limit": 1000}).json()["data"]
    return customers


def filtered(http: httpx.Client, document: object, limit: int = 1000) -> list[str]:
    """Every id matching `document`, walking pages of `limit` with the filter on each."""
    found: list[str] = []
    params: dict[str, Any] = {"limit": limit, "filters": json.dumps(document)}
    while True:
        response = http.get(PATH, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        found += [customer["id"] for customer in page["data"]]
        if not page["has_more"]:
            return found
        params["starting_after"] = found[-1]


def where(everyone: list[Customer], keep: Callable[[Customer], bool]) -> list[str]:
    return [customer["id"] for customer in everyone if keep(customer)]


def condition(field: object, op: str, value: object) -> dict[str, object]:
    return {"field": field, "op": op, "value": value}


def test_every_op(http: httpx.Client, everyone: list[Customer]) -> None:
    someone = next(c for c in everyone if c["email"] and c["phone"])
    pivot = everyone[70]["created_at"]
    cases: list[tuple[dict[str, object], Callable[[Customer], bool]]] = [
        (condition("email", "eq", someone["email"]), lambda c: c["email"] == someone["email"]),
        (condition("email", "neq", someone["email"]), lambda c: c["email"] != someone["email"]),
        (condition("email", "eq", None), lambda c: c["email"] is None),
        (condition("email", "contains", "@acme.io"), lambda c: "@acme.io" in (c["email"] or "")),
        (condition("name", "contains", "Ada"), lambda c: "Ada" in (c["name"] or "")),
        (condition("created_at", "gt", pivot), lambda c: c["created_at"] > pivot),
        (condition("created_at", "gte", pivot), lambda c: c["created_at"] >= pivot),
        (condition("created_at", "lt", pivot), lambda c: c["created_at"] < pivot),
        (condition("created_at", "lte", pivot), lambda c: c["created_at"] <= pivot),
        (condition("name", "gte", "M"), lambda c: c["name"] is not None and c["name"] >= "M"),
        (
            condition("id", "in", [someone["id"], everyone[3]["id"], "cus_nobody"]),
            lambda c: c["id"] in (someone["id"], everyone[3]["id"]),
        ),
        (
            condition("phone", "in", [someone["phone"], None]),
            lambda c: c["phone"] in (someone["phone"], None),
        ),
        (condition("live", "eq", False), lambda c: True),
        (condition("live", "eq", True), lambda c: False),
        (condition("metadata.tier", "eq", "gold"), lambda c: c["metadata"].get("tier") == "gold"),
        (condition("metadata.tier", "eq", None), lambda c: "tier" not in c["metadata"]),
        (
            condition("metadata.source", "neq", "import"),
            lambda c: c["metadata"].get("source") != "import",
        ),
    ]  # fmt: skip
    for document, keep in cases:
        expected = where(everyone, keep)
        assert filtered(http, document) == expected, document
    assert where(everyone, lambda c: c["email"] is None)  # the null case is not vacuous


def test_nested_and_or(http: httpx.Client, everyone: list[Customer]) -> None:
    gold = condition("metadata.tier", "eq", "gold")
    acme = condition("email", "contains", "@acme.io")
    no_phone = condition("phone", "eq", None)
    document = {"or": [{"and": [gold, acme]}, {"and": [no_phone, {"or": [acme, gold]}]}]}

    def keep(c: Customer) -> bool:
        is_gold = c["metadata"].get("tier") == "gold"
        is_acme = "@acme.io" in (c["email"] or "")
        return (is_gold and is_acme) or (c["phone"] is None and (is_acme or is_gold))

    expected = where(everyone, keep)
    assert expected
    assert filtered(http, document) == expected


def test_filters_carry_across_pages(http: httpx.Client, everyone: list[Customer]) -> None:
    gold = condition("metadata.tier", "eq", "gold")
    expected = where(everyone, lambda c: c["metadata"].get("tier") == "gold")
    assert len(expected) > 20
    assert filtered(http, gold, limit=6) == expected


def test_filtered_backward_page(http: httpx.Client, everyone: list[Customer]) -> None:
    gold_ids = where(everyone, lambda c: c["metadata"].get("tier") == "gold")
    params: dict[str, str | int] = {
        "limit": 3,
        "filters": json.dumps(condition("metadata.tier", "eq", "gold")),
        "ending_before": gold_ids[10],
    }
    page = http.get(PATH, params=params).json()
    assert [c["id"] for c in page["data"]] == gold_ids[7:10]
    assert page["has_more"] is True


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        json.dumps(condition("email", "like", "x")),
        json.dumps(condition("colour", "eq", "red")),
        json.dumps(condition("metadata.", "eq", "x")),
        json.dumps(condition(5, "eq", "x")),
        json.dumps(condition("email", "eq", 5)),
        json.dumps(condition("created_at", "gt", "yesterday")),
        json.dumps(condition("created_at", "gt", True)),
        json.dumps(condition("created_at", "eq", False)),
        json.dumps(condition("created_at", "contains", "1")),
        json.dumps(condition("email", "contains", 1)),
        json.dumps(condition("email", "gt", None)),
        json.dumps(condition("live", "gt", False)),
        json.dumps(condition("live", "eq", "false")),
        json.dumps(condition("id", "in", "cus_1")),
        json.dumps(condition("id", "in", [1])),
        json.dumps({"field": "email", "op": "eq"}),
        json.dumps({**condition("email", "eq", "x"), "extra": 1}),
        json.dumps({"and": []}),
        json.dumps({"or": condition("email", "eq", "x")}),
        json.dumps({"and": [condition("email", "eq", "x")], "or": []}),
        json.dumps([condition("email", "eq", "x")]),
        json.dumps({"not": condition("email", "eq", "x")}),
        json.dumps({"and": [{"and": [{"and": [{}]}]}]}),
        "{" * 5 + "}" * 5,
    ],
)
def test_bad_filters_are_400(http: httpx.Client, raw: str) -> None:
    response = http.get(PATH, params={"filters": raw})
    assert response.status_code == 400, raw
    assert response.json()["error"]["code"] == "invalid_filters"


def test_nesting_is_bounded(http: httpx.Client) -> None:
    document: dict[str, object] = condition("email", "eq", "x")
    for _ in range(40):
        document = {"and": [document]}
    response = http.get(PATH, params={"filters": json.dumps(document)})
    assert response.status_code == 400
    assert "deeper" in response.json()["error"]["message"]


def test_ops_on_null_fields_never_match_orderings(http: httpx.Client) -> None:
    assert filtered(http, condition("email", "lt", "zzzz")) == filtered(
        http, {"and": [condition("email", "neq", None), condition("email", "lt", "zzzz")]}
    )
