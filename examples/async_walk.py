"""Async: await the first page, ``async for`` over every customer, run calls concurrently.

``AsyncCustomersClient`` has the same factories as ``CustomersClient``; they return the async
dialect classes (``AsyncStripeCustomersClient``...), with the operations of their sync twins,
awaited. ``list()`` is awaited for the first page or iterated directly with ``async for``.

Run it: ``python examples/async_walk.py``
"""

from __future__ import annotations

import asyncio

import httpx

from customers_sdk import AsyncCustomersClient, Customer, NotFoundError
from customers_sdk.sandbox import DEFAULT_API_KEY, Sandbox, SandboxTransport


async def main() -> None:
    sandbox = Sandbox(customers=64)
    async with (
        httpx.AsyncClient(transport=SandboxTransport(sandbox)) as http,
        AsyncCustomersClient.stripe(
            api_key=DEFAULT_API_KEY, base_url="http://sandbox", http_client=http
        ) as client,
    ):
        page = await client.list(limit=16)  # await: the first page
        print(f"first page: {len(page.data)} customers, has_more={page.has_more}")

        walked = [customer.id async for customer in client.list(limit=16)]  # no await
        print(f"async for walked {len(walked)} customers")

        # Independent calls run concurrently on one client (it is safe to share across tasks).
        found: list[Customer] = await asyncio.gather(*(client.get(id_) for id_ in walked[:8]))
        in_order = [c.id for c in found] == walked[:8]
        print(f"gathered {len(found)} customers concurrently, in order: {in_order}")

        try:
            await client.get("cus_missing")
        except NotFoundError as exc:
            print(f"NotFoundError {exc.status_code} (request id {exc.request_id})")

    async with (
        httpx.AsyncClient(transport=SandboxTransport(sandbox)) as http,
        AsyncCustomersClient.offset(
            api_key=DEFAULT_API_KEY, base_url="http://sandbox", http_client=http
        ) as offset,
    ):
        # Offset pages after the first are fetched four at a time, yielded in order.
        ids = [customer.id async for customer in offset.list(limit=10, concurrency=4)]
        print(f"offset with concurrency=4 walked {len(ids)} customers")


if __name__ == "__main__":
    asyncio.run(main())
