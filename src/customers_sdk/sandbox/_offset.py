"""Dialect `offset`: a read-only, offset-paginated camelCase customer list."""

from __future__ import annotations

import time
from functools import lru_cache

from ._dialect import REST_ERRORS, Context, Dialect, rest_error_body
from ._http import JSONObject, Reply, bool_param, int_param
from ._seed import has_active_subscription, subscriptions_of
from ._store import CustomerRecord, Subscription

PREFIX = "/api/public/customers"


@lru_cache(maxsize=1 << 17)
def iso_timestamp(epoch_ms: int) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, as the offset API sends it.

    >>> iso_timestamp(1_704_067_200_123)
    '2024-01-01T00:00:00.123Z'
    """
    seconds, milliseconds = divmod(epoch_ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{milliseconds:03d}Z"


def render_subscription(subscription: Subscription) -> JSONObject:
    plan = subscription.plan
    return {
        "id": subscription.id,
        "status": subscription.status,
        "currentPeriodStart": iso_timestamp(subscription.current_period_start * 1000),
        "currentPeriodEnd": iso_timestamp(subscription.current_period_end * 1000),
        "plan": None
        if plan is None
        else {
            "stripePriceId": plan.stripe_price_id,
            "name": plan.name,
            "amount": plan.amount,
            "currency": plan.currency,
            "interval": plan.interval,
        },
    }


def render_customer(record: CustomerRecord, *, include_subscriptions: bool) -> JSONObject:
    """A customer in the offset API's camelCase shape; the stored name splits at its first space."""
    first_name, _, last_name = (record.name or "").partition(" ")
    customer: JSONObject = {
        "id": str(record.number),
        "email": record.email,
        "firstName": first_name or None,
        "lastName": last_name or None,
        "phone": record.phone,
        "stripeCustomerId": record.id,
        "hasActiveSubscription": has_active_subscription(record),
        "createdAt": iso_timestamp(record.created_ms),
        "updatedAt": iso_timestamp(record.updated_ms),
    }
    if include_subscriptions:
        customer["subscriptions"] = [render_subscription(s) for s in subscriptions_of(record)]
    return customer


def list_customers(context: Context) -> Reply:
    params = context.request.params
    limit = int_param(
        params.get("limit"), name="limit", default=50, minimum=1, maximum=100,
        error_code="invalid_limit",
    )  # fmt: skip
    offset = int_param(
        params.get("offset"), name="offset", default=0, minimum=0, maximum=None,
        error_code="invalid_offset",
    )  # fmt: skip
    include_subscriptions = bool_param(
        params.get("include_subscriptions"), name="include_subscriptions", default=False,
        error_code="invalid_include_subscriptions",
    )  # fmt: skip
    total = len(context.store)
    records = context.store.offset_slice(offset, limit)
    return Reply(
        200,
        {
            "data": [
                render_customer(record, include_subscriptions=include_subscriptions)
                for record in records
            ],
            "pagination": {
                "total": total,
                "limit": limit,
                "offset": offset,
                "hasMore": offset + len(records) < total,
            },
        },
    )


OFFSET = Dialect(
    name="offset",
    namespace="/api",
    prefix=PREFIX,
    collection={"GET": list_customers},
    item={},
    named={},
    errors=REST_ERRORS,
    render_error=rest_error_body,
    idempotent_methods=frozenset(),
    allow_basic_auth=False,
)
"""The public customers API under /api/public/customers."""
