"""The official stripe-python library against the sandbox's Stripe dialect over loopback.

If stripe-python accepts the sandbox, the sandbox speaks Stripe closely enough to test our
client against.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

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
