"""The official stripe-python library against the sandbox's Stripe dialect over loopback.

If stripe-python accepts the sandbox, the sandbox speaks Stripe closely enough to test our
client against.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import FULL_CREATE_PARAMS
from customers_sdk.sandbox import Sandbox, SandboxServer, serve

stripe = pytest.importorskip("stripe")
pytestmark = pytest.mark.integration


@pytest.fixture
def sandbox_instance() -> Sandbox:
    return Sandbox(customers=60)


@pytest.fixture
def sandbox_server(sandbox_instance: Sandbox) -> Iterator[SandboxServer]:
    with serve(sandbox_instance) as server:
        yield server


@pytest.fixture
def stripe_client(sandbox_server: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    # stripe-python backs off at least INITIAL_DELAY seconds between retries; keep tests fast.
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0)
    return stripe.StripeClient(
        "sk_test_sandbox", base_addresses={"api": sandbox_server.url}, max_network_retries=2
    )


def test_auto_paging_walks_every_customer(stripe_client: Any) -> None:
    customers = list(stripe_client.v1.customers.list(params={"limit": 7}).auto_paging_iter())
    assert len(customers) == 60
    assert len({customer.id for customer in customers}) == 60
    created = [customer.created for customer in customers]
    assert created == sorted(created, reverse=True)


def test_create_retrieve_update_delete(stripe_client: Any) -> None:
    customers = stripe_client.v1.customers
    created = customers.create(
        params={"email": "py@example.com", "name": "Py Thon", "metadata": {"tier": "gold"}}
    )
    assert created.metadata.to_dict() == {"tier": "gold"}
    fetched = customers.retrieve(created.id)
    assert fetched.email == "py@example.com"
    updated = customers.update(created.id, params={"name": "", "metadata": {"tier": ""}})
    assert updated.name is None
    assert updated.metadata.to_dict() == {}
    deleted = customers.delete(created.id)
    assert deleted.deleted is True
    assert customers.retrieve(created.id).deleted is True


def test_search_pages_with_next_page(stripe_client: Any) -> None:
    result = stripe_client.v1.customers.search(params={"query": "created>0", "limit": 25})
    assert result.has_more is True
    assert len(list(result.auto_paging_iter())) == 60


def test_errors_map_to_stripe_exceptions(stripe_client: Any, sandbox_server: SandboxServer) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe_client.v1.customers.retrieve("cus_missing")
    assert missing.value.http_status == 404
    assert missing.value.code == "resource_missing"
    assert missing.value.request_id.startswith("req_")
    wrong_key = stripe.StripeClient(
        "sk_test_wrong_key_xyz", base_addresses={"api": sandbox_server.url}
    )
    with pytest.raises(stripe.AuthenticationError) as unauthenticated:
        wrong_key.v1.customers.list()
    assert "sk_test_wrong_key_xyz" not in str(unauthenticated.value)


def test_retries_after_commit_then_drop_create_exactly_one_customer(
    stripe_client: Any, sandbox_instance: Sandbox
) -> None:
    sandbox_instance.inject("commit_then_drop", method="POST")
    count = sandbox_instance.customer_count
    created = stripe_client.v1.customers.create(params={"email": "retry@example.com"})
    assert sandbox_instance.customer_count == count + 1
    found = stripe_client.v1.customers.list(params={"email": "retry@example.com"})
    assert [customer.id for customer in found.data] == [created.id]
    posts = [entry for entry in sandbox_instance.request_log if entry.method == "POST"]
    assert len(posts) == 2
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]


def test_retries_through_server_errors(stripe_client: Any, sandbox_instance: Sandbox) -> None:
    sandbox_instance.inject("server_error", times=2)
    assert len(stripe_client.v1.customers.list(params={"limit": 3}).data) == 3


def without_nulls(value: Any) -> Any:
    """A stripe-python object as plain data, keys holding None left out."""
    if isinstance(value, dict):
        return {key: without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [without_nulls(item) for item in value]
    return value


def test_full_create_params_are_read_back(stripe_client: Any) -> None:
    customers = stripe_client.v1.customers
    created = customers.create(params=FULL_CREATE_PARAMS)
    read = without_nulls(created.to_dict())
    assert {key: read[key] for key in _ECHOED_AS_SENT} == {
        key: FULL_CREATE_PARAMS[key] for key in _ECHOED_AS_SENT
    }
    assert read["address"] == FULL_CREATE_PARAMS["address"]
    assert read["shipping"] == FULL_CREATE_PARAMS["shipping"]
    assert read["invoice_settings"] == FULL_CREATE_PARAMS["invoice_settings"]
    assert read["test_clock"] == "clock_1"
    assert created.tax.ip_address == "127.0.0.1"
    assert (created.tax.location.country, created.tax.location.state) == ("US", "DC")
    assert [(t.type, t.value) for t in created.tax_ids.data] == [("us_ein", "12-3456789")]
    fetched = customers.retrieve(created.id, params={"expand": ["tax", "tax_ids"]})
    assert fetched.to_dict() == created.to_dict()


# The params a customer shows as they were sent (tax and tax_id_data show through `expand`).
_ECHOED_AS_SENT = (
    "email", "name", "description", "business_name", "individual_name", "phone", "balance",
    "preferred_locales", "tax_exempt", "invoice_prefix", "next_invoice_sequence", "metadata",
)  # fmt: skip


def test_update_unsets_with_empty_strings(stripe_client: Any) -> None:
    customers = stripe_client.v1.customers
    created = customers.create(params=FULL_CREATE_PARAMS)
    updated = customers.update(
        created.id,
        params={
            "address": "",
            "shipping": "",
            "description": "",
            "tax_exempt": "",
            "business_name": "",
            "invoice_settings": {"custom_fields": "", "rendering_options": ""},
            "metadata": {"tier": ""},
            "preferred_locales": ["de"],
            "default_source": "card_2",
            "expand": ["cash_balance"],
        },
    )
    assert updated.address is None
    assert updated.shipping is None
    assert updated.description is None
    assert updated.business_name is None
    assert updated.tax_exempt == "none"
    assert updated.invoice_settings.custom_fields is None
    assert updated.invoice_settings.rendering_options is None
    assert updated.invoice_settings.footer == "Semper Paratus"
    assert updated.metadata.to_dict() == {"team": "core"}
    assert updated.preferred_locales == ["de"]
    assert updated.default_source == "card_2"
    assert updated.cash_balance.settings.reconciliation_mode == "manual"
    assert customers.retrieve(created.id).balance == 2500


def test_bad_params_raise_stripe_python_errors(stripe_client: Any) -> None:
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        stripe_client.v1.customers.create(params={"address": {"street": "x"}})
    assert (unknown.value.code, unknown.value.param) == ("parameter_unknown", "address[street]")
    with pytest.raises(stripe.InvalidRequestError) as bad_enum:
        stripe_client.v1.customers.create(params={"tax_exempt": "sometimes"})
    assert bad_enum.value.param == "tax_exempt"
    assert bad_enum.value.http_status == 400


def test_a_declined_card_raises_stripe_pythons_card_error(
    stripe_client: Any, sandbox_instance: Sandbox
) -> None:
    customers = stripe_client.v1.customers
    with pytest.raises(stripe.CardError) as on_create:
        customers.create(params={"email": "no@example.com", "source": "tok_chargeDeclined"})
    existing = customers.create(params={"name": "Kept"})
    with pytest.raises(stripe.CardError) as on_update:
        customers.update(existing.id, params={"source": "tok_chargeDeclined"})
    for caught in (on_create, on_update):
        error = caught.value
        assert error.http_status == 402
        assert (error.code, error.param) == ("card_declined", "")
        assert error.user_message == "Your card was declined."
        assert error.request_id.startswith("req_")
        assert error.error.type == "card_error"
        assert error.error.decline_code == "generic_decline"
        assert error.error.doc_url == "https://stripe.com/docs/error-codes/card-declined"
    assert sandbox_instance.customer_count == 61  # only the one kept


def test_list_and_search_with_expand(stripe_client: Any) -> None:
    customers = stripe_client.v1.customers
    page = customers.list(params={"limit": 20, "expand": ["data.subscriptions"]})
    assert all(customer.subscriptions.object == "list" for customer in page.data)
    subscriptions = [s for customer in page.data for s in customer.subscriptions.data]
    assert subscriptions
    assert {s.object for s in subscriptions} == {"subscription"}
    assert all(s.customer in {c.id for c in page.data} for s in subscriptions)
    result = customers.search(params={"query": "created>0", "limit": 5, "expand": ["total_count"]})
    assert result.total_count == 60
    assert len(result.data) == 5
