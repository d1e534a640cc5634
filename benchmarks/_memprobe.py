"""The memory scenario's subprocess: walk ``--count`` customers, discarding each, and print
the RSS growth as JSON. A fresh interpreter per measurement, so nothing else is in the heap.

Usage: ``python -m benchmarks._memprobe --url URL --count 200000 [--mode async]``
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import sys
import time
from collections.abc import Sequence

from customers_sdk import AsyncCustomersClient, CustomersClient

__all__ = ["main"]

API_KEY = "sk_test_sandbox"
WARMUP = 1_000
"""Customers walked before the baseline: imports, the connection pool and caches are settled."""


def current_rss_mb() -> float:
    """The resident set size now (Linux ``/proc``; elsewhere psutil, which must be installed)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import psutil  # type: ignore[import-untyped]

        return float(psutil.Process().memory_info().rss) / 2**20


def peak_rss_mb() -> float:
    """The high-water mark of this process's resident set.

    On Linux, ``VmHWM`` of this very address space: ``ru_maxrss`` would do, but it survives
    ``exec`` and so starts at the RSS of the parent that spawned us (the benchmark harness).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


class Tracker:
    """Counts the customers walked; takes the baseline after the warm-up, then samples the RSS
    once a page (the kernel's own high-water mark is only synced every few dozen faults)."""

    def __init__(self) -> None:
        self.walked = 0
        self.baseline = 0.0
        self.peak = 0.0

    def saw_one(self) -> None:
        self.walked += 1
        if self.walked == WARMUP:
            gc.collect()
            self.baseline = self.peak = current_rss_mb()
        elif self.walked > WARMUP and self.walked % 100 == 0:
            self.peak = max(self.peak, current_rss_mb())


def walk_sync(url: str, dialect: str, count: int) -> Tracker:
    factory = CustomersClient.stripe if dialect == "stripe" else CustomersClient.offset
    tracker = Tracker()
    with factory(api_key=API_KEY, base_url=url) as client:
        for _customer in client.list(limit=100):
            tracker.saw_one()
            if tracker.walked == count:
                break
    return tracker


async def walk_async(url: str, dialect: str, count: int, concurrency: int) -> Tracker:
    factory = AsyncCustomersClient.stripe if dialect == "stripe" else AsyncCustomersClient.offset
    tracker = Tracker()
    async with factory(api_key=API_KEY, base_url=url) as client:
        walk = client.list(limit=100, concurrency=concurrency).__aiter__()
        async for _customer in walk:
            tracker.saw_one()
            if tracker.walked == count:
                break
        await walk.aclose()
    return tracker


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--dialect", choices=("stripe", "offset"), default="stripe")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--mode", choices=("sync", "async"), default="sync")
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args(argv)
    if args.count <= WARMUP:
        parser.error(f"--count must be more than the {WARMUP} warm-up customers")
    started = time.perf_counter()
    if args.mode == "sync":
        tracker = walk_sync(args.url, args.dialect, args.count)
    else:
        tracker = asyncio.run(walk_async(args.url, args.dialect, args.count, args.concurrency))
    peak = max(tracker.peak, peak_rss_mb())
    report = {
        "walked": tracker.walked,
        "baseline_mb": tracker.baseline,
        "peak_mb": peak,
        "growth_mb": peak - tracker.baseline,
        "seconds": time.perf_counter() - started,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
