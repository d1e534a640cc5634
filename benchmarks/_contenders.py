"""The clients under test, each set up once and handed out as a zero-argument :data:`Walk`.

A "raw" contender is what a careful user would write by hand with httpx: one keep-alive
``httpx.Client`` with the SDK's own timeout, ``raise_for_status()``, ``json.loads``, and the
dialect's paging rule. It builds no models, so it is the floor the SDK is measured against.

The async SDK contenders run on either transport: ``"httpx"`` (the SDK's own stock
``httpx.AsyncClient``) or ``"aiohttp"`` (``DefaultAioHttpClient``, the ``aiohttp`` extra).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

import httpx

from customers_sdk import (
    AsyncCustomersClient,
    AsyncStripeCustomersClient,
    CustomersClient,
    DefaultAioHttpClient,
)
from customers_sdk._dialects import OffsetDialect, StripeDialect
from customers_sdk._request import ListQuery, Query

from ._harness import API_KEY, AsyncLoop, Walk

__all__ = [
    "ASYNC_TRANSPORTS",
    "DIALECT_PATHS",
    "raw_async_gets",
    "raw_async_walk",
    "raw_models_walk",
    "raw_sync_gets",
    "raw_sync_walk",
    "raw_window_walk",
    "sdk_async_gets",
    "sdk_async_walk",
    "sdk_sync_gets",
    "sdk_sync_walk",
    "stripe_python_gets",
    "stripe_python_walk",
]

ASYNC_TRANSPORTS = ("httpx", "aiohttp")
DIALECT_PATHS = {"stripe": "/v1/customers", "offset": "/api/public/customers"}
# The SDK's default timeout, so the raw loops run with the same client settings.
_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
_HEADERS = {"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"}


def _next_params(dialect: str, limit: int, body: Any) -> dict[str, str | int] | None:
    """The raw loops' paging rule: ``None`` when ``body`` was the last page."""
    data = body["data"]
    if dialect == "stripe":
        if not body["has_more"] or not data:
            return None
        return {"limit": limit, "starting_after": data[-1]["id"]}
    pagination = body["pagination"]
    if not pagination["hasMore"] or not data:
        return None
    return {"limit": limit, "offset": pagination["offset"] + len(data)}


@contextmanager
def raw_sync_walk(
    dialect: str, url: str, *, limit: int, count: int, let_go: bool = False
) -> Iterator[Walk]:
    """A hand-written sync loop over ``count`` customers (fewer if the server has fewer).

    With ``let_go`` it drops each page before fetching the next, as the SDK's walk does (a
    loop as most users write it holds the last page while the next one is parsed)."""
    path = DIALECT_PATHS[dialect]
    with httpx.Client(base_url=url, headers=_HEADERS, timeout=_TIMEOUT) as http:

        def walk() -> list[str]:
            ids: list[str] = []
            params: dict[str, str | int] | None = {"limit": limit}
            while params is not None and len(ids) < count:
                response = http.get(path, params=params)
                response.raise_for_status()
                body = json.loads(response.content)
                ids.extend(item["id"] for item in body["data"])
                params = _next_params(dialect, limit, body)
                if let_go:
                    del body
            return ids[:count]

        yield walk


@contextmanager
def raw_models_walk(dialect: str, url: str, *, limit: int, count: int) -> Iterator[Walk]:
    """The raw sync loop driving the SDK's own dialect functions (build the request, read the
    page into ``Customer`` models, compute the next query): what is left between it and the SDK
    is the SDK's machinery (retries, pages, response info)."""
    reader = StripeDialect() if dialect == "stripe" else OffsetDialect()
    with httpx.Client(base_url=url, headers=_HEADERS, timeout=_TIMEOUT) as http:

        def walk() -> list[str]:
            ids: list[str] = []
            query: Query | None = ListQuery(limit=limit)
            while isinstance(query, ListQuery) and len(ids) < count:
                spec = reader.build_list(query)
                response = http.get(spec.path, params=spec.params)
                response.raise_for_status()
                content = reader.read_page(response, query)
                ids.extend(customer.id for customer in content.items)
                query = reader.next_query(query, content)
                # Let this page go before the next is read, as the SDK's walk does.
                del content
            return ids[:count]

        yield walk


