"""Hostile or broken inputs are an ``InvalidParameterError`` before anything is sent: keys a
header cannot carry, base URLs that would send the key elsewhere, header values, ids, texts
UTF-8 cannot encode, Stripe metadata keys with brackets. No message ever quotes the key.

Every test runs against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from conftest import (
    API_KEY,
    BASE_URLS,
    COLLECTIONS,
    DIALECTS,
    Drive,
    Driver,
    Waits,
    page_body,
    unit_driver,
)
from customers_sdk import (
    APIConnectionError,
    Customer,
    CustomersClient,
    FilterGroup,
    InvalidParameterError,
    export_customers,
)
from customers_sdk._cli import main
from customers_sdk._request import MAX_ID_LENGTH

KEY_ENV = {"stripe": "STRIPE_API_KEY", "offset": "CUSTOMERS_API_KEY", "cursor": "CUSTOMERS_API_KEY"}
BAD_KEYS = {
    "trailing newline": API_KEY + "\n",
    "carriage return": API_KEY + "\r\n",
    "NUL": API_KEY[:10] + "\x00" + API_KEY[10:],
    "non-ASCII": API_KEY + "é",
    "inner space": API_KEY[:10] + " " + API_KEY[10:],
    "tab": "\t" + API_KEY,
    "control character": API_KEY + "\x1b",
    "line break inside": API_KEY[:10] + "\nX-Evil: 1\n" + API_KEY[10:],
}
SECRET_PART = API_KEY[10:]  # what must not show, whichever way the key was broken


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("STRIPE_API_KEY", "CUSTOMERS_API_KEY", "CUSTOMERS_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing may be sent, got {request.method} {request.url}")


def _unsent(drive: Drive, dialect: str, **options: Any) -> Driver:
    """A driver whose transport fails the test if a request reaches it."""
    options.setdefault("api_key", API_KEY)
    if dialect != "stripe":
        options.setdefault("base_url", BASE_URLS[dialect])
    http = drive.http_client(transport=httpx.MockTransport(_never_called))
    return drive.dialect(dialect, http_client=http, max_retries=0, **options)


def _write(driver: Driver, operation: str, customer_id: str, **options: Any) -> Customer:
    """``operation`` on ``customer_id`` (``create`` ignores it); writes set a name."""
    if operation == "create":
        return driver.create(name="x", **options)
    if operation == "update":
        return driver.update(customer_id, name="x", **options)
    if operation == "delete":
        return driver.delete(customer_id, **options)
    return driver.get(customer_id, **options)


# -- the API key ------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("key", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_a_key_a_header_cannot_carry_fails_at_construction(
    drive: Drive, dialect: str, key: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _unsent(drive, dialect, api_key=key)
    error = caught.value
    assert error.param == "api_key"
    assert error.message.startswith("api_key has ")
    for text in (str(error), repr(error), *map(str, error.args)):
        assert SECRET_PART not in text
    assert error.__cause__ is None
    assert error.__context__ is None


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_key_from_the_environment_is_checked_and_named(
    drive: Drive, dialect: str, clean_environment: pytest.MonkeyPatch
) -> None:
    clean_environment.setenv(KEY_ENV[dialect], API_KEY + "\n")
    with pytest.raises(InvalidParameterError) as caught:
        _unsent(drive, dialect, api_key=None)
    assert str(caught.value).startswith(f"{KEY_ENV[dialect]} has a line feed at position")
    assert "trailing newline" in str(caught.value)
    assert SECRET_PART not in str(caught.value)


@pytest.mark.parametrize("key", [b"sk_test_bytes", 42])
def test_a_key_that_is_not_a_string_fails_at_construction(drive: Drive, key: Any) -> None:
    with pytest.raises(InvalidParameterError, match="api_key must be a string"):
        _unsent(drive, "stripe", api_key=key)


def test_a_valid_key_with_punctuation_is_sent_as_is(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    key = "tok_A-b.c~d+e/f=="
    route = mock_api.get(f"{COLLECTIONS['cursor']}/c_1").respond(json={"id": "c_1"})
    unit_driver(drive, "cursor", api_key=key).get("c_1")
    assert route.calls.last.request.headers["authorization"] == f"Bearer {key}"


@pytest.mark.parametrize("source", ["flag", "environment"])
def test_the_cli_reports_a_broken_key_in_one_line_without_it(
    source: str, clean_environment: pytest.MonkeyPatch, waits: Waits
) -> None:
    # A loopback port nobody listens on: were the key sent, it would be refused, not leaked.
    argv = ["get", "cus_1", "--base-url", "http://127.0.0.1:9"]
    if source == "flag":
        argv += ["--api-key", API_KEY + "\n"]
    else:
        clean_environment.setenv("STRIPE_API_KEY", API_KEY + "\n")
    out, err = io.StringIO(), io.StringIO()
    assert main(argv, out=out, err=err) == 2  # a usage error: the key given is malformed
    lines = err.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("customers: error: ")
    assert "line feed" in lines[0]
    assert SECRET_PART not in err.getvalue()
    assert not waits.seconds  # nothing was tried, so nothing was retried


# -- base_url -----------------------------------------------------------------------------------
REFUSED_URLS = {
    "credentials as a host": ("https://api.stripe.com@evil.example", "credentials"),
    "user and password": ("https://user:hunter2@api.example.com", "credentials"),
    "backslash before @": ("https://evil.example\\@api.example.com", "credentials"),
    "query": ("https://api.example.com/base?x=1", "query or a fragment"),
    "empty query": ("https://api.example.com/base?", "query or a fragment"),
    "fragment": ("https://api.example.com/#frag", "query or a fragment"),
    "no host": ("https:///v1", "not a usable URL"),
    "bad port": ("https://api.example.com:99999", "not a usable URL"),
    "control character": ("https://api.example.com\n/v1", "not a usable URL"),
    "space in the host": ("https://api example.com", "not a usable URL"),
    "port zero": ("https://api.example.com:0", "not a usable URL"),
    "not a string": (b"https://api.example.com", "must be a string"),
}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("url", "problem"), REFUSED_URLS.values(), ids=REFUSED_URLS.keys())
def test_a_base_url_that_would_misroute_is_refused(
    drive: Drive, dialect: str, url: str, problem: str
) -> None:
    with pytest.raises(InvalidParameterError, match=problem) as caught:
        _unsent(drive, dialect, base_url=url)
    assert caught.value.param == "base_url"
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("dialect", ["offset", "cursor"])
def test_the_base_url_from_the_environment_is_checked_and_named(
    drive: Drive, dialect: str, clean_environment: pytest.MonkeyPatch
) -> None:
    clean_environment.setenv("CUSTOMERS_BASE_URL", "https://api.example.com@evil.example")
    with pytest.raises(InvalidParameterError, match=r"^CUSTOMERS_BASE_URL must not carry"):
        _unsent(drive, dialect, base_url=None)


def test_a_base_url_with_a_path_and_an_at_sign_in_it_is_fine(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.get("https://api.example.com/team@x/v1/customers/c_1").respond(
        json={"id": "c_1"}
    )
    driver = unit_driver(drive, "cursor", base_url="https://api.example.com/team@x/")
    assert driver.get("c_1").id == "c_1"
    assert route.called


# -- headers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "param"),
    [
        ({"stripe_version": "2024-06-20\r\nX-Evil: 1"}, "stripe_version"),
        ({"stripe_version": "versión"}, "stripe_version"),
        ({"stripe_version": 20240620}, "stripe_version"),
        ({"stripe_account": "acct_1\n"}, "stripe_account"),
        ({"stripe_account": " acct_1"}, "stripe_account"),
        ({"default_headers": {"X-Team": "a\x00b"}}, "default_headers"),
        ({"default_headers": {"X-Team": "ü"}}, "default_headers"),
        ({"default_headers": {"X Team": "a"}}, "default_headers"),
        ({"default_headers": {"X-Team:": "a"}}, "default_headers"),
        ({"default_headers": {"X-Team": 1}}, "default_headers"),
        ({"default_headers": [("X-Team", "a")]}, "default_headers"),
    ],
)
def test_header_values_a_request_cannot_carry_fail_at_construction(
    drive: Drive, options: dict[str, Any], param: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _unsent(drive, "stripe", **options)
    assert caught.value.param == param


def test_a_bad_header_value_is_named_by_its_header(drive: Drive) -> None:
    with pytest.raises(InvalidParameterError, match=r"default_headers\['X-Team'\] has a NUL"):
        _unsent(drive, "cursor", default_headers={"X-Team": "a\x00b"})


def test_good_headers_are_sent(drive: Drive, mock_api: respx.MockRouter) -> None:
    route = mock_api.get(f"{COLLECTIONS['stripe']}/cus_1").respond(json={"id": "cus_1"})
    unit_driver(
        drive,
        "stripe",
        stripe_version="2024-06-20",
        stripe_account="acct_1",
        default_headers={"X-Team": "a b\tc"},
    ).get("cus_1")
    headers = route.calls.last.request.headers
    assert (headers["stripe-version"], headers["stripe-account"]) == ("2024-06-20", "acct_1")
    assert headers["x-team"] == "a b\tc"


@pytest.mark.parametrize("key", [7, b"bytes", "clé", "a\r\nb", "", " padded"], ids=repr)
@pytest.mark.parametrize("operation", ["create", "update", "delete"])
def test_an_idempotency_key_a_header_cannot_carry_is_refused(
    drive: Drive, key: Any, operation: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _write(_unsent(drive, "stripe"), operation, "cus_1", idempotency_key=key)
    assert caught.value.param == "idempotency_key"


# -- ids and texts ------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", ["stripe", "cursor"])
@pytest.mark.parametrize(
    "customer_id",
    ["cus_\ud800", "\udfff", "c" * (MAX_ID_LENGTH + 1), "c" * 1_000_000],
    ids=["surrogate", "lone low surrogate", "one too long", "1 MB"],
)
@pytest.mark.parametrize("operation", ["get", "update", "delete"])
def test_ids_that_cannot_be_sent_are_refused(
    drive: Drive, dialect: str, customer_id: str, operation: str
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _write(_unsent(drive, dialect), operation, customer_id)
    assert caught.value.param == "customer_id"


def test_an_id_of_the_longest_length_is_sent(drive: Drive, mock_api: respx.MockRouter) -> None:
    customer_id = "c" * MAX_ID_LENGTH
    route = mock_api.get(f"{COLLECTIONS['cursor']}/{customer_id}").respond(json={"id": customer_id})
    assert unit_driver(drive, "cursor").get(customer_id).id == customer_id
    assert route.called


@pytest.mark.parametrize("dialect", ["stripe", "cursor"])
@pytest.mark.parametrize("cursor", ["starting_after", "ending_before"])
def test_cursors_that_cannot_be_sent_are_refused(drive: Drive, dialect: str, cursor: str) -> None:
    for value in ("cus_\ud800", "c" * (MAX_ID_LENGTH + 1)):
        with pytest.raises(InvalidParameterError) as caught:
            _unsent(drive, dialect).first_page(**{cursor: value})
        assert caught.value.param == cursor


@pytest.mark.parametrize("dialect", ["stripe", "cursor"])
@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"email": "ada\ud83d@example.com"}, "email"),
        ({"name": "Ada \udc00"}, "name"),
        ({"phone": "\ud800"}, "phone"),
        ({"metadata": {"tier\ud800": "gold"}}, "metadata"),
        ({"metadata": {"tier": "gold\udfff"}}, "metadata"),
    ],
)
def test_texts_with_lone_surrogates_are_refused(
    drive: Drive, dialect: str, fields: dict[str, Any], param: str
) -> None:
    driver = _unsent(drive, dialect)
    with pytest.raises(InvalidParameterError, match="lone surrogate") as caught:
        driver.create(**fields)
    assert caught.value.param == param
    with pytest.raises(InvalidParameterError, match="lone surrogate") as caught:
        driver.update("c_1", **fields)
    assert caught.value.param == param


def test_list_email_and_search_query_with_lone_surrogates_are_refused(drive: Drive) -> None:
    driver = _unsent(drive, "stripe")
    with pytest.raises(InvalidParameterError, match="lone surrogate") as caught:
        driver.first_page(email="ada\ud800@example.com")
    assert caught.value.param == "email"
    with pytest.raises(InvalidParameterError, match="lone surrogate") as caught:
        driver.search("email:'\ud800'")
    assert caught.value.param == "query"


def test_a_request_too_long_for_a_url_is_refused_before_sending(drive: Drive) -> None:
    driver = _unsent(drive, "stripe")
    with pytest.raises(InvalidParameterError, match=r"cannot be encoded .*InvalidURL"):
        driver.search("email:'" + "a" * 100_000 + "'")


# -- Stripe metadata keys -----------------------------------------------------------------------
@pytest.mark.parametrize("key", ["a][b", "plan[x]", "[", "]"])
def test_stripe_metadata_keys_with_brackets_are_refused(drive: Drive, key: str) -> None:
    driver = _unsent(drive, "stripe")
    with pytest.raises(InvalidParameterError, match=r"cannot contain '\[' or '\]'") as caught:
        driver.create(metadata={key: "v"})
    assert caught.value.param == "metadata"
    with pytest.raises(InvalidParameterError, match=r"cannot contain '\[' or '\]'"):
        driver.update("cus_1", metadata={"ok": "v", key: "v"})


def test_cursor_metadata_keys_with_brackets_travel_as_json(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    route = mock_api.post(COLLECTIONS["cursor"]).respond(json={"id": "c_1"})
    unit_driver(drive, "cursor").create(metadata={"a][b": "v"})
    assert route.calls.last.request.content == b'{"metadata":{"a][b":"v"}}'


@pytest.mark.parametrize("path", ["/v1/customers?x=1", "/v1/customers#top", "/v1/a b", 7])
def test_a_collection_path_that_would_misroute_is_refused(drive: Drive, path: Any) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _unsent(drive, "cursor", collection_path=path)
    assert caught.value.param == "collection_path"


# -- what the transport refuses is not retried -------------------------------------------------
def test_a_request_httpx_refuses_to_write_is_not_retried(drive: Drive, waits: Waits) -> None:
    calls = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.LocalProtocolError("Illegal header value")

    http = drive.http_client(transport=httpx.MockTransport(refuse))
    driver = drive.stripe(api_key=API_KEY, http_client=http, max_retries=2)
    with pytest.raises(APIConnectionError, match="LocalProtocolError") as caught:
        driver.get("cus_1")
    assert caught.value.retries == 0
    assert len(calls) == 1
    assert not waits.seconds


# -- filters (cursor) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "filters",
    [
        {"field": "created_at", "op": "gt", "value": float("nan")},
        {"field": "created_at", "op": "in", "value": [1, float("inf")]},
        {"field": "email", "op": "eq", "value": object()},
        {"field": "email", "op": "eq", "value": "\ud800"},
    ],
    ids=["NaN", "infinity in a list", "object", "lone surrogate"],
)
def test_filters_json_cannot_carry_are_refused_before_sending(
    drive: Drive, filters: dict[str, Any]
) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        _unsent(drive, "cursor").first_page(filters=filters)
    assert caught.value.param == "filters"


def test_filters_nested_500_deep_are_refused_before_sending(drive: Drive) -> None:
    document: dict[str, Any] = {"field": "email", "op": "eq", "value": "a@b.co"}
    for _ in range(499):
        document = {"and": [document]}
    with pytest.raises(InvalidParameterError, match="deeper than 32 levels"):
        _unsent(drive, "cursor").first_page(filters=document)


# -- numbers a request cannot print ---------------------------------------------------------
@pytest.mark.parametrize("value", [2**63, 10**5000, -(10**5000)], ids=["2**63", "huge", "-huge"])
def test_ints_beyond_64_bits_are_refused(drive: Drive, value: int) -> None:
    with pytest.raises(InvalidParameterError, match="64-bit") as caught:
        _unsent(drive, "offset").first_page(offset=value)
    assert caught.value.param == "offset"
    for created in (value, {"gte": value}):
        with pytest.raises(InvalidParameterError, match="64-bit") as caught:
            _unsent(drive, "stripe").first_page(created=created)
        assert caught.value.param == "created"


@pytest.mark.parametrize("value", [10**5000, -(10**5000)], ids=["huge", "-huge"])
def test_a_huge_int_in_a_refused_value_is_named_not_printed(
    drive: Drive, value: int, tmp_path: Path
) -> None:
    # Each message quoted the value (or a key, or a list holding it): repr() of an int past
    # 4300 digits is a bare ValueError, raised instead of the InvalidParameterError.
    huge = abs(value)
    stripe, cursor = _unsent(drive, "stripe"), _unsent(drive, "cursor")
    bad_op = {"field": "email", "op": value, "value": "a"}
    calls: list[tuple[str, Callable[[], object]]] = [
        ("limit", lambda: stripe.first_page(limit=value)),
        ("limit", lambda: cursor.first_page(limit=value)),
        ("limit", lambda: stripe.search("name:'a'", limit=value)),
        ("page", lambda: stripe.search("name:'a'", page=value)),
        ("metadata", lambda: cursor.create(metadata={"a": value})),
        ("extra_body", lambda: stripe.create(extra_body={value: "v"})),
        ("address", lambda: stripe.create(address={value: "x"})),
        ("expand", lambda: stripe.get("cus_1", expand=[value])),
        ("extra_headers", lambda: stripe.get("cus_1", extra_headers={value: "v"})),
        ("filters", lambda: cursor.first_page(filters=bad_op)),
        ("offset", lambda: _unsent(drive, "offset").first_page(offset=[value])),
        ("collection_path", lambda: _unsent(drive, "cursor", collection_path=[value])),
        ("max_response_bytes", lambda: _unsent(drive, "stripe", max_response_bytes=-huge)),
    ]
    for param, call in calls:
        with pytest.raises(InvalidParameterError) as caught:
            call()
        assert caught.value.param == param, param
    with pytest.raises(InvalidParameterError) as caught:
        export_customers(
            CustomersClient.stripe(api_key=API_KEY),
            tmp_path / "out",
            format=[value],  # type: ignore[arg-type]
        )
    assert caught.value.param == "format"


def test_a_filter_group_built_by_hand_with_raw_documents_is_checked(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    good = FilterGroup("and", ({"field": "email", "op": "eq", "value": "a@b.co"},))  # type: ignore[arg-type]
    route = mock_api.get(COLLECTIONS["cursor"]).respond(
        json=page_body("cursor", [], has_more=False)
    )
    unit_driver(drive, "cursor").first_page(filters=good)
    sent = json.loads(route.calls.last.request.url.params["filters"])
    assert sent == {"and": [{"field": "email", "op": "eq", "value": "a@b.co"}]}
    bad = FilterGroup("and", ({"field": "email"},))  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="got keys"):
        _unsent(drive, "cursor").first_page(filters=bad)
