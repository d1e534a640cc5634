"""Filters and search: the cursor dialect's typed filters, Stripe's list filters and search.

This one serves the sandbox over HTTP on 127.0.0.1 (a free port) and talks to it like any API,
the way ``customers sandbox --port 8420`` does from a shell.

Run it: ``python examples/filters.py``
"""

from __future__ import annotations

from datetime import datetime, timezone

from customers_sdk import (
    CursorCustomersClient,
    CustomersClient,
    InvalidParameterError,
    StripeCustomersClient,
    where,
)
from customers_sdk.sandbox import DEFAULT_API_KEY, Sandbox, serve


def main() -> None:
    with serve(Sandbox(customers=120), port=0) as server:
        print(f"sandbox served at {server.url}")
        with CustomersClient.cursor(
            api_key=DEFAULT_API_KEY, base_url=server.cursor_base_url
        ) as cursor:
            cursor_filters(cursor)
        with CustomersClient.stripe(api_key=DEFAULT_API_KEY, base_url=server.url) as stripe:
            stripe_filters(stripe)


def cursor_filters(client: CursorCustomersClient) -> None:
    # Conditions combine with & (and) and | (or); metadata.<key> reaches into metadata.
    gold = where("metadata.tier").eq("gold")
    gold_at_acme = gold & where("email").contains("@acme.io")
    matches = list(client.list(limit=50, filters=gold_at_acme))
    print(f"cursor: {len(matches)} gold customers at acme.io")

    either = where("metadata.tier").in_(["gold", "silver"]) | where("name").eq("Ada Lovelace")
    print(f"cursor: {sum(1 for _ in client.list(filters=either))} gold, silver or Ada")

    # A raw dict of the same shape works too; it is checked before anything is sent.
    raw = {"field": "created_at", "op": "gte", "value": 1_700_000_000_000}  # epoch milliseconds
    recent = list(client.list(filters=raw))
    print(f"cursor: {len(recent)} created since 2023-11-14 (raw dict filter)")
    try:
        client.list(filters={"field": "email", "op": "like", "value": "%@acme.io"})
    except InvalidParameterError as exc:
        print(f"cursor: rejected before sending: {exc}")


def stripe_filters(client: StripeCustomersClient) -> None:
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    recent = list(client.list(limit=100, created={"gte": since}))
    print(f"stripe: {len(recent)} created since {since:%Y-%m-%d}")

    someone = recent[0]
    if someone.email:
        exact = client.list(email=someone.email).data
        print(f"stripe: email={someone.email!r} -> {[c.id for c in exact] == [someone.id]}")

    found = list(client.search("metadata['tier']:'gold' AND email~'acme.io'", limit=10))
    print(f"stripe search: {len(found)} gold customers at acme.io")


if __name__ == "__main__":
    main()
