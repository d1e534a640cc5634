"""`Sandbox.handle`, the pure core the transport and the server share, called directly."""

from __future__ import annotations

import gc

import pytest

from customers_sdk.sandbox import Fault, Sandbox, SandboxResponse
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
