"""Pagination: pages, the next page, walking backward, and fetching pages concurrently.

All three dialects against one in-process sandbox (they share its customers).

Run it: ``python examples/pagination.py``
"""

from __future__ import annotations

import httpx

from customers_sdk import CustomersClient
from customers_sdk.sandbox import DEFAULT_API_KEY, Sandbox, SandboxTransport

SANDBOX = "http://sandbox"


def main() -> None:
    sandbox = Sandbox(customers=95)
    with httpx.Client(transport=SandboxTransport(sandbox)) as http:
        stripe = CustomersClient.stripe(api_key=DEFAULT_API_KEY, base_url=SANDBOX, http_client=http)
        offset = CustomersClient.offset(api_key=DEFAULT_API_KEY, base_url=SANDBOX, http_client=http)
        cursor = CustomersClient.cursor(
            api_key=DEFAULT_API_KEY, base_url=f"{SANDBOX}/rest", http_client=http
        )

        # Pages, one request each, fetched as the loop asks for them.
        sizes = [len(page.data) for page in stripe.list(limit=25).iter_pages()]
        print(f"stripe pages of 25: {sizes}")

        # One page at a time, by hand: next_page() is None after the last page.
        first = stripe.list(limit=50)
        second = first.next_page()
        assert second is not None  # 95 customers: a second page of 45
        print(f"next_page: {len(first.data)}, then {len(second.data)}, then {second.next_page()}")

        # Backward: a list started with ending_before walks toward the newest customer,
        # nearest the cursor first.
        newest_first = [c.id for c in stripe.list(limit=100)]
        pivot = newest_first[60]
        backward = [c.id for c in stripe.list(limit=20, ending_before=pivot)]
        nearest_first = backward[0] == newest_first[59]
        print(f"backward from #60: {len(backward)} customers, nearest first: {nearest_first}")

        # Offset dialect: the first page's total says which pages exist, so the rest can be
        # fetched four at a time; items still come out in order.
        page = offset.list(limit=10)
        assert page.pagination is not None  # always set by the offset dialect
        in_order = [c.id for c in offset.list(limit=10)]
        concurrent = [c.id for c in offset.list(limit=10, concurrency=4)]
        print(
            f"offset: total={page.pagination.total}, walked {len(concurrent)} with concurrency=4, "
            f"same order: {concurrent == in_order}"
        )

        # Cursor dialects: concurrency=2 fetches the next page while you work on this one.
        prefetched = [c.id for c in cursor.list(limit=30, concurrency=2)]
        same = prefetched == newest_first
        print(f"cursor: walked {len(prefetched)} with prefetch, same as stripe: {same}")


if __name__ == "__main__":
    main()
