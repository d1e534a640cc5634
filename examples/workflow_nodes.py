"""Workflow-node adapters: ``listCustomers`` and ``getOneCustomer`` as plain-dict functions.

A node gets ``inputs``, ``config`` and ``context`` dicts and returns ``{"output1": ...}`` or
``{"error": {...}}`` — never an exception — and both are JSON-serialisable. The host shares a
client through ``context["client"]``; without one the adapter builds a Stripe client from
``context["stripe_api_key"]`` or ``STRIPE_API_KEY``.

Run it: ``python examples/workflow_nodes.py``
"""

from __future__ import annotations

import asyncio
import json

import httpx

from customers_sdk import AsyncCustomersClient, CustomersClient
from customers_sdk.nodes import aget_one_customer, get_one_customer, list_customers
from customers_sdk.sandbox import DEFAULT_API_KEY, Sandbox, SandboxTransport


def main() -> None:
    sandbox = Sandbox(customers=30)
    with (
        httpx.Client(transport=SandboxTransport(sandbox)) as http,
        CustomersClient.stripe(
            api_key=DEFAULT_API_KEY, base_url="http://sandbox", http_client=http
        ) as client,
    ):
        context = {"client": client}

        # inputs win over config; limit defaults to 10.
        listed = list_customers({"limit": 5}, {"limit": 20}, context)
        ids = [customer["id"] for customer in listed["output1"]]
        print(f"listCustomers: {len(ids)} customers, JSON-ready: {bool(json.dumps(listed))}")

        # One request per run: page on by passing the last id as the next run's starting_after.
        more = list_customers({"limit": 5, "starting_after": ids[-1]}, {}, context)
        print(f"next run: {len(more['output1'])} more, no overlap: {not set(ids) & ids_of(more)}")

        got = get_one_customer({"customerId": ids[0]}, {}, context)
        print(f"getOneCustomer: {got['output1']['id'] == ids[0]}")

        error = get_one_customer({"customerId": "cus_missing"}, {}, context)["error"]
        print(f"error result: {error['type']} {error['status_code']} {error['message']!r}")

        no_id = get_one_customer({}, {}, context)
        print(f"no id: {no_id['error']['message']!r} ({no_id['error']['type']})")

    asyncio.run(async_node(sandbox, ids[0]))


async def async_node(sandbox: Sandbox, customer_id: str) -> None:
    async with (
        httpx.AsyncClient(transport=SandboxTransport(sandbox)) as http,
        AsyncCustomersClient.stripe(
            api_key=DEFAULT_API_KEY, base_url="http://sandbox", http_client=http
        ) as client,
    ):
        result = await aget_one_customer({"customerId": customer_id}, {}, {"client": client})
        print(f"async getOneCustomer: {result['output1']['id'] == customer_id}")


def ids_of(result: dict[str, object]) -> set[str]:
    output = result.get("output1")
    return {c["id"] for c in output} if isinstance(output, list) else set()


if __name__ == "__main__":
    main()
