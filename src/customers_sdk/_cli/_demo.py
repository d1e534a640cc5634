"""``customers demo``: a tour of the SDK against an embedded sandbox, with no setup at all."""

from __future__ import annotations

from typing import TextIO

import httpx

from .._client import CustomersClient
from .._errors import CardError, InvalidParameterError, NotFoundError
from .._filters import where

__all__ = ["run_demo"]

_KEY = "sk_test_sandbox"


def run_demo(out: TextIO) -> int:
    """Run the tour, printing as it goes; returns 0."""
    from ..sandbox import Sandbox, SandboxTransport

    sandbox = Sandbox(api_key=_KEY, customers=250)
    http = httpx.Client(transport=SandboxTransport(sandbox))

    def say(text: str = "") -> None:
        out.write(text + "\n")

    say("customers-sdk demo: an embedded sandbox speaking all three dialects, no network.\n")
    stripe = CustomersClient.stripe(api_key=_KEY, base_url="http://sandbox", http_client=http)
    offset = CustomersClient.offset(api_key=_KEY, base_url="http://sandbox", http_client=http)
    cursor = CustomersClient.cursor(api_key=_KEY, base_url="http://sandbox/rest", http_client=http)

    say("1. Stripe dialect: auto-pagination walks every page lazily")
    pages = list(stripe.list(limit=100).iter_pages())
    total = sum(len(page.data) for page in pages)
    say(f"   {total} customers in {len(pages)} pages of up to 100 (newest first)")
    newest = pages[0].data[0]
    say(f"   newest: {newest.id} {newest.email} created {newest.created_at:%Y-%m-%d}")

    say("2. get one customer")
    same = stripe.get(newest.id)
    say(
        f"   {same.id}: name={same.name!r} metadata={same.metadata} "
        f"request_id={same.response_info.request_id if same.response_info else None}"
    )

    say("3. create / update / delete round trip (retries reuse one idempotency key)")
    created = stripe.create(email="ada@example.com", name="Ada Lovelace", metadata={"tier": "gold"})
    say(f"   created {created.id} {created.email} metadata={created.metadata}")
    updated = stripe.update(created.id, name="Ada King", phone=None)
    say(f"   updated name={updated.name!r} phone={updated.phone!r}")
    deleted = stripe.delete(created.id)
    say(f"   deleted={deleted.deleted}")

    say("4. Stripe search")
    found = stripe.search("metadata['tier']:'gold'", limit=10)
    say(f"   first page: {len(found.data)} gold customers, has_more={found.has_more}")

    say("5. offset dialect: subscriptions and plans, pages fetched 4 at a time")
    first = offset.list(limit=50, include_subscriptions=True, concurrency=4)
    walked = list(first)
    active = sum(1 for c in walked if c.has_active_subscription)
    pagination = first.pagination
    say(
        f"   total={pagination.total if pagination else '?'}; walked {len(walked)}; "
        f"{active} with an active or trialing subscription"
    )
    subscribed = next(c for c in walked if c.subscriptions)
    sub = subscribed.subscriptions[0] if subscribed.subscriptions else None
    if sub is not None:
        plan = sub.plan.name if sub.plan else "no plan"
        say(f"   e.g. {subscribed.name}: {sub.status} ({plan})")

    say("6. cursor dialect with a typed filter")
    gold = where("metadata.tier").eq("gold") & where("email").contains("@")
    matches = list(cursor.list(limit=25, filters=gold))
    say(f"   {len(matches)} customers match {gold.to_dict()}")

    say("7. errors you can catch by type")
    try:
        stripe.get("cus_does_not_exist")
    except NotFoundError as exc:
        say(f"   NotFoundError: status={exc.status_code} request_id={exc.request_id}")
    try:
        stripe.list(limit=1000)
    except InvalidParameterError as exc:
        say(f"   InvalidParameterError (nothing sent): {exc}")
    try:  # Stripe's test token for a card that is declined
        stripe.create(email="declined@example.com", source="tok_chargeDeclined")
    except CardError as exc:
        say(f"   CardError: code={exc.code} decline_code={exc.decline_code}")
    say("\nDone. Next: `customers sandbox --port 8420` serves the same sandbox over HTTP.")
    http.close()
    return 0
