"""Scenario 3 — concurrency: the async offset walk with ``concurrency=8`` against ``concurrency=1``.

The server answers every request after a fixed latency (20 ms by default), as a remote API
would; the offset dialect knows every page's offset from the first page's ``total``, so the
SDK can fetch later pages eight at a time. Target: at least 5x faster, with the very same
customers in the very same order. The sync client's thread-backed equivalent is shown too.
"""

from __future__ import annotations

from contextlib import ExitStack

from ._contenders import raw_window_walk, sdk_async_walk, sdk_sync_walk
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

__all__ = ["SPEEDUP", "run"]

SPEEDUP = 5.0


def run(
    *,
    customers: int,
    limit: int = 100,
    latency_ms: float = 20.0,
    concurrency: int = 8,
    runs: int,
    pin: bool = True,
) -> list[Section]:
    """Walk ``customers`` offset customers at concurrency 1 and ``concurrency``."""
    section = Section(
        f"concurrency: offset walk of {customers:,} customers, {limit}/page, "
        f"server latency {latency_ms:g} ms"
    )
    raw_label = f"raw httpx async, {concurrency} in flight, no models"
    loop = AsyncLoop()
    with sandbox_server(customers, latency_ms=latency_ms, pin=pin) as url, ExitStack() as stack:
        walks: dict[str, Walk] = {}
        for kind in ("async", "sync"):
            for level in (1, concurrency):
                if kind == "async":
                    walk = sdk_async_walk(
                        "offset", url, loop, limit=limit, count=customers, concurrency=level
                    )
                else:
                    walk = sdk_sync_walk(
                        "offset", url, limit=limit, count=customers, concurrency=level
                    )
                walks[f"SDK {kind} concurrency={level}"] = stack.enter_context(walk)
        raw_window = raw_window_walk(
            url, loop, limit=limit, count=customers, concurrency=concurrency
        )
        walks[raw_label] = stack.enter_context(raw_window)
        measures, results = time_interleaved(walks, runs)
    loop.close()
    reference = results["SDK async concurrency=1"]
    if len(reference) != customers or len(set(reference)) != customers:
        raise AssertionError(f"the walk saw {len(reference)} customers, not {customers} distinct")
    for name, ids in results.items():
        if ids != reference:
            raise AssertionError(f"{name} returned other customers, or another order")
    section.measures.extend(measures.values())
    serial = measures["SDK async concurrency=1"]
    parallel = measures[f"SDK async concurrency={concurrency}"]
    name = f"async speed-up, concurrency={concurrency} vs 1"
    section.checks.append(Check(name, paired_ratio(serial, parallel), SPEEDUP, at_most=False))
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
    return [section]


def _per_page_ms(walk: Measure, customers: int, limit: int) -> str:
    pages = -(-customers // limit)
    return f"~{walk.median / pages * 1000:.1f} ms"
