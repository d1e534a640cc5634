"""Scenario 2 — per-call overhead: ``get`` the same customers one by one, SDK against raw httpx.

Each call is one small request, so what the SDK adds per call (argument checks, building the
request, the retry machinery, reading the response into a ``Customer``) is what shows.
Target: the SDK within 1.2x of raw httpx, sync and async; the async SDK on aiohttp is shown
too (no target).
"""

from __future__ import annotations

import json
from contextlib import ExitStack

import httpx

from ._contenders import (
    raw_async_gets,
    raw_sync_gets,
    sdk_async_gets,
    sdk_sync_gets,
    stripe_python_gets,
)
from ._harness import (
    API_KEY,
    AsyncLoop,
    Check,
    Section,
    Walk,
    paired_ratio,
    sandbox_server,
    time_interleaved,
)

__all__ = ["SDK_VS_RAW", "run"]

SDK_VS_RAW = 1.2


def run(*, calls: int, runs: int, pin: bool = True) -> list[Section]:
    """``calls`` gets per contender per run (ids cycle over the server's first customers)."""
    section = Section(f"per-call overhead: {calls:,} sequential get calls, stripe dialect")
    customers = min(calls, 1000)
    with sandbox_server(customers, pin=pin) as url:
        ids = _first_ids(url, customers)
        ids = [ids[index % len(ids)] for index in range(calls)]
        loop = AsyncLoop()
        with ExitStack() as stack:
            calls_by_name: dict[str, Walk] = {
                "raw httpx sync": stack.enter_context(raw_sync_gets(url, ids)),
                "SDK sync": stack.enter_context(sdk_sync_gets(url, ids)),
                "raw httpx async": stack.enter_context(raw_async_gets(url, ids, loop)),
                "SDK async": stack.enter_context(sdk_async_gets(url, ids, loop)),
                "SDK async, aiohttp": stack.enter_context(
                    sdk_async_gets(url, ids, loop, transport="aiohttp")
                ),
            }
            stripe_gets = stack.enter_context(stripe_python_gets(url, ids))
            if stripe_gets is None:
                section.notes.append("stripe-python is not installed: its run was skipped")
            else:
                calls_by_name["stripe-python"] = stripe_gets
            measures, results = time_interleaved(calls_by_name, runs)
        loop.close()
    for name, seen in results.items():
        if seen != ids:
            raise AssertionError(f"{name} fetched other customers than it was asked for")
    section.measures.extend(measures.values())
    for kind in ("sync", "async"):
        sdk, raw = measures[f"SDK {kind}"], measures[f"raw httpx {kind}"]
        ratio = paired_ratio(sdk, raw)
        section.checks.append(Check(f"SDK {kind} / raw httpx {kind}", ratio, SDK_VS_RAW))
        extra = (sdk.median - raw.median) / calls * 1e6
        section.notes.append(
            f"SDK {kind} adds {extra:.0f} µs per call "
            f"(raw: {raw.median / calls * 1e6:.0f} µs per call, server time included)"
        )
    aiohttp, raw = measures["SDK async, aiohttp"], measures["raw httpx async"]
    section.notes.append(
        f"SDK async on aiohttp: {aiohttp.median / calls * 1e6:.0f} µs per call, "
        f"{paired_ratio(aiohttp, raw):.2f}x raw httpx async (no target)"
    )
    return [section]


def _first_ids(url: str, count: int) -> list[str]:
    ids: list[str] = []
    params: dict[str, str | int] = {"limit": 100}
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=url, headers=headers) as http:
        while len(ids) < count:
            body = json.loads(http.get("/v1/customers", params=params).content)
            ids.extend(item["id"] for item in body["data"])
            if not body["has_more"]:
                break
            params = {"limit": 100, "starting_after": ids[-1]}
    return ids[:count]
