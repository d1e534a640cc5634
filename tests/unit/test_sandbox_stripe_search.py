"""`GET /v1/customers/search`: Stripe's query language, paging with `next_page`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from conftest import sandbox_client
from customers_sdk.sandbox import Sandbox

Customer = dict[str, Any]


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """Shared by the module's tests, which therefore only read."""
    with sandbox_client(Sandbox(customers=120)) as client:
        yield client


@pytest.fixture(scope="module")
def everyone(http: httpx.Client) -> list[Customer]:
    first = http.get("/v1/customers", params={"limit": 100}).json()
    last_id = first["data"][-1]["id"]
    rest = http.get("/v1/customers", params={"limit": 100, "starting_after": last_id}).json()
    customers: list[Customer] = first["data"] + rest["data"]
    return customers


def search_all(http: httpx.Client, query: str, limit: int = 100) -> list[Customer]:
    found: list[Customer] = []
    params: dict[str, Any] = {"query": query, "limit": limit}
    while True:
        response = http.get("/v1/customers/search", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["data"]
        if not page["has_more"]:
            assert page["next_page"] is None
            return found
        params["page"] = page["next_page"]


def expected_ids(everyone: list[Customer], keep: Callable[[Customer], bool]) -> list[str]:
    return [customer["id"] for customer in everyone if keep(customer)]


def found_ids(http: httpx.Client, query: str) -> list[str]:
    return [customer["id"] for customer in search_all(http, query)]


def test_search_result_shape(http: httpx.Client) -> None:
    page = http.get("/v1/customers/search", params={"query": "created>0"}).json()
    assert page["object"] == "search_result"
    assert page["url"] == "/v1/customers/search"
    assert len(page["data"]) == 10
    assert page["has_more"] is True
    assert page["next_page"].startswith("page_")


def test_paging_with_next_page_visits_every_match_once(
    http: httpx.Client, everyone: list[Customer]
) -> None:
    walked = [c["id"] for c in search_all(http, "created>0", limit=7)]
    assert walked == [c["id"] for c in everyone]


def test_exact_matches_ignore_case(http: httpx.Client, everyone: list[Customer]) -> None:
    someone = next(c for c in everyone if c["email"] and c["phone"] and c["name"])
    assert found_ids(http, f"email:'{someone['email'].upper()}'") == [someone["id"]]
    name_query = f'name:"{someone["name"]}"'
    assert someone["id"] in found_ids(http, name_query)
    assert found_ids(http, name_query) == expected_ids(
        everyone, lambda c: (c["name"] or "").lower() == someone["name"].lower()
    )
    assert found_ids(http, f"phone:'{someone['phone']}'") == [someone["id"]]


def test_substring_and_metadata(http: httpx.Client, everyone: list[Customer]) -> None:
    assert found_ids(http, "email~'acme.io'") == expected_ids(
        everyone, lambda c: "acme.io" in (c["email"] or "")
    )
    for quoted in ("metadata['tier']:'gold'", 'metadata["tier"]:"gold"'):
        assert found_ids(http, quoted) == expected_ids(
            everyone, lambda c: c["metadata"].get("tier") == "gold"
        )


@pytest.mark.parametrize("op", [">", ">=", "<", "<=", ":"])
def test_created_comparisons(http: httpx.Client, everyone: list[Customer], op: str) -> None:
    pivot = everyone[40]["created"]
    compare: dict[str, Callable[[int], bool]] = {
        ">": lambda created: created > pivot,
        ">=": lambda created: created >= pivot,
        "<": lambda created: created < pivot,
        "<=": lambda created: created <= pivot,
        ":": lambda created: created == pivot,
    }
    assert found_ids(http, f"created{op}{pivot}") == expected_ids(
        everyone, lambda c: compare[op](c["created"])
    )


def test_and_or_and_negation(http: httpx.Client, everyone: list[Customer]) -> None:
    def gold(c: Customer) -> bool:
        return bool(c["metadata"].get("tier") == "gold")

    def acme(c: Customer) -> bool:
        return "acme.io" in (c["email"] or "")

    both = "metadata['tier']:'gold' AND email~'acme.io'"
    either = "metadata['tier']:'gold' OR email~'acme.io'"
    assert found_ids(http, both) == expected_ids(everyone, lambda c: gold(c) and acme(c))
    assert found_ids(http, either) == expected_ids(everyone, lambda c: gold(c) or acme(c))
    assert found_ids(http, "-email~'acme.io'") == expected_ids(everyone, lambda c: not acme(c))


def test_escaped_quotes_in_values() -> None:
    with sandbox_client(Sandbox(customers=3)) as http:
        created = http.post("/v1/customers", data={"name": "Miles O'Brien"}).json()
        assert found_ids(http, r"name:'Miles O\'Brien'") == [created["id"]]


@pytest.mark.parametrize(
    "query",
    [
        "email:'a' AND name:'b' OR phone:'c'",
        "email",
        "email:'unterminated",
        "colour:'red'",
        "created~'12'",
        "email>'a'",
        "email~'ab'",
        "email:unquoted",
        "created>soon",
        "created>'soon'",
        "email:'a' name:'b'",
        " AND ".join(["created>0"] * 11),
    ],
)
def test_bad_queries_are_400(http: httpx.Client, query: str) -> None:
    response = http.get("/v1/customers/search", params={"query": query})
    assert response.status_code == 400, query
    assert response.json()["error"]["param"] == "query"


def test_quoted_integers_work_for_created(http: httpx.Client, everyone: list[Customer]) -> None:
    assert len(found_ids(http, "created>'0'")) == len(everyone)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({}, "query"),
        ({"query": ""}, "query"),
        ({"query": "created>0", "limit": "0"}, "limit"),
        ({"query": "created>0", "page": "garbage"}, "page"),
        ({"query": "created>0", "page": "page_!!!"}, "page"),
        ({"query": "created>0", "page": "page_bm9jb2xvbg"}, "page"),
        ({"query": "created>0", "starting_after": "cus_x"}, "starting_after"),
    ],
)
def test_bad_search_params_are_400(http: httpx.Client, params: dict[str, str], param: str) -> None:
    response = http.get("/v1/customers/search", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
