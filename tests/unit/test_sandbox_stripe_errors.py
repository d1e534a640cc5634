"""The sandbox's Stripe error bodies: Stripe's test-mode card declines (402 ``card_error``) and
the ``doc_url`` Stripe links to each documented error code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import CARD_DECLINED, sandbox_client
from customers_sdk.sandbox import Sandbox


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with sandbox_client(Sandbox(customers=5)) as client:
        yield client


def count(http: httpx.Client) -> int:
    return len(http.get("/v1/customers", params={"limit": 100}).json()["data"])


def error_of(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()["error"]
    return body


def test_create_with_a_declined_card_is_402_and_stores_nothing(http: httpx.Client) -> None:
    response = http.post(
        "/v1/customers", data={"email": "no@example.com", "source": "tok_chargeDeclined"}
    )
    assert response.status_code == 402
    assert response.json() == CARD_DECLINED
    assert list(response.json()["error"]) == sorted(CARD_DECLINED["error"])  # Stripe's key order
    assert response.headers["request-id"].startswith("req_")
    assert count(http) == 5
    listed = http.get("/v1/customers", params={"email": "no@example.com"}).json()
    assert listed["data"] == []


def test_update_with_a_declined_card_is_402_and_changes_nothing(http: httpx.Client) -> None:
    customer = http.post("/v1/customers", data={"name": "Before", "source": "tok_visa"}).json()
    response = http.post(
        f"/v1/customers/{customer['id']}",
        data={"name": "After", "source": "tok_chargeDeclined"},
    )
    assert response.status_code == 402
    assert response.json() == CARD_DECLINED
    after = http.get(f"/v1/customers/{customer['id']}").json()
    assert (after["name"], after["default_source"]) == ("Before", "tok_visa")


@pytest.mark.parametrize(
    ("token", "decline_code", "message"),
    [
        ("tok_chargeDeclinedInsufficientFunds", "insufficient_funds", "Your card has insufficient"),
        ("tok_chargeDeclinedLostCard", "lost_card", "Your card was declined."),
        ("tok_chargeDeclinedStolenCard", "stolen_card", "Your card was declined."),
    ],
)
def test_each_declining_test_token_gives_its_decline_code(
    http: httpx.Client, token: str, decline_code: str, message: str
) -> None:
    response = http.post("/v1/customers", data={"source": token})
    assert response.status_code == 402
    error = error_of(response)
    assert (error["code"], error["decline_code"]) == ("card_declined", decline_code)
    assert error["message"].startswith(message)


@pytest.mark.parametrize(
    ("method", "path", "params", "code"),
    [
        ("GET", "/v1/customers/cus_missing", {}, "resource_missing"),
        ("GET", "/v1/customers", {"limit": "many"}, "parameter_invalid_integer"),
        ("GET", "/v1/customers", {"colour": "red"}, "parameter_unknown"),
        ("POST", "/v1/customers", {"address[street]": "1 Main St"}, "parameter_unknown"),
        ("POST", "/v1/customers", {"balance": "ten"}, "parameter_invalid_integer"),
        ("POST", "/v1/customers", {"source": ""}, "parameter_invalid_empty"),
        ("GET", "/v1/customers/search", {}, "parameter_missing"),
    ],
)
def test_documented_error_codes_link_to_their_page(
    http: httpx.Client, method: str, path: str, params: dict[str, str], code: str
) -> None:
    response = http.get(path, params=params) if method == "GET" else http.post(path, data=params)
    assert response.status_code in (400, 404)
    error = error_of(response)
    assert error["code"] == code
    assert error["doc_url"] == f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    assert "decline_code" not in error


def test_errors_without_a_documented_code_have_no_doc_url(http: httpx.Client) -> None:
    both = http.get("/v1/customers", params={"starting_after": "x", "ending_before": "y"})
    unauthenticated = http.get("/v1/customers", headers={"Authorization": "Bearer sk_test_no"})
    for response in (both, unauthenticated):
        assert response.status_code in (400, 401)
        assert "doc_url" not in error_of(response)
    assert "code" not in error_of(unauthenticated)
