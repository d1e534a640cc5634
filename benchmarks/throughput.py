"""Scenario 1 — list throughput: walk every customer, 100 per page, Stripe and offset dialects.

Contenders per dialect: a raw httpx loop (sync and async), the SDK (sync and async), the raw
sync loop building the SDK's models (no target: it separates the cost of typed models from the
SDK's machinery), the async SDK on aiohttp (``DefaultAioHttpClient``; no target), and for the
Stripe dialect stripe-python's ``auto_paging_iter`` (skipped
with a note if stripe is not installed). Targets: the SDK within 1.25x of the raw loop of its
kind; stripe-python at least 3x slower than the sync SDK.
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
    stripe_python_walk,
)
from ._harness import (
    AsyncLoop,
    Check,
    Section,
    Walk,
    paired_ratio,
    sandbox_server,
    time_interleaved,
)

__all__ = ["SDK_VS_RAW", "STRIPE_PYTHON_VS_SDK", "run"]

SDK_VS_RAW = 1.25
STRIPE_PYTHON_VS_SDK = 3.0


def run(*, customers: int, limit: int = 100, runs: int, pin: bool = True) -> list[Section]:
    """One section per dialect; every contender walks the same ``customers`` customers."""
    sections = []
    with sandbox_server(customers, pin=pin) as url:
        for dialect in ("stripe", "offset"):
            sections.append(_dialect_section(dialect, url, customers, limit, runs))
    return sections


def _dialect_section(dialect: str, url: str, customers: int, limit: int, runs: int) -> Section:
    section = Section(f"list throughput, {dialect} dialect: {customers:,} customers, {limit}/page")
    loop = AsyncLoop()
    with ExitStack() as stack:
        walks: dict[str, Walk] = {
            "raw httpx sync": stack.enter_context(
                raw_sync_walk(dialect, url, limit=limit, count=customers)
            ),
            "SDK sync": stack.enter_context(
                sdk_sync_walk(dialect, url, limit=limit, count=customers)
            ),
            "raw httpx + models sync": stack.enter_context(
                raw_models_walk(dialect, url, limit=limit, count=customers)
            ),
            "raw httpx async": stack.enter_context(
                raw_async_walk(dialect, url, loop, limit=limit, count=customers)
            ),
            "SDK async": stack.enter_context(
                sdk_async_walk(dialect, url, loop, limit=limit, count=customers)
            ),
            "SDK async, aiohttp": stack.enter_context(
                sdk_async_walk(
                    dialect, url, loop, limit=limit, count=customers, transport="aiohttp"
                )
            ),
        }
        if dialect == "stripe":
            stripe_walk = stack.enter_context(stripe_python_walk(url, limit=limit, count=customers))
            if stripe_walk is None:
                section.notes.append("stripe-python is not installed: its run was skipped")
            else:
                walks["stripe-python"] = stripe_walk
        measures, results = time_interleaved(walks, runs)
    loop.close()
    _require_same_ids(results, customers)
    section.measures.extend(measures.values())
    for kind in ("sync", "async"):
        ratio = paired_ratio(measures[f"SDK {kind}"], measures[f"raw httpx {kind}"])
        section.checks.append(Check(f"SDK {kind} / raw httpx {kind}", ratio, SDK_VS_RAW))
    if "stripe-python" in measures:
        ratio = paired_ratio(measures["stripe-python"], measures["SDK sync"])
        section.checks.append(
            Check("stripe-python / SDK sync", ratio, STRIPE_PYTHON_VS_SDK, at_most=False)
        )
    with_models = paired_ratio(measures["SDK sync"], measures["raw httpx + models sync"])
    section.notes.append(
        f"SDK sync / raw httpx + the same models: {with_models:.2f}x (no target): what the "
        "SDK adds besides building typed models"
    )
    aiohttp = paired_ratio(measures["SDK async, aiohttp"], measures["raw httpx async"])
    section.notes.append(f"SDK async on aiohttp / raw httpx async: {aiohttp:.2f}x (no target)")
    per_customer = ", ".join(
        f"{name} {statistics.median(measures[name].cpu_samples) / customers * 1e6:.1f} µs"
        for name in ("SDK sync", "raw httpx sync", "SDK async", "SDK async, aiohttp")
    )
    section.notes.append(f"client CPU per customer: {per_customer}")
    return section


def _require_same_ids(results: dict[str, list[str]], expected: int) -> None:
    reference = results["raw httpx sync"]
    if len(reference) != expected:
        raise AssertionError(f"the raw walk saw {len(reference)} customers, not {expected}")
    for name, ids in results.items():
        if ids != reference:
            raise AssertionError(f"{name} walked different customers than the raw loop")
