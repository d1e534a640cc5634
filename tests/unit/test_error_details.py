"""What an ``APIError`` carries besides its status: ``type``, ``code``, ``param``, ``doc_url``,
``request_id``, ``headers``, ``body``, and a ``CardError``'s ``decline_code``; the response
headers on results and pages; the API key masked in all of those headers.

Every test runs against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from conftest import (
    API_KEY,
    CARD_DECLINED,
    COLLECTIONS,
    DIALECTS,
    Drive,
    assert_card_declined,
    page_body,
    unit_driver,
    wire_customer,
)
from customers_sdk import APIError, CardError, NotFoundError, RateLimitError

LOG_URL = "https://dashboard.stripe.com/test/logs/req_card?t=1"
DECLINED = {"error": {**CARD_DECLINED["error"], "request_log_url": LOG_URL}}


def _raised(drive: Drive, mock_api: respx.MockRouter, status: int, **response: Any) -> APIError:
    mock_api.post(COLLECTIONS["stripe"]).respond(status, **response)
    with pytest.raises(APIError) as caught:
        unit_driver(drive, "stripe").create(email="a@example.com")
    return caught.value


def test_a_card_error_carries_every_detail(drive: Drive, mock_api: respx.MockRouter) -> None:
    error = _raised(drive, mock_api, 402, json=DECLINED, headers={"Request-Id": "req_card"})
    assert_card_declined(error)
    assert error.request_id == "req_card"
    assert error.headers["request-id"] == "req_card"
    assert error.body == DECLINED
    assert error.retries == 0
    assert str(error) == (
        "402: Your card was declined. type=card_error code=card_declined "
        "decline_code=generic_decline request_id=req_card"
    )
    assert repr(error) == (
        "CardError(status_code=402, message='Your card was declined.', type='card_error', "
        "code='card_declined', decline_code='generic_decline', param='', "
        "request_id='req_card')"
    )


@pytest.mark.parametrize(
    "error_body",
    [
        {"type": "invalid_request_error", "message": "No card."},  # not a card_error
        {"type": "card_error", "code": "card_declined", "message": "No reason given."},
        {"type": "card_error", "decline_code": 51, "message": "A number, not a string."},
    ],
)
def test_every_402_is_a_card_error_its_decline_code_none_without_one(
    drive: Drive, mock_api: respx.MockRouter, error_body: dict[str, Any]
) -> None:
    # As stripe-python maps it: the status decides, whatever the body's type.
    error = _raised(drive, mock_api, 402, json={"error": error_body})
    assert type(error) is CardError
    assert isinstance(error, CardError)
    assert error.decline_code is None
    assert "decline_code" not in str(error)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_details_the_server_did_not_send_are_none(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    mock_api.get(COLLECTIONS[dialect]).respond(404, json={"error": {"message": "Gone."}})
    with pytest.raises(NotFoundError) as caught:
        unit_driver(drive, dialect).first_page()
    error = caught.value
    assert error.message == "Gone."
    details = (error.type, error.code, error.param, error.doc_url, error.request_id)
    assert details == (None, None, None, None, None)
    assert error.headers["content-type"] == "application/json"
    assert str(error) == "404: Gone."


def test_a_body_with_a_type_and_no_code_has_code_none(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    body = {"error": {"type": "invalid_request_error", "message": "Bad."}}
    error = _raised(drive, mock_api, 400, json=body)
    assert (error.type, error.code) == ("invalid_request_error", None)
    assert str(error) == "400: Bad. type=invalid_request_error"


def test_details_that_are_not_strings_are_none(drive: Drive, mock_api: respx.MockRouter) -> None:
    junk = {
        "type": 7,
        "code": ["card_declined"],
        "param": {"name": "email"},
        "doc_url": None,
        "decline_code": True,
        "message": "Junk everywhere.",
    }
    error = _raised(drive, mock_api, 402, json={"error": junk})
    assert isinstance(error, CardError)
    details = (error.type, error.code, error.param, error.doc_url, error.decline_code)
    assert details == (None, None, None, None, None)
    assert error.body == {"error": junk}  # the body itself is kept as sent


def test_a_body_that_is_not_json_has_no_details(drive: Drive, mock_api: respx.MockRouter) -> None:
    error = _raised(drive, mock_api, 429, text="slow down", headers={"Retry-After": "0"})
    assert isinstance(error, RateLimitError)
    assert (error.type, error.code, error.param, error.doc_url) == (None, None, None, None)
    assert error.headers["retry-after"] == "0"
    assert error.body == "slow down"


def test_an_error_built_by_hand_has_empty_headers() -> None:
    error = CardError("Declined.", status_code=402)
    assert (error.type, error.code, error.decline_code, error.body) == (None, None, None, None)
    assert isinstance(error.headers, httpx.Headers)
    assert not error.headers


# -- response headers ---------------------------------------------------------------------------
def test_results_and_pages_carry_their_response_headers(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    headers = {"Request-Id": "req_1", "Stripe-Version": "2024-06-20", "X-Ratelimit-Remaining": "9"}
    mock_api.get(f"{COLLECTIONS['stripe']}/cus_0001").respond(
        200, json=wire_customer("stripe", 1), headers=headers
    )
    mock_api.get(COLLECTIONS["stripe"]).respond(
        200, json=page_body("stripe", [wire_customer("stripe", 1)], has_more=False), headers=headers
    )
    client = unit_driver(drive, "stripe")
    customer_info = client.get("cus_0001").response_info
    page_info = client.first_page().response_info
    for info in (customer_info, page_info):
        assert info is not None
        assert info.headers["stripe-version"] == "2024-06-20"
        assert info.headers["x-ratelimit-remaining"] == "9"
        assert info.headers["request-id"] == info.request_id == "req_1"


ECHOES = [
    {"X-Echo": f"Bearer {API_KEY}"},
    {"X-Debug": f"key={API_KEY}; other=1", "Server": "nginx"},
    {f"X-{API_KEY}": "in the name"},
]


@pytest.mark.parametrize("echo", ECHOES)
def test_a_key_echoed_in_a_header_is_masked_on_errors_and_results(
    drive: Drive, mock_api: respx.MockRouter, echo: dict[str, str]
) -> None:
    url = f"{COLLECTIONS['stripe']}/cus_0001"
    mock_api.get(url).respond(200, json=wire_customer("stripe", 1), headers=echo)
    client = unit_driver(drive, "stripe")
    info = client.get("cus_0001").response_info
    assert info is not None
    mock_api.get(url).respond(404, json={"error": {"message": "Gone."}}, headers=echo)
    with pytest.raises(NotFoundError) as caught:
        client.get("cus_0001")
    for headers in (info.headers, caught.value.headers):
        shown = repr(headers.raw) + repr(headers.multi_items())
        assert API_KEY.lower() not in shown.lower()  # names are lower-cased by lookups
        assert "***" in shown
        assert headers["content-type"] == "application/json"  # the others are kept
    assert API_KEY not in str(caught.value) + repr(caught.value)


def test_headers_without_the_key_are_passed_on_as_they_are(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    # A short key is masked only as a whole token: "k" in "keep-alive" is not the key.
    mock_api.get(f"{COLLECTIONS['stripe']}/cus_0001").respond(
        200, json=wire_customer("stripe", 1), headers={"Connection": "keep-alive", "X-Key": "k"}
    )
    info = unit_driver(drive, "stripe", api_key="k").get("cus_0001").response_info
    assert info is not None
    assert info.headers["connection"] == "keep-alive"
    assert info.headers["x-key"] == "***"
