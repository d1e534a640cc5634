"""The Stripe client's full params over loopback, read back by the SDK and by stripe-python:
the sandbox on 127.0.0.1, sync and async (httpx and aiohttp transports). And an offset client
has no ``get`` as far as Python can tell."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import FULL_CREATE_PARAMS, NETWORK_MODES, Drive, Driver
from customers_sdk import (
    STRIPE_API_VERSION,
    StripeCustomer,
    UnsupportedOperationError,
)
from customers_sdk.sandbox import Sandbox, SandboxServer, serve

stripe = pytest.importorskip("stripe")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize("drive", NETWORK_MODES, indirect=True),
]

KEY = "sk_test_sandbox"
EXPAND = ["tax", "tax_ids"]


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(customers=5, seed=11)


@pytest.fixture(scope="module")
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with serve(sandbox, port=0) as running:
        yield running


@pytest.fixture
def stripe_python(server: SandboxServer) -> Any:
    return stripe.StripeClient(KEY, base_addresses={"api": server.url}, max_network_retries=0)


def connect(drive: Drive, server: SandboxServer) -> Driver:
    return drive.stripe(api_key=KEY, base_url=server.url, max_retries=0)


def stripe_python_dict(stripe_python: Any, customer_id: str, **params: Any) -> dict[str, Any]:
    found = stripe_python.v1.customers.retrieve(customer_id, params=params)
    as_dict: dict[str, Any] = found.to_dict()
    return as_dict


def test_full_create_params_are_read_back_typed_and_as_stripe_python_reads_them(
    drive: Drive, server: SandboxServer, sandbox: Sandbox, stripe_python: Any
) -> None:
    client = connect(drive, server)
    created = client.create(**FULL_CREATE_PARAMS, extra_headers={"X-Trace": "full"})
    assert isinstance(created, StripeCustomer)
    assert sandbox.request_log[-1].headers["stripe-version"] == STRIPE_API_VERSION
    assert sandbox.request_log[-1].headers["x-trace"] == "full"
    fetched = client.get(created.id, expand=EXPAND)
    assert isinstance(fetched, StripeCustomer)
    # Typed all the way down, the values as sent.
    assert fetched.address is not None
    assert (fetched.address.line1, fetched.address.country) == ("3330 Wisconsin Ave", "US")
    assert fetched.shipping is not None
    assert fetched.shipping.address is not None
    assert (fetched.shipping.name, fetched.shipping.address.city) == ("Grace", "Washington")
    settings = fetched.invoice_settings
    assert settings is not None
    assert settings.custom_fields is not None
    assert [(f.name, f.value) for f in settings.custom_fields] == [("PO", "1952"), ("Dept", "R&D")]
    assert settings.rendering_options is not None
    assert settings.rendering_options.amount_tax_display == "exclude_tax"
    assert (fetched.balance, fetched.tax_exempt, fetched.preferred_locales) == (
        2500,
        "exempt",
        ["en-US"],
    )
    assert (fetched.invoice_prefix, fetched.next_invoice_sequence) == ("COBOL", 3)
    assert fetched.metadata == {"tier": "gold", "team": "core"}
    assert fetched.tax is not None
    assert fetched.tax.ip_address == "127.0.0.1"
    assert fetched.created is not None
    assert fetched.livemode is False
    # stripe-python reads the very same customer, key for key.
    theirs = stripe_python_dict(stripe_python, created.id, expand=EXPAND)
    assert fetched.to_dict() == theirs
    assert created.to_dict() == theirs


def test_an_update_that_unsets_is_seen_as_unset_by_both(
    drive: Drive, server: SandboxServer, stripe_python: Any
) -> None:
    client = connect(drive, server)
    created = client.create(**FULL_CREATE_PARAMS)
    updated = client.update(
        created.id,
        address=None,
        shipping="",
        description=None,
        business_name="",
        tax_exempt="",
        preferred_locales="",
        metadata={"tier": None},
        invoice_settings={"custom_fields": "", "rendering_options": None},
    )
    assert isinstance(updated, StripeCustomer)
    assert (updated.address, updated.shipping, updated.description) == (None, None, None)
    assert (updated.business_name, updated.tax_exempt) == (None, "none")
    assert updated.preferred_locales == []
    assert updated.metadata == {"team": "core"}
    assert updated.invoice_settings is not None
    assert updated.invoice_settings.custom_fields is None
    assert updated.invoice_settings.rendering_options is None
    assert updated.invoice_settings.footer == "Semper Paratus"
    theirs = stripe_python_dict(stripe_python, created.id)
    assert (theirs["address"], theirs["shipping"], theirs["description"]) == (None, None, None)
    assert theirs["metadata"] == {"team": "core"}
    assert theirs["invoice_settings"]["custom_fields"] is None
    assert client.get(created.id).to_dict() == theirs
    assert updated.to_dict() == theirs


def test_an_offset_client_refuses_get_with_nothing_sent(
    drive: Drive, server: SandboxServer, sandbox: Sandbox
) -> None:
    offset = drive.offset(api_key=KEY, base_url=server.url, max_retries=0)
    assert offset.first_page(limit=2).data  # the client works over loopback
    sent = len(sandbox.request_log)
    client: Any = offset.client
    with pytest.raises(UnsupportedOperationError) as error:
        client.get("1")
    assert (error.value.operation, error.value.dialect) == ("get", "offset")
    assert len(sandbox.request_log) == sent


def test_an_offset_client_has_no_get(drive: Drive, server: SandboxServer) -> None:
    offset = drive.offset(api_key=KEY, base_url=server.url, max_retries=0)
    assert offset.first_page(limit=2).data
    client: Any = offset.client
    assert not hasattr(client, "get")
    assert getattr(client, "search", None) is None
    assert isinstance(UnsupportedOperationError("get", "offset"), AttributeError)
