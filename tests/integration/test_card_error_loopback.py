"""A card declined over loopback: the sandbox served on 127.0.0.1 answers a create that attaches
Stripe's ``tok_chargeDeclined`` with a 402 ``card_error``, and the client raises ``CardError``
with every detail, sync and async."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import Drive, assert_card_declined
from customers_sdk import CardError
from customers_sdk.sandbox import Sandbox, SandboxServer, serve

pytestmark = pytest.mark.integration

KEY = "sk_test_sandbox"


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(customers=3)


@pytest.fixture(scope="module")
def server(sandbox: Sandbox) -> Iterator[SandboxServer]:
    with serve(sandbox, port=0) as running:
        yield running


def test_a_declined_card_raises_card_error_with_its_details(
    drive: Drive, server: SandboxServer, sandbox: Sandbox
) -> None:
    client = drive.stripe(api_key=KEY, base_url=server.url)
    with pytest.raises(CardError) as caught:
        client.create(email="declined@example.test", source="tok_chargeDeclined")
    error = caught.value
    assert_card_declined(error)
    assert error.request_id is not None
    assert error.request_id.startswith("req_")
    assert error.headers["request-id"] == error.request_id
    assert error.retries == 0  # a 402 is not retried
    assert sandbox.customer_count == 3  # nothing was stored
