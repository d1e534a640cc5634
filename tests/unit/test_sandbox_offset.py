"""The sandbox's `offset` dialect (seed 002) under /api/public/customers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import sandbox_client
from customers_sdk.sandbox import Sandbox, SandboxTransport

PATH = "/api/public/customers"
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
CUSTOMER_FIELDS = {
    "id", "email", "firstName", "lastName", "phone", "stripeCustomerId",
    "hasActiveSubscription", "createdAt", "updatedAt",
}  # fmt: skip
SUBSCRIPTION_STATUSES = {
    "active", "trialing", "past_due", "canceled", "unpaid", "incomplete",
    "incomplete_expired", "paused",
}  # fmt: skip


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(customers=120, restricted_api_key="key_restricted_1234")


@pytest.fixture
def http(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with sandbox_client(sandbox) as client:
        yield client


def all_customers(http: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    first = http.get(PATH, params={"limit": 100, **params}).json()
    rest = http.get(PATH, params={"limit": 100, "offset": 100, **params}).json()
    customers: list[dict[str, Any]] = first["data"] + rest["data"]
    return customers


def test_defaults_and_pagination_block(http: httpx.Client) -> None:
    page = http.get(PATH).json()
    assert set(page) == {"data", "pagination"}
    assert len(page["data"]) == 50
    assert page["pagination"] == {"total": 120, "limit": 50, "offset": 0, "hasMore": True}
    last = http.get(PATH, params={"offset": 100, "limit": 50}).json()
    assert len(last["data"]) == 20
    assert last["pagination"] == {"total": 120, "limit": 50, "offset": 100, "hasMore": False}
    beyond = http.get(PATH, params={"offset": 500}).json()
    assert beyond["data"] == []
    assert beyond["pagination"]["hasMore"] is False


def test_walking_by_offset_visits_everyone_once_newest_first(http: httpx.Client) -> None:
    walked: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = http.get(PATH, params={"limit": 13, "offset": offset}).json()
        walked += page["data"]
        if not page["pagination"]["hasMore"]:
            break
        offset += 13
    assert len({c["id"] for c in walked}) == 120
    created = [c["createdAt"] for c in walked]
    assert created == sorted(created, reverse=True)
    stripe_order = http.get("/v1/customers", params={"limit": 100}).json()["data"]
    assert [c["stripeCustomerId"] for c in walked[:100]] == [c["id"] for c in stripe_order]


def test_customer_shape_follows_seed_002(http: httpx.Client) -> None:
    customers = all_customers(http)
    for customer in customers:
        assert set(customer) == CUSTOMER_FIELDS
        assert customer["id"].isdigit()
        assert customer["stripeCustomerId"].startswith("cus_")
        assert ISO_MS.fullmatch(customer["createdAt"])
        assert ISO_MS.fullmatch(customer["updatedAt"])
    assert sorted(int(c["id"]) for c in customers) == list(range(1, 121))


def test_names_split_into_first_and_last(http: httpx.Client) -> None:
    customers = {c["stripeCustomerId"]: c for c in all_customers(http)}
    stripe_names = {
        c["id"]: c["name"] for c in http.get("/v1/customers", params={"limit": 100}).json()["data"]
    }
    kinds = set()
    for customer_id, name in stripe_names.items():
        customer = customers[customer_id]
        if name is None:
            kinds.add("none")
            assert (customer["firstName"], customer["lastName"]) == (None, None)
        elif " " not in name:
            kinds.add("single")
            assert (customer["firstName"], customer["lastName"]) == (name, None)
        else:
            kinds.add("full")
            assert f"{customer['firstName']} {customer['lastName']}" == name
    assert kinds == {"none", "single", "full"}


@pytest.mark.parametrize("flag", ["true", "1", "TRUE"])
def test_include_subscriptions(http: httpx.Client, flag: str) -> None:
    customers = all_customers(http, include_subscriptions=flag)
    subscriptions = [s for c in customers for s in c["subscriptions"]]
    assert {s["status"] for s in subscriptions} == SUBSCRIPTION_STATUSES
    assert any(s["plan"] is None for s in subscriptions)
    assert any(not c["subscriptions"] for c in customers)
    for customer in customers:
        statuses = {s["status"] for s in customer["subscriptions"]}
        assert customer["hasActiveSubscription"] == bool(statuses & {"active", "trialing"})
    for subscription in subscriptions:
        assert set(subscription) == {
            "id", "status", "currentPeriodStart", "currentPeriodEnd", "plan",
        }  # fmt: skip
        assert subscription["id"].startswith("sub_")
        assert ISO_MS.fullmatch(subscription["currentPeriodStart"])
        if subscription["plan"] is not None:
            assert set(subscription["plan"]) == {
                "stripePriceId", "name", "amount", "currency", "interval",
            }  # fmt: skip
            assert subscription["plan"]["interval"] in {"month", "year"}


@pytest.mark.parametrize("flag", ["false", "0", "False"])
def test_subscriptions_are_left_out_unless_asked(http: httpx.Client, flag: str) -> None:
    customers = http.get(PATH, params={"include_subscriptions": flag}).json()["data"]
    assert all("subscriptions" not in c for c in customers)
    assert any(c["hasActiveSubscription"] for c in customers)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": "0"}, "invalid_limit"),
        ({"limit": "101"}, "invalid_limit"),
        ({"limit": "ten"}, "invalid_limit"),
        ({"offset": "-1"}, "invalid_offset"),
        ({"offset": "x"}, "invalid_offset"),
        ({"include_subscriptions": "yes"}, "invalid_include_subscriptions"),
    ],
)
def test_bad_params_are_400(http: httpx.Client, params: dict[str, str], code: str) -> None:
    response = http.get(PATH, params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"type", "code", "message"}
    assert error["type"] == "invalid_request_error"
    assert error["code"] == code


@pytest.mark.parametrize(
    ("authorization", "status", "error_type"),
    [
        (None, 401, "authentication_error"),
        ("Bearer wrong_key_1234567", 401, "authentication_error"),
        ("Basic c2tfdGVzdF9zYW5kYm94Og==", 401, "authentication_error"),
        ("Bearer key_restricted_1234", 403, "permission_error"),
    ],
)
def test_auth_errors(
    sandbox: Sandbox, authorization: str | None, status: int, error_type: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox") as client:
        response = client.get(PATH, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["type"] == error_type
    assert "wrong_key_1234567" not in response.text
    assert "key_restricted_1234" not in response.text


def test_unknown_extra_params_are_ignored(http: httpx.Client) -> None:
    assert http.get(PATH, params={"sort": "name"}).status_code == 200


def test_only_get_on_the_collection(http: httpx.Client) -> None:
    response = http.post(PATH, json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("path", [f"{PATH}/1", "/api/public/other", "/api"])
def test_unknown_paths_are_404_in_the_rest_shape(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "route_not_found"
