"""What every dialect shares, tested directly: the default hooks and error-body reading."""

from __future__ import annotations

import httpx
import pytest

from customers_sdk import APIError, NotFoundError, RateLimitError
from customers_sdk._dialects import Dialect, read_error
from customers_sdk._request import ListQuery
from customers_sdk._types import WireFormat


class _Minimal(Dialect):
    name = "minimal"
    operations = frozenset({"list"})
    list_params = frozenset({"limit"})
    max_limit = 5


def test_default_hooks_pass_values_through() -> None:
    dialect = _Minimal()
    assert dialect.wire == WireFormat()
    assert dialect.list_query({"limit": 5}) == ListQuery(limit=5)
    assert dialect.check_list_extras({"limit": 1}) == {"limit": 1}


@pytest.mark.parametrize("build", ["build_list", "read_page", "build_get", "build_search"])
def test_a_dialect_must_provide_its_builders(build: str) -> None:
    with pytest.raises(NotImplementedError):
        getattr(_Minimal(), build)(*([None] * (2 if build == "read_page" else 1)))


def test_a_dialect_must_name_its_customer_model() -> None:
    with pytest.raises(NotImplementedError):
        _Minimal().customer_model()


def test_read_error_uses_request_id_and_status() -> None:
    response = httpx.Response(
        429,
        json={"error": {"type": "rate_limit_error", "message": "slow down"}},
        headers={"x-request-id": "req_x"},
    )
    error = read_error(response)
    assert isinstance(error, RateLimitError)
    assert (error.message, error.type, error.code, error.request_id) == (
        "slow down",
        "rate_limit_error",
        None,
        "req_x",
    )


def test_read_error_without_a_body_falls_back_to_the_reason() -> None:
    error = read_error(httpx.Response(404))
    assert isinstance(error, NotFoundError)
    assert error.message == "Not Found"
    assert error.body == ""
    unknown = read_error(httpx.Response(299 + 300))  # 599: no reason phrase, still a 5xx
    assert unknown.message == "HTTP 599"
    assert isinstance(unknown, APIError)
