"""A card declined over loopback: the sandbox served on 127.0.0.1 answers a create that attaches
Stripe's ``tok_chargeDeclined`` with a 402 ``card_error``, and the client raises ``CardError``
with every detail, sync and async."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from conftest import Drive, assert_card_declined
from customers_sdk import CardError
from customers_sdk.sandbox import Sandbox, SandboxServer, serve

pytestmark = pytest.mark.integration

KEY = "sk_test_sandbox"
SOURCE = b"&source=tok_chargeDeclined"


def _attaching_the_card(request: httpx.Request) -> httpx.Request:
    # The client's create takes no `source` yet: the test card is added to the form on its way
    # out, the rest of the request (path, headers, idempotency key) as the client built it.
    headers = [(k, v) for k, v in request.headers.multi_items() if k != "content-length"]
    return httpx.Request(
        request.method,
        request.url,
        headers=headers,
        content=request.content + SOURCE,
        extensions=request.extensions,
    )


class _CardTransport(httpx.BaseTransport):
    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(_attaching_the_card(request))

    def close(self) -> None:
        self._inner.close()


class _AsyncCardTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(_attaching_the_card(request))

    async def aclose(self) -> None:
        await self._inner.aclose()


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
    transport = _CardTransport() if drive.mode == "sync" else _AsyncCardTransport()
    client = drive.stripe(
        api_key=KEY, base_url=server.url, http_client=drive.http_client(transport=transport)
    )
    with pytest.raises(CardError) as caught:
        client.create(email="declined@example.test")
    error = caught.value
    assert_card_declined(error)
    assert error.request_id is not None
    assert error.request_id.startswith("req_")
    assert error.headers["request-id"] == error.request_id
    assert error.retries == 0  # a 402 is not retried
    assert sandbox.customer_count == 3  # nothing was stored
