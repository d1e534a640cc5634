"""A sliced Stripe walk (``concurrency=8``) over real sockets yields the very customers of
``concurrency=1`` in the very same order, sync and async on both transports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import NETWORK_MODES, Drive
from customers_sdk.sandbox import Sandbox, SandboxServer, serve

pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize("drive", NETWORK_MODES, indirect=True),
]

KEY = "sk_test_sandbox"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with serve(Sandbox(customers=1_500, seed=11), port=0) as running:
        yield running


@pytest.mark.parametrize("created", [None, {"gte": 1_650_000_000, "lt": 1_690_000_000}])
def test_a_sliced_walk_matches_the_sequential_one(
    drive: Drive, server: SandboxServer, created: dict[str, int] | None
) -> None:
    client = drive.stripe(api_key=KEY, base_url=server.url)
    given = {} if created is None else {"created": created}
    sequential = [c.id for c in client.list_all(limit=50, **given)]
    sliced = [c.id for c in client.list_all(limit=50, concurrency=8, **given)]
    assert len(sequential) > 300
    assert sliced == sequential
