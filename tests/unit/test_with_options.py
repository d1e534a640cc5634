"""``with_options`` (a light copy sharing the pool and the rate limiter, its options its own),
the pinned ``Stripe-Version``, and per-call ``stripe_account`` / ``stripe_version``."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from conftest import (
    API_KEY,
    COLLECTIONS,
    DIALECTS,
    OPERATIONS,
    Drive,
    Waits,
    call_operation,
    mock_operations,
    only_request,
    page_body,
    unit_driver,
)
from customers_sdk import (
    STRIPE_API_VERSION,
    AuthenticationError,
    InternalServerError,
    InvalidParameterError,
)

STRIPE_OPERATIONS = [operation for dialect, operation in OPERATIONS if dialect == "stripe"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_copy_is_the_same_class_and_shares_the_pool_and_the_limiter(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    route = mock_api.get(COLLECTIONS[dialect]).respond(json=page_body(dialect, [], has_more=False))
    original = unit_driver(drive, dialect, max_requests_per_second=1000)
    copy = drive.wrap(original.client.with_options(timeout=3))
    assert type(copy.client) is type(original.client)
    assert copy.client._http is original.client._http
    assert copy.client._settings.limiter is original.client._settings.limiter
    copy.close()  # the copy does not own the pool: the original still works
    assert original.first_page().data == []
    assert copy.first_page().data == []
    assert route.call_count == 2
    original.close()
    assert original.client._http.is_closed  # closing the original closes it for both


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_copys_options_are_its_own(
    drive: Drive, mock_api: respx.MockRouter, waits: Waits, dialect: str
) -> None:
    route = mock_api.get(COLLECTIONS[dialect]).mock(
        side_effect=[
            httpx.Response(500),
            httpx.Response(500),
            httpx.Response(200, json=page_body(dialect, [], has_more=False)),
            httpx.Response(500),
        ]
    )
    original = unit_driver(drive, dialect, default_headers={"X-Team": "core"}, timeout=60)
    copy = drive.wrap(
        original.client.with_options(
            timeout=7, max_retries=2, default_headers={"x-team": "edge", "X-Copy": "1"}
        )
    )
    copy.first_page()
    with pytest.raises(InternalServerError):
        original.first_page()
    copied, kept = route.calls[0].request, route.calls[3].request
    assert route.call_count == 4  # the copy retried twice, the original not at all
    assert copied.headers.get_list("X-Team") == ["edge"]
    assert copied.headers["X-Copy"] == "1"
    assert copied.extensions["timeout"]["read"] == 7
    assert kept.headers.get_list("X-Team") == ["core"]
    assert "X-Copy" not in kept.headers
    assert kept.extensions["timeout"]["read"] == 60
    assert len(waits.seconds) == 2


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_copy_with_another_key_sends_it_and_masks_it(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    # stripe-python takes an api_key per request; here a copy holds it (for the pool's sake).
    other = "sk_test_other_4eC39HqLyjWDarjtT1zd"
    echo = {"error": {"message": f"no such key: {other}", "type": "invalid_request_error"}}
    route = mock_api.get(COLLECTIONS[dialect]).mock(
        side_effect=[
            httpx.Response(401, json=echo),
            httpx.Response(200, json=page_body(dialect, [], has_more=False)),
        ]
    )
    original = unit_driver(drive, dialect)
    copy = drive.wrap(original.client.with_options(api_key=other))
    with pytest.raises(AuthenticationError) as error:
        copy.first_page()
    assert other not in str(error.value)
    assert other not in repr(error.value.body)
    original.first_page()
    sent = [call.request.headers["Authorization"] for call in route.calls]
    assert sent == [f"Bearer {other}", f"Bearer {API_KEY}"]


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": -1},
        {"timeout": "5"},
        {"timeout": float("inf")},
        {"timeout": httpx.Timeout(1.0, read=float("nan"))},
        {"max_retries": -1},
        {"max_retries": True},
        {"default_headers": {"X-A": "a\r\nInjected: 1"}},
        {"default_headers": {"Bad Name": "1"}},
        {"api_key": ""},
        {"api_key": "sk_test_x\r\nInjected: 1"},
        {"api_key": None},
    ],
)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_invalid_options_are_refused(drive: Drive, dialect: str, options: dict[str, Any]) -> None:
    client: Any = unit_driver(drive, dialect).client
    with pytest.raises(InvalidParameterError) as error:
        client.with_options(**options)
    assert error.value.param == next(iter(options))


@pytest.mark.parametrize(
    "options",
    [
        {"stripe_account": "acct_1\n"},
        {"stripe_account": 42},
        {"stripe_account": ""},
        {"stripe_version": ""},
        {"stripe_version": "2024-06-20\r\nX: 1"},
    ],
)
def test_invalid_stripe_options_are_refused(drive: Drive, options: dict[str, Any]) -> None:
    client: Any = unit_driver(drive, "stripe").client
    with pytest.raises(InvalidParameterError) as error:
        client.with_options(**options)
    assert error.value.param == next(iter(options))
    with pytest.raises(InvalidParameterError) as at_the_factory:
        drive.stripe(api_key="sk_test_x", **options)
    assert at_the_factory.value.param == next(iter(options))


# -- Stripe-Version and Stripe-Account ------------------------------------------------------------
@pytest.mark.parametrize(("dialect", "operation"), OPERATIONS)
def test_stripe_version_is_pinned_on_stripe_requests_only(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, operation: str
) -> None:
    route = mock_operations(mock_api, dialect)
    call_operation(unit_driver(drive, dialect), dialect, operation)
    headers = only_request(route).headers
    if dialect == "stripe":
        assert headers.get_list("Stripe-Version") == [STRIPE_API_VERSION]
    else:
        assert "Stripe-Version" not in headers
    assert "Stripe-Account" not in headers


@pytest.mark.parametrize("operation", STRIPE_OPERATIONS)
def test_a_client_built_without_a_stripe_version_sends_none(
    drive: Drive, mock_api: respx.MockRouter, operation: str
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe", stripe_version=None, stripe_account="acct_9")
    call_operation(driver, "stripe", operation)
    headers = only_request(route).headers
    assert "Stripe-Version" not in headers
    assert headers["Stripe-Account"] == "acct_9"


@pytest.mark.parametrize("operation", STRIPE_OPERATIONS)
def test_stripe_options_of_a_copy_apply_to_it_alone(
    drive: Drive, mock_api: respx.MockRouter, operation: str
) -> None:
    route = mock_operations(mock_api, "stripe")
    original = unit_driver(drive, "stripe", stripe_account="acct_main")
    client: Any = original.client
    pinned = drive.wrap(client.with_options(stripe_account="acct_1", stripe_version="2020-08-27"))
    unpinned = drive.wrap(client.with_options(stripe_version=None, stripe_account=None))
    for driver in (pinned, unpinned, original):
        call_operation(driver, "stripe", operation)
    sent = [
        (r.headers.get("Stripe-Version"), r.headers.get("Stripe-Account")) for r, _ in route.calls
    ]
    assert sent == [
        ("2020-08-27", "acct_1"),
        (None, None),
        (STRIPE_API_VERSION, "acct_main"),
    ]


@pytest.mark.parametrize("operation", STRIPE_OPERATIONS)
def test_per_call_stripe_account_and_version(
    drive: Drive, mock_api: respx.MockRouter, operation: str
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe", stripe_account="acct_main")
    calls: list[dict[str, Any]] = [
        {"stripe_account": "acct_1"},
        {"stripe_version": "2020-08-27"},
        {"stripe_version": None, "stripe_account": None},
        # The caller's own extra_headers win over the named options.
        {"stripe_version": "2020-08-27", "extra_headers": {"stripe-version": "2019-12-03"}},
        {},
    ]
    for options in calls:
        call_operation(driver, "stripe", operation, **options)
    sent = [
        (r.headers.get("Stripe-Version"), r.headers.get("Stripe-Account")) for r, _ in route.calls
    ]
    assert sent == [
        (STRIPE_API_VERSION, "acct_1"),
        ("2020-08-27", "acct_main"),
        (None, None),
        ("2019-12-03", "acct_main"),
        (STRIPE_API_VERSION, "acct_main"),
    ]
    assert all(len(r.headers.get_list("Stripe-Version")) <= 1 for r, _ in route.calls)


@pytest.mark.parametrize("operation", STRIPE_OPERATIONS)
def test_bad_per_call_stripe_options_are_refused_before_sending(
    drive: Drive, mock_api: respx.MockRouter, operation: str
) -> None:
    route = mock_operations(mock_api, "stripe")
    driver = unit_driver(drive, "stripe")
    for options in (
        {"stripe_account": "acct\n1"},
        {"stripe_version": 20200827},
        {"stripe_account": ""},
        {"stripe_version": ""},
    ):
        with pytest.raises(InvalidParameterError) as error:
            call_operation(driver, "stripe", operation, **options)
        assert error.value.param == next(iter(options))
    assert not route.called
