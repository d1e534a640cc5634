"""Errors: status codes and each dialect's error body to typed errors, malformed bodies to
``ResponseValidationError``, and the API key kept out of every error's text.

Clients are built with ``max_retries=0`` so a retryable status is raised at once.
Every test runs against the sync and the async client (the ``drive`` fixture).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from conftest import API_KEY, COLLECTIONS, DIALECTS, Drive, page_body, unit_driver, wire_customer
from customers_sdk import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CardError,
    ConflictError,
    CustomersError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    UnprocessableEntityError,
)

STATUSES: list[tuple[int, type[APIError]]] = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (402, CardError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (409, ConflictError),
    (422, UnprocessableEntityError),
    (429, RateLimitError),
    (500, InternalServerError),
    (502, InternalServerError),
    (503, InternalServerError),
    (504, InternalServerError),
    (418, APIError),
    (405, APIError),
]


def _error_body(dialect: str, status: int) -> dict[str, Any]:
    message = f"server says {status}"
    if dialect == "stripe":
        error = {
            "type": "invalid_request_error",
            "code": f"code_{status}",
            "message": message,
            "param": "email",
            "doc_url": "https://stripe.com/docs/error-codes",
        }
        return {"error": error}
    if dialect == "cursor":
        return {"error": {"type": "api_error", "code": f"code_{status}", "message": message}}
    return {"error": "Bad Request", "message": message}


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("status", "error_class"), STATUSES)
def test_every_status_maps_to_its_class_with_all_details(
    drive: Drive,
    mock_api: respx.MockRouter,
    dialect: str,
    status: int,
    error_class: type[APIError],
) -> None:
    body = _error_body(dialect, status)
    route = mock_api.get(COLLECTIONS[dialect]).respond(
        status, json=body, headers={"Request-Id": f"req_{status}"}
    )

    with pytest.raises(APIError) as caught:
        unit_driver(drive, dialect).first_page()

    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, CustomersError)
    assert error.status_code == status
    assert error.message == f"server says {status}"
    assert error.request_id == f"req_{status}"
    assert error.body == body
    assert error.retries == 0
    assert route.call_count == 1  # max_retries=0: no retry, whatever the status
    expected_code = {"stripe": f"code_{status}", "cursor": f"code_{status}", "offset": None}
    assert error.code == expected_code[dialect]
    expected_type = {"stripe": "invalid_request_error", "cursor": "api_error", "offset": None}
    assert error.type == expected_type[dialect]
    assert error.param == ("email" if dialect == "stripe" else None)
    stripe_doc = "https://stripe.com/docs/error-codes"
    assert error.doc_url == (stripe_doc if dialect == "stripe" else None)
    assert error.headers["request-id"] == f"req_{status}"
    text = str(error)
    assert text.startswith(f"{status}: server says {status}")
    assert f"request_id=req_{status}" in text
    assert repr(error).startswith(f"{error_class.__name__}(status_code={status}, ")


@pytest.mark.parametrize(
    ("body", "expected_message", "expected_type"),
    [
        ({"error": {"type": "card_error", "message": "declined"}}, "declined", "card_error"),
        ({"error": {"code": 7, "message": ""}}, "Not Found", None),
        ({"message": "plain message"}, "plain message", None),
        ({"error": "just a string"}, "just a string", None),
        ({"unexpected": True}, "Not Found", None),
        (["not", "an", "object"], "Not Found", None),
    ],
)
def test_odd_error_bodies_still_give_a_message(
    drive: Drive,
    mock_api: respx.MockRouter,
    body: Any,
    expected_message: str,
    expected_type: str | None,
) -> None:
    mock_api.get(f"{COLLECTIONS['cursor']}/c_1").respond(404, json=body)
    with pytest.raises(NotFoundError) as caught:
        unit_driver(drive, "cursor").get("c_1")
    assert caught.value.message == expected_message
    assert caught.value.type == expected_type
    assert caught.value.code is None  # none sent (or not a string): never the type instead
    assert caught.value.request_id is None


def test_non_json_error_body_keeps_an_excerpt(drive: Drive, mock_api: respx.MockRouter) -> None:
    html = "<html><body>502 Bad Gateway from the proxy</body></html>"
    mock_api.get(COLLECTIONS["stripe"]).respond(502, text=html)
    with pytest.raises(InternalServerError) as caught:
        unit_driver(drive, "stripe").first_page()
    assert caught.value.message == "Bad Gateway"
    assert caught.value.body == html


# -- malformed success bodies ---------------------------------------------------------------
def _malformed_lists(dialect: str) -> list[tuple[str, bytes | str]]:
    good = page_body(dialect, [wire_customer(dialect, 1)], has_more=False)

    def variant(**changes: Any) -> str:
        body = dict(good)
        for key, value in changes.items():
            if value is _DROP:
                body.pop(key)
            else:
                body[key] = value
        return json.dumps(body)

    no_id = wire_customer(dialect, 1)
    no_id.pop("id")
    created_key = {"stripe": "created", "offset": "createdAt", "cursor": "created_at"}[dialect]
    bad_created = {created_key: "yesterday"}
    bad_metadata = wire_customer(dialect, 1, metadata=["not", "a", "dict"])
    bad_metadata_value = wire_customer(dialect, 1, metadata={"k": {"nested": 1}})
    cases: list[tuple[str, bytes | str]] = [
        ("html", "<!DOCTYPE html><html><body>Welcome to the proxy</body></html>"),
        ("empty", ""),
        ("truncated", json.dumps(good)[:40]),
        ("array", json.dumps([wire_customer(dialect, 1)])),
        ("null", "null"),
        ("invalid-utf8", b"\xff\xfe{not json"),
        ("missing-data", variant(data=_DROP)),
        ("data-not-list", variant(data={"0": wire_customer(dialect, 1)})),
        ("customer-without-id", variant(data=[no_id])),
        ("customer-not-object", variant(data=["cus_1"])),
        ("metadata-wrong-type", variant(data=[bad_metadata])),
        ("metadata-value-wrong-type", variant(data=[bad_metadata_value])),
        ("created-wrong-type", variant(data=[wire_customer(dialect, 1, **bad_created)])),
    ]
    odd_subscriptions: list[Any] = ["x", ["sub_1"], [{"status": "active"}]]
    if dialect == "stripe":
        odd_subscriptions.append([{"id": "s", "items": {"data": {"first": {}}}}])
    cases += [
        (f"subscriptions-{i}", variant(data=[wire_customer(dialect, 1, subscriptions=subs)]))
        for i, subs in enumerate(odd_subscriptions)
    ]
    if dialect == "offset":
        cases += [
            ("missing-pagination", variant(pagination=_DROP)),
            ("hasMore-wrong-type", variant(pagination={"total": 1, "limit": 1, "offset": 0})),
            ("pagination-not-object", variant(pagination=[1, 2])),
        ]
    else:
        cases += [
            ("missing-has_more", variant(has_more=_DROP)),
            ("has_more-wrong-type", variant(has_more="false")),
        ]
    return cases


_DROP = object()
MALFORMED = [(d, name, body) for d in DIALECTS for name, body in _malformed_lists(d)]


@pytest.mark.parametrize(
    ("dialect", "name", "body"), MALFORMED, ids=[f"{d}-{n}" for d, n, _ in MALFORMED]
)
def test_malformed_list_bodies_are_validation_errors(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, name: str, body: bytes | str
) -> None:
    content = body.encode() if isinstance(body, str) else body
    mock_api.get(COLLECTIONS[dialect]).respond(
        200,
        content=content,
        headers={"Content-Type": "application/json", "Request-Id": "req_bad"},
    )
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, dialect).first_page()
    error = caught.value
    assert error.status_code == 200
    assert error.request_id == "req_bad"
    assert error.excerpt == content[:200].decode("utf-8", "replace")
    assert "status 200" in str(error)
    assert not isinstance(error, (KeyError, ValueError))


@pytest.mark.parametrize(
    "body",
    [b"<html>oops</html>", b'{"id": ', b"[]", b'{"object": "customer"}', b'{"id": 5}'],
    ids=["html", "truncated", "array", "no-id", "id-not-str"],
)
@pytest.mark.parametrize("dialect", ["stripe", "cursor"])
def test_malformed_single_object_bodies_are_validation_errors(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, body: bytes
) -> None:
    mock_api.route().respond(200, content=body)
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, dialect).get("cus_1")
    assert caught.value.status_code == 200
    assert caught.value.excerpt == body.decode()


@pytest.mark.parametrize(
    ("dialect", "changes", "named"),
    [
        ("offset", {"createdAt": "yesterday"}, r"at data\.0\.createdAt: "),
        ("stripe", {"email": ["a", "b"]}, r"at data\.0\.email: "),
        ("cursor", {"id": 7}, r"at data\.0\.id: "),
    ],
)
def test_the_error_names_the_first_wrong_field_by_its_wire_path(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, changes: dict[str, Any], named: str
) -> None:
    body = page_body(dialect, [wire_customer(dialect, 1, **changes)], has_more=False)
    mock_api.get(COLLECTIONS[dialect]).respond(json=body)
    with pytest.raises(ResponseValidationError, match=named):
        unit_driver(drive, dialect).first_page()


def test_long_bodies_are_cut_to_a_short_excerpt(drive: Drive, mock_api: respx.MockRouter) -> None:
    body = "<html>" + "x" * 5000
    mock_api.get(COLLECTIONS["cursor"]).respond(200, text=body)
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, "cursor").first_page()
    assert caught.value.excerpt == body[:200]
    assert len(str(caught.value)) < 400


# -- transport failures -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("failure", "error_class"),
    [
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.ReadError("connection reset"), APIConnectionError),
        (httpx.RemoteProtocolError("peer closed"), APIConnectionError),
        (httpx.ReadTimeout("timed out"), APITimeoutError),
        (httpx.ConnectTimeout("timed out"), APITimeoutError),
    ],
)
def test_transport_failures_are_connection_errors(
    drive: Drive, mock_api: respx.MockRouter, failure: Exception, error_class: type[Exception]
) -> None:
    mock_api.get(COLLECTIONS["stripe"]).mock(side_effect=failure)
    with pytest.raises(APIConnectionError) as caught:
        unit_driver(drive, "stripe").first_page()
    assert type(caught.value) is error_class
    assert caught.value.retries == 0
    assert caught.value.__cause__ is failure


# -- the API key never shows ------------------------------------------------------------------
def test_key_echoed_by_the_server_is_redacted(drive: Drive, mock_api: respx.MockRouter) -> None:
    body = {"error": {"type": "invalid_request_error", "message": f"Invalid API Key: {API_KEY}"}}
    mock_api.get(COLLECTIONS["stripe"]).respond(401, json=body)
    with pytest.raises(AuthenticationError) as caught:
        unit_driver(drive, "stripe").first_page()
    error = caught.value
    for text in (str(error), repr(error), error.message, *map(str, error.args)):
        assert API_KEY not in text
    assert "Invalid API Key" in error.message


def test_key_echoed_in_a_malformed_body_is_redacted(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    mock_api.get(COLLECTIONS["cursor"]).respond(200, text=f"<html>token {API_KEY}</html>")
    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, "cursor").first_page()
    error = caught.value
    for text in (str(error), repr(error), error.excerpt, *map(str, error.args)):
        assert API_KEY not in text


def test_key_in_a_transport_error_is_redacted(drive: Drive, mock_api: respx.MockRouter) -> None:
    mock_api.get(COLLECTIONS["stripe"]).mock(
        side_effect=httpx.ConnectError(f"proxy refused Bearer {API_KEY}")
    )
    with pytest.raises(APIConnectionError) as caught:
        unit_driver(drive, "stripe").first_page()
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)


def test_error_reprs_are_readable() -> None:
    err = NotFoundError("No such customer", status_code=404, request_id="req_1", code="missing")
    assert repr(err) == (
        "NotFoundError(status_code=404, message='No such customer', type=None, code='missing', "
        "param=None, request_id='req_1')"
    )
    assert str(err) == "404: No such customer code=missing request_id=req_1"
    assert repr(APITimeoutError()) == "APITimeoutError('Request timed out.')"
    assert str(APIConnectionError()) == "Connection error."