@contextmanager
def raw_async_walk(
    dialect: str, url: str, loop: AsyncLoop, *, limit: int, count: int
) -> Iterator[Walk]:
    """The same loop on ``httpx.AsyncClient``."""
    path = DIALECT_PATHS[dialect]
    http = httpx.AsyncClient(base_url=url, headers=_HEADERS, timeout=_TIMEOUT)

    async def walk() -> list[str]:
        ids: list[str] = []
        params: dict[str, str | int] | None = {"limit": limit}
        while params is not None and len(ids) < count:
            response = await http.get(path, params=params)
            response.raise_for_status()
            body = json.loads(response.content)
            ids.extend(item["id"] for item in body["data"])
            params = _next_params(dialect, limit, body)
        return ids[:count]

    try:
        yield lambda: loop.run(walk)
    finally:
        loop.run(http.aclose)


def _sync_client(dialect: str, url: str) -> CustomersClient:
    if dialect == "stripe":
        return CustomersClient.stripe(api_key=API_KEY, base_url=url)
    return CustomersClient.offset(api_key=API_KEY, base_url=url)


@contextmanager
def _async_client(
    dialect: str, url: str, loop: AsyncLoop, transport: str
) -> Iterator[AsyncCustomersClient]:
    """The async SDK on ``transport``, closed (with its aiohttp client, if any) on ``loop``."""
    http = DefaultAioHttpClient() if transport == "aiohttp" else None
    factory = AsyncCustomersClient.stripe if dialect == "stripe" else AsyncCustomersClient.offset
    client = factory(api_key=API_KEY, base_url=url, http_client=http)
    try:
        yield client
    finally:
        loop.run(client.aclose)
        if http is not None:
            loop.run(http.aclose)


@contextmanager
def sdk_sync_walk(
    dialect: str, url: str, *, limit: int, count: int, concurrency: int = 1
) -> Iterator[Walk]:
    """``for c in client.list(limit=...)``, stopping after ``count`` customers."""
    with _sync_client(dialect, url) as client:

        def walk() -> list[str]:
            # Ids collected by a comprehension, as the raw loops collect theirs.
            customers = client.list(limit=limit, concurrency=concurrency)
            return [customer.id for customer in islice(customers, count)]

        yield walk


@contextmanager
def sdk_async_walk(
    dialect: str,
    url: str,
    loop: AsyncLoop,
    *,
    limit: int,
    count: int,
    concurrency: int = 1,
    transport: str = "httpx",
) -> Iterator[Walk]:
    """``async for c in client.list(limit=...)`` over the server's ``count`` customers."""
    with _async_client(dialect, url, loop, transport) as client:

        async def walk() -> list[str]:
            # Ids collected by a comprehension, as the raw loops collect theirs; the server
            # holds ``count`` customers, so the walk ends there.
            walk = client.list(limit=limit, concurrency=concurrency)
            ids = [customer.id async for customer in walk]
            if len(ids) != count:
                raise AssertionError(f"walked {len(ids)} customers, expected {count}")
            return ids

        yield lambda: loop.run(walk)


@contextmanager
def stripe_python_walk(url: str, *, limit: int, count: int) -> Iterator[Walk | None]:
    """stripe-python's ``auto_paging_iter``; yields ``None`` when stripe is not installed."""
    with _stripe_client(url) as client:
        if client is None:
            yield None
            return

        def walk() -> list[str]:
            ids: list[str] = []
            pages = client.v1.customers.list(params={"limit": limit})
            for customer in pages.auto_paging_iter():
                ids.append(customer.id)
                if len(ids) == count:
                    break
            return ids

        yield walk


@contextmanager
def _stripe_client(url: str) -> Iterator[Any]:
    try:
        import stripe
    except ImportError:
        yield None
        return
    # Its default HTTP client (requests, with a keep-alive session), as a user would run it.
    http_client: Any = stripe.new_default_http_client()  # its close() is untyped
    try:
        yield stripe.StripeClient(
            API_KEY, base_addresses={"api": url}, http_client=http_client, max_network_retries=0
        )
    finally:
        http_client.close()


