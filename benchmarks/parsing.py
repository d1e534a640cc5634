"""Scenario 6 — model parsing: customers per second read from one list page, no network.

The page is a real 100-customer list response of the sandbox (Stripe's customer object with
all its fields; the offset dialect's camelCase objects too). The SDK's read path is the
dialect's ``read_page`` — ``json.loads``, the dialect's normalisation and
``Customer`` validation — the same code a walk runs per page. ``json.loads`` alone is the floor.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx

from customers_sdk._dialects import Dialect, OffsetDialect, StripeDialect
from customers_sdk._request import ListQuery
from customers_sdk.sandbox import Sandbox

from ._harness import API_KEY, Measure, Section, paired_ratio

__all__ = ["page_body", "run"]

PAGE_SIZE = 100
_DIALECTS: dict[str, tuple[Dialect, str]] = {
    "stripe": (StripeDialect(), "/v1/customers"),
    "offset": (OffsetDialect(), "/api/public/customers"),
}


def page_body(dialect: str, size: int = PAGE_SIZE) -> bytes:
    """The JSON body of the sandbox's first ``size``-customer page of ``dialect``."""
    _, path = _DIALECTS[dialect]
    headers = {"Authorization": f"Bearer {API_KEY}"}
    response = Sandbox(customers=size).handle("GET", path, f"limit={size}", headers, b"")
    return response.body


def run(*, pages: int, runs: int) -> list[Section]:
    """Parse the page ``pages`` times per sample, ``runs`` samples per contender."""
    sections = []
    for name, (dialect, _) in _DIALECTS.items():
        body = page_body(name)
        parsers = _parsers(dialect, body)
        section = Section(
            f"model parsing, {name} dialect: a {PAGE_SIZE}-customer page of {len(body):,} bytes"
        )
        rates: dict[str, list[float]] = {label: [] for label in parsers}
        for round_number in range(runs + 1):
            for label, parse in parsers.items():
                # CPU time: this is pure computation, and CPU time is what other load on the
                # machine inflates least.
                started = time.process_time()
                for _ in range(pages):
                    parse()
                elapsed = time.process_time() - started
                if round_number:  # the first round warms up
                    rates[label].append(pages * PAGE_SIZE / max(elapsed, 1e-9))
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


def _parsers(dialect: Dialect, body: bytes) -> dict[str, Callable[[], object]]:
    response = httpx.Response(200, content=body)
    query = ListQuery(limit=PAGE_SIZE)

    def loads() -> object:
        return json.loads(body)

    def read_page() -> object:
        return dialect.read_page(response, query)

    if len(dialect.read_page(response, query).items) != PAGE_SIZE:
        raise AssertionError(f"the {dialect.name} page did not hold {PAGE_SIZE} customers")
    return {"json.loads": loads, "SDK read_page": read_page}
