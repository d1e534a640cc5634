"""Scenario 9 — wide customers: the Stripe list walk when every field of the customer is filled.

The sandbox's default customers leave Stripe's optional fields null; real ones carry an
address, shipping, invoice settings, a discount... Typing all of them (``StripeCustomer``) must
not make a walk of such pages slower than it needs to be, so this walk is the one to watch.
Contenders: the raw httpx loops (sync and async), the SDK (sync and async), the raw sync loop
building the SDK's models, and the raw sync loop letting each page go before the next (these
two without a target). Targets: the SDK within 1.25x of the raw loop of its kind in wall time,
and within 1.5x of its client CPU.

The SDK's walk holds one page at a time: a page the caller is done with is freed before the
next is read, so the next page's objects reuse memory that is still in the CPU's caches. A raw
loop as it is usually written (``body = json.loads(...)`` each time round) holds the last page
while it parses the next; on wide pages that costs it ~15% of its CPU, so the loop that lets go
is measured too and the SDK's ratio to it is given as a note.
"""

from __future__ import annotations

import statistics
from contextlib import ExitStack

from ._contenders import (
    raw_async_walk,
    raw_models_walk,
    raw_sync_walk,
    sdk_async_walk,
    sdk_sync_walk,
)
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
from .throughput import SDK_VS_RAW

__all__ = ["SDK_CPU_VS_RAW", "run"]

SDK_CPU_VS_RAW = 1.5


def run(*, customers: int, limit: int = 100, runs: int, pin: bool = True) -> list[Section]:
    """One section: the Stripe dialect over ``customers`` wide customers."""
    section = Section(f"wide customers, stripe dialect: {customers:,} customers, {limit}/page")
    loop = AsyncLoop()
    with sandbox_server(customers, pin=pin, wide=True) as url, ExitStack() as stack:
        walks: dict[str, Walk] = {
            "raw httpx sync": stack.enter_context(
                raw_sync_walk("stripe", url, limit=limit, count=customers)
            ),
            "SDK sync": stack.enter_context(
                sdk_sync_walk("stripe", url, limit=limit, count=customers)
            ),
            "raw httpx + models sync": stack.enter_context(
                raw_models_walk("stripe", url, limit=limit, count=customers)
            ),
            "raw httpx sync, letting go": stack.enter_context(
                raw_sync_walk("stripe", url, limit=limit, count=customers, let_go=True)
            ),
            "raw httpx async": stack.enter_context(
                raw_async_walk("stripe", url, loop, limit=limit, count=customers)
            ),
            "SDK async": stack.enter_context(
                sdk_async_walk("stripe", url, loop, limit=limit, count=customers)
            ),
        }
        measures, results = time_interleaved(walks, runs)
    loop.close()
    reference = results["raw httpx sync"]
    if len(reference) != customers or any(ids != reference for ids in results.values()):
        raise AssertionError("the contenders did not walk the same customers")
    section.measures.extend(measures.values())
    for kind in ("sync", "async"):
        sdk, raw = measures[f"SDK {kind}"], measures[f"raw httpx {kind}"]
        section.checks.append(
            Check(f"SDK {kind} / raw httpx {kind}", paired_ratio(sdk, raw), SDK_VS_RAW)
        )
        cpu = paired_ratio(_cpu(sdk), _cpu(raw))
        section.checks.append(
            Check(f"SDK {kind} / raw httpx {kind}, client CPU", cpu, SDK_CPU_VS_RAW)
        )
    strict = measures["raw httpx sync, letting go"]
    sdk = measures["SDK sync"]
    section.notes.append(
        f"SDK sync / raw httpx sync letting each page go: {paired_ratio(sdk, strict):.2f}x wall, "
        f"{paired_ratio(_cpu(sdk), _cpu(strict)):.2f}x client CPU (no target)"
    )
    section.notes.append(_per_customer(measures, customers))
    return [section]


def _cpu(measure: Measure) -> Measure:
    return Measure(f"{measure.label}, CPU", measure.cpu_samples)


def _per_customer(measures: dict[str, Measure], customers: int) -> str:
    parts = [
        f"{name} {statistics.median(m.cpu_samples) / customers * 1e6:.1f} µs"
        for name, m in measures.items()
    ]
    return "client CPU per customer: " + ", ".join(parts)