# -- single gets ---------------------------------------------------------------------------------
@contextmanager
def raw_sync_gets(url: str, ids: Sequence[str]) -> Iterator[Walk]:
    """``GET /v1/customers/{id}`` for each id by hand."""
    with httpx.Client(base_url=url, headers=_HEADERS, timeout=_TIMEOUT) as http:

        def gets() -> list[str]:
            seen: list[str] = []
            for customer_id in ids:
                response = http.get(f"/v1/customers/{customer_id}")
                response.raise_for_status()
                seen.append(json.loads(response.content)["id"])
            return seen

        yield gets


@contextmanager
def raw_async_gets(url: str, ids: Sequence[str], loop: AsyncLoop) -> Iterator[Walk]:
    http = httpx.AsyncClient(base_url=url, headers=_HEADERS, timeout=_TIMEOUT)

    async def gets() -> list[str]:
        seen: list[str] = []
        for customer_id in ids:
            response = await http.get(f"/v1/customers/{customer_id}")
            response.raise_for_status()
            seen.append(json.loads(response.content)["id"])
        return seen

    try:
        yield lambda: loop.run(gets)
    finally:
        loop.run(http.aclose)


@contextmanager
def sdk_sync_gets(url: str, ids: Sequence[str]) -> Iterator[Walk]:
    """``client.get(id)`` for each id."""
    with CustomersClient.stripe(api_key=API_KEY, base_url=url) as client:
        yield lambda: [client.get(customer_id).id for customer_id in ids]


@contextmanager
def sdk_async_gets(
    url: str, ids: Sequence[str], loop: AsyncLoop, transport: str = "httpx"
) -> Iterator[Walk]:
    with _async_client("stripe", url, loop, transport) as client:
        assert isinstance(client, AsyncStripeCustomersClient)

        async def gets() -> list[str]:
            return [(await client.get(customer_id)).id for customer_id in ids]

        yield lambda: loop.run(gets)


@contextmanager
def stripe_python_gets(url: str, ids: Sequence[str]) -> Iterator[Walk | None]:
    """stripe-python's ``customers.retrieve(id)``; ``None`` when stripe is not installed."""
    with _stripe_client(url) as client:
        if client is None:
            yield None
            return
        yield lambda: [client.v1.customers.retrieve(customer_id).id for customer_id in ids]


@contextmanager
def raw_window_walk(
    url: str, loop: AsyncLoop, *, limit: int, count: int, concurrency: int
) -> Iterator[Walk]:
    """The offset walk by hand with ``concurrency`` requests always in flight (a new one as soon
    as any finishes, every offset known up front) and no models: what a careful user gets
    from asyncio and httpx without the SDK, for reference."""
    path = DIALECT_PATHS["offset"]
    http = httpx.AsyncClient(base_url=url, headers=_HEADERS, timeout=_TIMEOUT)

    async def fetch(offset: int) -> bytes:
        response = await http.get(path, params={"limit": limit, "offset": offset})
        response.raise_for_status()
        return response.content

    async def walk() -> list[str]:
        first = json.loads(await fetch(0))
        total = min(count, first["pagination"]["total"])
        offsets = iter(range(limit, total, limit))
        pages: dict[int, Any] = {0: first}
        running = {
            asyncio.ensure_future(fetch(offset)): offset for offset in islice(offsets, concurrency)
        }
        while running:
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                # The next request goes out before this page is parsed, as the SDK does.
                if (offset := next(offsets, None)) is not None:
                    running[asyncio.ensure_future(fetch(offset))] = offset
                pages[running.pop(task)] = json.loads(task.result())
        ordered = [pages[offset] for offset in sorted(pages)]
        return [item["id"] for page in ordered for item in page["data"]][:count]

    try:
        yield lambda: loop.run(walk)
    finally:
        loop.run(http.aclose)
