"""Scenario 6 — model parsing: customers per second read from list pages, no network.

The pages are real 100-customer list responses of the sandbox, the consecutive pages of a
walk (Stripe's customer object with all its fields; the offset dialect's camelCase objects
too), each parsed once per sample: parsing one page over and over would let pydantic-core's
string cache hand back every value it built the time before, which no walk sees. The SDK's
read path is the dialect's ``read_page``, the same code a walk runs per page: the body's
bytes validated into ``Customer`` models. ``json.loads`` alone is the floor.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx

from customers_sdk._dialects import Dialect, OffsetDialect, StripeDialect
from customers_sdk._request import ListQuery, Query
from customers_sdk.sandbox import Sandbox

from ._harness import API_KEY, Measure, Section, paired_ratio

__all__ = ["page_bodies", "run"]

PAGE_SIZE = 100
_DIALECTS: dict[str, tuple[Dialect, str]] = {
    "stripe": (StripeDialect(), "/v1/customers"),
    "offset": (OffsetDialect(), "/api/public/customers"),
}


def page_bodies(dialect: str, pages: int, size: int = PAGE_SIZE) -> list[bytes]:
    """The JSON bodies of the sandbox's first ``pages`` pages of ``dialect``, in walk order."""
    sandbox_dialect, path = _DIALECTS[dialect]
    sandbox = Sandbox(customers=pages * size)
    headers = {"Authorization": f"Bearer {API_KEY}"}
    bodies: list[bytes] = []
    query: Query | None = ListQuery(limit=size)
    while isinstance(query, ListQuery) and len(bodies) < pages:
        params = str(httpx.QueryParams(sandbox_dialect.build_list(query).params))
        body = sandbox.handle("GET", path, params, headers, b"").body
        content = sandbox_dialect.read_page(httpx.Response(200, content=body), query)
        bodies.append(body)
        query = sandbox_dialect.next_query(query, content)
    return bodies


def run(*, pages: int, runs: int) -> list[Section]:
    """Parse ``pages`` distinct pages per sample, ``runs`` samples per contender."""
    sections = []
    for name, (dialect, _) in _DIALECTS.items():
        bodies = page_bodies(name, pages)
        parsers = _parsers(dialect, bodies)
        size = sum(map(len, bodies)) // len(bodies)
        section = Section(
            f"model parsing, {name} dialect: {len(bodies)} pages of {PAGE_SIZE} customers, "
            f"{size:,} bytes each on average"
        )
        rates: dict[str, list[float]] = {label: [] for label in parsers}
        for round_number in range(runs + 1):
            for label, parse in parsers.items():
                # CPU time: this is pure computation, and CPU time is what other load on the
                # machine inflates least.
                started = time.process_time()
                parse()
                elapsed = time.process_time() - started
                if round_number:  # the first round warms up
                    rates[label].append(len(bodies) * PAGE_SIZE / max(elapsed, 1e-9))
        measures = {label: Measure(f"{label} (customers)", values, "/s")
                    for label, values in rates.items()}  # fmt: skip
        section.measures.extend(measures.values())
        floor, ours = measures["json.loads"], measures["SDK read_page"]
        section.notes.append(
            f"json.loads alone is {paired_ratio(floor, ours):.2f}x faster than the SDK's read "
            f"path ({1e6 / ours.median:.1f} µs vs {1e6 / floor.median:.1f} µs per customer, "
            "CPU); no target"
        )
        sections.append(section)
    return sections


def _parsers(dialect: Dialect, bodies: list[bytes]) -> dict[str, Callable[[], object]]:
    responses = [httpx.Response(200, content=body) for body in bodies]
    query = ListQuery(limit=PAGE_SIZE)

    def loads() -> object:
        return [json.loads(body) for body in bodies]

    def read_pages() -> object:
        return [dialect.read_page(response, query) for response in responses]

    if any(len(dialect.read_page(r, query).items) != PAGE_SIZE for r in responses):
        raise AssertionError(f"a {dialect.name} page did not hold {PAGE_SIZE} customers")
    return {"json.loads": loads, "SDK read_page": read_pages}
