"""The API key never leaves in an error: not in its text, ``repr``, attributes, ``body``, nor
anywhere in its chain of causes, even when the server echoes the key back.

Client tests run against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from conftest import (
    API_KEY,
    COLLECTIONS,
    Drive,
    Driver,
    Waits,
    error_texts,
    page_body,
    unit_driver,
)
from customers_sdk import (
    APIConnectionError,
    APIError,
    BadRequestError,
    CustomersError,
    InvalidParameterError,
    RedactedCause,
    ResponseValidationError,
)
from customers_sdk._redact import redact_headers, redact_text, scrub


def _fragments(key: str) -> list[str]:
    # A repr cut short (pydantic's input_value) may show part of the key: look for any run of
    # ten of its characters, as written or as a repr escapes them.
    runs = {key[start : start + 10] for start in range(max(1, len(key) - 9))}
    return sorted(runs | {repr(run)[1:-1] for run in runs})


def assert_no_key(error: BaseException, key: str = API_KEY) -> None:
    """Nothing a person or a log could see of ``error`` shows ``key``, or a part of it."""
    for text in error_texts(error):
        for fragment in _fragments(key):
            assert fragment not in text, f"{fragment!r} of the key shows in: {text[:300]}"


# -- errors the server sent ---------------------------------------------------------------------
def test_a_key_echoed_in_code_param_message_and_body_is_masked(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    error_body = {
        "type": "invalid_request_error",
        "code": API_KEY,
        "param": API_KEY,
        "message": f"No such key: '{API_KEY}'",
        "details": [{"seen": API_KEY}, [API_KEY]],
        API_KEY: "as a key too",
    }
    mock_api.get(COLLECTIONS["stripe"]).respond(
        400, json={"error": error_body}, headers={"Request-Id": API_KEY}
    )
    with pytest.raises(BadRequestError) as caught:
        unit_driver(drive, "stripe").first_page()
    error = caught.value
    assert_no_key(error)
    assert API_KEY not in json.dumps(error.body)
    assert (error.code, error.param, error.request_id) == ("***", "***", "***")
    assert error.message == "No such key: '***'"
    assert error.body["error"]["details"] == [{"seen": "***"}, ["***"]]
    assert error.body["error"]["***"] == "as a key too"


def test_a_key_echoed_as_the_request_id_is_masked_in_the_log_and_the_info(
    drive: Drive, mock_api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    mock_api.get(f"{COLLECTIONS['stripe']}/cus_1").respond(
        200, json={"id": "cus_1"}, headers={"Request-Id": f"req_{API_KEY}"}
    )
    with caplog.at_level(logging.DEBUG, logger="customers_sdk"):
        customer = unit_driver(drive, "stripe").get("cus_1")
    assert customer.response_info is not None
    assert customer.response_info.request_id == "req_***"
    assert "request_id=req_***" in caplog.text
    assert API_KEY not in caplog.text


def test_an_error_body_that_is_not_json_is_masked(drive: Drive, mock_api: respx.MockRouter) -> None:
    mock_api.get(COLLECTIONS["cursor"]).respond(502, text=f"<h1>Bad gateway for {API_KEY}</h1>")
    with pytest.raises(APIError) as caught:
        unit_driver(drive, "cursor").first_page()
    assert_no_key(caught.value)
    assert caught.value.body == "<h1>Bad gateway for ***</h1>"


# -- bodies that are not what the dialect promises ------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        {"object": "list", "data": API_KEY, "has_more": False},
        {"object": "list", "data": [{"id": {"token": API_KEY}}], "has_more": False},
        {"object": "list", "data": [], "has_more": API_KEY},
    ],
    ids=["data", "id", "has_more"],
)
def test_a_key_in_an_invalid_page_never_reaches_the_cause_chain(
    drive: Drive, mock_api: respx.MockRouter, body: dict[str, Any]
) -> None:
    mock_api.get(COLLECTIONS["cursor"]).respond(json=body)
    with pytest.raises(ResponseValidationError, match="unexpected response body at") as caught:
        unit_driver(drive, "cursor").first_page()
    assert_no_key(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


def test_a_key_in_an_invalid_customer_never_reaches_the_cause_chain(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    mock_api.get(f"{COLLECTIONS['stripe']}/cus_1").respond(json={"id": [API_KEY]})
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, "stripe").get("cus_1")
    assert_no_key(caught.value)


def test_a_key_in_a_later_page_is_masked(drive: Drive, mock_api: respx.MockRouter) -> None:
    first = page_body("cursor", [{"id": "c_1"}], has_more=True)
    mock_api.get(COLLECTIONS["cursor"]).mock(
        side_effect=[
            httpx.Response(200, json=first),
            httpx.Response(200, json={"data": [{"id": None, "email": API_KEY}]}),
        ]
    )
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, "cursor").list_all()
    assert_no_key(caught.value)


@pytest.mark.parametrize(
    ("dialect", "walk"),
    [("stripe", "list"), ("cursor", "list"), ("stripe", "search")],
    ids=["stripe-list", "cursor-list", "stripe-search"],
)
def test_a_next_page_that_would_carry_the_key_in_its_url_is_not_asked_for(
    drive: Drive,
    mock_api: respx.MockRouter,
    caplog: pytest.LogCaptureFixture,
    dialect: str,
    walk: str,
) -> None:
    # httpx logs every URL it requests (INFO), and proxies and access logs keep them: a server
    # echoing the key as a cursor (the last id) or a search token must not make the walk send it.
    path = COLLECTIONS[dialect]
    body: dict[str, Any] = page_body(dialect, [{"id": "c_1"}, {"id": API_KEY}], has_more=True)
    if walk == "search":
        path = f"{path}/search"
        body = {"object": "search_result", "data": [{"id": "c_1"}], "has_more": True}
        body["next_page"] = API_KEY
    route = mock_api.get(path).respond(json=body)
    driver = unit_driver(drive, dialect)
    walk_all: Callable[[], object] = driver.list_all
    if walk == "search":
        walk_all = functools.partial(driver.search_all, "email~'a'")
    with (
        caplog.at_level(logging.INFO, logger="httpx"),
        pytest.raises(ResponseValidationError, match="API key") as caught,
    ):
        walk_all()
    assert route.call_count == 1
    assert "HTTP Request: GET" in caplog.text
    assert API_KEY not in caplog.text
    assert_no_key(caught.value)


@pytest.mark.parametrize(
    ("dialect", "params"),
    [
        ("stripe", {"starting_after": API_KEY}),
        ("stripe", {"ending_before": API_KEY}),
        ("cursor", {"starting_after": API_KEY}),
        ("stripe", {"query": "email~'a'", "page": API_KEY}),
    ],
    ids=["stripe-after", "stripe-before", "cursor-after", "stripe-search-page"],
)
def test_no_page_is_sent_with_the_key_as_its_cursor(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, params: dict[str, Any]
) -> None:
    # Checked as each page is sent, whoever made its query: the caller here; a walk going on
    # after a slice's last id (which no response's next query says) likewise.
    route = mock_api.route()
    driver = unit_driver(drive, dialect)
    given = dict(params)
    query = given.pop("query", None)
    send = driver.first_page if query is None else functools.partial(driver.search, query)
    with pytest.raises(InvalidParameterError, match="holds the API key") as caught:
        send(**given)
    assert caught.value.param == next(iter(given))
    assert route.call_count == 0
    assert_no_key(caught.value)


def test_the_validation_message_counts_the_other_problems(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    mock_api.get(COLLECTIONS["cursor"]).respond(json={"data": [{"id": 1}, {"id": 2}]})
    with pytest.raises(ResponseValidationError, match=r"at data\.0\.id: .*\(and 2 more problem"):
        unit_driver(drive, "cursor").first_page()


# -- transport failures ---------------------------------------------------------------------------
def _failing(drive: Drive, failure: Exception, **options: Any) -> Driver:
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    http = drive.http_client(transport=httpx.MockTransport(fail))
    options.setdefault("max_retries", 0)
    return drive.stripe(api_key=API_KEY, http_client=http, **options)


def _with_key_in_its_cause(failure: Exception) -> Exception:
    try:
        raise OSError(f"tunnel said: Proxy-Authorization: Bearer {API_KEY}")
    except OSError as inner:
        failure.__cause__ = inner
        failure.__context__ = inner
    return failure


def test_a_key_in_a_transport_error_is_masked_in_the_whole_chain(drive: Drive) -> None:
    failure = _with_key_in_its_cause(httpx.ConnectError(f"proxy refused Bearer {API_KEY}"))
    with pytest.raises(APIConnectionError) as caught:
        _failing(drive, failure).get("cus_1")
    assert_no_key(caught.value)
    cause = caught.value.__cause__
    assert isinstance(cause, RedactedCause)
    assert cause.kind == "httpx.ConnectError"
    assert str(cause) == "httpx.ConnectError: proxy refused Bearer ***"
    assert cause.__traceback__ is not None  # where it happened is kept
    assert isinstance(cause.__cause__, RedactedCause)
    assert cause.__cause__.kind == "builtins.OSError"
    assert caught.value.__context__ is cause


def test_a_key_in_the_last_of_several_attempts_is_masked(drive: Drive, waits: Waits) -> None:
    failure = _with_key_in_its_cause(httpx.ReadError(f"reset while sending Bearer {API_KEY}"))
    with pytest.raises(APIConnectionError) as caught:
        _failing(drive, failure, max_retries=2).get("cus_1")
    assert caught.value.retries == 2
    assert len(waits.seconds) == 2
    assert_no_key(caught.value)


def test_a_transport_error_without_the_key_stays_the_cause(drive: Drive) -> None:
    failure = httpx.ConnectError("connection refused")
    with pytest.raises(APIConnectionError) as caught:
        _failing(drive, failure).get("cus_1")
    assert caught.value.__cause__ is failure


# -- keys that are short, or that a repr escapes ----------------------------------------------
def test_a_short_key_is_masked_as_a_whole_token_only(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    body = {"error": {"type": "invalid_request_error", "message": "keep looking: key=k, k."}}
    mock_api.get(f"{COLLECTIONS['stripe']}/cus_1").respond(401, json=body)
    with pytest.raises(APIError) as caught:
        unit_driver(drive, "stripe", api_key="k").get("cus_1")
    assert caught.value.message == "keep looking: key=***, ***."


def test_a_key_with_quotes_and_a_backslash_is_masked_in_a_quoted_excerpt(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    key = "sk_live_a'b\"c\\d_0123456789"
    mock_api.get(COLLECTIONS["cursor"]).respond(200, text=f"<p>{key}</p>")
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, "cursor", api_key=key).first_page()
    assert_no_key(caught.value, key)
    assert caught.value.excerpt == "<p>***</p>"
    assert "body starts '<p>***</p>'" in str(caught.value)


@pytest.mark.parametrize("quote", ['"', "\\", "'\"\\"])
def test_a_key_json_escaped_in_a_broken_body_is_masked_in_the_quoted_excerpt(
    drive: Drive, mock_api: respx.MockRouter, quote: str
) -> None:
    key = f"sk_live_{quote}0123456789abcdef"
    mock_api.get(COLLECTIONS["cursor"]).respond(200, text=f'{{"data": [{{"id": {json.dumps(key)}')
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, "cursor", api_key=key).first_page()
    assert_no_key(caught.value, key)
    assert caught.value.excerpt == '{"data": [{"id": "***"'


def test_a_key_cut_short_at_the_end_of_an_excerpt_is_masked(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    body = "<html>" + "x" * 184 + API_KEY + "</html>"
    mock_api.get(COLLECTIONS["cursor"]).respond(200, text=body)
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, "cursor").first_page()
    assert caught.value.excerpt.endswith("x***")
    assert API_KEY[:6] not in str(caught.value)


# -- the rules themselves -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key", "masked"),
    [
        ("Invalid API Key: sk_test_123456789", "sk_test_123456789", "Invalid API Key: ***"),
        ("glued:xsk_test_123456789y", "sk_test_123456789", "glued:x***y"),
        ("testing test, a_test test1 test.", "test", "testing ***, a_test test1 ***."),
        ("k-1 and xk-1", "k-1", "*** and xk-1"),
        ("(-k-)x-k-", "-k-", "(***)x***"),
        ("nothing here", "", "nothing here"),
        ("cut short: sk_test_1234", "sk_test_123456789", "cut short: ***"),
        ("cut short: sk_te", "sk_test_123456789", "cut short: sk_te"),
        ("cut short: sk_test_123456789 sk_test", "sk_test_123456789", "cut short: *** ***"),
        ("escaped 'a\\'b' and \"a\\\"b\"", "a'b\"", "escaped 'a\\'b' and \"a\\\"b\""),
        ("repr 'a\\'b\"'", "a'b\"", "repr '***'"),
    ],
)
def test_redact_text(text: str, key: str, masked: str) -> None:
    assert redact_text(text, key) == masked


def test_scrub_survives_a_cycle_a_broken_str_and_a_deep_body() -> None:
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    deep: list[Any] = [API_KEY]
    for _ in range(100_000):
        deep = [deep]
    error = APIError("failed", status_code=500, body={"deep": deep})
    first, second = Unprintable(), ValueError(f"saw {API_KEY}")
    error.__context__ = first
    first.__context__ = second
    second.__context__ = first
    scrub(error, lambda text: redact_text(text, API_KEY))
    assert error.__context__ is first
    assert isinstance(first.__context__, RedactedCause)
    innermost = error.body["deep"]
    while isinstance(innermost, list):
        innermost = innermost[0]
    assert innermost == "***"


def test_scrub_masks_every_attribute_of_an_sdk_error() -> None:
    error = CustomersError(f"a {API_KEY}")
    error.hint = {"k": (API_KEY, [API_KEY]), "n": 1}  # type: ignore[attr-defined]
    if sys.version_info >= (3, 11):
        error.add_note(f"note {API_KEY}")
    scrub(error, lambda text: redact_text(text, API_KEY))
    assert error.message == "a ***"
    assert error.args == ("a ***",)
    assert error.hint == {"k": ("***", ["***"]), "n": 1}  # type: ignore[attr-defined]
    assert getattr(error, "__notes__", ["note ***"]) == ["note ***"]


def test_scrub_reads_notes_and_masks_a_shared_part_of_a_body_once() -> None:
    shared = [API_KEY]
    error = APIError("failed", status_code=500, body={"a": shared, "b": shared})
    cause = ValueError("no key in the text")
    cause.__notes__ = [f"but one in a note: {API_KEY}"]  # type: ignore[attr-defined]
    error.__cause__ = cause
    scrub(error, lambda text: redact_text(text, API_KEY))
    assert error.body == {"a": ["***"], "b": ["***"]}
    assert isinstance(error.__cause__, RedactedCause)
    assert str(error.__cause__) == "builtins.ValueError: no key in the text"


# -- response headers -----------------------------------------------------------------------------
def test_redact_headers_copies_only_headers_that_show_the_key() -> None:
    def redact(text: str) -> str:
        return redact_text(text, API_KEY)

    clean = httpx.Headers({"Server": "nginx", "Request-Id": "req_1"})
    assert redact_headers(clean, redact) is clean  # nothing to mask: no copy
    # Non-ASCII values decode as the headers do (UTF-8 here), before and after masking.
    echoed = httpx.Headers([(b"X-Echo", f"clé {API_KEY}".encode()), (b"X-Other", b"kept")])
    masked = redact_headers(echoed, redact)
    assert masked is not echoed
    assert masked.raw == [(b"X-Echo", "clé ***".encode()), (b"X-Other", b"kept")]
    assert masked["x-echo"] == "clé ***"
    assert echoed["x-echo"] == f"clé {API_KEY}"  # the response's own headers are left alone


def test_scrub_masks_an_errors_headers() -> None:
    error = BadRequestError(
        "Bad.", status_code=400, headers=httpx.Headers({"X-Echo": f"Bearer {API_KEY}"})
    )
    scrub(error, lambda text: redact_text(text, API_KEY))
    assert error.headers["x-echo"] == "Bearer ***"
    assert_no_key(error)
