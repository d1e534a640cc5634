"""Response bodies nested too deep to parse: a :class:`ResponseValidationError` with the status
and a short excerpt, never a ``RecursionError``, for error and success statuses, in every
dialect, sync and async.
"""

from __future__ import annotations

import httpx
import pytest
import respx

from conftest import API_KEY, COLLECTIONS, DIALECTS, Drive, page_body, unit_driver, wire_customer
from customers_sdk import ResponseValidationError

DEEP = b"[" * 100_000 + b"]" * 100_000


def deep_inside(dialect: str) -> bytes:
    """A page whose one customer holds a 100,000-deep extra field."""
    head = page_body(dialect, [wire_customer(dialect, 1)], has_more=False)
    text = httpx.Response(200, json=head).text
    return text.replace('"id":', '"deep": ' + DEEP.decode() + ', "id":', 1).encode()


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("status", [400, 404, 500, 200])
def test_a_100000_deep_body_is_a_validation_error(
    drive: Drive, mock_api: respx.MockRouter, dialect: str, status: int
) -> None:
    mock_api.get(COLLECTIONS[dialect]).respond(status, content=DEEP)

    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, dialect).first_page()

    assert caught.value.status_code == status
    assert caught.value.excerpt == "[" * 200
    assert "[" * 201 not in str(caught.value)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_deep_field_inside_a_page_is_a_validation_error(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    mock_api.get(COLLECTIONS[dialect]).respond(200, content=deep_inside(dialect))

    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, dialect).first_page()

    assert caught.value.status_code == 200


@pytest.mark.parametrize("dialect", ["stripe", "cursor"])
def test_a_deep_body_of_a_single_customer_is_a_validation_error(
    drive: Drive, mock_api: respx.MockRouter, dialect: str
) -> None:
    mock_api.get(COLLECTIONS[dialect] + "/c1").respond(503, content=DEEP)
    mock_api.delete(COLLECTIONS[dialect] + "/c1").respond(200, content=DEEP)
    client = unit_driver(drive, dialect)

    for call in (client.get, client.delete):
        with pytest.raises(ResponseValidationError):
            call("c1")


def test_the_excerpt_of_a_deep_error_body_masks_an_echoed_key(
    drive: Drive, mock_api: respx.MockRouter
) -> None:
    body = b'{"error": {"message": "' + API_KEY.encode() + b'", "x": ' + DEEP + b"}}"
    mock_api.get(COLLECTIONS["stripe"]).respond(401, content=body)

    with pytest.raises(ResponseValidationError) as caught:
        unit_driver(drive, "stripe").first_page()

    assert "***" in caught.value.excerpt
    for text in (str(caught.value), repr(caught.value), caught.value.excerpt):
        assert API_KEY not in text
