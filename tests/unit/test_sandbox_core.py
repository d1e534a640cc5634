"""`Sandbox.handle`, the pure core the transport and the server share, called directly."""

from __future__ import annotations

import gc
import logging

import pytest

from customers_sdk.sandbox import Fault, Sandbox, SandboxResponse
from customers_sdk.sandbox._cursor import CURSOR
from customers_sdk.sandbox._seed import SeedCustomers
from customers_sdk.sandbox._store import Store

AUTH = {"authorization": "Bearer sk_test_sandbox"}


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(customers=12)


def test_a_normal_reply(sandbox: Sandbox) -> None:
    response = sandbox.handle("get", "/rest/v1/customers", "limit=3", AUTH, b"")
    assert isinstance(response, SandboxResponse)
    assert response.status == 200
    assert response.fault is None
    assert not response.drops_connection
    assert not response.truncates_body
    headers = dict(response.headers)
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(response.body))
    assert len(response.json()["data"]) == 3


def test_a_reset_never_reaches_the_application(sandbox: Sandbox) -> None:
    sandbox.inject("reset")
    response = sandbox.handle("POST", "/rest/v1/customers", "", AUTH, b"{}")
    assert (response.status, response.headers, response.body) == (0, (), b"")
    assert response.drops_connection
    assert sandbox.customer_count == 12


def test_commit_then_drop_carries_the_committed_reply(sandbox: Sandbox) -> None:
    sandbox.inject(Fault.COMMIT_THEN_DROP)
    response = sandbox.handle("POST", "/rest/v1/customers", "", AUTH, b'{"name": "Kept"}')
    assert response.drops_connection
    assert response.status == 200
    assert response.json()["name"] == "Kept"
    assert sandbox.customer_count == 13


def test_truncation_is_left_to_the_shell(sandbox: Sandbox) -> None:
    sandbox.inject("truncated")
    response = sandbox.handle("GET", "/v1/customers", "", AUTH, b"")
    assert response.truncates_body
    assert response.json()["object"] == "list"  # the core keeps the whole body


def test_short_wrong_keys_are_fully_masked(sandbox: Sandbox) -> None:
    response = sandbox.handle("GET", "/v1/customers", "", {"Authorization": "Bearer abc"}, b"")
    assert response.status == 401
    assert response.json()["error"]["message"] == "Invalid API Key provided: ***"


def test_the_api_key_is_configurable() -> None:
    sandbox = Sandbox(customers=1, api_key="my_own_key")
    assert sandbox.handle("GET", "/v1/customers", "", AUTH, b"").status == 401
    own = {"Authorization": "Bearer my_own_key"}
    assert sandbox.handle("GET", "/v1/customers", "", own, b"").status == 200


def test_form_bodies_may_carry_expand(sandbox: Sandbox) -> None:
    headers = {**AUTH, "content-type": "application/x-www-form-urlencoded"}
    response = sandbox.handle("POST", "/v1/customers", "", headers, b"name=X&expand[]=sources")
    assert response.status == 200
    assert response.json()["name"] == "X"


def test_search_rejects_numbers_for_text_fields(sandbox: Sandbox) -> None:
    response = sandbox.handle("GET", "/v1/customers/search", "query=email%3A123", AUTH, b"")
    assert response.status == 400
    assert "quoted" in response.json()["error"]["message"]


def test_building_everything_leaves_a_paused_collector_paused() -> None:
    store = Store(SeedCustomers(2500, seed=0))
    gc.disable()
    try:
        assert store.get("cus_not_there_at_all") is None
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert len(store) == 2500


def test_input_nested_too_deeply_is_a_400(sandbox: Sandbox) -> None:
    headers = {**AUTH, "content-type": "application/json"}
    response = sandbox.handle("POST", "/rest/v1/customers", "", headers, b"[" * 100_000)
    assert response.status == 400
    assert response.json()["error"]["message"] == "The request is nested too deeply."
    assert sandbox.customer_count == 12


def test_a_sandbox_bug_is_a_logged_500_in_the_dialect_shape(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(context: object) -> None:
        raise KeyError("oops")

    monkeypatch.setitem(CURSOR.collection, "GET", broken)
    response = sandbox.handle("GET", "/rest/v1/customers", "", AUTH, b"")
    assert response.status == 500
    assert response.json()["error"] == {
        "type": "api_error",
        "code": "internal_error",
        "message": "The sandbox failed to answer this request (a bug in the sandbox; see its log).",
    }
    assert dict(response.headers)["Request-Id"].startswith("req_")
    [record] = [r for r in caplog.records if r.name == "customers_sdk.sandbox"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert "GET /rest/v1/customers" in record.getMessage()


def test_error_response_words_errors_per_dialect_and_logs_nothing(sandbox: Sandbox) -> None:
    stripe = sandbox.error_response("/v1/customers", 413, "invalid_request_error", "Big.")
    rest = sandbox.error_response("/api/public/customers", 400, "invalid_request_error", "Bad.")
    assert stripe.json() == {"error": {"type": "invalid_request_error", "message": "Big."}}
    assert rest.json()["error"]["code"] == "invalid_request_error"
    assert (stripe.status, rest.status) == (413, 400)
    assert sandbox.request_log == []
