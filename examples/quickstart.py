"""Quickstart: list, get, create, update and delete customers, with no key and no network.

The client talks to the in-process sandbox through an httpx transport. Against real Stripe the
only change is how the client is built: ``CustomersClient.stripe()`` with ``STRIPE_API_KEY`` set
(or ``api_key="sk_test_..."``), and no ``base_url`` or ``http_client``.

Run it: ``python examples/quickstart.py``
"""

from __future__ import annotations

import httpx

from customers_sdk import CustomersClient
from customers_sdk.sandbox import DEFAULT_API_KEY, Sandbox, SandboxTransport


def main() -> None:
    sandbox = Sandbox(customers=42)
    with (
        httpx.Client(transport=SandboxTransport(sandbox)) as http,
        CustomersClient.stripe(
            api_key=DEFAULT_API_KEY, base_url="http://sandbox", http_client=http
        ) as client,
    ):
        print(f"sandbox holds {sandbox.customer_count} customers")

        page = client.list(limit=10)  # the first page only
        print(f"first page: {len(page.data)} customers, has_more={page.has_more}")

        everyone = list(client.list(limit=10))  # iterating walks every page, lazily
        print(f"walked {len(everyone)} customers, newest first")

        newest = client.get(page.data[0].id)
        request_id = newest.response_info.request_id if newest.response_info else None
        print(f"got {newest.id} created {newest.created_at:%Y-%m-%d} (request id {request_id})")

        ada = client.create(email="ada@example.com", name="Ada Lovelace", metadata={"tier": "gold"})
        ada = client.update(ada.id, name="Ada King", phone=None)  # None clears, omitted keeps
        print(f"created {ada.id}: name={ada.name!r} metadata={ada.metadata}")
        print(f"deleted: {client.delete(ada.id).deleted}")


if __name__ == "__main__":
    main()
