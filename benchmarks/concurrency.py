"""Scenario 3 — concurrency: the async offset walk with ``concurrency=8`` against ``concurrency=1``.

The server answers every request after a fixed latency (20 ms by default), as a remote API
would; the offset dialect knows every page's offset from the first page's ``total``, so the
SDK can fetch later pages eight at a time. Targets, with the very same customers in the very
same order: at least 4x faster on the SDK's own (stock httpx) client, at least 5x on aiohttp
(``DefaultAioHttpClient``). The sync client's thread-backed equivalent is shown too, and the
client CPU of each transport's concurrent walk.

A second section walks the Stripe dialect, whose pages each need the last one's id: with
``concurrency=8`` the SDK cuts the ``created`` range into slices walked at once (see the
pagination guide's "Concurrent walks"). Target: at least 5x on the async client's stock httpx
transport, the very same customers in the very same order as ``concurrency=1``.
"""

from __future__ import annotations

import statistics
from contextlib import ExitStack

from ._contenders import ASYNC_TRANSPORTS, raw_window_walk, sdk_async_walk, sdk_sync_walk
from ._harness import (
    AsyncLoop,
    Check,
    Measure,
    Section,
    Walk,
    paired_ratio,
    sandbox_server,
    time_interleaved,
)

__all__ = ["SPEEDUP", "STRIPE_SPEEDUP", "run"]

SPEEDUP = {"httpx": 4.0, "aiohttp": 5.0}
"""The least speed-up of ``concurrency=8`` over 1, per async transport."""
STRIPE_SPEEDUP = 5.0
"""The least speed-up of the sliced Stripe walk at ``concurrency=8`` over 1 (async, httpx)."""


def run(
    *,
    customers: int,
    limit: int = 100,
    latency_ms: float = 20.0,
    concurrency: int = 8,
    runs: int,
    pin: bool = True,
    stripe_customers: int | None = None,
) -> list[Section]:
    """Walk ``customers`` offset customers at concurrency 1 and ``concurrency``, then
    ``stripe_customers`` Stripe ones (twice ``customers`` unless given)."""
    section = Section(
        f"concurrency: offset walk of {customers:,} customers, {limit}/page, "
        f"server latency {latency_ms:g} ms"
    )
    raw_label = f"raw httpx async, {concurrency} in flight, no models"
    loop = AsyncLoop()
    with sandbox_server(customers, latency_ms=latency_ms, pin=pin) as url, ExitStack() as stack:
        walks: dict[str, Walk] = {}
        for level in (1, concurrency):
            for transport in ASYNC_TRANSPORTS:
                walk = sdk_async_walk(
                    "offset",
                    url,
                    loop,
                    limit=limit,
                    count=customers,
                    concurrency=level,
                    transport=transport,
                )
                walks[_label(transport, level)] = stack.enter_context(walk)
            sync = sdk_sync_walk("offset", url, limit=limit, count=customers, concurrency=level)
            walks[f"SDK sync concurrency={level}"] = stack.enter_context(sync)
        raw_window = raw_window_walk(
            url, loop, limit=limit, count=customers, concurrency=concurrency
        )
        walks[raw_label] = stack.enter_context(raw_window)
        measures, results = time_interleaved(walks, runs)
    loop.close()
    _check_same(results, results[_label("httpx", 1)], customers)
    section.measures.extend(measures.values())
    for transport in ASYNC_TRANSPORTS:
        serial = measures[_label(transport, 1)]
        parallel = measures[_label(transport, concurrency)]
        name = f"async speed-up on {transport}, concurrency={concurrency} vs 1"
        ratio = paired_ratio(serial, parallel)
        section.checks.append(Check(name, ratio, SPEEDUP[transport], at_most=False))
        cpu = statistics.median(parallel.cpu_samples)
        section.notes.append(
            f"client CPU of the concurrency={concurrency} walk on {transport}: {cpu:.2f} s "
            f"({cpu / customers * 1e6:.1f} µs per customer)"
        )
    serial = measures[_label("httpx", 1)]
    parallel = measures[_label("httpx", concurrency)]
    sync_speedup = paired_ratio(
        measures["SDK sync concurrency=1"], measures[f"SDK sync concurrency={concurrency}"]
    )
    section.notes.append(f"sync (thread-backed) speed-up: {sync_speedup:.2f}x (no target)")
    raw = measures[raw_label]
    section.notes.append(
        f"for reference, raw httpx async by hand with {concurrency} in flight and no models: "
        f"one page every {_per_page_ms(raw, customers, limit)}, "
        f"{paired_ratio(serial, raw):.2f}x over SDK concurrency=1; the SDK at "
        f"concurrency={concurrency} walks at {raw.median / parallel.median:.0%} of its speed"
    )
    section.notes.append("the customers and their order were identical at every concurrency")
    stripe = _stripe_section(
        stripe_customers or 2 * customers, limit, latency_ms, concurrency, runs, pin
    )
    return [section, stripe]


def _stripe_section(
    customers: int, limit: int, latency_ms: float, concurrency: int, runs: int, pin: bool
) -> Section:
    """The Stripe walk, sequential against sliced by ``created``."""
    section = Section(
        f"concurrency: Stripe walk of {customers:,} customers, {limit}/page, "
        f"server latency {latency_ms:g} ms"
    )
    loop = AsyncLoop()
    with sandbox_server(customers, latency_ms=latency_ms, pin=pin) as url, ExitStack() as stack:
        walks: dict[str, Walk] = {}
        for level in (1, concurrency):
            walk = sdk_async_walk(
                "stripe", url, loop, limit=limit, count=customers, concurrency=level
            )
            walks[f"SDK async Stripe concurrency={level}"] = stack.enter_context(walk)
            sync = sdk_sync_walk("stripe", url, limit=limit, count=customers, concurrency=level)
            walks[f"SDK sync Stripe concurrency={level}"] = stack.enter_context(sync)
        measures, results = time_interleaved(walks, runs)
    loop.close()
    _check_same(results, results["SDK async Stripe concurrency=1"], customers)
    section.measures.extend(measures.values())
    ratio = paired_ratio(
        measures["SDK async Stripe concurrency=1"],
        measures[f"SDK async Stripe concurrency={concurrency}"],
    )
    name = f"async sliced Stripe walk, concurrency={concurrency} vs 1"
    section.checks.append(Check(name, ratio, STRIPE_SPEEDUP, at_most=False))
    sync_speedup = paired_ratio(
        measures["SDK sync Stripe concurrency=1"],
        measures[f"SDK sync Stripe concurrency={concurrency}"],
    )
    section.notes.append(f"sync (thread-backed) sliced speed-up: {sync_speedup:.2f}x (no target)")
    section.notes.append("the customers and their order were identical at every concurrency")
    return section


def _check_same(results: dict[str, list[str]], reference: list[str], customers: int) -> None:
    """Every walk saw the very same ``customers`` distinct customers in the very same order."""
    if len(reference) != customers or len(set(reference)) != customers:
        raise AssertionError(f"the walk saw {len(reference)} customers, not {customers} distinct")
    for name, ids in results.items():
        if ids != reference:
            raise AssertionError(f"{name} returned other customers, or another order")


def _label(transport: str, level: int) -> str:
    on = "" if transport == "httpx" else f", {transport}"
    return f"SDK async{on} concurrency={level}"


def _per_page_ms(walk: Measure, customers: int, limit: int) -> str:
    pages = -(-customers // limit)
    return f"~{walk.median / pages * 1000:.1f} ms"
