"""The in-process transport under `httpx.AsyncClient`: dialects, faults, latency."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from customers_sdk.sandbox import Sandbox, SandboxTransport

pytestmark = pytest.mark.anyio
AUTH = {"Authorization": "Bearer sk_test_sandbox"}


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(customers=30)


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    transport = SandboxTransport(sandbox)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", headers=AUTH
    ) as client:
        yield client


@pytest.mark.parametrize("path", ["/v1/customers", "/rest/v1/customers", "/api/public/customers"])
async def test_every_dialect_lists(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path, params={"limit": 5})
    assert response.status_code == 200
    assert len(response.json()["data"]) == 5


async def test_writes_share_one_store(http: httpx.AsyncClient) -> None:
    created = (await http.post("/rest/v1/customers", json={"name": "Async Ada"})).json()
    stripe = (await http.get(f"/v1/customers/{created['id']}")).json()
    assert stripe["name"] == "Async Ada"


async def test_dropped_connections_raise(http: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.inject("reset")
    with pytest.raises(httpx.RemoteProtocolError):
        await http.get("/v1/customers")
    sandbox.inject("commit_then_drop", method="POST")
    count = sandbox.customer_count
    with pytest.raises(httpx.RemoteProtocolError):
        await http.post("/v1/customers", data={"name": "kept"})
    assert sandbox.customer_count == count + 1


async def test_truncated_body_fails_while_reading(
    http: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.inject("truncated")
    async with http.stream("GET", "/rest/v1/customers") as response:
        assert response.status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            await response.aread()


async def test_latency_is_awaited_up_to_the_read_timeout(sandbox: Sandbox) -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    sandbox.latency = 0.3
    transport = SandboxTransport(sandbox, async_sleep=fake_sleep)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", headers=AUTH
    ) as client:
        await client.get("/v1/customers")
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/v1/customers", timeout=0.03)
    assert waits == [0.3, 0.03]


async def test_default_async_sleep_really_waits(sandbox: Sandbox) -> None:
    sandbox.latency = 0.001
    transport = SandboxTransport(sandbox)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", headers=AUTH
    ) as client:
        assert (await client.get("/v1/customers")).status_code == 200
